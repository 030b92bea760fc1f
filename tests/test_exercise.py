"""The ipywidgets player, driven the way a learner clicks."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
from helpers import make_project

from widgets import CaseExercise

DATA = Path(__file__).parent / "data"


def texts(ex) -> str:
    out = []
    for child in ex.children:
        for c in getattr(child, "children", [child]):
            out.append(getattr(c, "value", "") if isinstance(c, w.HTML) else getattr(c, "description", ""))
    return "\n".join(out)


def buttons(ex) -> dict:
    found = {}
    for child in ex.children:
        for c in getattr(child, "children", [child]):
            if isinstance(c, w.Button):
                found[c.description] = c
    return found


def click(ex, starts: str) -> None:
    matches = [b for d, b in buttons(ex).items() if d.startswith(starts)]
    assert len(matches) == 1, (starts, list(buttons(ex)))
    matches[0].click()


def test_play_through_with_feedback_steps_and_summary(compiled):
    ex = CaseExercise(compiled)
    assert "Steg 1 av 4" in texts(ex) and "Testsak med to veier" in texts(ex)
    assert "Fortsett" not in buttons(ex)  # a choice is needed first
    click(ex, "Trinn 1 – universell")
    shown = texts(ex)
    assert "Ikke anbefalt" in shown and "✘" in shown and "Anbefalt svar:</strong> Trinn 2 – selektiv" in shown
    assert "Trinn 2 – selektiv" not in buttons(ex)  # options are gone after the choice
    click(ex, "Fortsett")
    click(ex, "Melder")
    assert 'href="https://lovdata.no/lov/2021-06-18-97/§13-2"' in texts(ex)
    click(ex, "Fortsett")
    assert "Steg 3 av 5" in texts(ex) and "Du meldte." in texts(ex)
    click(ex, "Fortsett")
    click(ex, "Nivå 1")
    click(ex, "Fortsett")
    shown = texts(ex)
    assert "Oppsummering" in shown and "Trinn (Liermodellen): 0 av 2 poeng" in shown
    assert "Handling: 0 av 2 poeng" in shown and "Nivå (BTI): 2 av 2 poeng" in shown
    area = next(c for c in ex.children if isinstance(c, w.Textarea))
    assert area.description == "Dine tanker"
    area.value = "Jeg burde snakket med mor først."
    assert ex.state["reflections"] == {"slutt": "Jeg burde snakket med mor først."}


def test_restart_and_resume_from_state(compiled):
    ex = CaseExercise(compiled)
    click(ex, "Trinn 2")
    click(ex, "Fortsett")
    saved = dict(ex.state)
    again = CaseExercise(compiled, state=saved)
    assert again.play.scene_id == "handling" and "Andre scene." in texts(again)
    click(again, "Start på nytt")
    assert again.play.scene_id == "start" and again.state["choices"] == []


def test_stale_state_starts_over_quietly(compiled):
    ex = CaseExercise(compiled, state={"case": "forgreining", "path": ["start", "borte"], "choices": []})
    assert ex.play.scene_id == "start"


def test_user_text_is_escaped(compiled):
    compiled["scenes"]["start"]["paragraphs"] = ["<script>alert(1)</script>"]
    ex = CaseExercise(compiled)
    assert "<script>alert" not in texts(ex) and "&lt;script&gt;" in texts(ex)


def test_unknown_or_broken_case_shows_a_friendly_message(tmp_path):
    project = make_project(tmp_path)
    missing = CaseExercise.from_id("finnes-ikke", project / "cases")
    assert isinstance(missing, w.HTML) and "Fant ikke øvelsen «finnes-ikke»" in missing.value
    (project / "cases" / "odelagt.yml").write_text("id: [", encoding="utf-8")
    broken = CaseExercise.from_id("odelagt", project / "cases")
    assert "kan ikke vises" in broken.value
    # An author reads notebooks too: the message says what to run.
    assert "kurs check cases/odelagt.yml" in broken.value
