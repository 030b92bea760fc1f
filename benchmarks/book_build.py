"""Book build: incremental after changing one module, against a clean build. Prints the
numbers and the ratio (target ≤ 0.2×).

    .venv/bin/python benchmarks/book_build.py [--runs 3]

Works on a copy of the book in a temporary folder (the repository is not touched) and
builds it as `kurs build` does (widgets.book.build_command: `jupyter-book build -W`).
Clean: no _build/ folder. Incremental: one sentence added to one module, then build.
No change: a build with nothing to do, which is the fixed cost of every build (starting
Python, Jupyter Book, Sphinx and its extensions, reading the saved environment).
Warm: the same clean and incremental builds, but both in one Python process (as a
rebuild-on-save loop would run them), shown for comparison.
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
from common import ROOT, Result, median, spread, table  # noqa: E402

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
    from widgets.book import build_command

    started = time.perf_counter()
    proc = subprocess.run(build_command(project, project), cwd=project, capture_output=True, text=True,
                          timeout=900, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit("Boka kunne ikke bygges:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    return seconds


WARM = """
import io, contextlib, sys, time
sys.modules.setdefault("rfc3987_syntax", None)
from pathlib import Path
from jupyter_book.cli.main import main
project, module, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
def build():
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(["build", str(project), "-W", "-n", "--keep-going"])
        except SystemExit as exc:
            assert not exc.code, exc.code
    return time.perf_counter() - started
times = [build()]
for i in range(runs):
    module.write_text(module.read_text(encoding="utf-8") + f"\\nVarm setning {i}.\\n", encoding="utf-8")
    times.append(build())
print(" ".join(f"{t:.3f}" for t in times))
"""


def warm(runs: int) -> tuple[float, list[float]]:
    """(clean, [incremental, ...]) in one Python process."""
    project = copy_book()
    proc = subprocess.run([sys.executable, "-c", WARM, str(project), str(project / MODULE), str(runs)],
                          cwd=project, capture_output=True, text=True, timeout=900, check=True)
    times = [float(x) for x in proc.stdout.split()]
    shutil.rmtree(project, ignore_errors=True)
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
    c, n, inc = median(clean), median(noop), median(incremental)
    warm_clean, warm_incremental = warm(runs)
    result = Result("bygging", "Bygging: endret én modul / ren bygging", inc / c, "×", 0.2, [
        f"ren bygging: {spread(clean)}",
        f"én modul endret ({MODULE}): {spread(incremental)}",
        f"ingen endring (fast kostnad ved hver bygging): {spread(noop)}",
        (f"uten den faste kostnaden: ({inc:.2f} − {n:.2f}) / ({c:.2f} − {n:.2f}) = "
         f"{(inc - n) / max(c - n, 1e-9):.2f} ×"),
        (f"i én varm prosess (til sammenligning): ren {warm_clean:.2f} s, én modul endret "
         f"{spread(warm_incremental)}: {median(warm_incremental) / warm_clean:.2f} ×"),
    ])
    return result, project / "_build" / "html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result, _ = run(args.runs)
    print(table([result]))
    print("\n".join("  " + d for d in result.detail))


if __name__ == "__main__":
    main()
