"""The workshop without kernels: participant, trainer and presenter pages served by
tornado handlers in the same server process as the Voila apps (`kurs workshop`).

Each page is static HTML + JavaScript (widgets/workshop/static/). The case is the
compiled JSON that the book's player reads; the engine's rules run on the server
(`widgets.workshop.session`), which stays the only judge of what counts.

Push, not polling per person: every page holds one WebSocket. The server's `Hub` keeps
the sockets by session and, a few times a second, asks the database ONE question for
all sessions that have a page open here (their version numbers). When a version moved
(the trainer stepped on or revealed, maybe on another server), every page of that
session gets its new view. Trainer and presenter pages also get the room's counts
whenever an answer arrives here (at once) or in the database (by the same poll, so an
answer given on another server behind the same PostgreSQL shows within the poll time).

Who may do what:
- the server's trainer key (printed by `kurs workshop`, or $KURS_KURSHOLDER_NOKKEL for
  several servers) opens the trainer page and makes sessions;
- a session's own key (in the dashboard's link) opens its dashboard and presenter view;
- a participant only reaches /rom/ pages and their own socket.

Every trainer step carries the room's place it was made from (scene and step): a step
that no longer applies (a double click, a second tab) is ignored.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode

from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.web import HTTPError, RequestHandler, StaticFileHandler
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..play.engine import EngineError
from ..strings import t
from .reports import dashboard, results_csv
from .session import (
    Participation,
    Session,
    advance,
    branches,
    close,
    create_session,
    find_session,
    load_case,
    recommended_option,
    reload,
    reveal,
)
from .store import NICKNAME_MAX, OFFLINE, REFLECTION_MAX, Store, new_secret, normalize_code, too_long

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
PAGES_DIR = HERE / "pages"
PLAYER_STATIC = HERE.parent / "play" / "static"
LOCALE = HERE.parent / "locale" / "nb.json"

POLL_SECONDS = 0.25     # one database question per server this often, for all open pages
PUSH_DELAY = 0.05       # an answer given here reaches the trainer's page this soon
MAX_MESSAGE = 64 * 1024  # bytes: a reflection of REFLECTION_MAX characters fits well


# -- pages ------------------------------------------------------------------------------------
@functools.cache
def _template(name: str) -> str:
    return (PAGES_DIR / f"{name}.html").read_text(encoding="utf-8")


def page(name: str, **values) -> str:
    """widgets/workshop/pages/<name>.html with {{key}} replaced by escaped values."""
    import html

    text = _template(name)
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(str(value), quote=True))
    return text


@functools.cache
def strings_json() -> str:
    """All UI text (widgets/locale/nb.json) for the pages' scripts, safe inside <script>."""
    return LOCALE.read_text(encoding="utf-8").replace("</", "<\\/")


