"""The workshop store: sessions, participants, answers and reflections (SQLAlchemy Core).

One URL chooses the database (`$KURS_DB_URL`). The default is a SQLite file in the
project's `_data/` folder (WAL mode, so many kernels can read and write at once);
PostgreSQL (`postgresql+psycopg://...`) serves a deployment with several Voila servers.

What is stored, and nothing more: a session (code, case, mode, the room's place in the
case, which decisions are revealed, times), its participants (a random id kept only as a
SHA-256 hash, an optional nickname, the place in the case), their answers (scene and
option) and reflections (free text). No IP addresses, user agents or names. An answer is
stored once per participant and scene (a UNIQUE constraint): a double click or a resend
never counts twice.

Lean on purpose: the Voila kernels import this module (no pydantic, YAML or matplotlib).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from ..settings import DATA_DIR, DB_ENV

# Session codes: no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V).
CODE_ALPHABET = "ACDEFHJKMNPRTWXY34679"
CODE_LENGTH = 5
SESSION_HOURS = 12          # a participant can join for this long after the session is made
NICKNAME_MAX = 40
REFLECTION_MAX = 3000
MODES = ("styrt", "selv")   # trainer-paced, self-paced

metadata = sa.MetaData()

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(12), nullable=False, unique=True),
    sa.Column("case_id", sa.String(120), nullable=False),
    sa.Column("mode", sa.String(10), nullable=False),
    sa.Column("trainer_key", sa.String(64), nullable=False),   # SHA-256 of the trainer's key
    sa.Column("status", sa.String(10), nullable=False),        # open | closed
    sa.Column("room_state", sa.Text, nullable=False),          # the room's Playthrough state (JSON)
    sa.Column("revealed", sa.Text, nullable=False),            # scene ids with feedback shown (JSON)
    sa.Column("version", sa.Integer, nullable=False),          # +1 on every change by the trainer
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("closed_at", sa.DateTime, nullable=True),
)

participants = sa.Table(
    "participants", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token", sa.String(64), nullable=False),         # SHA-256 of the random id in the page URL
    sa.Column("nickname", sa.String(NICKNAME_MAX), nullable=True),
    sa.Column("state", sa.Text, nullable=True),                # own Playthrough state (self-paced)
    sa.Column("joined_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("session_id", "token", name="uq_participant_token"),
)

answers = sa.Table(
    "answers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("scene_id", sa.String(120), nullable=False),
    sa.Column("option_id", sa.String(120), nullable=False),
    sa.Column("answered_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("participant_id", "scene_id", name="uq_answer_once"),
    sa.Index("ix_answers_session_scene", "session_id", "scene_id"),
)

reflections = sa.Table(
    "reflections", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("scene_id", sa.String(120), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("participant_id", "scene_id", name="uq_reflection_once"),
    sa.Index("ix_reflections_session", "session_id"),
)


class StoreError(Exception):
    """The database cannot be reached or used (the UI shows a friendly message)."""


# What "the database is away" looks like to the apps: the store's own error and the
# driver's errors as SQLAlchemy wraps them. Anything else is a bug and is logged as one.
OFFLINE = (StoreError, sa.exc.SQLAlchemyError)


def default_url() -> str:
    """$KURS_DB_URL, else a SQLite file in the project's _data/ folder."""
    if os.environ.get(DB_ENV):
        return os.environ[DB_ENV]
    from ..settings import NoProject, project_root

    try:
        folder = project_root() / DATA_DIR
    except NoProject:
        folder = Path.home() / ".local" / "share" / "tidlig-og-sammen"
    return f"sqlite:///{folder / 'kurs.sqlite3'}"


