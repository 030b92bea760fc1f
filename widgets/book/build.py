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
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # Sphinx colours its output even into a pipe
_PHASES = {"reading sources": "Leser sidene", "writing output": "Skriver HTML",
           "executing": "Kjører notatbøker", "copying": "Kopierer filer"}
# jsonschema (which Jupyter Book uses to check _config.yml) imports rfc3987_syntax when it
# is installed, and that compiles 38 grammars: 0.7 s per build, for an IRI format check the
# book never asks for. Marking the module as missing skips it (benchmarks/book_build.py).
JB_MAIN = ("import sys; sys.modules.setdefault('rfc3987_syntax', None); "
           "from widgets.book.build import build_once; sys.exit(build_once(sys.argv[1:]))")
FOLLOW_MAIN = ("import sys; sys.modules.setdefault('rfc3987_syntax', None); "
               "from widgets.book.build import follow_loop; follow_loop(sys.argv[1], sys.argv[2:])")


def build_once(jb_args: list[str]) -> int:
    """`jupyter-book build` in this process; its exit code. Jupyter Book reports a broken
    _toc.yml or _config.yml as an exception with a framed message: that becomes one
    ERROR line for the author instead of a traceback."""
    from jupyter_book.cli.main import main

    try:
        main(jb_args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else int(bool(exc.code))
    except Exception as exc:  # noqa: BLE001 - shown to the author, the build goes on in --følg
        words = [w for w in _ANSI.sub("", str(exc)).split() if set(w) - set("=-")]
        print(f"ERROR: {' '.join(words) or type(exc).__name__}", flush=True)  # the parent writes «Feil:»
        return 1
    return 0


def build_command(root: Path, builddir: Path | None = None, follow: bool = False,
                  config: Path | None = None) -> list[str]:
    jb_args = ["build", str(root), "-W", "-n", "--keep-going"]
    if builddir is not None:
        jb_args += ["--path-output", str(builddir)]
    if config is not None:
        jb_args += ["--config", str(Path(config).resolve())]
    if follow:
        return [sys.executable, "-c", FOLLOW_MAIN, str(root), *jb_args]
    return [sys.executable, "-c", JB_MAIN, *jb_args]


# -- `kurs build --følg`: one Python process that rebuilds when a source file changes ------
# A new process costs 1.4 s before Sphinx reads a page (Python, Jupyter Book, Sphinx and the
# extensions); in a process that stays, a changed module is rebuilt in about 0.5 s.

FOLLOW_MARK = "@@kurs-bok "
# Not sources: builds, environments, generated pages, and the Python code (a running
# process keeps the code it started with).
_NOT_SOURCES = {"_build", "node_modules", "__pycache__", "test-output", "ovelser", "widgets",
                "tests", "benchmarks", "_data"}


def is_source(root: Path, path: str) -> bool:
    """Does a change to `path` (under `root`) change the book?"""
    parts = Path(path).resolve().relative_to(root.resolve()).parts
    if not parts or any(p.startswith(".") or p in _NOT_SOURCES or p.endswith(".egg-info") for p in parts):
        return False
    return not parts[-1].endswith((".mo", "~", ".swp"))


def follow_loop(root: str, jb_args: list[str]) -> None:
    """Child process of `kurs build --følg`: build, then build again after every change.
    watchfiles asks the operating system what changed (no walking the tree); it watches
    from before the first build, so a save during a build starts the next one.
    Tells the parent where each build ends and why the next one starts (`FOLLOW_MARK` lines)."""
    import queue
    import threading

    from watchfiles import watch

    top = Path(root).resolve()
    changes: queue.Queue[set] = queue.Queue()
    ready = threading.Event()

    def watcher() -> None:
        # An editor may write several files for one save: watchfiles groups them (debounce).
        for found in watch(top, watch_filter=lambda _c, path: is_source(top, path), debounce=100,
                           raise_interrupt=False, yield_on_timeout=True, rust_timeout=200):
            ready.set()
            if found:
                changes.put(found)

    threading.Thread(target=watcher, daemon=True).start()
    ready.wait(10)
    while True:
        print(f"{FOLLOW_MARK}ferdig {build_once(jb_args)}", flush=True)
        found = changes.get()
        while not changes.empty():
            found |= changes.get_nowait()
        changed = sorted({str(Path(p).resolve().relative_to(top)) for _, p in found})
        print(f"{FOLLOW_MARK}endret {', '.join(changed[:3])}{' …' if len(changed) > 3 else ''}", flush=True)


def html_dir(root: Path, builddir: Path | None = None) -> Path:
    """Where `jupyter-book build` writes the HTML."""
    return (Path(builddir) if builddir is not None else Path(root)) / "_build" / "html"


_PREFIXES = (("WARNING: ", "Advarsel: "), ("ERROR: ", "Feil: "), ("CRITICAL: ", "Feil: "))


def _norwegian(line: str) -> str:
    """Sphinx's `path:line: WARNING: text` as `path:line: Advarsel: text`."""
    for english, norwegian in _PREFIXES:
        line = line.replace(english, norwegian)
    return line


class _Progress:
    """Turns Jupyter Book's output into a progress bar and a result line for one build."""

    def __init__(self, out, html_dir: Path | None = None, paths: dict[str, str] | None = None) -> None:
        self.out, self.tty, self.html_dir = out, out.isatty(), html_dir
        self.paths = paths or {}  # shown instead: the author's own file for a copy in a work folder
        self.start()

    def start(self) -> None:
        self.started, self.last, self.problems = time.monotonic(), None, []

    def line(self, line: str) -> None:
        line = _ANSI.sub("", line)
        if "WARNING" in line or "ERROR" in line or "Traceback" in line:
            for copy, own in self.paths.items():
                line = line.replace(copy, own)
            self.problems.append(_norwegian(line))
        m = _PROGRESS.match(line)
        if m:
            name = m["phase"].strip()  # e.g. "copying images": "copying"
            phase = _PHASES.get(name) or _PHASES.get(name.split()[0], name)
            pct = int(m["pct"])
            if self.tty:
                bar = "#" * (pct // 5)
                self.out.write(f"\r{phase:<18} [{bar:<20}] {pct:3d} %")
                self.out.flush()
            elif phase != self.last:
                self.out.write(f"{phase} …\n")
            self.last = phase

    def finish(self, code: int) -> tuple[int, list[str]]:
        if self.tty and self.last is not None:
            self.out.write("\n")
        seconds = time.monotonic() - self.started
        if code == 0 and not self.problems:
            where = f" Den ligger i {self.html_dir}" if self.html_dir else ""
            self.out.write(f"Boka er bygget på {seconds:.1f} s.{where}\n")
        else:
            self.out.write(f"Boka kunne ikke bygges uten feil ({len(self.problems)} advarsler/feil, "
                           f"{seconds:.1f} s):\n")
            for p in self.problems:
                self.out.write(f"  {p}\n")
            code = code or 1
        self.out.flush()
        return code, self.problems


def variant_dir(root: Path, config: Path) -> Path:
    """Where a variant (`kurs build --config bydel.yml`) is built: its own folder, so
    variants never overwrite each other or the main book."""
    from .output import slug

    return Path(root) / "_build" / "varianter" / slug(Path(config).stem)


def build(root: Path, builddir: Path | None = None, out=sys.stderr,
          follow: bool = False, config: Path | None = None, variant: str = "",
          quiet_where: bool = False, paths: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Build the book with warnings as errors. Shows progress on `out`.
    Returns (exit code, warning lines). With `follow`, builds again after every change
    to a source file until Ctrl+C, and returns the last build's result. `variant` names
    the book's own `localStorage` namespace (widgets.book.output)."""
    import os

    from ..settings import VARIANT_ENV

    env = {**os.environ, VARIANT_ENV: variant} if variant else None
    proc = subprocess.Popen(build_command(root, builddir, follow, config), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=root, bufsize=1, env=env)
    assert proc.stdout is not None
    progress = _Progress(out, None if quiet_where else html_dir(root, builddir), paths)
    result: tuple[int, list[str]] = (1, [])
    interrupted = False
    try:
        for line in proc.stdout:
            line = line.rstrip("\n")
            if not line.startswith(FOLLOW_MARK):
                progress.line(line)
                continue
            word, _, rest = line[len(FOLLOW_MARK):].partition(" ")
            if word == "ferdig":
                result = progress.finish(int(rest))
                out.write("Venter på endringer i boka … (stopp med Ctrl+C)\n")
            else:
                out.write(f"Endret: {rest}\n")
                progress.start()
            out.flush()
    except KeyboardInterrupt:
        interrupted = True
        proc.terminate()
        out.write("\nStoppet.\n")
    code = proc.wait()
    return result if interrupted else progress.finish(code)


NOT_FOUND_PAGE = "404.html"   # the book's own page (_extra/404.html), in Norwegian


class BookHandler(http.server.SimpleHTTPRequestHandler):
    """The built book and nothing else: no folder listings, the book's own Norwegian
    404 page, and no access log (no client addresses in the terminal)."""

    def log_message(self, format, *args):  # noqa: A002 - signature from the stdlib
        pass

    def list_directory(self, path):
        # a folder with an index.html is served as that page before this is asked
        self.send_error(404)
        return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class PortTaken(Exception):
    def __init__(self, port: int, host: str):
        super().__init__(port, host)
        self.port, self.host = port, host


def book_server(html_dir: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """A server for the built book, bound now (a taken port is PortTaken, at once)."""
    import errno

    handler = functools.partial(BookHandler, directory=str(html_dir))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortTaken(port, host) from None
        raise


def serve(html_dir: Path, host: str, port: int, out=sys.stdout, httpd=None) -> None:
    """Serve the book until Ctrl+C; `httpd` from book_server() if it is bound already."""
    httpd = httpd or book_server(html_dir, host, port)
    with httpd:
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        out.write(f"Kurset er klart: http://{shown}:{httpd.server_address[1]}/\n"
                  "Stopp med Ctrl+C.\n")
        out.flush()
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            out.write("\nStoppet.\n")
