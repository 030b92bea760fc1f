"""Engine: compile every case (check + compile, as `kurs compile` does), then 10 000
random playthroughs to the end. Prints the times (target: well under a second for the
playthroughs; the table says ≤ 1 s).

    .venv/bin/python benchmarks/engine_speed.py [--playthroughs 10000] [--seed 1]

A playthrough starts a case at random, chooses a random option at every decision,
writes a reflection where asked, and goes on until an ending, then takes the summary and
the saved state, as the players do.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Result, print_result  # noqa: E402


def compile_all() -> tuple[list[dict], float]:
    from widgets.authoring.compiler import compile_case
    from widgets.authoring.kommune import municipality
    from widgets.authoring.library import check

    started = time.perf_counter()
    result = check(cases_dir=ROOT / "cases")
    settings = municipality(ROOT / "_config.yml")
    cases = [compile_case(case, result.catalog, settings) for _, case in sorted(result.cases.items())]
    return cases, time.perf_counter() - started


def play(cases: list[dict], n: int, seed: int) -> tuple[float, int]:
    from widgets.play.engine import Playthrough

    rng = random.Random(seed)
    steps = 0
    started = time.perf_counter()
    for _ in range(n):
        play = Playthrough(rng.choice(cases))
        while not play.finished:
            decision = play.decision
            if play.needs_choice:
                play.choose(rng.choice(decision["options"])["id"])
            elif decision and decision["kind"] == "reflection":
                play.reflect("Tanker")
            play.proceed()
            steps += 1
        play.summary()
        play.state()
    return time.perf_counter() - started, steps


def run(n: int = 10_000, seed: int = 1) -> Result:
    cases, compile_seconds = compile_all()
    seconds, steps = play(cases, n, seed)
    return Result("motor", f"Motor: {n} tilfeldige gjennomspillinger", seconds, "s", 1.0, [
        f"kompilere alle {len(cases)} saker (sjekk + kompilering): {compile_seconds:.2f} s",
        f"{n} gjennomspillinger, {steps} steg i alt: {seconds:.3f} s ({seconds / n * 1e6:.0f} µs per gjennomspilling)",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--playthroughs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    result = run(args.playthroughs, args.seed)
    print_result(result)


if __name__ == "__main__":
    main()
