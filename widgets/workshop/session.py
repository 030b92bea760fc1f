"""Workshop mode without UI: sessions, participants, the dashboard's data and exports.

A trainer makes a session for a case. Participants join with its code and play the case
by the engine's rules (`Playthrough`); their choices go to the store at once. In
trainer-paced mode ("styrt") the room is one `Playthrough` kept in the session: everyone
sees the room's scene, and the trainer moves the room on (at a branching choice along the
recommended option, or another the trainer picks). In self-paced mode ("selv") each
participant has an own `Playthrough`. In both modes the feedback for a decision is
shown to participants when the trainer reveals it ("Vis fasit").

The pages (`widgets.workshop.live`) are thin layers over this module;
`widgets.workshop.reports` turns a session into the dashboard's data and exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..play.engine import EngineError, Playthrough, best_labels
from ..play.loader import load_compiled
from .store import MODES, Store, normalize_code, now


# -- sessions ---------------------------------------------------------------------------------
@dataclass
class Session:
    """A snapshot of one session row with its compiled case."""

    row: dict
    case: dict
    _room: Playthrough | None = field(default=None, repr=False)

    id = property(lambda self: self.row["id"])
    code = property(lambda self: self.row["code"])
    mode = property(lambda self: self.row["mode"])
    version = property(lambda self: self.row["version"])
    revealed = property(lambda self: set(self.row["revealed"]))

    @property
    def trainer_paced(self) -> bool:
        return self.mode == "styrt"

    @property
    def expired(self) -> bool:
        return now() >= self.row["expires_at"]

    @property
    def closed(self) -> bool:
        return self.row["status"] != "open"

    @property
    def is_open(self) -> bool:
        return not self.closed and not self.expired

    def room(self) -> Playthrough:
        """The room's place in the case (trainer-paced mode), replayed by the engine."""
        if self._room is None:
            self._room = Playthrough(self.case, self.row["room_state"])
        return self._room

    def decision_scenes(self) -> list[str]:
        """Scenes with a choice, as the dashboard lists them: along the room's path
        (trainer-paced), or every one in the case's order (self-paced)."""
        scenes = self.case["scenes"]
        ids = self.room().path if self.trainer_paced else list(scenes)
        return [sid for sid in ids if _kind(scenes[sid]) not in (None, "reflection")]

    def reflection_scenes(self) -> list[str]:
        return [sid for sid, scene in self.case["scenes"].items() if _kind(scene) == "reflection"]


def _kind(scene: dict) -> str | None:
    return (scene.get("decision") or {}).get("kind")


def load_case(case_id: str) -> dict:
    return load_compiled(case_id)


def find_session(store: Store, code: object, load=load_case) -> tuple[Session | None, str | None]:
    """(session, None) for an open session, else (None or session, message key):
    `workshop_unknown`, `workshop_closed`, `workshop_expired` or `workshop_broken`."""
    from ..problems import ProblemsFound

    row = store.session_by_code(normalize_code(code))
    if row is None:
        return None, "workshop_unknown"
    try:
        session = Session(row, load(row["case_id"]))
        session.room()
    except (ProblemsFound, EngineError):
        return None, "workshop_broken"
    if session.closed:
        return session, "workshop_closed"
    if session.expired:
        return session, "workshop_expired"
    return session, None


