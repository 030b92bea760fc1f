"""Workshop load: a room of N participants joins at once, then answers; prints numbers.

    .venv/bin/python benchmarks/workshop_load.py [--deltakere 40] [--runder 3] [--klient ws|nettleser]

Starts its own Voila on 127.0.0.1 with the pools `kurs workshop --deltakere N` uses and a
fresh SQLite store (or `--db URL`), makes a trainer-paced session, and measures

(a) burst join: N clients open the participant app within `--vindu` seconds (default 5)
    and press «Bli med» as soon as they can; time from opening the URL to the first
    clickable option of the case (p50/p95), and the ratio to one participant alone;
(b) answering: for `--runder` decisions, every participant clicks an option (spread over
    `--spredning` seconds); time from the click to the answer being visible in the store,
    where the trainer's dashboard reads it (p50/p95, ratio to one participant), and from
    the round's last click to the trainer's dashboard showing «N av N har svart»;
(c) memory: RSS and PSS of every kernel, and in total.

Clients: `ws` (default) speaks the Jupyter widget protocol over the kernel websocket as
Voila's page does (light, so the numbers are the server's); `nettleser` drives real
headless Chromium pages (heavier on this machine's CPU; use a small N). Not a test: it
prints numbers. Bounded: N ≤ 200, rounds ≤ 10, and `--tidsgrense` seconds in all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from common import stop  # noqa: E402
from helpers import free_port, wait_for  # noqa: E402

CASE = "skolegutt-forteller"
HOST = "127.0.0.1"
SINGLES = 3   # one participant alone, this many times (the baseline for the ratios)


# -- the server -----------------------------------------------------------------------------------
def start_voila(compiled: Path, db_url: str, participants: int, log: Path):
    """Voila as `kurs workshop --deltakere N` starts it, plus SINGLES kernels for the
    baseline runs, so that the room finds the pool it would have had."""
    from widgets.workshop.session import room_pool

    first, spare = room_pool(participants)
    first += SINGLES
    port = free_port()
    code = ("from pathlib import Path; from widgets.voila.server import make_app;"
            f"make_app({port}, '{HOST}', Path(r'{compiled}'), 0, pools={{'deltaker.ipynb': {first},"
            f" 'kursholder.ipynb': 1, 'index.ipynb': 0}}, spares={{'deltaker.ipynb': {spare}}}).start()")
    env = {**os.environ, "KURS_DB_URL": db_url}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    wait_for(base + "/", 120)
    while "Klar:" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() - started > 300:
            proc.terminate()
            raise SystemExit(f"Voila ble ikke klar; se {log}")
        time.sleep(0.25)
    return proc, base, first, time.monotonic() - started


def kernel_memory(pid: int) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """([(rss MB, pss MB) per kernel], (rss, pss) of the Voila server)."""
    import psutil

    def mem(p):
        info = p.memory_full_info()
        return info.rss / 2**20, getattr(info, "pss", info.rss) / 2**20

    server = psutil.Process(pid)
    kernels = [mem(c) for c in server.children(recursive=True)
               if "ipykernel" in " ".join(c.cmdline())]
    return kernels, mem(server)


# -- answers as the dashboard sees them -----------------------------------------------------------
class AnswerWatcher:
    """Polls the store (as the trainer's dashboard does, but every 10 ms) and notes when
    each participant's answer to a scene is first visible."""

    def __init__(self, store, session_id: int):
        import sqlalchemy as sa

        from widgets.workshop.store import answers, participants

        self.seen: dict[tuple[str, str], float] = {}
        self.query = (sa.select(participants.c.token, answers.c.scene_id)
                      .join(participants, participants.c.id == answers.c.participant_id)
                      .where(answers.c.session_id == session_id))
        self.store = store
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            with self.store.engine.connect() as conn:
                rows = conn.execute(self.query).all()
            now = time.perf_counter()
            for token, scene in rows:
                self.seen.setdefault((token, scene), now)
            self.stop.wait(0.01)

    def close(self):
        self.stop.set()
        self.thread.join()


# -- a participant over the kernel websocket --------------------------------------------------------
class WidgetClient:
    """The part of Voila's page that matters here: GET the page, connect to the kernel,
    ask for the widget states, follow updates, click buttons."""

    def __init__(self, base: str):
        self.base = base
        self.models: dict[str, dict] = {}
        self.displays: list[dict] = []   # outputs sent to Output widgets (display_data)
        self.changed = asyncio.Event()
        self.session = uuid.uuid4().hex
        self.ws = None
        self.reader = None

    async def open(self, path: str) -> None:
        from tornado.httpclient import AsyncHTTPClient
        from tornado.websocket import websocket_connect

        page = await AsyncHTTPClient().fetch(self.base + path, request_timeout=300)
        body = page.body.decode("utf-8", "replace")
        kernel = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', body).group(1)
        url = self.base.replace("http", "ws", 1) + f"/api/kernels/{kernel}/channels?session_id={self.session}"
        self.ws = await websocket_connect(url, max_message_size=64 * 2**20)
        self.reader = asyncio.get_running_loop().create_task(self._read())
        control = uuid.uuid4().hex
        self._send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                   metadata={"version": "1.0.0"})
        self._send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})

    def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        self.ws.write_message(json.dumps({
            "header": {"msg_id": uuid.uuid4().hex, "username": "", "session": self.session,
                       "msg_type": msg_type, "version": "5.3"},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell",
            "buffers": []}))

    async def _read(self) -> None:
        while True:
            raw = await self.ws.read_message()
            if raw is None:
                return
            if isinstance(raw, bytes):
                continue
            msg = json.loads(raw)
            kind, content = msg.get("msg_type") or msg["header"]["msg_type"], msg.get("content", {})
            if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
                self.models[content["comm_id"]] = dict(content["data"].get("state", {}))
            elif kind == "comm_msg":
                data = content.get("data", {})
                if data.get("method") == "update_states":
                    for mid, m in data["states"].items():
                        self.models.setdefault(mid, {}).update(m["state"])
                elif data.get("method") in ("update", "echo_update"):
                    self.models.setdefault(content["comm_id"], {}).update(data.get("state", {}))
            elif kind == "comm_close":
                self.models.pop(content.get("comm_id"), None)
            elif kind == "display_data":
                self.displays.append(content.get("data", {}))
            else:
                continue
            self.changed.set()

    async def wait_for(self, find, timeout: float = 120):
        """Wait until `find(models)` returns something (checked after every update)."""
        deadline = time.perf_counter() + timeout
        while True:
            found = find(self.models)
            if found:
                return found
            self.changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("widget did not appear")
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    def click(self, model_id: str) -> None:
        self._send("comm_msg", {"comm_id": model_id, "data": {"method": "custom", "content": {"event": "click"}}})

    def shown(self) -> set[str]:
        """Model ids reachable from any box's children (what the page shows)."""
        out = set()
        for m in self.models.values():
            for child in m.get("children", []) or []:
                out.add(str(child).replace("IPY_MODEL_", ""))
        return out

    async def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


