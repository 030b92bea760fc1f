"""Shared test helpers: a throwaway copy of the case folder, and running `kurs`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"


def make_project(tmp_path: Path) -> Path:
    """A minimal project in tmp_path: cases/ with the real catalogue files."""
    (tmp_path / "cases").mkdir()
    for name in ("_modell.yml", "_referanser.yml"):
        shutil.copy(CASES / name, tmp_path / "cases" / name)
    return tmp_path


def run_kurs(*args: str, cwd: Path, input_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(input_env or {})}
    env.pop("KURS_PROSJEKT", None)
    return subprocess.run([sys.executable, "-m", "widgets", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str):
    """(status, headers, body) without following redirects."""
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as r:
            return r.status, r.headers, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.headers, ""


def wait_for(url: str, seconds: float = 60) -> None:
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            http_get(url)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def outside_requests(page) -> list[str]:
    """A list that fills with every URL the page requests from a host other than this machine."""
    from urllib.parse import urlsplit

    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if urlsplit(r.url).hostname not in ("127.0.0.1", "localhost", None) and
            not r.url.startswith(("data:", "blob:")) else None)
    return outside


def option_button(book, label: str):
    """The option button of the JS player with exactly this label."""
    import re

    return book.locator(".cp-option").filter(
        has=book.locator(".cp-option-label", has_text=re.compile("^" + re.escape(label) + "$")))


def play_case(book, choices: list[str], labels: dict[str, str]) -> None:
    for option in choices:
        option_button(book, labels[option]).click()
        while book.locator(".cp-continue").count() and not book.locator(".cp-option").count():
            book.locator(".cp-continue").click()
            if book.locator(".cp-summary").count():
                return
    while book.locator(".cp-continue").count():
        book.locator(".cp-continue").click()


def best_run(compiled: dict) -> tuple[list[str], dict[str, str]]:
    """The best option at each decision, as the learner would click them, and their labels."""
    from widgets.play.engine import Playthrough

    play, choices, labels = Playthrough(compiled), [], {}
    while not play.finished:
        if play.needs_choice:
            option = next(o for o in play.decision["options"] if o["best"])
            labels[option["id"]] = option["label"]
            choices.append(option["id"])
            play.choose(option["id"])
        play.proceed()
    return choices, labels
