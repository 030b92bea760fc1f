"""`kurs build --følg`: an author saves a page and the book is rebuilt in the same
process; a mistake is reported in plain lines and the command keeps waiting."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import make_project

pytestmark = pytest.mark.slow  # builds books

PAGE = "# Side\n\n{}\n"


def small_book(tmp_path: Path) -> Path:
    project = make_project(tmp_path)
    (project / "_config.yml").write_text('title: Liten bok\nlanguage: nb\nexecute:\n  execute_notebooks: "off"\n',
                                         encoding="utf-8")
    (project / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: side\n", encoding="utf-8")
    (project / "intro.md").write_text("# Intro\n\nVelkommen.\n", encoding="utf-8")
    (project / "side.md").write_text(PAGE.format("Første utgave."), encoding="utf-8")
    return project


class Lines:
    """The command's output, line by line, read in the background."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def until(self, text: str, seconds: float = 120) -> list[str]:
        """The lines up to and including the first that contains `text`."""
        got: list[str] = []
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self.queue.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"«{text}» kom ikke; utskrift så langt:\n" + "\n".join(self.seen)) from None
            self.seen.append(line)
            got.append(line)
            if text in line:
                return got


def test_follow_rebuilds_after_each_save_and_survives_a_mistake(tmp_path):
    project = small_book(tmp_path)
    html = project / "_build" / "html" / "side.html"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("KURS_PROSJEKT", None)
    proc = subprocess.Popen([sys.executable, "-m", "widgets", "build", "--følg"], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = Lines(proc)
    try:
        lines = out.until("Venter på endringer")
        # Progress in Norwegian, one line per phase when the output is not a terminal.
        assert "Leser sidene …" in lines and "Skriver HTML …" in lines, lines
        assert "Første utgave." in html.read_text(encoding="utf-8")

        (project / "side.md").write_text(PAGE.format("Andre utgave."), encoding="utf-8")
        lines = out.until("Venter på endringer")
        assert any(line == "Endret: side.md" for line in lines), lines
        assert any(line.startswith("Boka er bygget på") for line in lines), lines
        # It says where the book is, so the author knows what to open or upload.
        assert any(line.endswith(f"Den ligger i {project / '_build' / 'html'}") for line in lines), lines
        assert "Andre utgave." in html.read_text(encoding="utf-8")

        (project / "side.md").write_text(PAGE.format("Se {ref}`finnes-ikke`."), encoding="utf-8")
        lines = out.until("Venter på endringer")
        assert any("kunne ikke bygges uten feil" in line for line in lines), lines
        # The author sees file, line and the problem, without terminal colour codes.
        assert any("side.md:3: Advarsel: undefined label: 'finnes-ikke'" in line and "\x1b" not in line
                   for line in lines), lines

        # A broken table of contents: one plain line, no traceback, and it keeps waiting.
        toc = (project / "_toc.yml").read_text(encoding="utf-8")
        (project / "_toc.yml").write_text("format: jb-book\nchapters:\n- file: side\n", encoding="utf-8")
        lines = out.until("Venter på endringer")
        assert any(line.startswith("  Feil: The Table of Contents file is malformed") for line in lines), lines
        assert not any("Traceback" in line for line in lines), lines
        (project / "_toc.yml").write_text(toc, encoding="utf-8")
        out.until("Venter på endringer")

        (project / "side.md").write_text(PAGE.format("Tredje utgave."), encoding="utf-8")
        lines = out.until("Venter på endringer")
        assert any(line.startswith("Boka er bygget på") for line in lines), lines
        assert "Tredje utgave." in html.read_text(encoding="utf-8")
        assert proc.poll() is None, "kommandoen skal fortsatt vente på endringer"

        proc.send_signal(signal.SIGINT)
        out.until("Stoppet.", 30)
        assert proc.wait(timeout=30) == 0
        assert not any("Traceback" in line for line in out.seen), out.seen
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
