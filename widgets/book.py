"""Build the Jupyter Book (with a progress indicator) and serve the built HTML."""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import time
from pathlib import Path

_PROGRESS = re.compile(r"^(?P<phase>[a-z][a-z ]+?)\.\.\.\s*\[\s*(?P<pct>\d+)%\]")
_PHASES = {"reading sources": "Leser sidene", "writing output": "Skriver HTML",
           "executing": "Kjører notatbøker", "copying": "Kopierer filer"}
# jsonschema (which Jupyter Book uses to check _config.yml) imports rfc3987_syntax when it
# is installed, and that compiles 38 grammars: 0.7 s per build, for an IRI format check the
# book never asks for. Marking the module as missing skips it (benchmarks/book_build.py).
JB_MAIN = ("import sys; sys.modules.setdefault('rfc3987_syntax', None); "
           "from jupyter_book.cli.main import main; sys.exit(main())")


def build_command(root: Path, builddir: Path | None = None) -> list[str]:
    cmd = [sys.executable, "-c", JB_MAIN, "build", str(root), "-W", "-n", "--keep-going"]
    if builddir is not None:
        cmd += ["--path-output", str(builddir)]
    return cmd


def build(root: Path, builddir: Path | None = None, out=sys.stderr) -> tuple[int, list[str]]:
    """Build the book with warnings as errors. Shows progress on `out`.
    Returns (exit code, warning lines)."""
    started = time.monotonic()
    tty = out.isatty()
    problems: list[str] = []
    proc = subprocess.Popen(build_command(root, builddir), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=root, bufsize=1)
    last = None
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip("\n")
        if "WARNING" in line or "ERROR" in line or "Traceback" in line:
            problems.append(line)
        m = _PROGRESS.match(line)
        if m:
            phase = _PHASES.get(m["phase"].strip(), m["phase"].strip())
            pct = int(m["pct"])
            if tty:
                bar = "#" * (pct // 5)
                out.write(f"\r{phase:<18} [{bar:<20}] {pct:3d} %")
                out.flush()
            elif phase != last:
                out.write(f"{phase} …\n")
            last = phase
    code = proc.wait()
    if tty:
        out.write("\n")
    seconds = time.monotonic() - started
    if code == 0 and not problems:
        out.write(f"Boka er bygget på {seconds:.1f} s.\n")
    else:
        out.write(f"Boka kunne ikke bygges uten feil ({len(problems)} advarsler/feil, {seconds:.1f} s):\n")
        for p in problems:
            out.write(f"  {p}\n")
        code = code or 1
    return code, problems


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the stdlib
        pass


def serve(html_dir: Path, host: str, port: int, out=sys.stdout) -> None:
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    with http.server.ThreadingHTTPServer((host, port), handler) as httpd:
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        out.write(f"Kurset er klart: http://{shown}:{httpd.server_address[1]}/\n"
                  "Stopp med Ctrl+C.\n")
        out.flush()
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            out.write("\nStoppet.\n")
