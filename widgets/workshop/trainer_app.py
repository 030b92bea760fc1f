"""The trainer's app for Voila (kursholder.ipynb): make a session, then its live
dashboard. A thin ipywidgets layer over `widgets.workshop.session` and `.reports`."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import ipywidgets as w

from ..play.engine import EngineError
from ..play.exercise import CSS, paragraphs
from ..problems import ProblemsFound
from ..settings import TRAINER_NOTEBOOK
from ..strings import t
from ..voila.apps import all_cases
from .reports import charts_png, dashboard, results_csv
from .session import Session, advance, branches, close, create_session, load_case, recommended_option, reload, reveal
from .store import OFFLINE, Store
from .ui import TRAINER_POLL, WS_CSS, alert, button, esc, guarded, param, query_string, set_page_url, start_polling
from .urls import join_url


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
        self.go = button(t("workshop_create"), "primary")
        self.go.on_click(self._create)
        self.message = w.HTML()
        self.children = [w.HTML(f'<h1>{esc(t("workshop_trainer_title"))}</h1>'
                                f'<p>{esc(t("workshop_trainer_intro"))}</p>'),
                         self.case, self.mode, self.go, self.message]

    def _create(self, _=None) -> None:
        if not self.case.value:
            return
        self.go.disabled = True
        try:
            session, key = create_session(self.store, self.cases[self.case.value], self.mode.value)
        except OFFLINE:
            self.go.disabled = False
            self.message.value = alert(t("workshop_store_down"))
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
        self.reveal_button = button(t("workshop_reveal"), "warning")
        self.reveal_button.on_click(lambda _b: self._reveal())
        self.branch = w.Dropdown(description=t("workshop_branch_label"), style={"description_width": "initial"},
                                 layout=w.Layout(width="100%", max_width="40rem"))
        self.next_button = button(t("workshop_next"), "primary")
        self.next_button.on_click(self._next)
        self.controls = w.VBox([self.scene, w.HBox([self.reveal_button, self.next_button],
                                                   layout=w.Layout(flex_flow="row wrap")),
                                self.branch])
        self.decisions = w.VBox()
        self._heading = w.HTML(f'<h2>{esc(t("workshop_room_choices"))}</h2>')
        self._empty = w.HTML(f'<p>{esc(t("workshop_no_decisions_yet"))}</p>')
        self.notes = w.HTML()
        self.csv_button = button(t("workshop_make_csv"))
        self.csv_button.on_click(self._csv)
        self.png_button = button(t("workshop_make_png"))
        self.png_button.on_click(self._png)
        self.close_button = button(t("workshop_close"), "danger")
        self.close_button.on_click(self._close)
        self.downloads = w.HTML()
        self.exports = w.VBox([w.HTML(f'<h2>{esc(t("workshop_exports"))}</h2>'),
                               w.HBox([self.csv_button, self.png_button, self.close_button],
                                      layout=w.Layout(flex_flow="row wrap")),
                               self.downloads])
        self.add_class("kurs-ws")
        self.children = [w.HTML(WS_CSS), self.head, self.notice, self.join, self.joined, self.controls,
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
            f'<div class="kurs-ws-join"><div><p>{esc(t("workshop_join_how"))}</p>'
            f'<p class="kurs-ws-url"><a href="{esc(url)}" target="_blank" rel="noopener">{esc(url)}</a></p>'
            f'<p>{esc(t("workshop_code_is"))}</p><p class="kurs-ws-code" aria-label="{esc(t("workshop_code_label"))}: '
            f'{esc(" ".join(s.code))}">{esc(s.code)}</p></div>'
            f'<img src="{esc(qr)}" alt="{esc(t("workshop_qr_alt", url=url))}"></div>'
            f'<p class="kurs-ws-muted"><small>{esc(t("workshop_keep_link"))} '
            f'<a href="{esc(TRAINER_NOTEBOOK + back)}">{esc(t("workshop_this_dashboard"))}</a></small></p>')

    def refresh(self) -> bool:
        """Read the store once and update what changed. Returns False when the session
        is over (the live loop then stops)."""
        try:
            self.session = reload(self.store, self.session)
            data = dashboard(self.session, self.store.room(self.session.id))
        except OFFLINE:
            self.notice.value = f'<p role="alert">{esc(t("workshop_offline"))}</p>'
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
            f'<p class="kurs-ws-banner" role="status">{esc(t("workshop_status_" + data["status"]))}</p>')
        self.head.value = (f'<h1>{esc(s.case["title"])}</h1><p class="kurs-ws-muted">'
                           f'{esc(t("workshop_session_line", code=s.code, mode=mode))}</p>{banner}')
        self.join.layout.display = None if data["status"] == "open" else "none"
        self.joined.value = (f'<p class="kurs-ws-count-big" role="status" aria-live="polite">'
                             f'{esc(t("workshop_joined", n=data["joined"]))}</p>')
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
        card, reveal_button = w.HTML(), button(t("workshop_reveal"))
        reveal_button.on_click(lambda _b, sid=scene_id: self._reveal(sid))
        self._cards[scene_id] = (card, reveal_button, w.VBox([card, reveal_button]))
        return self._cards[scene_id]

    def _draw_controls(self, data: dict) -> None:
        s = self.session
        if not s.trainer_paced:
            self.controls.layout.display = "none"
            return
        room = s.room()
        scene = room.scene
        open_ = data["status"] == "open"
        self.scene.value = (f'<h2>{esc(t("workshop_now"))}: {esc(scene["title"] or t("step", k=room.step, n=room.total_steps))}</h2>'
                            f'<div class="kurs-ws-muted">{paragraphs(scene["paragraphs"])}</div>')
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
            best = o["best"]
            verdict = (f' <span aria-hidden="true">{o["icon"]}</span> <em>({esc(o["verdict_name"])})</em>'
                       if o["verdict"] else "")
            rows.append(
                f'<li class="{"kurs-ws-best" if best else ""}"><span>{esc(o["label"])}{verdict}</span>'
                f'<span class="kurs-ws-track" aria-hidden="true"><span class="kurs-ws-fill" '
                f'style="width:{int(o["share"])}%"></span></span>'
                f'<span class="kurs-ws-count">{esc(t("workshop_bar", n=o["count"], share=o["share"]))}</span></li>')
        now = f' <strong>({esc(t("workshop_now"))})</strong>' if d["current"] else ""
        cls = "kurs-ws-decision kurs-ws-current" if d["current"] else "kurs-ws-decision"
        return (f'<section class="{cls}" data-scene="{esc(d["scene"])}"><h3>{esc(d["dimension_name"])}: '
                f'{esc(d["prompt"])}{now}</h3><p>{esc(t("workshop_answered_of", n=d["answered"], m=joined))}</p>'
                f'<ul class="kurs-ws-bars">{"".join(rows)}</ul></section>')

    def _notes_html(self, data: dict) -> str:
        if not data["reflections"]:
            return ""
        parts = [f'<h2>{esc(t("workshop_reflections"))}</h2>']
        for group in data["reflections"]:
            items = "".join(f'<li><strong>{esc(r["nickname"] or t("workshop_anonymous"))}:</strong> '
                            f'{esc(r["text"])}</li>' for r in group["items"])
            parts.append(f'<h3>{esc(group["prompt"])}</h3>'
                         + (f'<ul class="kurs-ws-notes">{items}</ul>' if items
                            else f'<p>{esc(t("workshop_no_reflections"))}</p>'))
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
                                f'{esc(t("workshop_download_csv", name=name))}</a></p>')

    @guarded
    def _png(self, _=None) -> None:
        self.png_button.disabled = True
        try:
            data = base64.b64encode(charts_png(self._data, self.session.case["title"])).decode("ascii")
        finally:
            self.png_button.disabled = False
        name = f"workshop-{self.session.code}.png"
        self.downloads.value = (f'<p><a download="{name}" href="data:image/png;base64,{data}">'
                                f'{esc(t("workshop_download_png", name=name))}</a></p>'
                                f'<img src="data:image/png;base64,{data}" alt="{esc(t("workshop_png_alt"))}" '
                                f'style="max-width:100%">')


class TrainerApp(w.VBox):
    """kursholder.ipynb: a new session, or the dashboard of `?kode=...&nokkel=...`."""

    def __init__(self, store: Store, query: str = "", cases=None, load=load_case, live: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.store, self.live, self.load = store, live, load
        self.url_out = w.Output()
        self.body = w.VBox()
        self.children = [w.HTML(CSS + WS_CSS), self.body, self.url_out]
        self.add_class("kurs-ws")
        code, key = param(query, "kode"), param(query, "nokkel")
        if code:
            row = self.store.trainer_session(code, key)
            if row is None:
                self.body.children = [w.HTML(alert(t("workshop_no_access"), (TRAINER_NOTEBOOK, t("workshop_new"))))]
                return
            try:
                session = Session(row, self.load(row["case_id"]))
                session.room()
            except (ProblemsFound, EngineError):
                self.body.children = [w.HTML(alert(t("workshop_broken", code=row["code"])))]
                return
            self.show(session, key)
            return
        self.body.children = [NewSession(store, cases if cases is not None else all_cases(), self.show)]

    def show(self, session: Session, key: str) -> None:
        set_page_url(self.url_out, {"kode": session.code, "nokkel": key})
        self.dashboard = Dashboard(self.store, session, key, live=self.live)
        self.body.children = [self.dashboard]


def trainer_app(query: str | None = None, store: Store | None = None) -> w.Widget:
    """The trainer app (kursholder.ipynb)."""
    try:
        store = store or Store()
        if query is None:
            query = query_string()
        return TrainerApp(store, query)
    except OFFLINE:
        return w.HTML(alert(t("workshop_store_down")))