def _button(models, description: str):
    return next((mid for mid, m in models.items()
                 if m.get("_model_name") == "ButtonModel" and m.get("description") == description), None)


def _options(client: WidgetClient, exclude: set[str]):
    shown = client.shown()
    return [mid for mid, m in client.models.items()
            if mid in shown and mid not in exclude and m.get("_model_name") == "ButtonModel"
            and "kurs-option" in (m.get("_dom_classes") or [])]


def _token(client: WidgetClient) -> str | None:
    """The participant's id, from the script that puts it into the page URL."""
    for data in client.displays:
        found = re.search(r"deltaker=([A-Za-z0-9_-]+)", json.dumps(data))
        if found:
            return found.group(1)
    return None


class WsParticipant:
    def __init__(self, base: str, code: str):
        self.client = WidgetClient(base)
        self.code = code
        self.token = None
        self.clicked: set[str] = set()
        self.times: dict[str, float] = {}

    async def join(self, delay: float) -> None:
        await asyncio.sleep(delay)
        start = time.perf_counter()
        await self.client.open(f"/voila/render/deltaker.ipynb?kode={self.code}")
        join = await self.client.wait_for(lambda m: _button(m, "Bli med"))
        self.times["join_ready"] = time.perf_counter() - start
        self.client.click(join)
        await self.client.wait_for(lambda m: _options(self.client, self.clicked))
        self.times["first_option"] = time.perf_counter() - start
        self.token = await self.client.wait_for(lambda _m: _token(self.client))

    async def answer(self, delay: float, rng: random.Random) -> float:
        options = await self.client.wait_for(lambda m: _options(self.client, self.clicked), timeout=60)
        await asyncio.sleep(delay)
        choice = rng.choice(options)
        self.clicked.update(options)
        clicked_at = time.perf_counter()
        self.client.click(choice)
        return clicked_at

    async def close(self) -> None:
        await self.client.close()


