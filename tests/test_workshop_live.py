"""The kernel-free workshop server (widgets/workshop/live.py) in-process, over real HTTP
and WebSockets on localhost with a SQLite store: joining, first answer counts, coming
back, pushes to the trainer, a trainer step that cannot skip, honest limits, and who may
open the trainer pages. The browser tests (test_workshop_browser.py) drive the pages."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from helpers import free_port
from tornado.websocket import websocket_connect

from widgets.workshop import session as ws
from widgets.workshop.live import Hub, handlers
from widgets.workshop.store import NICKNAME_MAX, REFLECTION_MAX, Store, clean_text, digest, participants

KEY = "kursholder-hemmelig"


class Server:
    """A tornado server with the workshop's routes, on its own thread and event loop."""

    def __init__(self, store: Store, load, cases=()):
        import tornado.web

        self.hub = Hub(store, load=load, trainer_key=KEY, course="Tidlig og sammen",
                       municipality={"navn": "Eksempel kommune"}, cases=lambda: list(cases))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        ready = threading.Event()

        def run():
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.server = tornado.web.Application(handlers(self.hub)).listen(self.port, "127.0.0.1", backlog=2048)
            self.hub.start()
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self):
        def halt():
            self.hub.stop()
            self.server.stop()
            self.loop.stop()
        self.loop.call_soon_threadsafe(halt)
        self.thread.join(10)


class Client:
    """A WebSocket client on its own thread and event loop (the tests are synchronous, and
    may run after Playwright, whose sync API keeps a loop running on the main thread)."""

    def __init__(self, url: str):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.ws = self._run(lambda: websocket_connect(url), 10)
        self.seen: list[dict] = []

    def _run(self, make, timeout: float):
        """Run `make()` (an awaitable, made on the client's own loop) to its end."""
        async def wrapped():
            return await asyncio.wait_for(make(), timeout)
        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop).result(timeout + 1)

    def send(self, **message):
        self._run(lambda: self.ws.write_message(json.dumps(message)), 5)

    def until(self, test, timeout: float = 3.0) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                text = self._run(self.ws.read_message, max(0.01, end - time.monotonic()))
            except (asyncio.TimeoutError, TimeoutError):
                break
            assert text is not None, "the server closed the socket"
            message = json.loads(text)
            self.seen.append(message)
            if test(message):
                return message
        raise AssertionError(f"no such message within {timeout} s; seen: {[m.get('type') for m in self.seen]}")

    def close(self):
        self.loop.call_soon_threadsafe(self.ws.close)
        time.sleep(0.05)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def _type(name):
    return lambda m: m.get("type") == name


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'kurs.sqlite3'}")
    yield s
    s.dispose()


@pytest.fixture
def server(store, compiled):
    srv = Server(store, lambda _id: compiled, [compiled])
    yield srv
    srv.stop()


def _ws(server: Server, path: str, **query) -> Client:
    return Client(f"ws://127.0.0.1:{server.port}{path}?{urllib.parse.urlencode(query)}")


def _get(url: str, data: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=body), timeout=10) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


def _join(server, code, nickname="") -> tuple[Client, dict]:
    me = _ws(server, "/rom/ws", kode=code)
    me.until(_type("welcome"))
    me.send(type="join", nickname=nickname, ref="j1")
    return me, me.until(_type("joined"))


# -- participants -------------------------------------------------------------------------------
def test_join_answer_once_and_come_back(server, store, compiled):
    session, key = ws.create_session(store, compiled, "styrt")
    me, joined = _join(server, session.code.lower(), "Ugle")
    token = joined["deltaker"]
    assert joined["can_choose"] and joined["state"]["path"] == ["start"]
    with store.engine.connect() as conn:      # only a hash of the id in the page's address
        stored = conn.execute(participants.select()).mappings().one()
    assert stored["token"] == digest(token) and token not in json.dumps(dict(stored), default=str)

    me.send(type="choose", scene="start", option="selektiv", ref="c1")
    assert me.until(_type("ack"))["taken"] is True
    view = me.until(_type("view"))
    assert view["state"]["answered"] == "selektiv" and not view["can_choose"] and not view["revealed"]
    me.send(type="choose", scene="start", option="universell", ref="c2")      # a second click
    assert me.until(_type("ack"))["taken"] is False
    me.close()

    again = _ws(server, "/rom/ws", kode=session.code, deltaker=token)      # a reload
    back = again.until(_type("view"))
    assert back["state"]["answered"] == "selektiv" and back["nickname"] == "Ugle"
    assert store.room(session.id)["joined"] == 1 and store.room(session.id)["counts"] == {"start": {"selektiv": 1}}
    again.close()


