"""Workshop mode in real headless Chromium on a real Voila server with a SQLite store:
a trainer and two participants in separate browser contexts, and a server restart."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, free_port, outside_requests, wait_for
from playwright.sync_api import expect
from test_accessibility import AXE, axe_violations

pytestmark = pytest.mark.slow  # servers and a browser

TIMEOUT = 90_000
CASE_TITLE = "Jonas forteller om det som skjer hjemme"


def _start_voila(port: int, db_url: str, compiled: Path, log: Path, participants: int = 3,
                 others: int = 1) -> subprocess.Popen:
    """Voila for the apps with `participants` preheated kernels for deltaker.ipynb and
    `others` for each other app; returns once they are all ready."""
    code = ("from pathlib import Path; from widgets.voila.server import make_app;"
            f"make_app({port}, '127.0.0.1', Path(r'{compiled}'), 0, pools={{'deltaker.ipynb': {participants},"
            f" 'kursholder.ipynb': {others}, 'index.ipynb': {others}}}, spares={{'deltaker.ipynb': 1}}).start()")
    env = {**os.environ, "KURS_DB_URL": db_url}
    env.pop("KURS_WORKSHOP_URL", None)
    start = log.stat().st_size if log.exists() else 0
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=open(log, "a"),
                            stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/", 90)
        deadline = time.monotonic() + 90
        while "Klar:" not in log.read_text(encoding="utf-8", errors="replace")[start:]:
            assert time.monotonic() < deadline and proc.poll() is None, "Voila ble ikke klar"
            time.sleep(0.2)
    except BaseException:
        _stop(proc)
        raise
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def compiled_cases(tmp_path_factory):
    out = tmp_path_factory.mktemp("saker")
    subprocess.run([sys.executable, "-m", "widgets", "compile", "--ut", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    return out


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory):
    """`kurs workshop` as a trainer starts it (in a copy of the project, with a fresh
    SQLite store), listening on localhost only."""
    project = tmp_path_factory.mktemp("prosjekt")
    shutil.copytree(ROOT / "cases", project / "cases")
    db_url = f"sqlite:///{project / '_data' / 'kurs.sqlite3'}"
    port = free_port()
    log = project / "kurs.log"
    env = {**os.environ, "KURS_DB_URL": db_url}
    for name in ("KURS_WORKSHOP_URL", "KURS_PROSJEKT", "KURS_KOMPILERT"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "widgets", "workshop", "--deltakere", "2", "--port", str(port),
                             "--vert", "127.0.0.1"], cwd=project, env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while "Klar:" not in log.read_text(encoding="utf-8", errors="replace"):
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text(errors="replace")
            time.sleep(0.2)
        printed = log.read_text(encoding="utf-8")
        assert f"Kursholder: http://localhost:{port}/voila/render/kursholder.ipynb" in printed
        assert "Gjør klar 4 kjerner for 2 deltakere" in printed and "Traceback" not in printed
        yield f"http://127.0.0.1:{port}", db_url
    finally:
        _stop(proc)


def _join(browser, base: str, code: str, nickname: str, width: int = 360):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    outside = outside_requests(page)
    page.goto(f"{base}/voila/render/deltaker.ipynb?kode={code}")
    expect(page.get_by_text("Du trenger ikke skrive navnet ditt")).to_be_visible(timeout=TIMEOUT)
    page.get_by_placeholder("For eksempel Ugle").fill(nickname)
    page.get_by_role("button", name="Bli med").click()
    page.get_by_role("button", name=re.compile("^Lytter rolig")).wait_for(timeout=TIMEOUT)
    return page, outside


def test_trainer_and_two_participants(browser, workshop_server, screenshot):
    base, _ = workshop_server
    trainer_context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    trainer = trainer_context.new_page()
    outside = outside_requests(trainer)
    trainer.goto(base + "/")
    trainer.get_by_role("link", name="Kjør en workshop (for kursholdere)").click(timeout=TIMEOUT)
    trainer.locator(".widget-dropdown select").select_option(label=CASE_TITLE, timeout=TIMEOUT)
    trainer.get_by_role("button", name="Lag økt").click()
    code_box = trainer.locator(".kurs-ws-code")
    expect(code_box).to_have_text(re.compile(r"^[A-Z0-9]{5}$"), timeout=TIMEOUT)
    code = code_box.inner_text()
    qr = trainer.locator(f'img[alt^="QR-kode til http://127.0.0.1:"][alt$="deltaker.ipynb?kode={code}"]')
    expect(qr).to_be_visible()
    assert f"kode={code}&nokkel=" in trainer.evaluate("() => location.search")

    one, outside_one = _join(browser, base, code, "Ugle")
    two, outside_two = _join(browser, base, code, "<b>Rev</b>")
    expect(trainer.get_by_text("Deltakere med: 2")).to_be_visible(timeout=10_000)

    one.get_by_role("button", name=re.compile("^Lytter rolig")).click()
    expect(one.get_by_text("Svaret ditt er lagret")).to_be_visible(timeout=TIMEOUT)
    expect(trainer.get_by_text("1 av 2 har svart")).to_be_visible(timeout=5_000)   # live, no reload
    two.get_by_role("button", name=re.compile("^Lover Jonas")).click()
    expect(trainer.get_by_text("2 av 2 har svart")).to_be_visible(timeout=5_000)
    expect(trainer.locator(".kurs-ws-count").first).to_have_text("1 (50 %)")
    screenshot("workshop-dashboard", trainer.locator(".kurs-ws-decision").first, on=trainer)
    assert one.locator(".kurs-feedback").count() == 0                            # no answer before the reveal

    trainer.get_by_role("button", name="Vis fasit").click()
    expect(one.locator(".kurs-feedback")).to_contain_text("Anbefalt", timeout=10_000)
    expect(one.locator(".kurs-feedback")).to_contain_text("Jonas har tatt et stort skritt")
    expect(two.locator(".kurs-feedback")).to_contain_text("Ikke anbefalt", timeout=10_000)
    expect(trainer.locator(".kurs-ws-decision").first).to_contain_text("(Anbefalt)")
    assert axe_violations(trainer, AXE, "dashbord") + axe_violations(one, AXE, "deltaker") == []
    screenshot("workshop-deltaker", one.locator(".kurs-feedback"), on=one)
    assert one.evaluate("() => document.documentElement.scrollWidth") <= 360

    one.reload()                                                                  # comes back as the same person
    expect(one.locator(".kurs-feedback")).to_contain_text("Anbefalt", timeout=TIMEOUT)
    assert one.get_by_text("Du trenger ikke skrive navnet ditt").count() == 0

    trainer.get_by_role("button", name="Neste scene").click()
    for page in (one, two):
        expect(page.get_by_text("Hvilket trinn i Liermodellen")).to_be_visible(timeout=10_000)

    trainer.get_by_role("button", name="Lag CSV-fil").click()
    link = trainer.get_by_role("link", name=f"Last ned workshop-{code}.csv")
    with trainer.expect_download() as info:
        link.click(timeout=TIMEOUT)
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["økt", "sak", "deltaker"] and len(rows) == 3
    assert {r[7] for r in rows[1:]} == {"Lytter rolig, takker ham for at han forteller, og sier at du vil hjelpe",
                                        "Lover Jonas at du ikke skal si det til noen"}
    assert outside == outside_one == outside_two == []
    for page in (trainer, one, two):
        assert "Traceback" not in page.content()
    trainer_context.close()
    one.context.close()
    two.context.close()


def test_unknown_code_is_a_friendly_message(page, workshop_server):
    base, _ = workshop_server
    page.goto(base + "/voila/render/deltaker.ipynb?kode=QQQQQ")
    expect(page.get_by_role("alert")).to_contain_text("Vi fant ingen økt med koden «QQQQQ»", timeout=TIMEOUT)
    page.get_by_label("Kode").fill("qqqq")
    page.get_by_role("button", name="Gå videre").click()
    expect(page.get_by_role("alert")).to_contain_text("«QQQQ»", timeout=TIMEOUT)
    assert "Traceback" not in page.content()


def test_server_restart_loses_no_answer_and_participants_come_back(browser, tmp_path, compiled_cases):
    from widgets.play.loader import load_compiled
    from widgets.workshop.session import advance, create_session, reload
    from widgets.workshop.store import Store

    db_url = f"sqlite:///{tmp_path / 'kurs.sqlite3'}"
    store = Store(db_url)
    session, _ = create_session(store, load_compiled("skolegutt-forteller", compiled_cases), "styrt")
    port = free_port()
    proc = _start_voila(port, db_url, compiled_cases, tmp_path / "voila.log", participants=1, others=0)
    base = f"http://127.0.0.1:{port}"
    try:
        page, _ = _join(browser, base, session.code, "")
        page.get_by_role("button", name=re.compile("^Lytter rolig")).click()
        expect(page.get_by_text("Svaret ditt er lagret")).to_be_visible(timeout=TIMEOUT)
        _stop(proc)                                                   # the server goes down mid-session
        assert store.room(session.id)["counts"] == {"fortellingen": {"lytte-og-trygge": 1}}
        proc = _start_voila(port, db_url, compiled_cases, tmp_path / "voila.log", participants=1, others=0)
        page.reload()
        expect(page.get_by_text("Svaret ditt er lagret")).to_be_visible(timeout=TIMEOUT)
        advance(store, reload(store, session))                        # the trainer moves on
        expect(page.get_by_text("Hvilket trinn i Liermodellen")).to_be_visible(timeout=10_000)
        room = store.room(session.id)
        assert room["joined"] == 1 and room["counts"] == {"fortellingen": {"lytte-og-trygge": 1}}
        page.context.close()
    finally:
        _stop(proc)
        store.dispose()
