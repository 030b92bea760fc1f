"""Size of the static player (JavaScript + CSS) gzipped, as a web server sends it.
Prints the sizes (target: the player, the course progress and the SCORM adapter ≤ 12 KB;
tests/test_js_player.py holds them to it, without kurs.css).

    .venv/bin/python benchmarks/static_size.py

Counts what the course adds to the theme: the player (case-player.js and .css, on exercise
pages), the course progress (progress.js and .css, on every page) and the SCORM adapter
(scorm.js, only in the SCORM package). kurs.css (the accessibility fixes to the theme, on
every page) is shown too, and the sum with it, but not held to the target.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Result, print_result  # noqa: E402

PLAYER = ROOT / "widgets" / "play" / "static"
COURSE = ROOT / "widgets" / "book" / "static"
FILES = [PLAYER / "case-player.js", PLAYER / "case-player.css", COURSE / "progress.js", COURSE / "progress.css",
         COURSE / "scorm.js"]
THEME = ROOT / "_theme" / "static" / "kurs.css"


def run() -> Result:
    sizes = {p: (len(p.read_bytes()), len(gzip.compress(p.read_bytes(), 9))) for p in [*FILES, THEME]}
    total = sum(z for p, (_, z) in sizes.items() if p != THEME) / 1024
    details = [f"{p.relative_to(ROOT)}: {raw / 1024:.1f} KB, gzip {z / 1024:.1f} KB" for p, (raw, z) in sizes.items()]
    details.append(f"med kurs.css: {(total * 1024 + sizes[THEME][1]) / 1024:.2f} KB")
    return Result("storrelse", "Spiller, fremdrift og SCORM (JS+CSS), gzip", total, "KB", 12.0, details)


def main() -> None:
    result = run()
    print_result(result)


if __name__ == "__main__":
    main()