def test_the_case_is_the_compiled_json_and_pages_carry_the_book_header(server, store, compiled):
    session, _ = ws.create_session(store, compiled, "styrt")
    status, body, headers = _get(f"{server.base}/rom/sak/{session.code}.json")
    assert status == 200 and json.loads(body) == compiled and json.loads(body)["format_version"] == 2
    status, body, _ = _get(f"{server.base}/rom/?kode={session.code}")
    assert status == 200 and "Tidlig og sammen" in body and "Eksempel kommune" in body
    assert "/kursholder" not in body and KEY not in body   # no way to the trainer's pages
    assert _get(f"{server.base}/rom/sak/QQQQQ.json")[0] == 404
    for name in ("room.js", "live-socket.js", "trainer.js", "spiller/case-player.js", "spiller/kurs-apper.css"):
        assert _get(f"{server.base}/rom/static/{name}")[0] == 200
    assert _get(f"{server.base}/rom/static/../live.py")[0] == 404


def test_unknown_code_is_a_friendly_message(server):
    me = _ws(server, "/rom/ws", kode="<script>")
    problem = me.until(_type("problem"))
    assert "Vi fant ingen økt med koden" in problem["text"]
    me.close()


def test_too_long_is_said_not_cut_and_emoji_stay_whole(server, store, compiled):
    session, _ = ws.create_session(store, compiled, "selv")
    me = _ws(server, "/rom/ws", kode=session.code)
    me.until(_type("welcome"))
    me.send(type="join", nickname="x" * (NICKNAME_MAX + 1), ref="j1")
    refused = me.until(_type("refused"))
    assert f"høyst {NICKNAME_MAX} tegn" in refused["text"] and store.room(session.id)["joined"] == 0
    family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"
    me.send(type="join", nickname=f"Ugle {family}", ref="j2")
    assert me.until(_type("joined"))["nickname"] == f"Ugle {family}"
    for option, scene in (("indikativ", "start"), ("snakke", "handling"), ("1", "niva")):
        me.send(type="choose", scene=scene, option=option, ref=f"c-{scene}")
        me.until(_type("view"))
        me.send(type="proceed", scene=scene, ref=f"p-{scene}")
        me.until(_type("view"))
    me.send(type="reflect", scene="slutt", text="a" * (REFLECTION_MAX + 1), ref="r1")
    assert f"høyst {REFLECTION_MAX} tegn" in me.until(_type("refused"))["text"]
    assert store.room(session.id)["reflections"] == []
    me.send(type="reflect", scene="slutt", text=f"Familien {family}\u0007 ❤️", ref="r2")
    assert me.until(_type("ack"))["taken"] is True
    assert store.room(session.id)["reflections"][0]["text"] == f"Familien {family} ❤️"
    me.close()


def test_clean_text_keeps_emoji_sequences_and_drops_control_characters():
    flag = "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"   # Scotland
    assert clean_text(f" a\u200db\x00c\u202e{flag}\ufe0f\n", 100) == f"a\u200dbc{flag}\ufe0f"
    assert clean_text("abcdef", 3) == "abc"


# -- the trainer --------------------------------------------------------------------------------
def test_trainer_sees_an_answer_at_once_and_a_double_next_moves_one_scene(server, store, compiled):
    session, key = ws.create_session(store, compiled, "styrt")
    trainer = _ws(server, "/kursholder/ws", kode=session.code, nokkel=key)
    first = trainer.until(_type("dash"))
    assert first["room"]["scene"] == "start" and first["dash"]["joined"] == 0
    a, _ = _join(server, session.code)
    b, _ = _join(server, session.code)
    trainer.until(lambda m: m.get("type") == "dash" and m["dash"]["joined"] == 2)
    t0 = time.monotonic()
    a.send(type="choose", scene="start", option="selektiv", ref="c1")
    seen = trainer.until(lambda m: m.get("type") == "dash" and m["dash"]["decisions"][0]["answered"] == 1)
    assert time.monotonic() - t0 < 1.0
    assert seen["dash"]["decisions"][0]["options"][1]["count"] == 1

    trainer.send(type="reveal", scene="start", ref="r1")
    assert trainer.until(_type("ack"))["ref"] == "r1"
    assert b.until(_type("view"))["revealed"] is True
    room = seen["room"]
    # a double click: two steps made from the same place
    trainer.send(type="next", scene=room["scene"], step=room["step"], option=None, ref="n1")
    trainer.send(type="next", scene=room["scene"], step=room["step"], option=None, ref="n2")
    acks = [trainer.until(_type("ack")), trainer.until(_type("ack"))]
    assert sorted(x["stale"] for x in acks) == [False, True]
    moved = trainer.until(lambda m: m.get("type") == "dash" and m["room"]["scene"] != "start")
    assert moved["room"]["scene"] == "handling" and moved["room"]["step"] == 2
    assert b.until(lambda m: m.get("type") == "view" and m["state"]["path"][-1] == "handling")["can_choose"]
    time.sleep(0.4)
    assert ws.reload(store, session).room().path == ["start", "handling"]

    trainer.send(type="close", ref="x1")                     # one press does not end it
    assert trainer.until(_type("ack"))["stale"] is True and ws.reload(store, session).is_open
    trainer.send(type="close", confirmed=True, ref="x2")
    trainer.until(lambda m: m.get("type") == "dash" and m["dash"]["status"] == "closed")
    assert b.until(_type("view"))["open"] is False
    for c in (a, b, trainer):
        c.close()


