"""Time from opening the Voila exercise URL to the first clickable option,
with and without a preheated kernel pool. Prints a table and the ratio.

    .venv/bin/python benchmarks/voila_first_option.py [--runs 5]

Localhost only; needs Debian's chromium. Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from helpers import free_port, wait_for  # noqa: E402

CASE = "skolegutt-forteller"
FIRST_OPTION = "button.kurs-option"


def start_voila(compiled: Path, pool: int):
    port = free_port()
    code = ("from pathlib import Path; from widgets.voila_server import make_app;"
            f"make_app({port}, '127.0.0.1', Path(r'{compiled}'), {pool}).start()")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/", 90)
    return proc, base


def measure(browser, url: str) -> float:
    page = browser.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.locator(FIRST_OPTION).first.wait_for(state="visible", timeout=120_000)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    compiled = Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "widgets", "compile", "--ut", str(compiled)], cwd=ROOT,
                   check=True, capture_output=True)
    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for label, pool in (("uten forvarming", 0), ("forvarmet (pool 2)", 2)):
            proc, base = start_voila(compiled, pool)
            try:
                url = f"{base}/voila/render/ovelse.ipynb?case={CASE}"
                times = []
                for _ in range(args.runs):
                    if pool:
                        time.sleep(6)  # let the pool refill between visits, as between two users
                    times.append(measure(browser, url))
                results[label] = times
            finally:
                proc.terminate()
                proc.wait(timeout=20)
        browser.close()
    shutil.rmtree(compiled, ignore_errors=True)
    print(f"Voila: tid fra URL til første klikkbare svaralternativ ({args.runs} målinger)")
    print(f"{'':22}{'median s':>10}{'min s':>8}{'max s':>8}")
    for label, times in results.items():
        print(f"{label:22}{statistics.median(times):10.2f}{min(times):8.2f}{max(times):8.2f}")
    cold, warm = (statistics.median(t) for t in results.values())
    print(f"forhold forvarmet / uten: {warm / cold:.2f}")


if __name__ == "__main__":
    main()
