"""Servers that fail loudly and say nothing about their visitors: the book server lists
no folders and serves the book's own Norwegian 404 page; the Voila server writes no
access log, ends the kernel of a closed tab, and stops cleanly on SIGTERM."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from helpers import ROOT, free_port, http_get, wait_for

from widgets.book.build import book_server


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_book_server_lists_no_folders_and_answers_404_in_norwegian(tmp_path, capfd):
    html = tmp_path / "html"
    (html / "_static").mkdir(parents=True)
    (html / "_static" / "kurs.css").write_text("body{}", encoding="utf-8")
    (html / "intro.html").write_text("<h1>Forside</h1>", encoding="utf-8")
    shutil.copy(ROOT / "_extra" / "404.html", html / "404.html")
    httpd = book_server(html, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        assert _get(base + "/intro.html") == (200, "<h1>Forside</h1>")
        for path in ("/_static/", "/_sources/", "/finnes-ikke.html"):
            status, body = _get(base + path)
            assert status == 404 and "Fant ikke siden" in body and 'lang="nb"' in body
            assert "kurs.css" not in body and "Directory listing" not in body
    finally:
        httpd.shutdown()
        httpd.server_close()
    out, err = capfd.readouterr()
    assert "127.0.0.1" not in out + err and "GET" not in out + err   # no access log


def test_a_taken_book_port_is_an_error_at_once(tmp_path):
    from widgets.book.build import PortTaken

    first = book_server(tmp_path, "127.0.0.1", 0)
    try:
        with pytest.raises(PortTaken) as info:
            book_server(tmp_path, "127.0.0.1", first.server_address[1])
        assert info.value.port == first.server_address[1]
    finally:
        first.server_close()


@pytest.mark.slow
def test_voila_ends_the_kernel_of_a_closed_tab_logs_no_visitor_and_stops_cleanly(browser, tmp_path):
    import psutil

    out = tmp_path / "saker"
    subprocess.run([sys.executable, "-m", "widgets", "compile", "--ut", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    port = free_port()
    code = ("from pathlib import Path; from widgets.voila.server import make_app;"
            f"make_app({port}, '127.0.0.1', Path(r'{out}'), 0).start()")
    log = tmp_path / "voila.log"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", 90)
        server = psutil.Process(proc.pid)

        def kernels() -> int:
            return sum(1 for c in server.children(recursive=True) if "ipykernel" in " ".join(c.cmdline()))

        page = browser.new_page()
        seen = []
        page.context.on("response", lambda r: seen.append((r.url, r.status)) if "shutdown" in r.url else None)
        page.goto(f"{base}/voila/render/ovelse.ipynb?case=skolegutt-forteller")
        page.locator("button.kurs-option").first.wait_for(timeout=90_000)
        assert kernels() == 1
        assert _get(base + "/voila/render/finnes-ikke.ipynb")[0] == 404
        # leaving the page as a closing tab does: Voila's page sends its shutdown beacon
        # (Playwright's page.close() tears the page down before a beacon can go out)
        page.goto("about:blank")
        deadline = time.monotonic() + 20
        while kernels() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert kernels() == 0, f"the closed tab's kernel is still running: {seen}"
        for old in ("kursholder.ipynb", "deltaker.ipynb"):      # the old kernel apps are not served
            status, headers, _ = http_get(f"{base}/voila/render/{old}?kode=ABCDE")
            assert status in (301, 302) and headers["Location"].split("?")[0].endswith("/voila/render/index.ipynb")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    printed = log.read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0
    assert "Traceback" not in printed and "ZMQError" not in printed
    assert "127.0.0.1" not in printed and "_xsrf" not in printed and "403" not in printed