def create_session(store: Store, compiled: dict, mode: str) -> tuple[Session, str]:
    """A new session; returns it and the trainer's key (shown once, kept in the URL)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    row, key = store.create_session(compiled["id"], mode, Playthrough(compiled).state())
    return Session(row, compiled), key


def reload(store: Store, session: Session) -> Session:
    row = store.session(session.id)
    return Session(row, session.case) if row else session


def _change(store: Store, session: Session, change) -> Session:
    """Apply `change(session) -> values` with compare-and-set; read again and retry
    when another server or tab changed the session in between."""
    for _ in range(10):
        session = reload(store, session)
        values = change(session)
        if not values or store.update_session(session.id, session.version, **values):
            return reload(store, session)
    raise RuntimeError("the session keeps changing")


def reveal(store: Store, session: Session, scene_id: str | None = None) -> Session:
    """Show the feedback for a decision (default: the room's current scene) to everybody."""
    def change(s: Session):
        sid = scene_id or s.room().scene_id
        if sid in s.revealed or sid not in s.case["scenes"]:
            return None
        return {"revealed": sorted(s.revealed | {sid})}
    return _change(store, session, change)


def recommended_option(play: Playthrough) -> str | None:
    """The option the room follows by default at a branching choice: the best one."""
    d = play.decision
    if not d or d["kind"] == "reflection":
        return None
    return next(o["id"] for o in d["options"] if o["best"])


def branches(play: Playthrough) -> list[dict]:
    """The options at the room's choice that lead to different scenes (for the trainer
    to pick where the room goes next); empty when every option goes the same way."""
    d = play.decision
    return list(d["options"]) if play.needs_choice and d["branching"] else []


def advance(store: Store, session: Session, option_id: str | None = None,
            expect: tuple[str, int] | None = None) -> Session:
    """Trainer-paced: move the room to the next scene (along `option_id` at a choice,
    default the recommended option). With `expect` = (scene id, step) the trainer saw,
    the room moves only if it is still there: a double click or a second tab that
    pressed from the same place moves the room one scene, not two."""
    def change(s: Session):
        room = Playthrough(s.case, s.row["room_state"])
        if expect is not None and (room.scene_id, room.step) != tuple(expect):
            return None
        if room.needs_choice:
            room.choose(option_id or recommended_option(room))
        if not room.can_proceed:
            return None
        room.proceed()
        return {"room_state": room.state()}
    return _change(store, session, change)


def close(store: Store, session: Session) -> Session:
    def change(s: Session):
        return None if s.closed else {"status": "closed", "closed_at": now()}
    return _change(store, session, change)


# -- participants -----------------------------------------------------------------------------
def _feedback_at(case: dict, path: list[str], choices: list[dict], scene_id: str, option_id: str):
    """The engine's feedback for `option_id` at `scene_id` on this path (replayed)."""
    try:
        i = path.index(scene_id)
        before = [c for c in choices if c["scene"] in path[:i]]
        state = {"case": case["id"], "path": path[:i + 1], "answered": option_id,
                 "choices": before + [{"scene": scene_id, "option": option_id}], "reflections": {}}
        return Playthrough(case, state).feedback()
    except (EngineError, ValueError):
        return None


class Participation:
    """One participant in one session: plays by the engine's rules and writes every
    choice and reflection to the store at once."""

    def __init__(self, store: Store, session: Session, me: dict, new: bool = False):
        self.store, self.session, self.me = store, session, me
        # a participant who just joined with a fresh random id has answered nothing yet
        self.answers = {} if new else store.answers_of(me["id"])
        self.notes = {} if new else store.reflections_of(me["id"])
        self.play = self._build()

    @classmethod
    def join(cls, store: Store, session: Session, token: str, nickname: str | None = None, new: bool = False):
        """`new`: the token was made just now (never used), so there is nothing to read back."""
        return cls(store, session, store.join(session.id, token, nickname), new=new)

    @classmethod
    def rejoin(cls, store: Store, session: Session, token: str):
        me = store.participant(session.id, token)
        return cls(store, session, me) if me else None

    def _build(self) -> Playthrough:
        case = self.session.case
        if self.session.trainer_paced:
            play = Playthrough(case, self.session.row["room_state"])
        else:
            play = Playthrough(case)
            if self.me.get("state"):
                try:
                    play = Playthrough(case, self.me["state"])
                except EngineError:
                    pass  # a state that no longer fits: start again (answers stay stored)
        mine = self.answers.get(play.scene_id)
        if mine is not None and play.needs_choice:
            try:
                play.choose(mine)
            except EngineError:
                pass
        if _kind(play.scene) == "reflection" and play.scene_id in self.notes:
            play.reflect(self.notes[play.scene_id])
        return play

    def update(self, session: Session) -> bool:
        """Take a newer snapshot of the session; True if the view must change."""
        if session.version == self.session.version:
            return False
        self.session = session
        if session.trainer_paced:      # the room moved; in self-paced mode my own play stays
            self.play = self._build()
        return True

    # -- what the participant may do -----------------------------------------------------------
    @property
    def revealed(self) -> bool:
        return self.play.scene_id in self.session.revealed

    @property
    def can_choose(self) -> bool:
        return self.session.is_open and self.play.needs_choice and not self.revealed

    @property
    def can_proceed(self) -> bool:
        return not self.session.trainer_paced and self.session.is_open and self.play.can_proceed

    @property
    def waiting(self) -> bool:
        """Trainer-paced, nothing (more) to choose here: the trainer moves the room on."""
        return self.session.trainer_paced and not self.play.finished and not self.can_choose

    def choose(self, option_id: str) -> bool:
        """Record a choice; False if it was not taken (a second click, a late answer)."""
        if not self.can_choose:
            return False
        try:
            self.play.choose(option_id)
        except EngineError:
            return False
        try:
            self.store.answer(self.session.id, self.me["id"], self.play.scene_id, self.play.answered)
            if not self.session.trainer_paced:
                self.store.save_state(self.me["id"], self.play.state())
        except Exception:
            self.play = self._build()  # not stored: the page may send it again
            raise
        self.answers[self.play.scene_id] = self.play.answered
        return True

    def proceed(self) -> bool:
        if not self.can_proceed:
            return False
        self.play.proceed()
        mine = self.answers.get(self.play.scene_id)
        if mine is not None and self.play.needs_choice:
            self.play.choose(mine)
        try:
            self.store.save_state(self.me["id"], self.play.state())
        except Exception:
            self.play = self._build()
            raise
        return True

    def reflect(self, text: str) -> bool:
        if not self.session.is_open or _kind(self.play.scene) != "reflection":
            return False
        self.store.reflect(self.session.id, self.me["id"], self.play.scene_id, text)
        self.play.reflect(text)
        self.notes[self.play.scene_id] = self.play.reflections[self.play.scene_id]
        if not self.session.trainer_paced:
            self.store.save_state(self.me["id"], self.play.state())
        return True

    def feedback(self) -> dict | None:
        """The engine's feedback for my answer here, once the trainer has revealed it."""
        return self.play.feedback() if self.revealed else None

    def recommended(self) -> list[str]:
        """After a reveal, for someone who did not answer: the recommended option(s)."""
        if not self.revealed or not self.play.needs_choice:
            return []
        return best_labels(self.play.decision)

    def summary(self) -> list[dict]:
        """My answers along my path (the room's path when trainer-paced), each with the
        engine's feedback when that decision is revealed."""
        play = self.play
        out = []
        for sid in play.path:
            mine = self.answers.get(sid)
            if mine is None or _kind(self.session.case["scenes"][sid]) in (None, "reflection"):
                continue
            fb = _feedback_at(self.session.case, play.path, play.choices, sid, mine)
            if fb is None:
                continue
            out.append({"scene": sid, "prompt": self.session.case["scenes"][sid]["decision"]["prompt"],
                        "label": fb["label"], "revealed": sid in self.session.revealed,
                        "feedback": fb if sid in self.session.revealed else None})
        return out
