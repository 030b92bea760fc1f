"""Workshop load: a hall of N participants joins at once, then answers; prints numbers.

    .venv/bin/python benchmarks/workshop_load.py [--deltakere 40 200 500] [--nettleser 20]

For each N it starts `kurs workshop` (a new process, 127.0.0.1 only, a fresh SQLite
store or `--db URL`), makes a trainer-paced session through the trainer page, opens the
trainer's dashboard socket, and measures

(a) ready: from starting `kurs workshop` to the participant page answering;
(b) burst join: N clients open the participant page within `--vindu` seconds (default 5),
    as a phone does: the page (with its style and scripts), the compiled case, the WebSocket,
    «Bli med»; time from opening the URL to the first clickable option (p50/p95), and
    the ratio to one participant alone (measured first, `SINGLES` times);
(c) choice → dashboard: every participant chooses (spread over `--spredning` seconds);
    time from the click to the trainer's dashboard socket receiving a count that
    includes it (p50/p95, ratio to one participant alone);
(d) trainer → room: «Neste scene», to the last participant seeing the new scene;
(e) memory: the server's RSS before the room joins and after it has answered.

Clients are light (tornado WebSockets in this one process), so the numbers are the
server's; `--nettleser K` also times K real headless Chromium participants (the same
page a phone gets). Not a test: it prints numbers. Bounded: N ≤ 500, K ≤ 30, and
`--tidsgrense` seconds per room.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from common import CHROMIUM, CHROMIUM_ARGS, stop  # noqa: E402
from helpers import free_port  # noqa: E402

CASE = "skolegutt-forteller"
HOST = "127.0.0.1"
KEY = "benchmark-kursholder"
SINGLES = 3
STATIC = ()   # the participant page carries its style and scripts (one request)


# -- the server -----------------------------------------------------------------------------------
class Server:
    def __init__(self, db_url: str, log: Path):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        env = {**os.environ, "KURS_DB_URL": db_url, "KURS_KURSHOLDER_NOKKEL": KEY}
        env.pop("KURS_WORKSHOP_URL", None)
        started = time.monotonic()
        profile = ["-m", "cProfile", "-o", os.environ["PROFIL"]] if os.environ.get("PROFIL") else []
        self.proc = subprocess.Popen([sys.executable, *profile, "-m", "widgets", "workshop", "--port", str(self.port),
                                      "--vert", HOST], cwd=ROOT, env=env, stdout=open(log, "w"),
                                     stderr=subprocess.STDOUT)
        import urllib.request

        while True:
            assert self.proc.poll() is None, log.read_text()
            try:
                urllib.request.urlopen(self.base + "/rom/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.02)
        self.ready = time.monotonic() - started

    def cpu(self) -> float:
        import psutil

        t = psutil.Process(self.proc.pid).cpu_times()
        return t.user + t.system

    def rss_mb(self) -> float:
        import psutil

        return psutil.Process(self.proc.pid).memory_info().rss / 2**20

    def new_session(self) -> tuple[str, str]:
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        body = urllib.parse.urlencode({"nokkel": KEY, "sak": CASE, "tempo": "styrt"}).encode()
        try:
            urllib.request.build_opener(NoRedirect).open(self.base + "/kursholder", data=body, timeout=10)
        except urllib.error.HTTPError as e:
            q = urllib.parse.parse_qs(urllib.parse.urlparse(e.headers["Location"]).query)
            return q["kode"][0], q["nokkel"][0]
        raise RuntimeError("no session made")

    def stop(self):
        stop(self.proc)


# -- clients --------------------------------------------------------------------------------------
class Trainer:
    """The dashboard's socket: when did a count of answers at the current scene arrive?"""

    def __init__(self, base: str, code: str, key: str):
        self.url = base.replace("http", "ws") + "/kursholder/ws?" + urllib.parse.urlencode({"kode": code, "nokkel": key})
        self.counts: list[tuple[float, int, str]] = []    # (time, answered at current, scene)
        self.last: dict | None = None

    async def open(self):
        from tornado.websocket import websocket_connect

        self.ws = await websocket_connect(self.url, max_message_size=50 * 2**20)
        self.task = asyncio.ensure_future(self._read())
        while self.last is None:
            await asyncio.sleep(0.01)

    async def _read(self):
        while True:
            text = await self.ws.read_message()
            if text is None:
                return
            m = json.loads(text)
            if m.get("type") == "dash":
                self.last = m
                current = [d for d in m["dash"]["decisions"] if d["current"]]
                if current:
                    self.counts.append((time.monotonic(), current[0]["answered"], current[0]["scene"]))

    async def next(self):
        room = self.last["room"]
        await self.ws.write_message(json.dumps({"type": "next", "scene": room["scene"], "step": room["step"],
                                                "ref": "n"}))

    def seen(self, scene: str, rank: int) -> float | None:
        """When the dashboard first showed at least `rank` answers at `scene`."""
        for at, n, sid in self.counts:
            if sid == scene and n >= rank:
                return at
        return None


