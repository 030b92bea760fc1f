"""Book build: incremental after changing one module, against a clean build. Prints the
numbers and the ratio (target ≤ 0.2×).

    .venv/bin/python benchmarks/book_build.py [--runs 3]

Works on a copy of the book in a temporary folder (the repository is not touched) and
builds it as `kurs build` does (widgets.book.build.build_command: `jupyter-book build -W`).
Clean: no _build/ folder. Incremental: one sentence added to one module, then build.
The ratio is `kurs build --følg` (one process that rebuilds on every save, as authors
work) from saving one module to the rebuilt book, against a clean `kurs build`.
For comparison: an incremental build in a new `kurs build` process each time, and one
with nothing to do, which is the fixed cost of every new process (starting Python,
Jupyter Book, Sphinx and its extensions, reading the saved environment).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Result, median, print_result, spread  # noqa: E402

MODULE = Path("modules/05-psykisk-helse/index.md")
SKIP = {".git", ".venv", "node_modules", "_build", "test-output", ".pytest_cache", ".ruff_cache",
        "benchmarks", "tests", "widgets", "ovelser", ".ci", ".github"}


def copy_book() -> Path:
    target = Path(tempfile.mkdtemp(prefix="bok-kopi-"))
    for item in ROOT.iterdir():
        if item.name in SKIP or item.name.endswith(".egg-info"):
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
        else:
            shutil.copy2(item, target / item.name)
    return target


def build(project: Path) -> float:
    from widgets.book.build import build_command

    started = time.perf_counter()
    proc = subprocess.run(build_command(project, project), cwd=project, capture_output=True, text=True,
                          timeout=900, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit("Boka kunne ikke bygges:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    return seconds


def follow(runs: int) -> tuple[float, list[float]]:
    """`kurs build --følg` on a fresh copy: (clean first build including the process
    start, [seconds from saving one module to the rebuilt book, ...])."""
    from widgets.book.build import FOLLOW_MARK, build_command

    project = copy_book()
    module = project / MODULE
    started = time.perf_counter()
    proc = subprocess.Popen(build_command(project, project, follow=True), cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    times: list[float] = []
    try:
        for line in proc.stdout:
            if not line.startswith(FOLLOW_MARK + "ferdig"):
                continue
            if line.split()[-1] != "0":
                raise SystemExit("Boka kunne ikke bygges med --følg")
            times.append(time.perf_counter() - started)
            if len(times) > runs:
                break
            time.sleep(0.5)  # the author reads the page, then saves again
            module.write_text(module.read_text(encoding="utf-8") + f"\nLagret {len(times)}.\n",
                              encoding="utf-8")
            started = time.perf_counter()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(project, ignore_errors=True)
    if len(times) <= runs:
        raise SystemExit("kurs build --følg stoppet før den var ferdig")
    return times[0], times[1:]


def build_copy() -> tuple[Path, float]:
    """A clean build of a copy of the book: (html folder, seconds)."""
    project = copy_book()
    seconds = build(project)
    return project / "_build" / "html", seconds


def run(runs: int = 3) -> tuple[Result, Path]:
    project = copy_book()
    clean, noop, incremental = [], [], []
    for _ in range(runs):
        shutil.rmtree(project / "_build", ignore_errors=True)
        clean.append(build(project))
    for _ in range(runs):
        noop.append(build(project))
    module = project / MODULE
    for i in range(runs):
        module.write_text(module.read_text(encoding="utf-8") + f"\nEn ny setning nummer {i + 1}.\n",
                          encoding="utf-8")
        incremental.append(build(project))
    c, inc = median(clean), median(incremental)
    follow_clean, follow_saved = follow(runs)
    f = median(follow_saved)
    result = Result("bygging", "Bygging: endret én modul / ren bygging", f / c, "×", 0.2, [
        f"ren bygging (`kurs build`, ny prosess): {spread(clean)}",
        (f"`kurs build --følg`: første bygging {follow_clean:.2f} s, deretter fra lagret modul "
         f"({MODULE}) til ferdig bok {spread(follow_saved)}: {f:.2f} / {c:.2f} = {f / c:.2f} ×"),
        f"én modul endret, ny `kurs build` hver gang: {spread(incremental)}: {inc / c:.2f} ×",
        f"ingen endring, ny `kurs build` (fast kostnad ved hver prosess): {spread(noop)}",
    ])
    return result, project / "_build" / "html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result, _ = run(args.runs)
    print_result(result)


if __name__ == "__main__":
    main()
