"""Tidlig og sammen: case format, compiler, engine and players for the course.

Importing the package is cheap: the engine needs neither ipywidgets, matplotlib nor
Sphinx. The ipywidgets player is imported only when used (`widgets.CaseExercise`).
"""

from .settings import VERSION as __version__  # noqa: F401


def __getattr__(name):
    if name == "CaseExercise":
        from .notebook import CaseExercise
        return CaseExercise
    raise AttributeError(name)
