"""Voila exercise: time from opening the URL to the first clickable option, with a pool
of preheated kernels against without. Prints the numbers and the ratio (target ≤ 0.3×).

    .venv/bin/python benchmarks/voila_first_option.py [--runs 5]

Voila starts as `kurs serve` starts it (widgets.voila.server.make_app). Each visit is a
new browser context (nothing cached: a first visit) and ends as a closed tab does (Voila
then shuts the kernel down). Before each visit the server is left until it is quiet, so
a pool still refilling after the last visitor does not count against the next one; that
is the normal state of a server between two users. Localhost only; needs chromium.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    CASE,
    Result,
    compile_cases,
    launch,
    median,
    print_result,
    spread,
    voila,
    wait_quiet,
)

FIRST_OPTION = "button.kurs-option"
POOL = 2


def visit(browser, url: str, context=None) -> float:
    """Seconds to the first clickable option; in a new context (nothing cached) unless
    `context` is given (a returning visitor: Voila's JavaScript is in the browser cache)."""
    own = context is None
    context = context or browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    option = page.locator(FIRST_OPTION).first
    option.wait_for(state="visible", timeout=120_000)
    assert option.is_enabled()
    seconds = time.perf_counter() - started
    page.close(run_before_unload=True)  # as a closed tab: Voila shuts the kernel down
    if own:
        context.close()
    return seconds


def measure(runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    compiled = compile_cases()
    times: dict[str, list[float]] = {}
    with sync_playwright() as pw:
        browser = launch(pw)
        for label, pool in (("uten forvarming", 0), (f"forvarmet (pool {POOL})", POOL)):
            with voila(compiled, pool) as (base, pid):
                url = f"{base}/voila/render/ovelse.ipynb?case={CASE}"
                wait_quiet(pid)
                visit(browser, url)  # the first visit warms the server's own caches
                times[label] = []
                for _ in range(runs):
                    time.sleep(1)
                    wait_quiet(pid)
                    times[label].append(visit(browser, url))
                cached = browser.new_context(viewport={"width": 1280, "height": 900})
                visit(browser, url, cached)  # fills the cache
                times[label + ", med cache"] = []
                for _ in range(runs):
                    time.sleep(1)
                    wait_quiet(pid)
                    times[label + ", med cache"].append(visit(browser, url, cached))
                cached.close()
        browser.close()
    return times


def run(runs: int = 5) -> Result:
    times = measure(runs)
    cold, cold_cached, warm, warm_cached = times.values()
    return Result("voila", "Voila-øvelse: første klikkbare valg, forvarmet / uten", median(warm) / median(cold),
                  "×", 0.3, [f"{label}: {spread(t)}" for label, t in times.items()]
                  + [f"med cache (gjenbesøk): forvarmet / uten = {median(warm_cached) / median(cold_cached):.2f} ×",
                     "resultatet gjelder første besøk (ny nettleserkontekst, ingen cache); "
                     "serveren er i ro før hvert besøk"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    result = run(args.runs)
    print_result(result)


if __name__ == "__main__":
    main()