def now() -> datetime:
    """UTC without tzinfo (portable across SQLite and PostgreSQL)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(18)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: object) -> str:
    """What a person typed or a URL held, as a code: capitals, no spaces or dashes."""
    if not isinstance(text, str):
        return ""
    return "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())[:12]


# Format characters that belong inside emoji sequences: the zero-width joiner (👨‍👩‍👧 is
# three faces joined by U+200D) and the tag characters of subdivision flags. Variation
# selectors (U+FE0F) are marks, not control characters, and stay anyway.
KEEP_FORMAT = {"\u200d"} | {chr(c) for c in range(0xE0020, 0xE0080)}


def _allowed(ch: str) -> bool:
    return ch in "\n\t" or ch in KEEP_FORMAT or unicodedata.category(ch)[0] != "C"


def clean_text(text: object, limit: int | None = None) -> str:
    """Free text from a participant: no control characters (emoji sequences kept whole),
    at most `limit` characters. The servers refuse a longer text with a message before
    it gets here (`too_long`); the cut is only a last guard."""
    text = "" if text is None else str(text)
    text = "".join(ch for ch in text if _allowed(ch)).strip()
    return text if limit is None else text[:limit]


def too_long(text: object, limit: int) -> bool:
    """True if `text`, cleaned, has more than `limit` characters (code points, as the
    participant page counts them while typing)."""
    return len(clean_text(text)) > limit


def _make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)


def _insert(engine: sa.Engine, table: sa.Table):
    """INSERT that can say ON CONFLICT (SQLite and PostgreSQL), else a plain insert."""
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
        return insert(table)
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
        return insert(table)
    return None


class Store:
    """All reads and writes of workshop data. Every method is one short transaction."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = _make_engine(self.url)
        self._schema_ready = False

    # -- schema ---------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        if self.engine.dialect.name == "sqlite":
            path = self.engine.url.database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(3):
            try:
                metadata.create_all(self.engine, checkfirst=True)
                break
            except (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.OperationalError):
                # another kernel created the tables at the same moment: look again
                if attempt == 2:
                    raise
                time.sleep(0.2)
        self._schema_ready = True

    def warm(self) -> None:
        """Open a connection and check the tables now (a preheated kernel does this
        before its visitor arrives)."""
        self.ensure_schema()
        with self.engine.connect() as conn:
            conn.execute(sa.select(sa.literal(1)))

    def _begin(self):
        self.ensure_schema()
        return self.engine.begin()

    # -- sessions -------------------------------------------------------------------------
    def create_session(self, case_id: str, mode: str, room_state: dict,
                       hours: float = SESSION_HOURS) -> tuple[dict, str]:
        """A new open session with a fresh code. Returns (session, trainer key)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        key = new_secret()
        created = now()
        for _ in range(50):
            code = new_code()
            try:
                with self._begin() as conn:
                    conn.execute(sessions.insert().values(
                        code=code, case_id=case_id, mode=mode, trainer_key=digest(key), status="open",
                        room_state=json.dumps(room_state, ensure_ascii=False), revealed="[]", version=1,
                        created_at=created, expires_at=created + timedelta(hours=hours)))
                return self.session_by_code(code), key
            except sa.exc.IntegrityError:
                continue  # the code is taken: draw another
        raise StoreError("could not find a free session code")

    def session_by_code(self, code: str) -> dict | None:
        code = normalize_code(code)
        if not code:
            return None
        with self._begin() as conn:
            row = conn.execute(sessions.select().where(sessions.c.code == code)).mappings().first()
        return _session(row)

    def session(self, session_id: int) -> dict | None:
        with self._begin() as conn:
            row = conn.execute(sessions.select().where(sessions.c.id == session_id)).mappings().first()
        return _session(row)

    def session_version(self, session_id: int) -> int | None:
        """The cheap question participants poll: has the trainer changed anything?"""
        with self._begin() as conn:
            return conn.execute(sa.select(sessions.c.version).where(sessions.c.id == session_id)).scalar()

    def session_versions(self, ids: list[int]) -> dict[int, int]:
        """The version of each of these sessions, in one query: what a server asks a few
        times a second for every session that has a page open on it."""
        if not ids:
            return {}
        with self._begin() as conn:
            rows = conn.execute(sa.select(sessions.c.id, sessions.c.version).where(sessions.c.id.in_(ids)))
            return {r.id: r.version for r in rows}

    def trainer_session(self, code: str, key: str) -> dict | None:
        found = self.session_by_code(code)
        if found is None or not key or not secrets.compare_digest(found["trainer_key"], digest(str(key))):
            return None
        return found

    def update_session(self, session_id: int, expected_version: int, **values) -> bool:
        """Compare-and-set: change the session only if nobody changed it since
        `expected_version` was read. Returns False if somebody did (read again)."""
        allowed = {"room_state", "revealed", "status", "closed_at"}
        if set(values) - allowed:
            raise ValueError(f"cannot set {sorted(set(values) - allowed)}")
        for name in ("room_state", "revealed"):
            if name in values and not isinstance(values[name], str):
                values[name] = json.dumps(values[name], ensure_ascii=False)
        with self._begin() as conn:
            result = conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id, sessions.c.version == expected_version)
                .values(version=sessions.c.version + 1, **values))
        return result.rowcount == 1

    # -- participants ---------------------------------------------------------------------
    def join(self, session_id: int, token: str, nickname: str | None = None) -> dict:
        """The participant with this token, made if new (joining twice is one join)."""
        nickname = clean_text(nickname, NICKNAME_MAX) or None
        values = dict(session_id=session_id, token=digest(token), nickname=nickname, joined_at=now())
        stmt = _insert(self.engine, participants)
        with self._begin() as conn:
            if stmt is not None:
                conn.execute(stmt.values(**values).on_conflict_do_nothing(
                    index_elements=["session_id", "token"]))
            elif self._participant_row(conn, session_id, token) is None:
                conn.execute(participants.insert().values(**values))
        return self.participant(session_id, token)

    def participant(self, session_id: int, token: str) -> dict | None:
        if not token:
            return None
        with self._begin() as conn:
            row = self._participant_row(conn, session_id, token)
        if row is None:
            return None
        out = dict(row)
        out["state"] = json.loads(out["state"]) if out["state"] else None
        return out

    @staticmethod
    def _participant_row(conn, session_id, token):
        return conn.execute(participants.select().where(
            participants.c.session_id == session_id, participants.c.token == digest(str(token)))
        ).mappings().first()

    def save_state(self, participant_id: int, state: dict) -> None:
        with self._begin() as conn:
            conn.execute(participants.update().where(participants.c.id == participant_id)
                         .values(state=json.dumps(state, ensure_ascii=False)))

    # -- answers and reflections ----------------------------------------------------------
    def answer(self, session_id: int, participant_id: int, scene_id: str, option_id: str) -> bool:
        """Store a choice. The first answer per participant and scene counts; a resend
        or double click changes nothing. Returns True if this call stored it."""
        values = dict(session_id=session_id, participant_id=participant_id, scene_id=str(scene_id),
                      option_id=str(option_id), answered_at=now())
        stmt = _insert(self.engine, answers)
        try:
            with self._begin() as conn:
                if stmt is not None:
                    result = conn.execute(stmt.values(**values).on_conflict_do_nothing(
                        index_elements=["participant_id", "scene_id"]).returning(answers.c.id))
                    return result.first() is not None
                conn.execute(answers.insert().values(**values))
                return True
        except sa.exc.IntegrityError:
            return False

    def answers_of(self, participant_id: int) -> dict[str, str]:
        with self._begin() as conn:
            rows = conn.execute(sa.select(answers.c.scene_id, answers.c.option_id)
                                .where(answers.c.participant_id == participant_id))
            return {r.scene_id: r.option_id for r in rows}

    def reflect(self, session_id: int, participant_id: int, scene_id: str, text: str) -> None:
        """Store (or replace) a participant's reflection at a scene."""
        text = clean_text(text, REFLECTION_MAX)
        values = dict(session_id=session_id, participant_id=participant_id, scene_id=str(scene_id),
                      text=text, updated_at=now())
        stmt = _insert(self.engine, reflections)
        with self._begin() as conn:
            if stmt is not None:
                conn.execute(stmt.values(**values).on_conflict_do_update(
                    index_elements=["participant_id", "scene_id"],
                    set_={"text": text, "updated_at": values["updated_at"]}))
            else:
                done = conn.execute(reflections.update().where(
                    reflections.c.participant_id == participant_id, reflections.c.scene_id == str(scene_id))
                    .values(text=text, updated_at=values["updated_at"]))
                if done.rowcount == 0:
                    conn.execute(reflections.insert().values(**values))

    def reflections_of(self, participant_id: int) -> dict[str, str]:
        with self._begin() as conn:
            rows = conn.execute(sa.select(reflections.c.scene_id, reflections.c.text)
                                .where(reflections.c.participant_id == participant_id))
            return {r.scene_id: r.text for r in rows}

    # -- what the dashboard reads ---------------------------------------------------------
    def room(self, session_id: int) -> dict:
        """Everything the dashboard shows, in three small queries: how many joined,
        answers counted per scene and option, and the reflections (oldest first)."""
        with self._begin() as conn:
            joined = conn.execute(sa.select(sa.func.count()).select_from(participants)
                                  .where(participants.c.session_id == session_id)).scalar()
            counts: dict[str, dict[str, int]] = {}
            for r in conn.execute(sa.select(answers.c.scene_id, answers.c.option_id, sa.func.count())
                                  .where(answers.c.session_id == session_id)
                                  .group_by(answers.c.scene_id, answers.c.option_id)):
                counts.setdefault(r[0], {})[r[1]] = r[2]
            notes = [dict(r) for r in conn.execute(
                sa.select(reflections.c.scene_id, reflections.c.text, participants.c.nickname,
                          reflections.c.participant_id)
                .join(participants, participants.c.id == reflections.c.participant_id)
                .where(reflections.c.session_id == session_id, reflections.c.text != "")
                .order_by(reflections.c.id)).mappings()]
        return {"joined": joined, "counts": counts, "reflections": notes}

    def export_rows(self, session_id: int) -> tuple[list[dict], list[dict]]:
        """(answers, reflections) with a participant number (1, 2, ... by joining order)
        instead of any identity."""
        with self._begin() as conn:
            order = {pid: n for n, pid in enumerate(conn.execute(
                sa.select(participants.c.id).where(participants.c.session_id == session_id)
                .order_by(participants.c.id)).scalars(), start=1)}
            given = [dict(r) for r in conn.execute(
                sa.select(answers.c.participant_id, answers.c.scene_id, answers.c.option_id,
                          answers.c.answered_at)
                .where(answers.c.session_id == session_id).order_by(answers.c.id)).mappings()]
            written = [dict(r) for r in conn.execute(
                sa.select(reflections.c.participant_id, reflections.c.scene_id, reflections.c.text,
                          reflections.c.updated_at)
                .where(reflections.c.session_id == session_id).order_by(reflections.c.id)).mappings()]
        for row in given + written:
            row["participant"] = order.get(row.pop("participant_id"), 0)
        return given, written

    # -- housekeeping ---------------------------------------------------------------------
    def purge(self, older_than: timedelta) -> int:
        """Delete sessions made before now - older_than, with all their data."""
        cutoff = now() - older_than
        with self._begin() as conn:
            old = sa.select(sessions.c.id).where(sessions.c.created_at < cutoff)
            ids = list(conn.execute(old).scalars())
            if not ids:
                return 0
            for table in (answers, reflections, participants):
                conn.execute(table.delete().where(table.c.session_id.in_(ids)))
            conn.execute(sessions.delete().where(sessions.c.id.in_(ids)))
        return len(ids)

    def dispose(self) -> None:
        self.engine.dispose()


def _session(row) -> dict | None:
    if row is None:
        return None
    out = dict(row)
    out["room_state"] = json.loads(out["room_state"])
    out["revealed"] = json.loads(out["revealed"])
    return out
