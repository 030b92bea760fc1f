"""The workshop apps for Voila: the trainer's dashboard and the participant's player.

Thin ipywidgets layers over `widgets.workshop` (rules and data) and
`widgets.workshop_store` (the database). The notebooks in widgets/apps/ are one line:

    from widgets.workshop_apps import participant_app   # deltaker.ipynb
    participant_app()

Live updates: each page polls the store from an asyncio task in the kernel's running
loop (the trainer every 0.5 s, a participant every second) and sets widget traits.

Coming back (after a reload or a server restart): when someone joins, the page URL gets
the participant's random id (`?kode=KMT47&deltaker=...`, via `history.replaceState`), and
the trainer's page gets the session's key (`?kode=KMT47&nokkel=...`). Opening the same
address again continues where they were. Only hashes of these ids are stored.

Kernels stay lean: no pydantic, YAML or matplotlib (the PNG export imports matplotlib
when the trainer asks for it).
"""

from __future__ import annotations

import asyncio
import base64
import functools
import html
import json
import os
from urllib.parse import parse_qs, urlencode

import ipywidgets as w

from .engine import EngineError
from .exercise import _CSS, _paragraphs, feedback_html, option_button
from .strings import t
from .workshop import (
    TRAINER_NOTEBOOK,
    Participation,
    Session,
    advance,
    branches,
    charts_png,
    close,
    create_session,
    dashboard,
    find_session,
    join_url,
    load_case,
    recommended_option,
    reload,
    results_csv,
    reveal,
)
from .workshop_store import (
    NICKNAME_MAX,
    REFLECTION_MAX,
    Store,
    new_secret,
    normalize_code,
)

PARTICIPANT_POLL = 1.0
TRAINER_POLL = 0.5

_WS_CSS = """<style>
.kurs-ws { max-width: 60rem; }
.kurs-ws .kurs-ws-code { font-size: 3.5rem; font-weight: 700; letter-spacing: .3rem; margin: .25rem 0;
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.kurs-ws .kurs-ws-join { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: center; }
.kurs-ws .kurs-ws-join img { width: 15rem; height: 15rem; image-rendering: pixelated; }
.kurs-ws .kurs-ws-url { font-size: 1.1rem; word-break: break-all; }
.kurs-ws .kurs-ws-count-big { font-size: 1.4rem; font-weight: 600; }
.kurs-ws .kurs-ws-decision { border: 1px solid #bbb; border-radius: 4px; padding: .25rem 1rem .75rem;
  margin: .5rem 0; background: #fff; }
.kurs-ws .kurs-ws-current { border: 2px solid #0b5394; }
.kurs-ws ul.kurs-ws-bars { list-style: none; padding: 0; margin: 0; }
.kurs-ws ul.kurs-ws-bars li { margin: .4rem 0; }
.kurs-ws .kurs-ws-track { display: block; background: #e4e4e4; height: 1.4rem; border-radius: 3px; }
.kurs-ws .kurs-ws-fill { display: block; background: #4a6fa5; height: 1.4rem; border-radius: 3px;
  min-width: 2px; transition: width .4s; }
.kurs-ws .kurs-ws-best .kurs-ws-fill { background: #1a7f37; }
.kurs-ws .kurs-ws-notes li { margin: .3rem 0; white-space: pre-wrap; }
.kurs-ws .kurs-ws-banner { background: #fff4ce; border-left: 4px solid #9a6700; padding: .5rem .75rem; }
.kurs-ws .kurs-ws-muted { color: #444; }
.kurs-ws a { color: #0b5394; text-decoration: underline; }
</style>"""


# -- helpers ----------------------------------------------------------------------------------------
def query_string() -> str:
    """The page's query string, also in a preheated kernel (which waits for its visitor)."""
    from .voila_query import query_string as voila_query  # not voila.utils: 44 MB per kernel

    return voila_query()


def _param(query: str, name: str) -> str:
    values = parse_qs(query or "").get(name)
    return values[0].strip() if values else ""


def _alert(text: str, link: tuple[str, str] | None = None) -> str:
    more = f'<p><a href="{html.escape(link[0])}">{html.escape(link[1])}</a></p>' if link else ""
    return f'<div role="alert"><p>{html.escape(text)}</p>{more}</div>'


