"""Shared parts of the benchmarks: a result row, the table, the machine, Chromium,
Voila, a static web server, and waiting until the machine is quiet.

The benchmarks are scripts that print numbers, not tests. Each compares two things in
the same run (a ratio), so a slow machine slows both sides.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from helpers import free_port, wait_for  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CASE = "skolegutt-forteller"


@dataclass
class Result:
    """One row of the table: `value` measured against `target` (value <= target, or
    value >= target for a score where higher is better: `at_least`)."""

    key: str
    title: str
    value: float
    unit: str
    target: float
    detail: list[str] = field(default_factory=list)
    at_least: bool = False

    @property
    def met(self) -> bool:
        return self.value >= self.target if self.at_least else self.value <= self.target

    @property
    def sign(self) -> str:
        return "≥" if self.at_least else "≤"

    def shown(self, number: float) -> str:
        if self.unit == "poeng":
            return f"{number:.0f} poeng"
        return f"{number:.2f} ×" if self.unit == "×" else f"{number:.2f} {self.unit}"


def table(results: list[Result]) -> str:
    rows = [("", "måling", "resultat", "mål", "")]
    for i, r in enumerate(results, 1):
        rows.append((str(i), r.title, r.shown(r.value), f"{r.sign} " + r.shown(r.target), "nådd" if r.met else "IKKE NÅDD"))
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_result(result: Result) -> None:
    """One benchmark run on its own: the table row, then the details."""
    print(table([result]))
    print("\n".join("  " + d for d in result.detail))


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    """End a server process: politely, then by force."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    chromium = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True,
                                  timeout=30, check=False).stdout.strip()
    return (f"{cpu}, {os.cpu_count()} kjerner{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; {chromium}")


def launch(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


def spread(values: list[float], unit: str = "s") -> str:
    return f"median {median(values):.2f} {unit} (min {min(values):.2f}, maks {max(values):.2f}, n={len(values)})"


# -- quiet machine ------------------------------------------------------------------------

def wait_quiet(pid: int | None = None, limit: float = 60, threshold: float = 0.15) -> None:
    """Wait until the process `pid` and its children (Voila and its kernels) use less
    than `threshold` CPU seconds per second, so one measurement does not pay for the
    work left over from the last (a pool refilling, a kernel shutting down)."""
    import psutil

    def cpu() -> float:
        total = 0.0
        procs = [psutil.Process(pid)] if pid else []
        for p in list(procs):
            with contextlib.suppress(psutil.Error):
                procs += p.children(recursive=True)
        for p in procs:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
        return total

    deadline = time.monotonic() + limit
    last = cpu()
    while time.monotonic() < deadline:
        time.sleep(1)
        now = cpu()
        if now - last < threshold:
            return
        last = now


# -- servers ------------------------------------------------------------------------------

@contextlib.contextmanager
def static_server(folder: Path):
    """The built book over plain HTTP, as a municipality's web server serves it."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def compile_cases() -> Path:
    out = Path(tempfile.mkdtemp(prefix="saker-"))
    subprocess.run([sys.executable, "-m", "widgets", "compile", "--ut", str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    return out


@contextlib.contextmanager
def voila(compiled: Path, pool: int):
    """Voila as `kurs serve` starts it (widgets.voila.server.make_app), on a free port.
    Yields (base URL, server pid)."""
    port = free_port()
    code = ("from pathlib import Path; from widgets.voila.server import make_app;"
            f"make_app({port}, '127.0.0.1', Path(r'{compiled}'), {pool}).start()")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", 120)
        yield base, proc.pid
    finally:
        stop(proc)