class Participant:
    def __init__(self, base: str, code: str, http):
        self.base, self.code, self.http = base, code, http
        self.view = None
        self.views: list[tuple[float, dict]] = []

    async def join(self, delay: float) -> float:
        """Open the URL as a phone does; return seconds to the first clickable option."""
        from tornado.websocket import websocket_connect

        await asyncio.sleep(delay)
        start = time.monotonic()
        page = await self.http.fetch(f"{self.base}/rom/?kode={self.code}")
        assert b'id="room"' in page.body
        await asyncio.gather(*(self.http.fetch(self.base + path) for path in STATIC),
                             self.http.fetch(f"{self.base}/rom/sak/{self.code}.json"))
        t1 = time.monotonic()
        self.ws = await websocket_connect(f"{self.base.replace('http', 'ws')}/rom/ws?kode={self.code}")
        self.task = asyncio.ensure_future(self._read())
        await self._until(lambda: self.welcome)
        t2 = time.monotonic()
        await self.ws.write_message(json.dumps({"type": "join", "nickname": "", "ref": "j"}))
        await self._until(lambda: self.view is not None and self.view["can_choose"])
        self.phases = (t1 - start, t2 - t1, time.monotonic() - t2)
        return time.monotonic() - start

    welcome = False

    async def _read(self):
        while True:
            text = await self.ws.read_message()
            if text is None:
                return
            m = json.loads(text)
            if m.get("type") == "welcome":
                self.welcome = True
            elif m.get("type") in ("view", "joined"):
                self.view = m
                self.views.append((time.monotonic(), m))
            elif m.get("type") == "ack" and m.get("ref") == "c":
                self.acked = time.monotonic()

    async def _until(self, test, timeout: float = 120):
        end = time.monotonic() + timeout
        while not test():
            if time.monotonic() > end:
                raise TimeoutError("no answer from the server")
            await asyncio.sleep(0.005)

    async def choose(self, delay: float, rng: random.Random) -> tuple[float, str]:
        await asyncio.sleep(delay)
        scene = self.view["state"]["path"][-1]
        options = self._case["scenes"][scene]["decision"]["options"]
        self.acked = None
        clicked = time.monotonic()
        await self.ws.write_message(json.dumps({"type": "choose", "scene": scene,
                                                "option": rng.choice(options)["id"], "ref": "c"}))
        await self._until(lambda: self.acked is not None)
        return clicked, scene

    def saw_scene(self, scene: str, after: float) -> float | None:
        for at, v in self.views:
            if at >= after and v["state"]["path"][-1] == scene:
                return at
        return None

    def close(self):
        self.ws.close()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


