"""Shared test vectors: choice sequences and what the Python engine does with them.

For every case, every way through (up to a bound) is played by the Python engine and
recorded: the choices, the scenes visited, the steps shown ("steg k av n") and the
scores. The JavaScript player is run on the same vectors, so the two players can
never disagree without a test failing.
"""

from __future__ import annotations

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