# -- the hub ----------------------------------------------------------------------------------
class Hub:
    """The sockets of this server by session, and the one poll that feeds them all."""

    def __init__(self, store: Store, load=load_case, trainer_key: str | None = None,
                 municipality: dict | None = None, course: str = "Tidlig og sammen", public_base: str = "",
                 cases=None):
        self.store = store
        self.load = _cached(load)   # a hall joining at once reads the case once, not 500 times
        self.cases = cases          # () -> the compiled cases a trainer may choose (default: all)
        self.trainer_key = trainer_key or new_secret()
        self.municipality = municipality or {}
        self.course = course
        self.public_base = public_base
        self.people: dict[int, set] = {}     # session id -> participant sockets
        self.watchers: dict[int, set] = {}   # session id -> trainer and presenter sockets
        self.sessions: dict[int, Session] = {}
        self._last_dash: dict[int, str] = {}
        self._codes: dict[str, int] = {}     # session code -> id (codes never change)
        self._dirty: set[int] = set()
        self._soon = None
        self._poll = None
        self.online = True

    def start(self) -> None:
        if self._poll is None:
            self._poll = PeriodicCallback(self.tick, POLL_SECONDS * 1000)
            self._poll.start()

    def stop(self) -> None:
        if self._poll is not None:
            self._poll.stop()
            self._poll = None

    def find(self, code: object) -> tuple[Session | None, str | None]:
        """find_session, answered from this server's snapshot when a page of that session
        is open here (the poll keeps it at most POLL_SECONDS old): a hall joining at once
        asks the database once, not once per phone."""
        code = normalize_code(code)
        sid = self._codes.get(code)
        known = self.sessions.get(sid) if sid is not None else None
        if known is not None:
            if known.closed:
                return known, "workshop_closed"
            if known.expired:
                return known, "workshop_expired"
            return known, None
        session, problem = find_session(self.store, code, self.load)
        if session is not None:
            self._codes[session.code] = session.id
        return session, problem

    def snapshot(self, session: Session) -> Session:
        """The newest copy of the session this server has (see find)."""
        known = self.sessions.get(session.id)
        return known if known is not None and known.version >= session.version else session

    def is_trainer(self, key: object) -> bool:
        return isinstance(key, str) and bool(key) and secrets.compare_digest(key, self.trainer_key)

    # -- membership -------------------------------------------------------------------------
    def add(self, group: dict, session: Session, sock) -> None:
        group.setdefault(session.id, set()).add(sock)
        known = self.sessions.get(session.id)
        if known is None or known.version < session.version:
            self.sessions[session.id] = session

    def remove(self, sock) -> None:
        for group in (self.people, self.watchers):
            for sid, socks in list(group.items()):
                socks.discard(sock)
                if not socks:
                    del group[sid]
        for sid in list(self.sessions):
            if sid not in self.people and sid not in self.watchers:
                del self.sessions[sid]
                self._last_dash.pop(sid, None)

    # -- pushing ----------------------------------------------------------------------------
    def poke(self, session_id: int) -> None:
        """Something changed here (an answer, a step): push soon, in one go."""
        self._dirty.add(session_id)
        if self._soon is None:
            self._soon = IOLoop.current().call_later(PUSH_DELAY, self._flush)

    def _flush(self) -> None:
        self._soon = None
        dirty, self._dirty = self._dirty, set()
        self.tick(force=dirty)

    def tick(self, force: set[int] | None = None) -> None:
        """One look at the database for every session with a page open here."""
        ids = sorted(set(self.people) | set(self.watchers))
        if not ids:
            return
        try:
            versions = self.store.session_versions(ids)
            changed = [sid for sid in ids if sid in versions and (
                self.sessions.get(sid) is None or versions[sid] != self.sessions[sid].version)]
            for sid in changed:
                self.sessions[sid] = reload(self.store, self.sessions[sid])
                for sock in list(self.people.get(sid, ())):
                    sock.session_changed(self.sessions[sid])
            for sid in ids:
                if sid in self.watchers:
                    self.push_dashboard(sid, force=bool(force and sid in force) or sid in changed)
            if not self.online:
                self.online = True
                self._tell_all({"type": "online"})
        except OFFLINE:
            if self.online:
                self.online = False
                log.warning("workshop: the database is away")
                self._tell_all({"type": "offline"})
        except Exception:  # noqa: BLE001 - a bug in one push: logged, the server goes on
            log.exception("workshop: push failed")

    def _tell_all(self, message: dict) -> None:
        for group in (self.people, self.watchers):
            for socks in group.values():
                for sock in list(socks):
                    sock.send(message)

    def push_dashboard(self, session_id: int, force: bool = False) -> None:
        session = self.sessions.get(session_id)
        if session is None:
            return
        data = trainer_view(session, self.store.room(session_id))
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if text == self._last_dash.get(session_id) and not force:
            return
        self._last_dash[session_id] = text
        for sock in list(self.watchers.get(session_id, ())):
            sock.send(data)