async def room(server: Server, n: int, window: float, spread: float, case: dict, seed: int) -> dict:
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=1000)
    http = AsyncHTTPClient()
    rng = random.Random(seed)
    code, key = server.new_session()
    trainer = Trainer(server.base, code, key)
    await trainer.open()
    rss_before, cpu0, mine0 = server.rss_mb(), server.cpu(), sum(os.times()[:2])
    people = [Participant(server.base, code, http) for _ in range(n)]
    for p in people:
        p._case = case
    joins = await asyncio.gather(*(p.join(rng.uniform(0, window)) for p in people))
    if os.environ.get("FASER"):
        for k, name in enumerate(("http", "ws+welcome", "join")):
            xs = [p.phases[k] for p in people]
            print(f"    {name}: p50 {pct(xs, 50):.3f} p95 {pct(xs, 95):.3f}")
    rss_joined, cpu_join, clients_cpu = server.rss_mb(), server.cpu() - cpu0, sum(os.times()[:2]) - mine0
    clicks = await asyncio.gather(*(p.choose(rng.uniform(0, spread), rng) for p in people))
    # rank of each answer = the order the server took them in (its acknowledgements)
    order = sorted(range(n), key=lambda i: people[i].acked)
    waits = []
    end = time.monotonic() + 10
    while trainer.seen(clicks[0][1], n) is None and time.monotonic() < end:
        await asyncio.sleep(0.01)
    for rank, i in enumerate(order, 1):
        seen = trainer.seen(clicks[i][1], rank)
        waits.append((seen - clicks[i][0]) if seen is not None else float("inf"))
    rss_answered = server.rss_mb()
    first_scene = clicks[0][1]
    pressed = time.monotonic()
    await trainer.next()
    end = time.monotonic() + 30
    while time.monotonic() < end and not all(
            p.view["state"]["path"][-1] != first_scene for p in people):
        await asyncio.sleep(0.01)
    moved = [p.saw_scene(p.view["state"]["path"][-1], pressed) for p in people]
    step = max((m - pressed) for m in moved if m is not None) if all(moved) else float("inf")
    for p in people:
        p.close()
    trainer.ws.close()
    http.close()
    return {"join": joins, "dash": waits, "step": step, "rss": (rss_before, rss_joined, rss_answered),
            "cpu_join": cpu_join, "cpu_clients": clients_cpu}