class BrowserParticipant:
    """The same steps in a real Chromium page (one context each)."""

    def __init__(self, browser, base: str, code: str):
        self.browser, self.base, self.code = browser, base, code
        self.token = None
        self.times: dict[str, float] = {}
        self.round = 0

    async def join(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.context = await self.browser.new_context(viewport={"width": 360, "height": 800})
        self.page = await self.context.new_page()
        start = time.perf_counter()
        await self.page.goto(f"{self.base}/voila/render/deltaker.ipynb?kode={self.code}", timeout=300_000)
        join = self.page.get_by_role("button", name="Bli med")
        await join.wait_for(timeout=300_000)
        self.times["join_ready"] = time.perf_counter() - start
        await join.click()
        await self.page.locator("button.kurs-option").first.wait_for(timeout=300_000)
        self.times["first_option"] = time.perf_counter() - start
        for _ in range(100):
            search = await self.page.evaluate("() => location.search")
            if "deltaker=" in search:
                self.token = re.search(r"deltaker=([A-Za-z0-9_-]+)", search).group(1)
                break
            await asyncio.sleep(0.05)

    async def answer(self, delay: float, rng: random.Random) -> float:
        step = f"Steg {self.round + 1} av"
        await self.page.get_by_text(step).first.wait_for(timeout=60_000)
        options = self.page.locator("button.kurs-option")
        await options.first.wait_for(timeout=60_000)
        n = await options.count()
        await asyncio.sleep(delay)
        clicked_at = time.perf_counter()
        await options.nth(rng.randrange(n)).click()
        self.round += 1
        return clicked_at

    async def close(self) -> None:
        await self.context.close()


class WsTrainer:
    """The trainer's dashboard page, to see when «n av n har svart» is shown."""

    def __init__(self, base: str, code: str, key: str):
        self.client = WidgetClient(base)
        self.path = f"/voila/render/kursholder.ipynb?kode={code}&nokkel={key}"

    async def open(self):
        await self.client.open(self.path)
        await self.client.wait_for(lambda m: any("har svart" in str(x.get("value", "")) for x in m.values())
                                   or any("Ingen valg ennå" in str(x.get("value", "")) for x in m.values()))

    async def shows(self, scene: str, text: str, timeout: float = 60) -> float:
        """When the card of `scene` on the dashboard shows `text`."""
        mark = f'data-scene="{scene}"'
        await self.client.wait_for(lambda m: any(mark in str(x.get("value", "")) and text in str(x.get("value", ""))
                                                 for x in m.values()), timeout)
        return time.perf_counter()


# -- one scenario -----------------------------------------------------------------------------------
async def scenario(base: str, store, compiled_case: dict, n: int, rounds: int, window: float, spread: float,
                   kind: str, browser, seed: int) -> dict:
    from widgets.workshop.session import advance, create_session, reload
    from widgets.workshop.store import digest

    rng = random.Random(seed)
    session, key = create_session(store, compiled_case, "styrt")
    trainer = WsTrainer(base, session.code, key)
    await trainer.open()
    if kind == "ws":
        people = [WsParticipant(base, session.code) for _ in range(n)]
    else:
        people = [BrowserParticipant(browser, base, session.code) for _ in range(n)]
    delays = sorted(rng.uniform(0, window) for _ in range(n)) if n > 1 else [0.0]
    burst_start = time.perf_counter()
    await asyncio.gather(*(p.join(d) for p, d in zip(people, delays, strict=True)))
    burst = time.perf_counter() - burst_start
    watcher = AnswerWatcher(store, session.id)
    answer_latency, dashboard_latency = [], []
    try:
        for r in range(rounds):
            session = reload(store, session)
            scene = session.room().scene_id
            if not session.room().needs_choice:
                break
            clicks = await asyncio.gather(*(p.answer(rng.uniform(0, spread) if n > 1 else 0.0, rng)
                                            for p in people))
            shown_at = await trainer.shows(scene, f"{n} av {n} har svart")
            dashboard_latency.append(shown_at - max(clicks))
            deadline = time.perf_counter() + 60
            while time.perf_counter() < deadline:
                if all((digest(p.token), scene) in watcher.seen for p in people):
                    break
                await asyncio.sleep(0.02)
            for p, at in zip(people, clicks, strict=True):
                seen = watcher.seen.get((digest(p.token), scene))
                if seen is not None:
                    answer_latency.append(seen - at)
            if r + 1 < rounds:
                advance(store, session)
    finally:
        watcher.close()
        for p in people:
            await p.close()
        await trainer.client.close()
    return {"first_option": [p.times["first_option"] for p in people],
            "join_ready": [p.times["join_ready"] for p in people],
            "answer": answer_latency, "dashboard": dashboard_latency, "burst": burst,
            "answers_expected": n * rounds}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


async def run(args, base: str, compiled_case: dict) -> tuple[dict, dict]:
    from tornado.httpclient import AsyncHTTPClient

    from widgets.workshop.store import Store

    AsyncHTTPClient.configure(None, max_clients=max(64, 2 * args.deltakere))
    store = Store(args.db_url)
    browser = pw = None
    if args.klient == "nettleser":
        from playwright.async_api import async_playwright

        pw = await async_playwright().start()
        browser = await pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                           args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    try:
        single: dict = {}
        for i in range(SINGLES):
            one = await scenario(base, store, compiled_case, 1, args.runder, 0, 0, args.klient, browser, 10 + i)
            for name, values in one.items():
                single[name] = single.get(name, []) + values if isinstance(values, list) else values
            await asyncio.sleep(1)
        single["answers_expected"] = SINGLES * args.runder
        room = await scenario(base, store, compiled_case, args.deltakere, args.runder, args.vindu, args.spredning,
                              args.klient, browser, 2)
    finally:
        if browser is not None:
            await browser.close()
            await pw.stop()
        store.dispose()
    return single, room


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deltakere", type=int, default=40, help="N, antall deltakere (1–200)")
    parser.add_argument("--runder", type=int, default=3, help="antall valg hver deltaker svarer på (1–10)")
    parser.add_argument("--vindu", type=float, default=5.0, help="sekunder rommet bruker på å åpne appen")
    parser.add_argument("--spredning", type=float, default=3.0, help="sekunder svarene spres over per runde")
    parser.add_argument("--klient", choices=("ws", "nettleser"), default="ws")
    parser.add_argument("--db", default=None, help="database-URL (standard: en ny SQLite-fil)")
    parser.add_argument("--tidsgrense", type=float, default=900, help="sekunder i alt før målingen avbrytes")
    args = parser.parse_args()
    if not 1 <= args.deltakere <= 200 or not 1 <= args.runder <= 10:
        parser.error("--deltakere må være 1–200 og --runder 1–10")
    if args.db and not re.search(r"^sqlite|@(127\.0\.0\.1|localhost)[:/]", args.db):
        parser.error("--db må være SQLite eller en database på localhost")

    tmp = Path(tempfile.mkdtemp(prefix="workshop-last-"))
    compiled = tmp / "saker"
    subprocess.run([sys.executable, "-m", "widgets", "compile", "--ut", str(compiled)], cwd=ROOT, check=True,
                   capture_output=True)
    args.db_url = args.db or f"sqlite:///{tmp / 'kurs.sqlite3'}"
    from widgets.play.loader import load_compiled
    from widgets.workshop.store import Store

    Store(args.db_url).ensure_schema()
    compiled_case = load_compiled(CASE, compiled)
    rounds = sum(1 for s in compiled_case["scenes"].values()
                 if s["decision"] and s["decision"]["kind"] != "reflection")
    args.runder = min(args.runder, rounds)
    print(f"Starter Voila med forvarmede kjerner for {args.deltakere} deltakere …", flush=True)
    proc, base, pool, ready_after = start_voila(compiled, args.db_url, args.deltakere, tmp / "voila.log")
    try:
        print(f"{pool} kjerner for deltaker-appen klare {ready_after:.1f} s etter start. Måler …", flush=True)
        idle_kernels, _ = kernel_memory(proc.pid)
        single, room = asyncio.run(asyncio.wait_for(run(args, base, compiled_case), args.tidsgrense))
        kernels, server = kernel_memory(proc.pid)
    finally:
        stop(proc, 60)
        shutil.rmtree(tmp, ignore_errors=True)

    n = args.deltakere
    print()
    print(f"Workshop-last: {n} deltakere ({args.klient}), {args.runder} runder, SQLite"
          if args.db_url.startswith("sqlite") else f"Workshop-last: {n} deltakere ({args.klient}), PostgreSQL")
    print(f"maskin: {os.cpu_count()} kjerner; rommet åpnet appen innen {args.vindu:.0f} s, "
          f"svar spredt over {args.spredning:.0f} s per runde")
    print(f"{'':44}{'p50 s':>8}{'p95 s':>8}{'én alene':>10}{'forhold p50':>12}")
    print(f"{'':44}{'':16}{'(median)':>10}")

    def row(label, values, alone):
        a = statistics.median(alone) if alone else float("nan")
        p50 = pct(values, 0.5)
        print(f"{label:44}{p50:8.3f}{pct(values, 0.95):8.3f}{a:10.3f}{p50 / a if a else float('nan'):12.2f}")

    row("(a) URL → «Bli med» klikkbar", room["join_ready"], single["join_ready"])
    row("(a) URL → første svaralternativ klikkbart", room["first_option"], single["first_option"])
    row("(b) klikk → svaret synlig i dashbordets data", room["answer"], single["answer"])
    row("(b) siste klikk i runden → vist på dashbordet", room["dashboard"], single["dashboard"])
    print(f"    «én alene» er median av {SINGLES} målinger med én deltaker på samme server før rommet")
    print(f"    svar registrert: {len(room['answer'])} av {room['answers_expected']} "
          f"(én alene: {len(single['answer'])} av {single['answers_expected']}); "
          f"siste deltaker klar etter {room['burst']:.1f} s")
    rss = [k[0] for k in kernels]
    pss = [k[1] for k in kernels]
    print(f"(c) minne: {len(kernels)} kjerner nå (før målingen: {len(idle_kernels)}); per kjerne "
          f"RSS median {statistics.median(rss):.0f} MB (maks {max(rss):.0f}), "
          f"PSS median {statistics.median(pss):.0f} MB")
    print(f"    i alt: kjerner RSS {sum(rss) / 1024:.2f} GB, PSS {sum(pss) / 1024:.2f} GB; "
          f"Voila-serveren RSS {server[0]:.0f} MB")


if __name__ == "__main__":
    main()