def test_who_may_open_the_trainer_pages(server, store, compiled):
    assert _get(f"{server.base}/kursholder")[0] == 403
    status, body, _ = _get(f"{server.base}/kursholder?nokkel=feil")
    assert status == 403 and "lenken er ikke riktig" in body and "Traceback" not in body
    status, body, _ = _get(f"{server.base}/kursholder?nokkel={KEY}")
    assert status == 200 and "Lag økt" in body and compiled["title"] in body
    assert _get(f"{server.base}/kursholder", {"nokkel": "feil", "sak": compiled["id"], "tempo": "styrt"})[0] == 403
    status, _, headers = _get(f"{server.base}/kursholder", {"nokkel": KEY, "sak": compiled["id"], "tempo": "selv"})
    assert status == 303 and headers["Location"].startswith("/kursholder/okt?kode=")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(headers["Location"]).query)
    code, key = query["kode"][0], query["nokkel"][0]
    assert store.trainer_session(code, key)["mode"] == "selv"
    status, body, _ = _get(f"{server.base}{headers['Location']}")
    assert status == 200 and code in body and "data:image/svg+xml" in body
    assert _get(f"{server.base}/kursholder/vis?kode={code}&nokkel={key}")[0] == 200
    assert _get(f"{server.base}/kursholder/okt?kode={code}&nokkel=feil")[0] == 403
    assert _get(f"{server.base}/kursholder/resultater.csv?kode={code}&nokkel=feil")[0] == 403
    status, body, _ = _get(f"{server.base}/kursholder/resultater.csv?kode={code}&nokkel={key}")
    assert status == 200 and body.startswith("\ufeff") and "økt;sak;deltaker" in body
    wrong = _ws(server, "/kursholder/ws", kode=code, nokkel="feil")
    assert "lenken er ikke riktig" in wrong.until(_type("problem"))["text"]


def test_the_database_away_is_a_message_not_a_crash(server, store, compiled, monkeypatch):
    import sqlalchemy as sa

    session, _ = ws.create_session(store, compiled, "styrt")
    me, _ = _join(server, session.code)

    def down(*_a, **_k):
        raise sa.exc.OperationalError("INSERT …", {}, OSError("database gone"))

    monkeypatch.setattr(store, "answer", down)
    me.send(type="choose", scene="start", option="selektiv", ref="c1")
    assert me.until(_type("offline"))["ref"] == "c1"       # not acknowledged: the page sends it again
    monkeypatch.undo()
    me.send(type="choose", scene="start", option="selektiv", ref="c1")
    assert me.until(_type("ack"))["taken"] is True
    me.close()


def test_two_trainer_tabs_pressing_at_once_move_the_room_one_scene(server, store, compiled):
    session, key = ws.create_session(store, compiled, "styrt")
    tabs = [_ws(server, "/kursholder/ws", kode=session.code, nokkel=key) for _ in range(2)]
    seen = [tab.until(_type("dash"))["room"] for tab in tabs]
    assert seen[0]["scene"] == seen[1]["scene"] == "start"
    for tab, room in zip(tabs, seen):
        tab.send(type="next", scene=room["scene"], step=room["step"], option=None, ref="n")
    acks = [tab.until(_type("ack")) for tab in tabs]
    assert sorted(a["stale"] for a in acks) == [False, True]
    for tab in tabs:
        assert tab.until(lambda m: m.get("type") == "dash" and m["room"]["step"] == 2)["room"]["scene"] == "handling"
    assert ws.reload(store, session).room().path == ["start", "handling"]
    for tab in tabs:
        tab.close()