def browsers(server: Server, k: int) -> dict:
    """K real Chromium participants on the same room: URL → first option, click → dashboard."""
    from playwright.sync_api import sync_playwright

    code, key = server.new_session()
    out = {"join": [], "dash": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        trainer = browser.new_page()
        trainer.goto(f"{server.base}/kursholder/okt?kode={code}&nokkel={key}")
        trainer.locator(".ka-count-big").wait_for()
        pages = []
        for _ in range(k):
            page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
            start = time.monotonic()
            page.goto(f"{server.base}/rom/?kode={code}")
            page.get_by_role("button", name="Bli med").click()
            page.locator(".cp-option").first.wait_for()
            out["join"].append(time.monotonic() - start)
            pages.append(page)
        for i, page in enumerate(pages, 1):
            start = time.monotonic()
            page.locator(".cp-option").first.click()
            trainer.locator(".ka-current", has_text=f"{i} av {k} har svart").wait_for(timeout=20_000)
            out["dash"].append(time.monotonic() - start)
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deltakere", type=int, nargs="+", default=[40, 200, 500])
    ap.add_argument("--vindu", type=float, default=5.0, help="seconds over which the room joins")
    ap.add_argument("--spredning", type=float, default=3.0, help="seconds over which the room answers")
    ap.add_argument("--nettleser", type=int, default=20, help="real Chromium participants (0: none)")
    ap.add_argument("--db", default=None, help="SQLAlchemy URL (default: a new SQLite file)")
    ap.add_argument("--tidsgrense", type=float, default=300)
    args = ap.parse_args()
    if any(n < 1 or n > 500 for n in args.deltakere) or not 0 <= args.nettleser <= 30:
        sys.exit("N må være 1–500 og --nettleser 0–30.")
    from widgets.play.loader import load_compiled

    tmp = Path(tempfile.mkdtemp(prefix="workshop-load-"))
    print(f"Maskin: {os.cpu_count()} kjerner; klienter i samme prosess (tornado), server: kurs workshop\n")
    rows = []
    for n in args.deltakere:
        db = args.db or f"sqlite:///{tmp / f'kurs-{n}.sqlite3'}"
        server = Server(db, tmp / f"server-{n}.log")
        try:
            case = load_compiled(CASE, ROOT / "_build" / "saker")
            alone = [asyncio.run(asyncio.wait_for(room(server, 1, 0, 0, case, s), args.tidsgrense))
                     for s in range(SINGLES)]
            one_join = sorted(x["join"][0] for x in alone)[SINGLES // 2]
            one_dash = sorted(x["dash"][0] for x in alone)[SINGLES // 2]
            r = asyncio.run(asyncio.wait_for(room(server, n, args.vindu, args.spredning, case, 7), args.tidsgrense))
            if n == args.deltakere[-1] and args.nettleser:
                web = browsers(server, args.nettleser)
            rows.append((n, server.ready, r, one_join, one_dash))
        finally:
            server.stop()
        b, j, a = r["rss"]
        print(f"N={n}: klar etter {server.ready:.2f} s")
        print(f"  URL → første klikkbare valg: p50 {pct(r['join'], 50):.3f} s, p95 {pct(r['join'], 95):.3f} s "
              f"(én alene {one_join:.3f} s; p95 {pct(r['join'], 95) / one_join:.1f} ×)")
        print(f"  valg → kursholderens dashbord: p50 {pct(r['dash'], 50):.3f} s, p95 {pct(r['dash'], 95):.3f} s "
              f"(én alene {one_dash:.3f} s; p95 {pct(r['dash'], 95) / one_dash:.1f} ×)")
        print(f"  «Neste scene» → siste deltaker ser ny scene: {r['step']:.3f} s")
        print(f"  serverens CPU for at alle ble med: {r['cpu_join']:.2f} s ({r['cpu_join'] / n * 1000:.1f} ms per deltaker; "
              f"klientene i denne prosessen: {r['cpu_clients']:.2f} s)")
        print(f"  serverens RSS: {b:.0f} MB før, {j:.0f} MB med alle inne, {a:.0f} MB etter svarene "
              f"(+{a - b:.0f} MB; {(a - b) / n * 1024:.0f} KB per deltaker)\n")
    if args.nettleser:
        print(f"{args.nettleser} ekte Chromium-deltakere (360 px, én om gangen, samme maskin):")
        print(f"  URL → første klikkbare valg: p50 {pct(web['join'], 50):.3f} s, p95 {pct(web['join'], 95):.3f} s")
        print(f"  klikk → dashbordet i Chromium viser svaret: p50 {pct(web['dash'], 50):.3f} s, "
              f"p95 {pct(web['dash'], 95):.3f} s\n")
    print("| N | klar | bli med p50 / p95 | × én | valg → dashbord p50 / p95 | × én | neste scene → alle | RSS før → etter |")
    print("|---|---|---|---|---|---|---|---|")
    for n, ready, r, oj, od in rows:
        b, _, a = r["rss"]
        print(f"| {n} | {ready:.1f} s | {pct(r['join'], 50):.2f} / {pct(r['join'], 95):.2f} s | "
              f"{pct(r['join'], 95) / oj:.1f} | {pct(r['dash'], 50):.2f} / {pct(r['dash'], 95):.2f} s | "
              f"{pct(r['dash'], 95) / od:.1f} | {r['step']:.2f} s | {b:.0f} → {a:.0f} MB (+{a - b:.0f}) |")


if __name__ == "__main__":
    main()
