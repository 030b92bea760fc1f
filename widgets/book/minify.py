"""The player's and the progress panel's JS and CSS, served without comments and indentation.

The sources in widgets/play/static/ and widgets/book/static/ keep their comments for
contributors; the built book's `_static/` gets the same code without them (about a quarter
less to load on a phone). Only whole-line `//` comments, `/* … */` comments and leading
whitespace go: nothing inside a line of code changes, so strings stay as they are.
"""

from __future__ import annotations

import re
from pathlib import Path

FILES = ("case-player.js", "case-player.css", "progress.js", "progress.css", "scorm.js")
_BLOCK = re.compile(r"/\*.*?\*/", re.S)
_LINE_COMMENT = re.compile(r"(?m)^[ \t]*//.*\n")
_INDENT = re.compile(r"(?m)^[ \t]+")
_BLANK = re.compile(r"\n{2,}")


def minify(text: str) -> str:
    text = _LINE_COMMENT.sub("", _BLOCK.sub("", text))
    return _BLANK.sub("\n", _INDENT.sub("", text)).strip() + "\n"


def minify_static(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    for name in FILES:
        path = static / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            small = minify(text)
            if small != text:
                path.write_text(small, encoding="utf-8")


def setup(app):
    app.connect("build-finished", minify_static)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
