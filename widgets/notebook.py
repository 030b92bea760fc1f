"""The exercise in a notebook (JupyterLab, nbval, Voila): a case by its id.

    from widgets import CaseExercise
    CaseExercise.from_id("skolegutt-forteller")

The compiled case comes from $KURS_KOMPILERT when a server has compiled the cases, else
it is checked and compiled now from the project's cases/ folder.
"""

from __future__ import annotations

from pathlib import Path

from .play.exercise import CaseExercise as _Exercise
from .play.loader import load_compiled
from .settings import compiled_dir


def compiled_case(case_id: str, cases_dir: Path | None = None) -> dict:
    if cases_dir is None and compiled_dir() is not None:
        return load_compiled(case_id)
    from .authoring.library import compiled_case as compile_now

    return compile_now(case_id, cases_dir)


class CaseExercise(_Exercise):
    @classmethod
    def from_id(cls, case_id: str, cases_dir: Path | None = None, state: dict | None = None):
        return cls.for_case(case_id, lambda cid: compiled_case(cid, cases_dir), state)
