"""The exercise engine: plays a compiled case. Pure Python, no UI imports.

A `Playthrough` follows the compiled JSON only. The JavaScript player in the book
implements the same rules; the shared test vectors (`widgets.vectors`) keep them equal.

Flow at a scene: read the text; if there is a decision, `choose()` an option and read
the feedback; then `proceed()`. A reflection question takes free text (`reflect()`)
and never blocks. At an ending, `summary()` gives the scores per dimension.
"""

from __future__ import annotations

import json

from .format import FORMAT, FORMAT_VERSION


class EngineError(Exception):
    """A call that the current state does not allow (the UI should not offer it)."""


class Playthrough:
    def __init__(self, compiled: dict, state: dict | None = None):
        if compiled.get("format") != FORMAT or compiled.get("format_version") != FORMAT_VERSION:
            raise EngineError(f"unsupported compiled case format: {compiled.get('format')!r} "
                              f"v{compiled.get('format_version')!r}")
        self.case = compiled
        self.restart()
        if state is not None:
            self._restore(state)

    # -- state -------------------------------------------------------------------------
    def restart(self) -> None:
        self.path: list[str] = [self.case["start"]]
        self.choices: list[dict] = []   # {"scene": id, "option": id}
        self.reflections: dict[str, str] = {}
        self.answered: str | None = None

    @property
    def scene_id(self) -> str:
        return self.path[-1]

    @property
    def scene(self) -> dict:
        return self.case["scenes"][self.scene_id]

    @property
    def decision(self) -> dict | None:
        return self.scene["decision"]

    @property
    def finished(self) -> bool:
        return self.scene["ending"]

    @property
    def step(self) -> int:
        """1-based number of the current scene along the path."""
        return len(self.path)

    @property
    def total_steps(self) -> int:
        """Steps on the shortest way to an ending from here (changes with the choices)."""
        return len(self.path) - 1 + self.scene["remaining"]

    @property
    def needs_choice(self) -> bool:
        d = self.decision
        return bool(d and d["kind"] != "reflection" and self.answered is None)

    @property
    def can_proceed(self) -> bool:
        return not self.finished and not self.needs_choice

    # -- actions -----------------------------------------------------------------------
    def option(self, option_id: str) -> dict:
        d = self.decision
        for option in (d["options"] if d else []):
            if option["id"] == str(option_id):
                return option
        raise EngineError(f"no option {option_id!r} in scene {self.scene_id!r}")

    def choose(self, option_id) -> dict:
        """Record a choice at the current decision and return its feedback."""
        if not self.needs_choice:
            raise EngineError(f"scene {self.scene_id!r} takes no choice now")
        option = self.option(option_id)
        self.answered = option["id"]
        self.choices.append({"scene": self.scene_id, "option": option["id"]})
        return self.feedback()

    def feedback(self) -> dict | None:
        """Feedback for the answer given at the current scene, or None."""
        if self.answered is None:
            return None
        option = self.option(self.answered)
        verdict = self.case["labels"]["verdicts"][option["verdict"]]
        return {
            "option": option["id"],
            "label": option["label"],
            "verdict": option["verdict"],
            "verdict_name": verdict["name"],
            "icon": verdict["icon"],
            "is_best": option["best"],
            "best": best_labels(self.decision),
            "paragraphs": list(option["feedback"]),
            "refs": [{"key": k, **self.case["references"][k]} for k in option["refs"]],
        }

    def reflect(self, text: str) -> None:
        if not self.decision or self.decision["kind"] != "reflection":
            raise EngineError(f"scene {self.scene_id!r} has no reflection question")
        self.reflections[self.scene_id] = str(text)

    def proceed(self) -> str:
        """Go on to the next scene and return its id."""
        if not self.can_proceed:
            raise EngineError(f"cannot proceed from scene {self.scene_id!r}")
        nxt = self.option(self.answered)["next"] if self.answered is not None else self.scene["next"]
        self.path.append(nxt)
        self.answered = None
        return nxt

    # -- results -----------------------------------------------------------------------
    def scores(self) -> dict:
        """Points per dimension over the decisions met so far (in the case's order)."""
        out = {d["id"]: {"points": 0, "max": 0} for d in self.case["dimensions"]}
        for choice in self.choices:
            decision = self.case["scenes"][choice["scene"]]["decision"]
            option = next(o for o in decision["options"] if o["id"] == choice["option"])
            out[decision["dimension"]]["points"] += option["points"]
            out[decision["dimension"]]["max"] += self.case["max_points"]
        return out

    def summary(self) -> dict:
        dims = {d["id"]: d["name"] for d in self.case["dimensions"]}
        scores = self.scores()
        answers = []
        for choice in self.choices:
            scene = self.case["scenes"][choice["scene"]]
            option = next(o for o in scene["decision"]["options"] if o["id"] == choice["option"])
            answers.append({"scene": scene["id"], "prompt": scene["decision"]["prompt"],
                            "label": option["label"], "verdict": option["verdict"],
                            "verdict_name": self.case["labels"]["verdicts"][option["verdict"]]["name"],
                            "icon": self.case["labels"]["verdicts"][option["verdict"]]["icon"]})
        return {
            "scores": [{"dimension": d, "name": dims[d], **s} for d, s in scores.items() if s["max"]],
            "answers": answers,
            "reflections": [{"scene": sid, "prompt": self.case["scenes"][sid]["decision"]["prompt"],
                             "text": text} for sid, text in self.reflections.items()],
            "path": list(self.path),
        }

    # -- persistence -------------------------------------------------------------------
    def state(self) -> dict:
        return {"case": self.case["id"], "format_version": FORMAT_VERSION, "path": list(self.path),
                "choices": [dict(c) for c in self.choices], "answered": self.answered,
                "reflections": dict(self.reflections)}

    def to_json(self) -> str:
        return json.dumps(self.state(), ensure_ascii=False)

    @classmethod
    def from_json(cls, compiled: dict, text: str) -> Playthrough:
        return cls(compiled, json.loads(text))

    def _restore(self, state: dict) -> None:
        """Replay a saved state through the rules, so a stale or tampered state cannot
        put the player somewhere impossible. Raises EngineError if it does not fit,
        whatever its shape (the JS player refuses exactly the same states)."""
        if not isinstance(state, dict) or state.get("case") != self.case["id"]:
            raise EngineError("saved state belongs to another case")
        pending = state.get("choices", [])
        reflections = state.get("reflections", {})
        path = state.get("path")
        answered = state.get("answered")
        if not isinstance(path, list) or not path or path[0] != self.case["start"]:
            raise EngineError("saved path does not start at the start")
        if not isinstance(pending, list) or not all(
                isinstance(c, dict) and isinstance(c.get("scene"), str) and isinstance(c.get("option"), str)
                for c in pending):
            raise EngineError("saved choices are malformed")
        if not isinstance(reflections, dict) or not all(isinstance(v, str) for v in reflections.values()):
            raise EngineError("saved reflections are malformed")
        if answered is not None and not isinstance(answered, str):
            raise EngineError("saved answer is malformed")
        pending = list(pending)

        def replay_choice():
            if not pending or pending[0]["scene"] != self.scene_id:
                raise EngineError(f"no saved choice for scene {self.scene_id!r}")
            self.choose(pending.pop(0)["option"])

        for i, sid in enumerate(path[1:], start=1):
            if self.needs_choice:
                replay_choice()
            if self.proceed() != sid:
                raise EngineError(f"saved path leaves the case at step {i}")
        if answered is not None:
            replay_choice()
        if pending:
            raise EngineError("saved choices do not fit the path")
        for sid, text in reflections.items():
            if sid in self.path and (self.case["scenes"][sid]["decision"] or {}).get("kind") == "reflection":
                self.reflections[sid] = text


def best_labels(decision: dict | None) -> list[str]:
    """The labels of the recommended option(s) of a decision (the compiler marks them)."""
    return [o["label"] for o in (decision or {}).get("options", []) if o["best"]]