def _cached(load, seconds: float = 10.0):
    """`load(case_id)` remembered for a few seconds (a rebuilt case is seen soon after)."""
    memo: dict[str, tuple[float, dict]] = {}

    def cached(case_id: str) -> dict:
        hit = memo.get(case_id)
        if hit is not None and time.monotonic() - hit[0] < seconds:
            return hit[1]
        case = load(case_id)
        memo[case_id] = (time.monotonic(), case)
        return case

    return cached


def trainer_view(session: Session, room: dict) -> dict:
    """What the dashboard and the presenter view show: the reports' dashboard, plus the
    room's place (the trainer acts from it) when the trainer sets the pace."""
    data = dashboard(session, room)
    out = {"type": "dash", "code": session.code, "mode": session.mode, "title": session.case["title"],
           "dash": data, "room": None}
    if session.trainer_paced:
        play = session.room()
        scene = play.scene
        out["room"] = {
            "scene": play.scene_id, "step": play.step, "total": play.total_steps,
            "title": scene["title"], "paragraphs": scene["paragraphs"],
            "needs_choice": play.needs_choice, "finished": play.finished,
            "revealed": play.scene_id in session.revealed,
            "prompt": (play.decision or {}).get("prompt"),
            "branches": [{"id": o["id"], "label": o["label"]} for o in branches(play)],
            "recommended": recommended_option(play),
        }
    return out


def participant_view(part: Participation) -> dict:
    s, play = part.session, part.play
    return {"type": "view", "code": s.code, "mode": s.mode, "open": s.is_open,
            "status": "open" if s.is_open else ("closed" if s.closed else "expired"),
            "state": play.state(), "revealed": part.revealed, "can_choose": part.can_choose,
            "can_proceed": part.can_proceed, "waiting": part.waiting,
            "recommended": part.recommended(), "summary": part.summary() if play.finished else [],
            "notes": part.notes, "nickname": part.me.get("nickname") or ""}


