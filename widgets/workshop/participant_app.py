"""The participant's app for Voila (deltaker.ipynb): code → optional nickname → the
case, played with the room. A thin ipywidgets layer over `widgets.workshop.session`."""

from __future__ import annotations

import functools
import os

import ipywidgets as w

from ..play.exercise import CSS, feedback_html, option_button, paragraphs
from ..strings import t
from .session import Participation, Session, find_session, load_case, reload
from .store import NICKNAME_MAX, OFFLINE, REFLECTION_MAX, Store, new_secret, normalize_code
from .ui import PARTICIPANT_POLL, WS_CSS, alert, button, esc, guarded, param, query_string, set_page_url, start_polling


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
        self.children = [w.HTML(CSS + WS_CSS), self.body, self.notice, self.url_out]
        code, token = param(query, "kode"), param(query, "deltaker")
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
        go = button(t("workshop_code_go"), "primary")
        self.message = w.HTML(alert(t(problem, code=normalize_code(code))) if problem else "")
        go.on_click(self._code_entered)
        self.body.children = [w.HTML(f'<h1>{esc(t("workshop_join_title"))}</h1>'
                                     f'<p>{esc(t("workshop_code_help"))}</p>'),
                              self.code_box, go, self.message]

    @guarded
    def _code_entered(self, _=None) -> None:
        code = normalize_code(self.code_box.value)
        session, problem = find_session(self.store, code, self.load)
        if problem:
            self.message.value = alert(t(problem, code=code))
            return
        self.session = session
        self.ask_nickname()

    def ask_nickname(self) -> None:
        s = self.session
        self.nick_box = w.Text(description=t("workshop_nickname_label"),
                               placeholder=t("workshop_nickname_placeholder"),
                               style={"description_width": "initial"})
        go = button(t("workshop_join_button"), "primary")
        go.on_click(self._joined)
        self.body.children = [
            w.HTML(f'<h1>{esc(s.case["title"])}</h1>'
                   f'<p>{esc(t("workshop_joining", code=s.code))}</p>'
                   f'<p>{esc(t("workshop_nickname_help"))}</p>'),
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
        except OFFLINE:
            self.notice.value = f'<p role="status">{esc(t("workshop_offline"))}</p>'
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
        head = (f'<p class="kurs-ws-muted">{esc(t("workshop_session_line", code=s.code, mode=mode))}</p>'
                f'<h2>{esc(case["title"])}</h2>')
        if not s.is_open:
            head += f'<p class="kurs-ws-banner" role="status">{esc(t("workshop_ended_participant"))}</p>'
        parts.append(w.HTML(
            head + f'<p class="kurs-step">{esc(t("step", k=play.step, n=play.total_steps))}</p>'
            + (f'<h3>{esc(scene["title"])}</h3>' if scene["title"] else "") + paragraphs(scene["paragraphs"])))
        decision = play.decision
        if decision and decision["kind"] != "reflection":
            parts.append(w.HTML(f'<p><strong>{esc(decision["prompt"])}</strong></p>'))
            if p.can_choose:
                parts += [option_button(option, self._choose, width="100%") for option in decision["options"]]
            elif play.answered is not None:
                fb = p.feedback()
                if fb:
                    parts.append(w.HTML(feedback_html(fb)))
                else:
                    parts.append(w.HTML(
                        f'<p role="status">{esc(t("workshop_saved", label=play.option(play.answered)["label"]))}'
                        f'<br>{esc(t("workshop_wait_reveal"))}</p>'))
            elif p.revealed:
                best = " / ".join(p.recommended())
                parts.append(w.HTML(f'<p role="status">{esc(t("workshop_missed", best=best))}</p>'))
        if decision and decision["kind"] == "reflection":
            parts.append(self._reflection_box(decision))
        if play.finished:
            parts.append(w.HTML(self._summary_html()))
        if p.can_proceed:
            go = button(t("continue"), "primary")
            go.on_click(self._proceed)
            parts.append(go)
        elif p.waiting and s.is_open:
            parts.append(w.HTML(f'<p class="kurs-ws-muted" role="status">{esc(t("workshop_wait_trainer"))}</p>'))
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
            send = button(t("workshop_send"), "primary")

            @guarded
            def sent(self, _=None, area=area, status=status):
                if self.part.reflect(area.value[:REFLECTION_MAX]):
                    status.value = f'<p role="status">{esc(t("workshop_sent"))}</p>'
                else:
                    status.value = f'<p role="status">{esc(t("workshop_not_sent"))}</p>'

            send.on_click(functools.partial(sent, self))
            self._areas[sid] = w.VBox([
                w.HTML(f'<h3>{esc(t("reflection"))}</h3><p>{esc(decision["prompt"])}</p>'
                       f'<p class="kurs-ws-muted">{esc(t("workshop_reflection_help"))}</p>'),
                area, send, status])
        box = self._areas[sid]
        box.children[2].disabled = not self.part.session.is_open
        return box

    def _summary_html(self) -> str:
        rows = []
        for a in self.part.summary():
            fb = a["feedback"]
            verdict = (f' – <span aria-hidden="true">{fb["icon"]}</span> {esc(fb["verdict_name"])}' if fb
                       else f' – {esc(t("workshop_not_revealed"))}')
            rows.append(f'<li>{esc(a["prompt"])}<br>{esc(a["label"])}{verdict}</li>')
        listing = f'<ol>{"".join(rows)}</ol>' if rows else f'<p>{esc(t("workshop_no_answers_yet"))}</p>'
        return f'<h3>{esc(t("your_answers"))}</h3>{listing}<p>{esc(t("workshop_thanks"))}</p>'

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
                except OFFLINE:
                    pass  # the visitor will see the message when the page asks the store
            query = query_string()
        return ParticipantApp(store, query)
    except OFFLINE:
        return w.HTML(alert(t("workshop_store_down")))
