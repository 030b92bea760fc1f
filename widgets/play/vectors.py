"""Shared test vectors: choice sequences and saved states, and what the Python engine
does with them.

For every case, every way through (up to a bound) is played by the Python engine and
recorded: the choices, the scenes visited, the steps shown ("steg k av n") and the
scores. Saved states come good, stale, tampered and malformed (wrong types anywhere):
both engines must restore the good ones identically and refuse every other one with an
EngineError. The JavaScript player is run on the same vectors, so the two players can
never disagree without a test failing (tests/test_js_player.py).
"""

from __future__ import annotations

import copy

from .engine import Playthrough

MAX_SEQUENCES = 500


def _record(play: Playthrough, choices: list[str], steps: list) -> dict:
    return {"choices": list(choices), "path": list(play.path), "steps": [list(s) for s in steps],
            "scores": play.scores(), "finished": play.finished}


def vectors(compiled: dict, limit: int = MAX_SEQUENCES) -> list[dict]:
    """All choice sequences through the case (depth first), each with its outcome."""
    out: list[dict] = []

    def walk(choices: list[str]) -> None:
        if len(out) >= limit:
            return
        play = Playthrough(compiled)
        steps = [(play.step, play.total_steps)]
        pending = list(choices)
        while True:
            if play.needs_choice:
                if not pending:
                    for option in play.decision["options"]:
                        walk(choices + [option["id"]])
                    return
                play.choose(pending.pop(0))
            if not play.can_proceed:
                break
            play.proceed()
            steps.append((play.step, play.total_steps))
            if len(play.path) > 200:  # a loop the author made on purpose: stop here
                break
        out.append(_record(play, choices, steps))

    walk([])
    return out


def _state_after(compiled: dict, choices: list[str], answered_only: bool = False) -> dict:
    """The saved state after making `choices` (at the last answer, or at the next question),
    writing «Tanker om <scene>» at every reflection question on the way."""
    play, pending = Playthrough(compiled), list(choices)
    while True:
        if play.needs_choice:
            if not pending:
                break
            play.choose(pending.pop(0))
            if not pending and answered_only:
                break
        if play.decision and play.decision["kind"] == "reflection":
            play.reflect(f"Tanker om {play.scene_id}")
        if not play.can_proceed or len(play.path) > 200:
            break
        play.proceed()
    return play.state()


def saved_states(compiled: dict, choices: list[str]) -> list:
    """Saved states for one case, from one way through it (`choices`): the first two are
    good (at the end; just after the first answer), the rest stale, tampered or malformed."""
    full = _state_after(compiled, choices)
    mid = _state_after(compiled, choices[:1], answered_only=True)
    states: list = [full, mid, _state_after(compiled, choices[:2])]

    def changed(base, **kw):
        s = copy.deepcopy(base)
        s.update(kw)
        return s

    first = full["choices"][0] if full["choices"] else {"scene": compiled["start"], "option": "x"}
    states += [
        # stale or tampered
        changed(full, case="en-annen-sak"),
        changed(full, path=full["path"][1:]),
        changed(full, path=[]),
        changed(full, path=full["path"][:1] + ["finnes-ikke"] + full["path"][2:]),
        changed(full, path=full["path"] + [full["path"][-1]]),
        changed(full, choices=full["choices"] + full["choices"][:1]),
        changed(full, choices=full["choices"][1:]),
        changed(full, choices=[]),
        changed(full, choices=[{**first, "option": "finnes-ikke"}] + full["choices"][1:]),
        changed(full, reflections={"finnes-ikke": "x", full["path"][0]: "y", **full["reflections"]}),
        changed(mid, answered=None),
        changed(mid, choices=[]),
        {k: v for k, v in full.items() if k != "path"},
        {k: v for k, v in full.items() if k not in ("choices", "reflections", "answered")},
        {"case": compiled["id"], "path": [compiled["start"]]},
        # malformed: wrong types where a saved state could be damaged
        changed(full, reflections=[]),
        changed(full, reflections="tekst"),
        changed(full, reflections={sid: 42 for sid in full["reflections"]} or {full["path"][-1]: 42}),
        changed(full, choices=None),
        changed(full, choices="valg"),
        changed(full, choices=[1, 2]),
        changed(full, choices=[{"option": first["option"]}] + full["choices"][1:]),
        changed(full, choices=[{"scene": first["scene"], "option": 0}] + full["choices"][1:]),
        changed(full, path=full["path"][0]),
        changed(full, path={"0": full["path"][0]}),
        changed(full, path=[None]),
        changed(mid, answered=0),
        changed(mid, answered=["x"]),
        [],
        "tilstand",
        None,
        42,
    ]
    return states