# -- sockets ----------------------------------------------------------------------------------
class _Socket(WebSocketHandler):
    """JSON messages both ways; the store's outages become a message, never a crash."""

    def initialize(self, hub: Hub):
        self.hub = hub

    def get_compression_options(self):
        return {}  # views are repetitive JSON: deflate saves a phone's data

    def send(self, message: dict) -> None:
        try:
            self.write_message(json.dumps(message, ensure_ascii=False))
        except WebSocketClosedError:
            self.hub.remove(self)

    def on_close(self) -> None:
        self.hub.remove(self)

    def on_message(self, text) -> None:
        if isinstance(text, bytes) or len(text) > MAX_MESSAGE:
            return self.send({"type": "error", "text": t("workshop_too_big")})
        try:
            message = json.loads(text)
        except ValueError:
            return None
        if not isinstance(message, dict):
            return None
        try:
            self.handle(message)
        except OFFLINE:
            self.send({"type": "offline", "ref": message.get("ref")})
        except Exception:  # noqa: BLE001 - a bug: logged for developers, a plain word to the user
            log.exception("workshop socket: %s failed", message.get("type"))
            self.send({"type": "error", "text": t("workshop_bug"), "ref": message.get("ref")})

    def ack(self, message: dict, **more) -> None:
        self.send({"type": "ack", "ref": message.get("ref"), **more})

    def handle(self, message: dict) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class ParticipantSocket(_Socket):
    """/rom/ws?kode=KODE[&deltaker=ID]: one participant's page."""

    part: Participation | None = None
    session: Session | None = None

    def open(self):
        self.set_nodelay(True)
        code = self.get_argument("kode", "")
        token = self.get_argument("deltaker", "")
        try:
            session, problem = self.hub.find(code)
        except OFFLINE:
            return self.send({"type": "offline"})
        if problem and problem != "workshop_closed" or session is None:
            return self.send({"type": "problem", "text": t(problem, code=normalize_code(code))})
        self.session = session
        self.hub.add(self.hub.people, session, self)
        if token:
            self.part = Participation.rejoin(self.hub.store, session, token)
        if self.part is not None:
            return self.send(participant_view(self.part))
        if problem:
            return self.send({"type": "problem", "text": t(problem, code=session.code)})
        self.send({"type": "welcome", "code": session.code, "title": session.case["title"],
                   "mode": session.mode})

    def session_changed(self, session: Session) -> None:
        self.session = session
        if self.part is not None and self.part.update(session):
            self.send(participant_view(self.part))

    def handle(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "join":
            return self._join(message)
        if self.part is None:
            return self.send({"type": "error", "text": t("workshop_join_first"), "ref": message.get("ref")})
        here = self.part.play.scene_id
        if message.get("scene") != here:
            # made from a scene the room has left (or a resend after a reconnect): the
            # first answer stands; the page gets the current view
            self.ack(message, stale=True)
            return self.send(participant_view(self.part))
        if kind == "choose":
            taken = self.part.choose(str(message.get("option", "")))
            self.ack(message, taken=taken)
            if taken:
                self.hub.poke(self.session.id)
        elif kind == "reflect":
            text = message.get("text")
            if not isinstance(text, str):
                return None
            if too_long(text, REFLECTION_MAX):
                return self.send({"type": "refused", "ref": message.get("ref"),
                                  "text": t("workshop_too_long", n=REFLECTION_MAX)})
            ok = self.part.reflect(text)
            self.ack(message, taken=ok)
            if ok:
                self.hub.poke(self.session.id)
        elif kind == "proceed":
            self.ack(message, taken=self.part.proceed())
        else:
            return None
        self.send(participant_view(self.part))

    def _join(self, message: dict) -> None:
        if self.part is not None:          # pressed twice, or a resend after a reconnect
            self.ack(message)
            return self.send({"type": "joined", "deltaker": self.token, **participant_view(self.part)})
        nickname = message.get("nickname") if isinstance(message.get("nickname"), str) else ""
        if too_long(nickname, NICKNAME_MAX):
            return self.send({"type": "refused", "ref": message.get("ref"),
                              "text": t("workshop_too_long", n=NICKNAME_MAX)})
        session = self.hub.snapshot(self.session)
        if not session.is_open:
            return self.send({"type": "problem", "text": t("workshop_closed", code=session.code)})
        self.token = new_secret()
        self.part = Participation.join(self.hub.store, session, self.token, nickname, new=True)
        self.ack(message)
        self.send({**participant_view(self.part), "type": "joined", "deltaker": self.token})
        self.hub.poke(session.id)


class TrainerSocket(_Socket):
    """/kursholder/ws?kode=KODE&nokkel=ØKTNØKKEL: the dashboard or the presenter view."""

    session: Session | None = None

    def open(self):
        self.set_nodelay(True)
        try:
            row = self.hub.store.trainer_session(self.get_argument("kode", ""), self.get_argument("nokkel", ""))
        except OFFLINE:
            return self.send({"type": "offline"})
        if row is None:
            self.send({"type": "problem", "text": t("workshop_no_access")})
            return self.close()
        try:
            self.session = Session(row, self.hub.load(row["case_id"]))
            self.session.room()
        except Exception:  # noqa: BLE001 - a case that no longer compiles
            self.send({"type": "problem", "text": t("workshop_broken", code=row["code"])})
            return self.close()
        self.hub.add(self.hub.watchers, self.session, self)
        self.send(trainer_view(self.session, self.hub.store.room(self.session.id)))

    def handle(self, message: dict) -> None:
        kind = message.get("type")
        hub, session = self.hub, reload(self.hub.store, self.session)
        if kind == "next":
            if not session.trainer_paced or not session.is_open:
                return self.ack(message, stale=True)
            play = session.room()
            if message.get("scene") != play.scene_id or message.get("step") != play.step:
                return self.ack(message, stale=True)  # the room has moved on since this was pressed
            before = session.version
            option = message.get("option") if branches(play) else None
            try:
                session = advance(hub.store, session, option if isinstance(option, str) else None,
                                  expect=(play.scene_id, play.step))
            except EngineError:
                return self.ack(message, stale=True)
            self.ack(message, stale=session.version == before)
        elif kind == "reveal":
            scene = message.get("scene")
            if not isinstance(scene, str) or not session.is_open:
                return self.ack(message, stale=True)
            session = reveal(hub.store, session, scene)
            self.ack(message, stale=False)
        elif kind == "close":
            if message.get("confirmed") is not True:
                return self.ack(message, stale=True)
            session = close(hub.store, session)
            self.ack(message, stale=False)
        else:
            return None
        self.session = session
        hub.poke(session.id)   # the next tick sees the new version and tells every page


# -- pages and files --------------------------------------------------------------------------
class _Page(RequestHandler):
    def initialize(self, hub: Hub):
        self.hub = hub

    def set_default_headers(self):
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                        "script-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:")

    def check_xsrf_cookie(self):
        """The trainer's key in the request body is the proof (no cookies are used)."""

    def header_values(self) -> dict:
        m = self.hub.municipality
        return {"course": self.hub.course,
                "municipality": m.get("navn", "") if isinstance(m, dict) else ""}

    def write_error(self, status_code, **kwargs):
        self.set_header("Content-Type", "text/html; charset=utf-8")
        text = t("workshop_no_access") if status_code in (403, 404) else t("workshop_bug")
        self.finish(page("feil", text=text, **self.header_values()))


