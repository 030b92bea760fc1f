"""The ipywidgets player: `CaseExercise`, a thin layer over the engine.

All rules live in `widgets.engine.Playthrough`; this module only shows its state and
turns clicks into engine calls. The saved state is a traitlet (`state`), so a host
(Voila, a notebook) can store and restore it.

    CaseExercise(compiled)                       # a compiled case (dict)
    CaseExercise.for_case(case_id, load)         # by id, with a friendly message if missing

In a notebook, `widgets.CaseExercise.from_id("skolegutt-forteller")` finds the case
(widgets.notebook).
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
import traitlets

from ..problems import CaseNotFound, ProblemsFound
from ..strings import t
from .engine import EngineError, Playthrough

# The exercise's CSS lives in exercise.css (package data).
CSS = "<style>" + (Path(__file__).parent / "exercise.css").read_text(encoding="utf-8") + "</style>"
FOCUS = 'data-kurs-focus tabindex="-1"'  # the Voila template focuses it when it appears


def paragraphs(items: list[str]) -> str:
    """Paragraphs as the compiler split them (format 2), escaped."""
    return "".join(f"<p>{html.escape(p)}</p>" for p in items)


def feedback_html(fb: dict, focus: bool = False) -> str:
    """The feedback panel: verdict as icon + words (never colour alone), why, references.
    `focus`: keyboard focus moves to the panel when it appears (after a choice)."""
    refs = "".join(
        f'<li><a href="{html.escape(r["url"])}" target="_blank" rel="noopener">{html.escape(r["label"])}</a>'
        f' – {html.escape(r["title"])}</li>' if r.get("url") else
        f'<li>{html.escape(r["label"])} – {html.escape(r["title"])}</li>'
        for r in fb["refs"])
    best = "" if fb["is_best"] else (
        f'<p><strong>{t("best_was")}:</strong> {html.escape(" / ".join(fb["best"]))}</p>')
    return (f'<div class="kurs-feedback kurs-verdict-{fb["verdict"]}" role="status" aria-live="polite"'
            f'{" " + FOCUS if focus else ""}>'
            f'<p><strong><span aria-hidden="true">{fb["icon"]}</span> {html.escape(fb["verdict_name"])}</strong>'
            f' – {t("your_answer").lower()}: {html.escape(fb["label"])}</p>'
            f'{paragraphs(fb["paragraphs"])}{best}'
            + (f'<p>{t("references")}:</p><ul>{refs}</ul>' if refs else "") + "</div>")


def option_button(option: dict, choose, **layout) -> w.Button:
    """One option of a decision as a real button; its full text is the accessible name."""
    label = option["label"] + (f' – {option["description"]}' if option["description"] else "")
    button = w.Button(description=label, tooltip=label, layout=w.Layout(height="auto", **layout))
    button.add_class("kurs-option")
    button.on_click(lambda _b: choose(option["id"]))
    return button


class CaseExercise(w.VBox):
    """One case as an exercise: scene, options, feedback, steps, summary, reflection."""

    case_id = traitlets.Unicode(read_only=True)
    state = traitlets.Dict()

    def __init__(self, compiled: dict, state: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("kurs-ex")
        self.play = Playthrough(compiled)
        self.set_trait("case_id", compiled["id"])
        if state:
            try:
                self.play = Playthrough(compiled, state)
            except EngineError:
                pass  # a stale saved state: start from the beginning
        self.render()

    @classmethod
    def for_case(cls, case_id: str, load, state: dict | None = None) -> w.Widget:
        """The exercise for a case id, its compiled case from `load(case_id)`; a friendly
        message if it cannot be shown (and, for a broken case, what the author does)."""
        try:
            return cls(load(case_id), state=state)
        except CaseNotFound:
            return w.HTML(f'<p role="alert">{html.escape(t("case_missing", id=case_id))}</p>')
        except ProblemsFound:
            return w.HTML(f'<div role="alert"><p>{html.escape(t("case_broken", id=case_id))}</p>'
                          f'<p><small>{html.escape(t("case_broken_author", id=case_id))}</small></p></div>')

    # -- events --------------------------------------------------------------------------
    def _choose(self, option_id: str) -> None:
        self.play.choose(option_id)
        self.render(focus="feedback")

    def _proceed(self, _=None) -> None:
        self.play.proceed()
        self.render(focus="scene")

    def _restart(self, _=None) -> None:
        self.play.restart()
        self.render(focus="scene")

    def _reflect(self, change) -> None:
        self.play.reflect(change["new"])
        self.state = self.play.state()

    # -- view ----------------------------------------------------------------------------
    def render(self, focus: str | None = None) -> None:
        """Show the current state. `focus` ("scene" or "feedback"): where keyboard focus
        goes next, as in the static player (none when the exercise first appears)."""
        p, case = self.play, self.play.case
        scene = p.scene
        parts: list[w.Widget] = [w.HTML(CSS)]
        head = f'<h2>{html.escape(case["title"])}</h2>' if p.step == 1 else ""
        mark = f" {FOCUS}" if focus == "scene" else ""
        parts.append(w.HTML(
            f'{head}<p class="kurs-step"{"" if scene["title"] else mark}>{t("step", k=p.step, n=p.total_steps)}</p>'
            + (f'<h3 class="kurs-scene-title"{mark}>{html.escape(scene["title"])}</h3>' if scene["title"] else "")
            + paragraphs(scene["paragraphs"])))
        decision = p.decision
        if decision and decision["kind"] != "reflection":
            parts.append(w.HTML(f'<p><strong>{html.escape(decision["prompt"])}</strong></p>'))
            if p.needs_choice:
                parts += [option_button(option, self._choose) for option in decision["options"]]
            else:
                parts.append(w.HTML(feedback_html(p.feedback(), focus=focus == "feedback")))
        if p.finished:
            parts.append(self._summary())
        if decision and decision["kind"] == "reflection":
            parts.append(w.HTML(f'<h3>{t("reflection")}</h3><p>{html.escape(decision["prompt"])}</p>'))
            area = w.Textarea(value=p.reflections.get(p.scene_id, ""), placeholder=t("reflection_placeholder"),
                              description=t("reflection_label"),
                              style={"description_width": "initial"})
            area.observe(self._reflect, names="value")
            parts.append(area)
        buttons = []
        if p.can_proceed:
            go = w.Button(description=t("continue"), button_style="primary")
            go.on_click(self._proceed)
            buttons.append(go)
        if p.step > 1 or p.answered:
            again = w.Button(description=t("restart"))
            again.on_click(self._restart)
            buttons.append(again)
        if buttons:
            parts.append(w.HBox(buttons))
        self.children = parts
        self.state = p.state()

    def _summary(self) -> w.HTML:
        s = self.play.summary()
        rows = "".join(
            f'<li>{html.escape(x["name"])}: {t("points", points=x["points"], max=x["max"])}</li>'
            for x in s["scores"])
        answers = "".join(
            f'<li>{html.escape(a["prompt"])} <br><span aria-hidden="true">{a["icon"]}</span> '
            f'{html.escape(a["label"])} ({html.escape(a["verdict_name"])})</li>' for a in s["answers"])
        return w.HTML(f'<h3>{t("summary")}</h3><ul>{rows}</ul><h4>{t("your_answers")}</h4><ol>{answers}</ol>')