def _esc(text) -> str:
    return html.escape("" if text is None else str(text))


def _button(label: str, style: str = "", **kw) -> w.Button:
    return w.Button(description=label, tooltip=label, button_style=style,
                    layout=w.Layout(width="auto", height="auto", min_height="2.75rem", margin="0 .5rem .5rem 0"),
                    **kw)


def set_page_url(out: w.Output, params: dict) -> None:
    """Put `params` in the address bar without loading the page again, so that a reload
    (for instance after a server restart) comes back to the same session and person."""
    from IPython.display import Javascript, display

    query = "?" + urlencode(params)
    out.clear_output()
    with out:
        display(Javascript(f"history.replaceState(null, '', location.pathname + {json.dumps(query)});"))


def guarded(method):
    """A click handler that never fails silently or with a traceback: if the database
    is away, the page says so in plain words (in `self.notice`)."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        try:
            result = method(self, *args, **kwargs)
        except Exception:
            self.notice.value = f'<p role="alert">{_esc(t("workshop_offline"))}</p>'
            return None
        self.notice.value = ""
        return result
    return run


def start_polling(step, interval: float):
    """Run `step()` every `interval` seconds in the kernel's running event loop, until it
    returns False. Returns the task, or None outside a running loop (tests call step())."""
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return None
    if not loop.is_running():
        return None

    async def run():
        while True:
            await asyncio.sleep(interval)
            try:
                if step() is False:
                    return
            except Exception:  # the database is away for a moment: try again
                continue

    return loop.create_task(run())


# -- participant ------------------------------------------------------------------------------------
class ParticipantApp(w.VBox):
    """Code → optional nickname → the case, played with the room. Every choice is stored
    at once; the feedback appears when the trainer reveals it."""

    def __init__(self, store: Store, query: str = "", load=load_case, live: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.add_class("kurs-ex")
        self.add_class("kurs-ws")
        self.store, self.load, self.live = store, load, live
        self.session: Session | None = None
        self.part: Participation | None = None
        self.task = None
        self._view_key = None
        self._areas: dict[str, w.Textarea] = {}
        self.url_out = w.Output()
        self.body = w.VBox()
        self.notice = w.HTML()
        self.children = [w.HTML(_CSS + _WS_CSS), self.body, self.notice, self.url_out]
        code, token = _param(query, "kode"), _param(query, "deltaker")
        if not code:
            self.ask_code()
            return
        session, problem = find_session(self.store, code, self.load)
        if problem:
            self.ask_code(problem, code)
            return
        self.session = session
        if token:
            self.part = Participation.rejoin(self.store, session, token)
            if self.part is not None:
                self.token = token
                self.start()
                return
        self.ask_nickname()

    # -- screens --------------------------------------------------------------------------------
    def ask_code(self, problem: str | None = None, code: str = "") -> None:
        self.code_box = w.Text(value=normalize_code(code), description=t("workshop_code_label"),
                               placeholder=t("workshop_code_placeholder"),
                               style={"description_width": "initial"})
        go = _button(t("workshop_code_go"), "primary")
        self.message = w.HTML(_alert(t(problem, code=normalize_code(code))) if problem else "")
        go.on_click(self._code_entered)
        self.body.children = [w.HTML(f'<h1>{_esc(t("workshop_join_title"))}</h1>'
                                     f'<p>{_esc(t("workshop_code_help"))}</p>'),
                              self.code_box, go, self.message]

    @guarded
    def _code_entered(self, _=None) -> None:
        code = normalize_code(self.code_box.value)
        session, problem = find_session(self.store, code, self.load)
        if problem:
            self.message.value = _alert(t(problem, code=code))
            return
        self.session = session
        self.ask_nickname()

    def ask_nickname(self) -> None:
        s = self.session
        self.nick_box = w.Text(description=t("workshop_nickname_label"),
                               placeholder=t("workshop_nickname_placeholder"),
                               style={"description_width": "initial"})
        go = _button(t("workshop_join_button"), "primary")
        go.on_click(self._joined)
        self.body.children = [
            w.HTML(f'<h1>{_esc(s.case["title"])}</h1>'
                   f'<p>{_esc(t("workshop_joining", code=s.code))}</p>'
                   f'<p>{_esc(t("workshop_nickname_help"))}</p>'),
            self.nick_box, go]

    @guarded
    def _joined(self, _=None) -> None:
        if self.part is not None:
            return  # pressed twice
        self.token = new_secret()
        nickname = (self.nick_box.value or "")[:NICKNAME_MAX]
        self.part = Participation.join(self.store, self.session, self.token, nickname)
        self.start()

    def start(self) -> None:
        set_page_url(self.url_out, {"kode": self.session.code, "deltaker": self.token})
        self.render()
        if self.live and self.task is None:
            self.task = start_polling(self.poll, PARTICIPANT_POLL)

    # -- live -----------------------------------------------------------------------------------
    def poll(self) -> bool:
        """One look at the store: re-draw if the trainer changed something."""
        try:
            version = self.store.session_version(self.session.id)
        except Exception:
            self.notice.value = f'<p role="status">{_esc(t("workshop_offline"))}</p>'
            return True
        self.notice.value = ""
        if version is not None and version != self.part.session.version:
            self.session = reload(self.store, self.session)
            if self.part.update(self.session):
                self.render()
        return self.session.is_open

    # -- the case -------------------------------------------------------------------------------
    def _key(self):
        p, s = self.part, self.part.session
        summary = tuple((a["scene"], a["revealed"]) for a in p.summary()) if p.play.finished else ()
        return (p.play.scene_id, p.play.answered, p.revealed, s.is_open, summary)

    def render(self, force: bool = False) -> None:
        key = self._key()
        if key == self._view_key and not force:
            return
        self._view_key = key
        p = self.part
        play, case, s = p.play, p.session.case, p.session
        scene = play.scene
        parts: list[w.Widget] = []
        mode = t("workshop_mode_styrt_short" if s.trainer_paced else "workshop_mode_selv_short")
        head = (f'<p class="kurs-ws-muted">{_esc(t("workshop_session_line", code=s.code, mode=mode))}</p>'
                f'<h2>{_esc(case["title"])}</h2>')
        if not s.is_open:
            head += f'<p class="kurs-ws-banner" role="status">{_esc(t("workshop_ended_participant"))}</p>'
        parts.append(w.HTML(
            head + f'<p class="kurs-step">{_esc(t("step", k=play.step, n=play.total_steps))}</p>'
            + (f'<h3>{_esc(scene["title"])}</h3>' if scene["title"] else "") + _paragraphs(scene["text"])))
        decision = play.decision
        if decision and decision["kind"] != "reflection":
            parts.append(w.HTML(f'<p><strong>{_esc(decision["prompt"])}</strong></p>'))
            if p.can_choose:
                parts += [option_button(option, self._choose, width="100%") for option in decision["options"]]
            elif play.answered is not None:
                fb = p.feedback()
                if fb:
                    parts.append(w.HTML(feedback_html(fb)))
                else:
                    parts.append(w.HTML(
                        f'<p role="status">{_esc(t("workshop_saved", label=play.option(play.answered)["label"]))}'
                        f'<br>{_esc(t("workshop_wait_reveal"))}</p>'))
            elif p.revealed:
                best = " / ".join(p.recommended())
                parts.append(w.HTML(f'<p role="status">{_esc(t("workshop_missed", best=best))}</p>'))
        if decision and decision["kind"] == "reflection":
            parts.append(self._reflection_box(decision))
        if play.finished:
            parts.append(w.HTML(self._summary_html()))
        if p.can_proceed:
            go = _button(t("continue"), "primary")
            go.on_click(self._proceed)
            parts.append(go)
        elif p.waiting and s.is_open:
            parts.append(w.HTML(f'<p class="kurs-ws-muted" role="status">{_esc(t("workshop_wait_trainer"))}</p>'))
        keep = set(map(id, self._areas.values()))
        for old in self.body.children:
            if id(old) not in keep and old not in parts:
                old.close()
        self.body.children = parts

    def _reflection_box(self, decision) -> w.Widget:
        sid = self.part.play.scene_id
        if sid not in self._areas:
            area = w.Textarea(value=self.part.notes.get(sid, ""), placeholder=t("workshop_reflection_placeholder"),
                              description=t("reflection_label"), layout=w.Layout(width="100%"),
                              style={"description_width": "initial"})
            status = w.HTML()
            send = _button(t("workshop_send"), "primary")

            @guarded
            def sent(self, _=None, area=area, status=status):
                if self.part.reflect(area.value[:REFLECTION_MAX]):
                    status.value = f'<p role="status">{_esc(t("workshop_sent"))}</p>'
                else:
                    status.value = f'<p role="status">{_esc(t("workshop_not_sent"))}</p>'

            send.on_click(functools.partial(sent, self))
            self._areas[sid] = w.VBox([
                w.HTML(f'<h3>{_esc(t("reflection"))}</h3><p>{_esc(decision["prompt"])}</p>'
                       f'<p class="kurs-ws-muted">{_esc(t("workshop_reflection_help"))}</p>'),
                area, send, status])
        box = self._areas[sid]
        box.children[2].disabled = not self.part.session.is_open
        return box

    def _summary_html(self) -> str:
        rows = []
        for a in self.part.summary():
            fb = a["feedback"]
            verdict = (f' – <span aria-hidden="true">{fb["icon"]}</span> {_esc(fb["verdict_name"])}' if fb
                       else f' – {_esc(t("workshop_not_revealed"))}')
            rows.append(f'<li>{_esc(a["prompt"])}<br>{_esc(a["label"])}{verdict}</li>')
        listing = f'<ol>{"".join(rows)}</ol>' if rows else f'<p>{_esc(t("workshop_no_answers_yet"))}</p>'
        return f'<h3>{_esc(t("your_answers"))}</h3>{listing}<p>{_esc(t("workshop_thanks"))}</p>'

    @guarded
    def _choose(self, option_id: str) -> None:
        if self.part.choose(option_id):
            self.render()

    @guarded
    def _proceed(self, _=None) -> None:
        if self.part.proceed():
            self.render()


def participant_app(query: str | None = None, store: Store | None = None) -> w.Widget:
    """The participant app (deltaker.ipynb). A preheated kernel opens the database
    before its visitor arrives."""
    try:
        store = store or Store()
        if query is None:
            if os.environ.get("VOILA_PREHEAT") == "True":
                try:
                    store.warm()
                except Exception:
                    pass
            query = query_string()
        return ParticipantApp(store, query)
    except Exception:
        return w.HTML(_alert(t("workshop_store_down")))


# -- trainer ----------------------------------------------------------------------------------------
class NewSession(w.VBox):
    """Choose a case and a pace; make the session."""

    def __init__(self, store: Store, cases: list[dict], on_created, **kwargs):
        super().__init__(**kwargs)
        self.store, self.cases, self.on_created = store, {c["id"]: c for c in cases}, on_created
        self.case = w.Dropdown(options=sorted((c["title"], c["id"]) for c in cases),
                               description=t("workshop_case_label"), style={"description_width": "initial"},
                               layout=w.Layout(width="100%", max_width="40rem"))
        self.mode = w.RadioButtons(options=[(t("workshop_mode_styrt"), "styrt"), (t("workshop_mode_selv"), "selv")],
                                   value="styrt", description=t("workshop_mode_label"),
                                   style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self.go = _button(t("workshop_create"), "primary")
        self.go.on_click(self._create)
        self.message = w.HTML()
        self.children = [w.HTML(f'<h1>{_esc(t("workshop_trainer_title"))}</h1>'
                                f'<p>{_esc(t("workshop_trainer_intro"))}</p>'),
                         self.case, self.mode, self.go, self.message]

    def _create(self, _=None) -> None:
        if not self.case.value:
            return
        self.go.disabled = True
        try:
            session, key = create_session(self.store, self.cases[self.case.value], self.mode.value)
        except Exception:
            self.go.disabled = False
            self.message.value = _alert(t("workshop_store_down"))
            return
        self.on_created(session, key)


class Dashboard(w.VBox):
    """The trainer's live view of a session: the code (large, with a QR code), who has
    joined, the room's choices per decision as bars, reveal, next scene, reflections,
    exports, and closing the session."""

    def __init__(self, store: Store, session: Session, key: str, live: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.store, self.session, self.key = store, session, key
        self.task = None
        self._data = None
        self._cards: dict[str, tuple[w.HTML, w.Button]] = {}
        self.head = w.HTML()
        self.notice = w.HTML()
        self.join = w.HTML()
        self.joined = w.HTML()
        self.scene = w.HTML()
        self.reveal_button = _button(t("workshop_reveal"), "warning")
        self.reveal_button.on_click(lambda _b: self._reveal())
        self.branch = w.Dropdown(description=t("workshop_branch_label"), style={"description_width": "initial"},
                                 layout=w.Layout(width="100%", max_width="40rem"))
        self.next_button = _button(t("workshop_next"), "primary")
        self.next_button.on_click(self._next)
        self.controls = w.VBox([self.scene, w.HBox([self.reveal_button, self.next_button],
                                                   layout=w.Layout(flex_flow="row wrap")),
                                self.branch])
        self.decisions = w.VBox()
        self._heading = w.HTML(f'<h2>{_esc(t("workshop_room_choices"))}</h2>')
        self._empty = w.HTML(f'<p>{_esc(t("workshop_no_decisions_yet"))}</p>')
        self.notes = w.HTML()
        self.csv_button = _button(t("workshop_make_csv"))
        self.csv_button.on_click(self._csv)
        self.png_button = _button(t("workshop_make_png"))
        self.png_button.on_click(self._png)
        self.close_button = _button(t("workshop_close"), "danger")
        self.close_button.on_click(self._close)
        self.downloads = w.HTML()
        self.exports = w.VBox([w.HTML(f'<h2>{_esc(t("workshop_exports"))}</h2>'),
                               w.HBox([self.csv_button, self.png_button, self.close_button],
                                      layout=w.Layout(flex_flow="row wrap")),
                               self.downloads])
        self.add_class("kurs-ws")
        self.children = [w.HTML(_WS_CSS), self.head, self.notice, self.join, self.joined, self.controls,
                         self.decisions, self.notes, self.exports]
        self._draw_join()
        self.refresh()
        if live:
            self.task = start_polling(self.refresh, TRAINER_POLL)

    # -- drawing --------------------------------------------------------------------------------
    def _draw_join(self) -> None:
        import segno

        s = self.session
        url = join_url(s.code)
        qr = segno.make(url, error="m").svg_data_uri(scale=8, border=2)
        back = "?" + urlencode({"kode": s.code, "nokkel": self.key})
        self.join.value = (
            f'<div class="kurs-ws-join"><div><p>{_esc(t("workshop_join_how"))}</p>'
            f'<p class="kurs-ws-url"><a href="{_esc(url)}" target="_blank" rel="noopener">{_esc(url)}</a></p>'
            f'<p>{_esc(t("workshop_code_is"))}</p><p class="kurs-ws-code" aria-label="{_esc(t("workshop_code_label"))}: '
            f'{_esc(" ".join(s.code))}">{_esc(s.code)}</p></div>'
            f'<img src="{_esc(qr)}" alt="{_esc(t("workshop_qr_alt", url=url))}"></div>'
            f'<p class="kurs-ws-muted"><small>{_esc(t("workshop_keep_link"))} '
            f'<a href="{_esc(TRAINER_NOTEBOOK + back)}">{_esc(t("workshop_this_dashboard"))}</a></small></p>')

    def refresh(self) -> bool:
        """Read the store once and update what changed. Returns False when the session
        is over (the live loop then stops)."""
        try:
            self.session = reload(self.store, self.session)
            data = dashboard(self.session, self.store.room(self.session.id))
        except Exception:
            self.notice.value = f'<p role="alert">{_esc(t("workshop_offline"))}</p>'
            return True
        self.notice.value = ""
        if data != self._data:
            self._data = data
            self._draw(data)
        return data["status"] == "open"

    def _draw(self, data: dict) -> None:
        s = self.session
        mode = t("workshop_mode_styrt" if s.trainer_paced else "workshop_mode_selv")
        banner = "" if data["status"] == "open" else (
            f'<p class="kurs-ws-banner" role="status">{_esc(t("workshop_status_" + data["status"]))}</p>')
        self.head.value = (f'<h1>{_esc(s.case["title"])}</h1><p class="kurs-ws-muted">'
                           f'{_esc(t("workshop_session_line", code=s.code, mode=mode))}</p>{banner}')
        self.join.layout.display = None if data["status"] == "open" else "none"
        self.joined.value = (f'<p class="kurs-ws-count-big" role="status" aria-live="polite">'
                             f'{_esc(t("workshop_joined", n=data["joined"]))}</p>')
        self._draw_controls(data)
        boxes = []
        for d in data["decisions"]:
            card, button, box = self._cards.get(d["scene"]) or self._new_card(d["scene"])
            card.value = self._card_html(d, data["joined"])
            button.disabled = d["revealed"] or data["status"] != "open"
            button.description = t("workshop_revealed") if d["revealed"] else t("workshop_reveal")
            button.layout.display = "none" if s.trainer_paced else None
            boxes.append(box)
        children = [self._heading] + (boxes or [self._empty])
        if list(self.decisions.children) != children:
            self.decisions.children = children
        self.notes.value = self._notes_html(data)
        self.close_button.disabled = data["status"] != "open"

    def _new_card(self, scene_id: str):
        card, button = w.HTML(), _button(t("workshop_reveal"))
        button.on_click(lambda _b, sid=scene_id: self._reveal(sid))
        self._cards[scene_id] = (card, button, w.VBox([card, button]))
        return self._cards[scene_id]

    def _draw_controls(self, data: dict) -> None:
        s = self.session
        if not s.trainer_paced:
            self.controls.layout.display = "none"
            return
        room = s.room()
        scene = room.scene
        open_ = data["status"] == "open"
        self.scene.value = (f'<h2>{_esc(t("workshop_now"))}: {_esc(scene["title"] or t("step", k=room.step, n=room.total_steps))}</h2>'
                            f'<div class="kurs-ws-muted">{_paragraphs(scene["text"])}</div>')
        has_choice = room.needs_choice
        self.reveal_button.disabled = not (open_ and has_choice and room.scene_id not in s.revealed)
        self.reveal_button.description = (t("workshop_revealed") if room.scene_id in s.revealed
                                          else t("workshop_reveal"))
        self.reveal_button.layout.display = None if has_choice else "none"
        self.next_button.disabled = not open_ or room.finished
        self.next_button.layout.display = "none" if room.finished else None
        options = branches(room)
        if options and open_:
            choices = [(o["label"], o["id"]) for o in options]
            if list(self.branch.options) != choices:
                self.branch.options = choices
                self.branch.value = recommended_option(room)
            self.branch.layout.display = None
        else:
            self.branch.layout.display = "none"

    def _card_html(self, d: dict, joined: int) -> str:
        rows = []
        for o in d["options"]:
            best = o["verdict"] == "best"
            verdict = (f' <span aria-hidden="true">{o["icon"]}</span> <em>({_esc(o["verdict_name"])})</em>'
                       if o["verdict"] else "")
            rows.append(
                f'<li class="{"kurs-ws-best" if best else ""}"><span>{_esc(o["label"])}{verdict}</span>'
                f'<span class="kurs-ws-track" aria-hidden="true"><span class="kurs-ws-fill" '
                f'style="width:{int(o["share"])}%"></span></span>'
                f'<span class="kurs-ws-count">{_esc(t("workshop_bar", n=o["count"], share=o["share"]))}</span></li>')
        now = f' <strong>({_esc(t("workshop_now"))})</strong>' if d["current"] else ""
        cls = "kurs-ws-decision kurs-ws-current" if d["current"] else "kurs-ws-decision"
        return (f'<section class="{cls}" data-scene="{_esc(d["scene"])}"><h3>{_esc(d["dimension_name"])}: '
                f'{_esc(d["prompt"])}{now}</h3><p>{_esc(t("workshop_answered_of", n=d["answered"], m=joined))}</p>'
                f'<ul class="kurs-ws-bars">{"".join(rows)}</ul></section>')

    def _notes_html(self, data: dict) -> str:
        if not data["reflections"]:
            return ""
        parts = [f'<h2>{_esc(t("workshop_reflections"))}</h2>']
        for group in data["reflections"]:
            items = "".join(f'<li><strong>{_esc(r["nickname"] or t("workshop_anonymous"))}:</strong> '
                            f'{_esc(r["text"])}</li>' for r in group["items"])
            parts.append(f'<h3>{_esc(group["prompt"])}</h3>'
                         + (f'<ul class="kurs-ws-notes">{items}</ul>' if items
                            else f'<p>{_esc(t("workshop_no_reflections"))}</p>'))
        return "".join(parts)

    # -- actions --------------------------------------------------------------------------------
    @guarded
    def _reveal(self, scene_id: str | None = None) -> None:
        self.session = reveal(self.store, self.session, scene_id)
        self.refresh()

    @guarded
    def _next(self, _=None) -> None:
        room = self.session.room()
        option = self.branch.value if branches(room) else None
        try:
            self.session = advance(self.store, self.session, option)
        except EngineError:
            pass
        self.refresh()

    @guarded
    def _close(self, _=None) -> None:
        if self.close_button.description != t("workshop_close_confirm"):
            self.close_button.description = t("workshop_close_confirm")
            return
        self.session = close(self.store, self.session)
        self.refresh()

    @guarded
    def _csv(self, _=None) -> None:
        text = "\ufeff" + results_csv(self.store, reload(self.store, self.session))
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        name = f"workshop-{self.session.code}.csv"
        self.downloads.value = (f'<p><a download="{name}" href="data:text/csv;charset=utf-8;base64,{data}">'
                                f'{_esc(t("workshop_download_csv", name=name))}</a></p>')

    @guarded
    def _png(self, _=None) -> None:
        self.png_button.disabled = True
        try:
            data = base64.b64encode(charts_png(self._data, self.session.case["title"])).decode("ascii")
        finally:
            self.png_button.disabled = False
        name = f"workshop-{self.session.code}.png"
        self.downloads.value = (f'<p><a download="{name}" href="data:image/png;base64,{data}">'
                                f'{_esc(t("workshop_download_png", name=name))}</a></p>'
                                f'<img src="data:image/png;base64,{data}" alt="{_esc(t("workshop_png_alt"))}" '
                                f'style="max-width:100%">')


class TrainerApp(w.VBox):
    """kursholder.ipynb: a new session, or the dashboard of `?kode=...&nokkel=...`."""

    def __init__(self, store: Store, query: str = "", cases=None, load=load_case, live: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.store, self.live, self.load = store, live, load
        self.url_out = w.Output()
        self.body = w.VBox()
        self.children = [w.HTML(_CSS + _WS_CSS), self.body, self.url_out]
        self.add_class("kurs-ws")
        code, key = _param(query, "kode"), _param(query, "nokkel")
        if code:
            row = self.store.trainer_session(code, key)
            if row is None:
                self.body.children = [w.HTML(_alert(t("workshop_no_access"), (TRAINER_NOTEBOOK, t("workshop_new"))))]
                return
            try:
                session = Session(row, self.load(row["case_id"]))
                session.room()
            except Exception:
                self.body.children = [w.HTML(_alert(t("workshop_broken", code=row["code"])))]
                return
            self.show(session, key)
            return
        self.body.children = [NewSession(store, cases if cases is not None else _all_cases(), self.show)]

    def show(self, session: Session, key: str) -> None:
        set_page_url(self.url_out, {"kode": session.code, "nokkel": key})
        self.dashboard = Dashboard(self.store, session, key, live=self.live)
        self.body.children = [self.dashboard]


def _all_cases() -> list[dict]:
    from .compiled import all_compiled, compiled_dir

    folder = compiled_dir()
    if folder is not None:
        return all_compiled(folder)
    from .compiler import compile_case
    from .library import check
    from .municipality import read_settings

    result = check()
    settings = read_settings(result.catalog.directory.parent)
    return [compile_case(c, result.catalog, settings) for _, c in sorted(result.cases.items())]


def trainer_app(query: str | None = None, store: Store | None = None) -> w.Widget:
    """The trainer app (kursholder.ipynb)."""
    try:
        store = store or Store()
        if query is None:
            query = query_string()
        return TrainerApp(store, query)
    except Exception:
        return w.HTML(_alert(t("workshop_store_down")))