@functools.cache
def _inline(kind: str) -> str:
    """The participant page's style and scripts, put into the page itself: a phone on a
    poor connection makes one request for the page instead of six (the files stay the
    same files: the book's player and the pages' one stylesheet)."""
    if kind == "css":
        names = [PLAYER_STATIC / "case-player.css", PLAYER_STATIC / "kurs-apper.css"]
        return "\n".join(p.read_text(encoding="utf-8") for p in names).replace("</", "<\\/")
    names = [PLAYER_STATIC / "case-player.js", STATIC_DIR / "live-socket.js", STATIC_DIR / "room.js"]
    return "\n;\n".join(p.read_text(encoding="utf-8") for p in names).replace("</script", "<\\/script")


class ParticipantPage(_Page):
    def get(self):
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page("rom", code=normalize_code(self.get_argument("kode", "")),
                         nickname_max=NICKNAME_MAX, reflection_max=REFLECTION_MAX,
                         **self.header_values()).replace("{{strings}}", strings_json())
                    .replace("{{inline_css}}", _inline("css")).replace("{{inline_js}}", _inline("js")))


class CaseJSON(_Page):
    """/rom/sak/KODE.json: the session's compiled case (format 2), as the book's player reads it."""

    def get(self, code: str):
        try:
            session, problem = self.hub.find(code)
        except OFFLINE:
            raise HTTPError(503) from None
        if session is None:
            raise HTTPError(404)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "private, max-age=3600")
        self.finish(_case_text(session.case))

    def set_default_headers(self):
        self.set_header("X-Content-Type-Options", "nosniff")


class TrainerHome(_Page):
    """/kursholder?nokkel=SERVERNØKKEL: make a session (GET the form, POST to make it)."""

    def get(self):
        if not self.hub.is_trainer(self.get_argument("nokkel", "")):
            raise HTTPError(403)
        from ..voila.apps import all_cases

        cases = self.hub.cases() if self.hub.cases else all_cases()
        options = "".join(
            f'<option value="{_esc(c["id"])}">{_esc(c["title"])}</option>'
            for c in sorted(cases, key=lambda c: c["title"]))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page("kursholder", key=self.get_argument("nokkel"), **self.header_values())
                    .replace("{{options}}", options))

    def post(self):
        if not self.hub.is_trainer(self.get_argument("nokkel", "")):
            raise HTTPError(403)
        mode = self.get_argument("tempo", "styrt")
        try:
            compiled = self.hub.load(self.get_argument("sak", ""))
            session, key = create_session(self.hub.store, compiled, mode)
        except (ValueError, EngineError):
            raise HTTPError(400) from None
        except OFFLINE:
            raise HTTPError(503) from None
        except Exception as exc:  # noqa: BLE001 - an unknown case id (CaseNotFound / ProblemsFound)
            log.debug("no such case: %s", exc)
            raise HTTPError(400) from None
        self.redirect("/kursholder/okt?" + urlencode({"kode": session.code, "nokkel": key}), status=303)


