"""The workshop store against SQLite (the embedded default) and a real PostgreSQL server."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from widgets.workshop.store import (
    CODE_ALPHABET,
    CODE_LENGTH,
    NICKNAME_MAX,
    Store,
    answers,
    metadata,
    normalize_code,
    participants,
    reflections,
    sessions,
)

ROOM = {"case": "forgreining", "format_version": 1, "path": ["start"], "choices": [], "answered": None,
        "reflections": {}}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'kurs.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    s = Store(url)
    if request.param == "postgresql":
        metadata.drop_all(s.engine)   # one database for the whole run: start each test empty
    s.ensure_schema()
    yield s
    s.dispose()


def test_sqlite_default_is_a_wal_file_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("KURS_DB_URL", raising=False)
    monkeypatch.setenv("KURS_PROSJEKT", str(tmp_path))
    s = Store()
    assert s.url == f"sqlite:///{tmp_path / '_data' / 'kurs.sqlite3'}"
    s.warm()
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert (tmp_path / "_data" / "kurs.sqlite3").is_file()
    s.dispose()


def test_codes_are_short_unique_and_without_look_alikes(store):
    codes = {store.create_session("forgreining", "styrt", ROOM)[0]["code"] for _ in range(40)}
    assert len(codes) == 40
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert not set("0O1IL5S2Z8B") & set(CODE_ALPHABET)
    assert 4 <= CODE_LENGTH <= 6
    assert normalize_code(" kmt-47 ") == "KMT47" and normalize_code(None) == ""
    some = next(iter(codes))
    assert store.session_by_code(some.lower())["code"] == some
    assert store.session_by_code("") is None and store.session_by_code("QQQQQ") is None


def test_trainer_key_and_participant_tokens_are_only_stored_as_hashes(store):
    row, key = store.create_session("forgreining", "styrt", ROOM)
    assert store.trainer_session(row["code"], key)["id"] == row["id"]
    assert store.trainer_session(row["code"], "feil") is None and store.trainer_session(row["code"], "") is None
    store.join(row["id"], "hemmelig-token", "Ugle")
    with store.engine.connect() as conn:
        dump = repr(conn.execute(sa.select(sessions)).all()) + repr(conn.execute(sa.select(participants)).all())
    assert key not in dump and "hemmelig-token" not in dump


def test_no_personal_data_columns():
    columns = {f"{t.name}.{c.name}" for t in metadata.sorted_tables for c in t.columns}
    for word in ("ip", "agent", "email", "name", "address", "browser"):
        assert not [c for c in columns if word in c.split(".")[1].split("_")], word
    assert {"sessions", "participants", "answers", "reflections"} == set(metadata.tables)


def test_joining_twice_is_one_participant_and_nickname_is_cleaned(store):
    row, _ = store.create_session("forgreining", "selv", ROOM)
    a = store.join(row["id"], "t1", "  Ugle\x00\x07 " + "x" * 100)
    b = store.join(row["id"], "t1", "Annet navn")
    assert a["id"] == b["id"] and len(a["nickname"]) <= NICKNAME_MAX and "\x00" not in a["nickname"]
    assert a["nickname"].startswith("Ugle")
    assert store.join(row["id"], "t2", "   ")["nickname"] is None
    assert store.room(row["id"])["joined"] == 2
    assert store.participant(row["id"], "finnes-ikke") is None and store.participant(row["id"], "") is None


def test_an_answer_counts_once(store):
    row, _ = store.create_session("forgreining", "styrt", ROOM)
    me = store.join(row["id"], "t1")
    assert store.answer(row["id"], me["id"], "start", "selektiv") is True
    assert store.answer(row["id"], me["id"], "start", "selektiv") is False      # double click
    assert store.answer(row["id"], me["id"], "start", "universell") is False    # resend, other option
    assert store.room(row["id"])["counts"] == {"start": {"selektiv": 1}}
    assert store.answers_of(me["id"]) == {"start": "selektiv"}
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(answers)).scalar() == 1


def test_many_writers_at_once_lose_nothing(store):
    row, _ = store.create_session("forgreining", "styrt", ROOM)
    errors = []

    def participant(n: int):
        own = Store(store.url)   # its own connection, like a kernel of its own
        try:
            me = own.join(row["id"], f"t{n}")
            for _ in range(3):   # a resend storm
                own.answer(row["id"], me["id"], "start", ("universell", "selektiv", "indikativ")[n % 3])
            own.reflect(row["id"], me["id"], "slutt", f"tekst {n}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=participant, args=(n,)) for n in range(24)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    room = store.room(row["id"])
    assert room["joined"] == 24 and sum(room["counts"]["start"].values()) == 24
    assert room["counts"]["start"] == {"universell": 8, "selektiv": 8, "indikativ": 8}
    assert len(room["reflections"]) == 24


def test_reflection_is_replaced_not_added(store):
    row, _ = store.create_session("forgreining", "selv", ROOM)
    me = store.join(row["id"], "t1", "Rev")
    store.reflect(row["id"], me["id"], "slutt", "første")
    store.reflect(row["id"], me["id"], "slutt", "andre\x1b[31m")
    notes = store.room(row["id"])["reflections"]
    assert [(n["text"], n["nickname"]) for n in notes] == [("andre[31m", "Rev")]
    assert store.reflections_of(me["id"]) == {"slutt": "andre[31m"}


def test_compare_and_set_refuses_a_stale_version(store):
    row, _ = store.create_session("forgreining", "styrt", ROOM)
    assert store.update_session(row["id"], row["version"], revealed=["start"])
    assert not store.update_session(row["id"], row["version"], revealed=[])
    fresh = store.session(row["id"])
    assert fresh["revealed"] == ["start"] and fresh["version"] == row["version"] + 1
    assert store.session_version(row["id"]) == fresh["version"]
    with pytest.raises(ValueError):
        store.update_session(row["id"], fresh["version"], code="ABCDE")


def test_purge_deletes_old_sessions_with_all_their_data(store):
    old, _ = store.create_session("forgreining", "styrt", ROOM)
    new, _ = store.create_session("forgreining", "styrt", ROOM)
    for row in (old, new):
        me = store.join(row["id"], "t1")
        store.answer(row["id"], me["id"], "start", "selektiv")
        store.reflect(row["id"], me["id"], "slutt", "tekst")
    with store.engine.begin() as conn:
        conn.execute(sessions.update().where(sessions.c.id == old["id"])
                     .values(created_at=old["created_at"] - timedelta(days=31)))
    assert store.purge(timedelta(days=30)) == 1
    assert store.session(old["id"]) is None and store.session(new["id"]) is not None
    with store.engine.connect() as conn:
        for table in (participants, answers, reflections):
            left = conn.execute(sa.select(table.c.session_id)).scalars().all()
            assert left == [new["id"]], table.name
    assert store.purge(timedelta(days=30)) == 0


def test_data_survives_a_new_connection(store):
    """A server restart is a new process with a new engine: nothing is lost."""
    row, _ = store.create_session("forgreining", "selv", ROOM)
    me = store.join(row["id"], "t1", "Ugle")
    store.answer(row["id"], me["id"], "start", "indikativ")
    store.save_state(me["id"], {"path": ["start"]})
    store.dispose()
    again = Store(store.url)
    back = again.participant(row["id"], "t1")
    assert back["id"] == me["id"] and back["state"] == {"path": ["start"]}
    assert again.answers_of(me["id"]) == {"start": "indikativ"}
    again.dispose()


def test_export_rows_number_participants_without_identity(store):
    row, _ = store.create_session("forgreining", "styrt", ROOM)
    for n in range(3):
        me = store.join(row["id"], f"t{n}", f"Navn{n}")
        store.answer(row["id"], me["id"], "start", "selektiv")
    given, written = store.export_rows(row["id"])
    assert [r["participant"] for r in given] == [1, 2, 3] and written == []
    assert all("Navn" not in repr(r) for r in given)
