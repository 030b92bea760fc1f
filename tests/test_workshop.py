"""Workshop mode without a browser: sessions, participants, dashboard data, exports and
the ipywidgets apps (the store is SQLite here; test_workshop_store.py also runs PostgreSQL)."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import make_project, run_kurs

from widgets.strings import strings
from widgets.workshop import reports
from widgets.workshop import session as ws
from widgets.workshop.store import Store, sessions

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


# -- text, notebooks, imports, CLI ------------------------------------------------------------------
def test_every_workshop_string_is_in_the_locale_file():
    import re

    known = set(strings())
    used = set()
    for path in [*(WIDGETS / "workshop").glob("*.py"), *(WIDGETS / "workshop" / "static").glob("*.js"),
                 WIDGETS / "voila" / "apps.py"]:
        used |= set(re.findall(r'"(workshop_[a-z_]+)"', path.read_text(encoding="utf-8")))
    used = {u for u in used if not u.endswith("_")}
    assert used - known == set()
    assert {"workshop_status_closed", "workshop_status_expired"} <= known


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


def test_voila_config_has_no_workshop_pools_and_never_moves_port(tmp_path):
    from widgets.voila.server import voila_config

    cfg = voila_config(tmp_path, 1)
    pools = cfg.VoilaKernelManager.kernel_pools_config
    assert set(pools) == {"default", "ovelse.ipynb"} and pools["ovelse.ipynb"]["pool_size"] == 1
    assert cfg.Voila.port_retries == 0 and cfg.MappingKernelManager.cull_idle_timeout > 0
    assert voila_config(tmp_path, 0).VoilaConfiguration.preheat_kernel is False


def test_advance_from_a_place_the_room_has_left_does_nothing(store, case):
    session, _ = ws.create_session(store, case, "styrt")
    seen = (session.room().scene_id, session.room().step)
    first = ws.advance(store, session, expect=seen)
    second = ws.advance(store, first, expect=seen)          # the same press again (a double click)
    assert first.room().scene_id == "handling" and second.room().path == ["start", "handling"]
    assert second.version == first.version
