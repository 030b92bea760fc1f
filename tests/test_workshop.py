"""Workshop mode without a browser: sessions, participants, dashboard data, exports and
the ipywidgets apps (the store is SQLite here; test_workshop_store.py also runs PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import timedelta
from pathlib import Path

import ipywidgets as w
import pytest
from helpers import make_project, run_kurs

from widgets.strings import strings
from widgets.workshop import reports, urls
from widgets.workshop import session as ws
from widgets.workshop.participant_app import ParticipantApp
from widgets.workshop.store import Store, sessions
from widgets.workshop.trainer_app import Dashboard, TrainerApp

DATA = Path(__file__).parent / "data"
WIDGETS = Path(__file__).resolve().parent.parent / "widgets"


@pytest.fixture
def case(compiled):
    return compiled


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'kurs.sqlite3'}")
    yield s
    s.dispose()


@pytest.fixture
def load(case):
    return lambda case_id: case


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'kurs.sqlite3'}")
    else:
        from widgets.workshop.store import metadata

        s = Store(request.getfixturevalue("postgres_url"))
        metadata.drop_all(s.engine)
    yield s
    s.dispose()


# -- the model ----------------------------------------------------------------------------------
def test_trainer_paced_room(any_store, case, load):
    store = any_store
    session, key = ws.create_session(store, case, "styrt")
    a = ws.Participation.join(store, session, "token-a", "Ugle")
    b = ws.Participation.join(store, session, "token-b")
    assert a.play.scene_id == b.play.scene_id == "start" and a.can_choose
    assert a.choose("selektiv") and not a.choose("universell")     # a double click changes nothing
    assert b.choose("universell")
    assert a.feedback() is None and a.waiting                        # hidden until revealed
    data = reports.dashboard(ws.reload(store, session), store.room(session.id))
    first = data["decisions"][0]
    assert data["joined"] == 2 and first["answered"] == 2 and first["current"]
    assert {o["id"]: o["count"] for o in first["options"]} == {"universell": 1, "selektiv": 1, "indikativ": 0}
    assert all(o["verdict"] is None for o in first["options"])      # the dashboard keeps the answer too

    session = ws.reveal(store, session)
    late = ws.Participation.join(store, session, "token-c")
    assert not late.can_choose and not late.choose("indikativ")     # no answers after the reveal
    assert late.recommended() == ["Trinn 2 – selektiv"]
    assert a.update(session) and a.feedback()["verdict"] == "best"
    assert b.update(session) and b.feedback()["verdict"] == "not_advised"
    data = reports.dashboard(session, store.room(session.id))
    assert [o["verdict"] for o in data["decisions"][0]["options"]] == ["not_advised", "best", "acceptable"]

    session = ws.advance(store, session)                            # to the branching action
    assert a.update(session) and a.play.scene_id == "handling" and a.can_choose
    assert [o["id"] for o in ws.branches(session.room())] == ["snakke", "melde", "vente"]
    a.choose("melde")
    session = ws.advance(store, session, "melde")                   # the trainer follows another branch
    assert session.room().path == ["start", "handling", "melding"]
    a.update(session)
    assert a.play.scene_id == "melding" and a.waiting and not a.can_proceed
    session = ws.advance(store, session)
    session = ws.advance(store, session, "1")
    a.update(session)
    assert a.play.finished and a.reflect("Jeg lærte mye")
    summary = a.summary()
    assert [(x["scene"], x["label"], x["revealed"]) for x in summary] == [
        ("start", "Trinn 2 – selektiv", True), ("handling", "Melder", False)]
    assert summary[0]["feedback"]["verdict"] == "best" and summary[1]["feedback"] is None
    session = ws.close(store, session)
    assert not session.is_open and ws.find_session(store, session.code, load)[1] == "workshop_closed"
    assert not a.update(session) or not a.reflect("for sent")


def test_self_paced_and_rejoin_after_restart(store, case, load, tmp_path):
    session, _ = ws.create_session(store, case, "selv")
    me = ws.Participation.join(store, session, "token-a")
    assert me.choose("indikativ") and me.can_proceed and me.feedback() is None
    assert me.proceed() and me.play.scene_id == "handling"
    assert me.choose("snakke") and me.proceed() and me.play.scene_id == "niva"
    store.dispose()

    again = Store(store.url)                                         # the server restarted
    found, problem = ws.find_session(again, session.code, load)
    back = ws.Participation.rejoin(again, found, "token-a")
    assert problem is None and back.play.path == ["start", "handling", "niva"] and back.can_choose
    assert ws.Participation.rejoin(again, found, "someone-else") is None
    assert back.choose("1") and back.proceed() and back.play.finished
    found = ws.reveal(again, found, "niva")
    assert back.update(found) and back.play.finished                 # a reveal does not move anyone
    assert [x["revealed"] for x in back.summary()] == [False, False, True]
    data = reports.dashboard(found, again.room(found.id))
    assert [d["scene"] for d in data["decisions"]] == ["start", "handling", "niva"]
    assert [d["answered"] for d in data["decisions"]] == [1, 1, 1]
    again.dispose()


def test_unknown_closed_and_expired_codes(store, case, load):
    assert ws.find_session(store, "QQQQQ", load) == (None, "workshop_unknown")
    session, _ = ws.create_session(store, case, "styrt")
    with store.engine.begin() as conn:
        conn.execute(sessions.update().where(sessions.c.id == session.id)
                     .values(expires_at=session.row["created_at"] - timedelta(seconds=1)))
    assert ws.find_session(store, session.code, load)[1] == "workshop_expired"
    gone, _ = ws.create_session(store, case, "styrt")
    assert ws.find_session(store, gone.code, lambda _id: {"format": "x"})[1] == "workshop_broken"


def test_exports_csv_and_png(store, case):
    session, _ = ws.create_session(store, case, "styrt")
    a = ws.Participation.join(store, session, "a", "Kari Nordmann")
    a.choose("selektiv")
    session = ws.advance(store, session)
    session = ws.advance(store, session, "snakke")
    session = ws.advance(store, session)
    a.update(session)
    a.reflect('=HYPERLINK("http://x")')
    rows = list(csv.reader(io.StringIO(reports.results_csv(store, session)), delimiter=";"))
    assert rows[0] == strings()["workshop_csv_header"].split(",")
    assert rows[1][:9] == [session.code, "forgreining", "1", "Trinn (Liermodellen)", "start", "Hvilket trinn?",
                           "selektiv", "Trinn 2 – selektiv", "Anbefalt"]
    assert rows[2][3] == "Til ettertanke" and rows[2][9] == "'=HYPERLINK(\"http://x\")"   # no formula
    assert "Kari" not in reports.results_csv(store, session)
    png = reports.charts_png(reports.dashboard(session, store.room(session.id)), "Tittel")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_room_pool_sizes():
    assert ws.room_pool(40) == (44, 4)
    assert ws.room_pool(10) == (12, 2)
    assert ws.room_pool(1) == (3, 2)


def test_join_url(monkeypatch):
    monkeypatch.delenv("KURS_WORKSHOP_URL", raising=False)
    monkeypatch.setenv("SERVER_NAME", "192.168.1.20")
    monkeypatch.setenv("SERVER_PORT", "8866")
    monkeypatch.setenv("VOILA_BASE_URL", "/")
    assert urls.join_url("KMT47") == "http://192.168.1.20:8866/voila/render/deltaker.ipynb?kode=KMT47"
    monkeypatch.setenv("KURS_WORKSHOP_URL", "https://kurs.example.no/")
    assert urls.join_url("KMT47") == "https://kurs.example.no/voila/render/deltaker.ipynb?kode=KMT47"


# -- the apps -----------------------------------------------------------------------------------
def _text(widget) -> str:
    out = []

    def walk(x):
        if isinstance(x, w.HTML):
            out.append(x.value)
        if isinstance(x, w.Button):
            out.append(x.description)
        for child in getattr(x, "children", ()):
            walk(child)

    walk(widget)
    return "\n".join(out)


def _buttons(widget) -> dict[str, w.Button]:
    found = {}

    def walk(x):
        if isinstance(x, w.Button):
            found[x.description] = x
        for child in getattr(x, "children", ()):
            walk(child)

    walk(widget)
    return found


@pytest.mark.parametrize("query", ["", "kode=QQQQQ", "kode=%3Cscript%3E"])
def test_participant_app_asks_for_a_code_with_a_friendly_message(store, load, query):
    app = ParticipantApp(store, query, load=load, live=False)
    text = _text(app)
    assert "Skriv koden som kursholderen viser" in text and "<script>" not in text
    if "QQQQQ" in query:
        assert 'role="alert"' in text and "Vi fant ingen økt med koden «QQQQQ»" in text


def test_participant_app_join_play_and_rejoin(store, case, load):
    session, _ = ws.create_session(store, case, "styrt")
    app = ParticipantApp(store, f"kode={session.code.lower()}", load=load, live=False)
    assert "Du trenger ikke skrive navnet ditt" in _text(app)
    app.nick_box.value = "Ugle"
    app._joined()
    app._joined()                                  # a double click on «Bli med»
    assert store.room(session.id)["joined"] == 1
    options = _buttons(app)
    options["Trinn 3 – indikativ – " + case["scenes"]["start"]["decision"]["options"][2]["description"]].click()
    text = _text(app)
    assert "Svaret ditt er lagret: Trinn 3 – indikativ." in text and "Vis fasit" in text
    token = app.token
    again = ParticipantApp(store, f"kode={session.code}&deltaker={token}", load=load, live=False)
    assert "Svaret ditt er lagret" in _text(again) and store.room(session.id)["joined"] == 1
    ws.reveal(store, session)
    assert again.poll() is True
    assert "kurs-feedback" in _text(again) and "Kanskje." in _text(again)


def test_dashboard_shows_choices_reveals_and_escapes_reflections(store, case, load):
    session, key = ws.create_session(store, case, "styrt")
    trainer = TrainerApp(store, f"kode={session.code}&nokkel={key}", load=load, live=False)
    dash = trainer.dashboard
    assert session.code in dash.join.value and "data:image/svg+xml" in dash.join.value
    a = ws.Participation.join(store, session, "a", '<img src=x onerror="alert(1)">')
    a.choose("selektiv")
    assert dash.refresh() is True
    assert "Deltakere med: 1" in dash.joined.value and "1 av 1 har svart" in _text(dash.decisions)
    dash.reveal_button.click()
    assert "Fasit vist" == dash.reveal_button.description and "(Anbefalt)" in _text(dash.decisions)
    for _ in range(3):
        dash.next_button.click()
    session = ws.reload(store, session)
    a.update(session)
    assert session.room().scene_id == "slutt" and a.play.finished
    a.reflect("<script>alert('x')</script>\nlinje to")
    dash.refresh()
    assert "&lt;script&gt;" in dash.notes.value and "<script>" not in dash.notes.value
    assert "&lt;img src=x" in dash.notes.value and "<img src=x" not in dash.notes.value
    dash.csv_button.click()
    assert 'download="workshop-' in dash.downloads.value and "base64," in dash.downloads.value
    dash.close_button.click()
    assert dash.close_button.description == "Trykk igjen for å avslutte" and ws.reload(store, session).is_open
    dash.close_button.click()
    assert not ws.reload(store, session).is_open and dash.refresh() is False
    assert "Økten er avsluttet" in dash.head.value


def test_trainer_app_new_session_and_wrong_key(store, case, load):
    app = TrainerApp(store, "", cases=[case], load=load, live=False)
    form = app.body.children[0]
    form.mode.value = "selv"
    form.go.click()
    dash = app.body.children[0]
    assert isinstance(dash, Dashboard) and dash.session.mode == "selv"
    assert dash.controls.layout.display == "none"
    wrong = TrainerApp(store, f"kode={dash.session.code}&nokkel=feil", load=load, live=False)
    assert "Fant ikke økten, eller lenken er ikke riktig." in _text(wrong)


def test_apps_never_show_a_traceback_when_the_store_is_down():
    from widgets.workshop.participant_app import participant_app
    from widgets.workshop.trainer_app import trainer_app

    bad = Store("postgresql+psycopg://nobody:x@127.0.0.1:1/none")
    for app in (participant_app("kode=ABCDE", store=bad), trainer_app("kode=ABCDE&nokkel=x", store=bad)):
        assert isinstance(app, w.HTML) and "kan ikke vises akkurat nå" in app.value


# -- text, notebooks, imports, CLI ------------------------------------------------------------------
def test_every_workshop_string_is_in_the_locale_file():
    import re

    known = set(strings())
    used = set()
    for path in [*(WIDGETS / "workshop").glob("*.py"), WIDGETS / "voila" / "apps.py"]:
        used |= set(re.findall(r'"(workshop_[a-z_]+)"', path.read_text(encoding="utf-8")))
    used = {u for u in used if not u.endswith("_")}
    assert used - known == set()
    assert {"workshop_status_closed", "workshop_status_expired"} <= known


@pytest.mark.parametrize("name,call", [("kursholder.ipynb", "trainer_app()"), ("deltaker.ipynb", "participant_app()")])
def test_app_notebooks_are_one_line(name, call):
    nb = json.loads((WIDGETS / "voila" / "notebooks" / name).read_text(encoding="utf-8"))
    source = "".join(nb["cells"][0]["source"])
    assert len(nb["cells"]) == 1 and source.startswith("# NBVAL_IGNORE_OUTPUT") and source.endswith(call)


def test_app_kernels_stay_lean():
    import subprocess
    import sys

    code = ("import sys, widgets.workshop.participant_app, widgets.workshop.trainer_app, widgets.workshop.session, widgets.workshop.store;"
            "print(','.join(m for m in ('pydantic', 'yaml', 'matplotlib', 'sphinx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_cli_purge_and_export(tmp_path, case):
    (tmp_path / "p").mkdir()
    project = make_project(tmp_path / "p")
    shutil.copy(DATA / "forgreining.yml", project / "cases")
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = Store(url)
    old, _ = ws.create_session(store, case, "styrt")
    ws.Participation.join(store, old, "a").choose("selektiv")
    new, _ = ws.create_session(store, case, "styrt")
    with store.engine.begin() as conn:
        conn.execute(sessions.update().where(sessions.c.id == old.id)
                     .values(created_at=old.row["created_at"] - timedelta(days=40)))
    env = {"KURS_DB_URL": url}
    result = run_kurs("workshop", "eksport", old.code, "--ut", str(tmp_path / "ut"), cwd=project, input_env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "ut" / f"workshop-{old.code}.csv").read_text(encoding="utf-8-sig").count("\n") == 2
    assert (tmp_path / "ut" / f"workshop-{old.code}.png").read_bytes()[:4] == b"\x89PNG"
    result = run_kurs("workshop", "purge", "--older-than", "30d", cwd=project, input_env=env)
    assert result.returncode == 0 and result.stdout.startswith("Slettet 1 økt ")
    assert store.session(old.id) is None and store.session(new.id) is not None
    bad = run_kurs("workshop", "purge", "--older-than", "snart", cwd=project, input_env=env)
    assert bad.returncode == 2 and "er ikke en tid" in bad.stderr and "Traceback" not in bad.stderr
    store.dispose()


def test_voila_config_has_a_pool_per_workshop_notebook(tmp_path):
    from widgets.voila.server import voila_config

    cfg = voila_config(tmp_path, 1, pools={"deltaker.ipynb": 44, "kursholder.ipynb": 1})
    pools = cfg.VoilaKernelManager.kernel_pools_config
    assert pools["deltaker.ipynb"]["pool_size"] == 44 and pools["ovelse.ipynb"]["pool_size"] == 1
    assert pools["deltaker.ipynb"]["kernel_env_variables"] == pools["ovelse.ipynb"]["kernel_env_variables"]
    assert cfg.MappingKernelManager.cull_idle_timeout > 0


def test_room_pool_keeps_only_spares_after_the_room_has_joined():
    from widgets.voila.server import keep_room_pools

    class FakeManager:
        def __init__(self):
            self.kernel_pools_config = {"deltaker.ipynb": {"pool_size": 44}}
            self._pools = {"deltaker.ipynb": list(range(44))}
            self.notebook_data = {"deltaker.ipynb": {"kernel_ids": set(range(44))}}
            self.calls = []

        def fill_if_needed(self, delay=None, notebook_name=None, **kw):
            self.calls.append(self.kernel_pools_config[notebook_name]["pool_size"])

    km = FakeManager()
    keep_room_pools(km, {"deltaker.ipynb": 44}, {"deltaker.ipynb": 4})
    km._pools["deltaker.ipynb"] = list(range(4))            # 40 people took a kernel each
    km.fill_if_needed(notebook_name="deltaker.ipynb")
    km.notebook_data["deltaker.ipynb"]["kernel_ids"] = set(range(10))   # most were culled
    km.fill_if_needed(notebook_name="deltaker.ipynb")
    assert km.calls == [4, 38]


def test_a_click_while_the_database_is_away_says_so_in_plain_words(store, case, load, monkeypatch):
    session, key = ws.create_session(store, case, "styrt")
    app = ParticipantApp(store, f"kode={session.code}", load=load, live=False)
    app._joined()

    import sqlalchemy as sa

    def down(*_a, **_k):
        raise sa.exc.OperationalError("INSERT …", {}, OSError("database gone"))

    monkeypatch.setattr(store, "answer", down)
    next(b for b in _buttons(app).values() if "kurs-option" in b._dom_classes).click()
    assert "Mistet kontakten med serveren" in app.notice.value and 'role="alert"' in app.notice.value
    monkeypatch.setattr(store, "room", down)
    dash = TrainerApp(store, f"kode={session.code}&nokkel={key}", load=load, live=False).dashboard
    assert dash.refresh() is True and "Mistet kontakten" in dash.notice.value


def test_a_bug_is_logged_and_not_reported_as_a_database_problem(store, case, load, monkeypatch, caplog):
    session, _ = ws.create_session(store, case, "styrt")
    app = ParticipantApp(store, f"kode={session.code}", load=load, live=False)
    app._joined()

    def bug(*_a, **_k):
        raise KeyError("a bug, not the database")

    monkeypatch.setattr(store, "answer", bug)
    with caplog.at_level("ERROR"):
        next(b for b in _buttons(app).values() if "kurs-option" in b._dom_classes).click()
    assert "Noe gikk galt i appen" in app.notice.value and "Mistet kontakten" not in app.notice.value
    assert any("KeyError" in (r.exc_text or "") or r.exc_info for r in caplog.records)