class DashboardPage(_Page):
    """/kursholder/okt?kode=&nokkel=: the live dashboard; /kursholder/vis?...: the presenter view."""

    def initialize(self, hub: Hub, name: str):
        self.hub, self.name = hub, name

    def get(self):
        code, key = self.get_argument("kode", ""), self.get_argument("nokkel", "")
        try:
            row = self.hub.store.trainer_session(code, key)
        except OFFLINE:
            raise HTTPError(503) from None
        if row is None:
            raise HTTPError(403)
        join = join_url(self.hub.public_base or self.request_base(), row["code"])
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page(self.name, code=row["code"], key=key, join_url=join, qr=qr_data_uri(join),
                         spaced_code=" ".join(row["code"]), **self.header_values())
                    .replace("{{strings}}", strings_json()))

    def request_base(self) -> str:
        return f"{self.request.protocol}://{self.request.host}"


class ResultsCSV(_Page):
    def get(self):
        row = self.hub.store.trainer_session(self.get_argument("kode", ""), self.get_argument("nokkel", ""))
        if row is None:
            raise HTTPError(403)
        session = Session(row, self.hub.load(row["case_id"]))
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="workshop-{session.code}.csv"')
        self.finish("\ufeff" + results_csv(self.hub.store, session))


class Files(StaticFileHandler):
    def set_extra_headers(self, path):
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")


_CASE_TEXTS: dict[int, tuple[dict, str]] = {}


def _case_text(case: dict) -> str:
    """The case as JSON text, made once per loaded case (a hall fetches the same one)."""
    hit = _CASE_TEXTS.get(id(case))
    if hit is None or hit[0] is not case:
        if len(_CASE_TEXTS) > 64:
            _CASE_TEXTS.clear()
        hit = _CASE_TEXTS[id(case)] = (case, json.dumps(case, ensure_ascii=False))
    return hit[1]


def _esc(text) -> str:
    import html

    return html.escape("" if text is None else str(text), quote=True)


def join_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/rom/?kode={code}"


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=8, border=2, dark="#111", light="#fff")


def handlers(hub: Hub, prefix: str = "/") -> list[tuple]:
    """The workshop's routes, for the Voila server's tornado application."""
    p = prefix.rstrip("/")
    return [
        (p + r"/rom/?", ParticipantPage, {"hub": hub}),
        (p + r"/rom/ws", ParticipantSocket, {"hub": hub}),
        (p + r"/rom/sak/([A-Za-z0-9]{1,12})\.json", CaseJSON, {"hub": hub}),
        (p + r"/rom/static/spiller/(case-player\.(?:js|css)|kurs-apper\.css)", Files, {"path": str(PLAYER_STATIC)}),
        (p + r"/rom/static/([a-z-]+\.(?:js|css))", Files, {"path": str(STATIC_DIR)}),
        (p + r"/kursholder/?", TrainerHome, {"hub": hub}),
        (p + r"/kursholder/okt", DashboardPage, {"hub": hub, "name": "dashbord"}),
        (p + r"/kursholder/vis", DashboardPage, {"hub": hub, "name": "visning"}),
        (p + r"/kursholder/resultater\.csv", ResultsCSV, {"hub": hub}),
        (p + r"/kursholder/ws", TrainerSocket, {"hub": hub}),
    ]
