"""Size of the static player (JavaScript + CSS) gzipped, as a web server sends it.
Prints the sizes (target ≤ 30 KB in all).

    .venv/bin/python benchmarks/static_size.py

Counts what an exercise page loads beyond a plain book page: case-player.js and
case-player.css. kurs.css (the accessibility fixes to the theme, on every page) is shown
too, and counted, since it also came with this course.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Result, print_result  # noqa: E402

FILES = [ROOT / "widgets" / "play" / "static" / "case-player.js", ROOT / "widgets" / "static" / "case-player.css",
         ROOT / "_theme" / "static" / "kurs.css"]


def run() -> Result:
    sizes = {p: (len(p.read_bytes()), len(gzip.compress(p.read_bytes(), 9))) for p in FILES}
    total = sum(z for _, z in sizes.values()) / 1024
    return Result("storrelse", "Statisk JS+CSS, gzip", total, "KB", 30.0, [
        f"{p.relative_to(ROOT)}: {raw / 1024:.1f} KB, gzip {z / 1024:.1f} KB" for p, (raw, z) in sizes.items()])


def main() -> None:
    result = run()
    print_result(result)


if __name__ == "__main__":
    main()
