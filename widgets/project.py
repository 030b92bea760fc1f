"""Where the course project is: the folder with _config.yml and cases/."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "KURS_PROSJEKT"


class NoProject(Exception):
    pass


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: working directory) that holds
    cases/_modell.yml, or the folder named by $KURS_PROSJEKT."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "cases" / "_modell.yml").is_file():
            return folder
    raise NoProject(
        "Fant ikke kursprosjektet (en mappe med cases/_modell.yml). "
        f"Kjør kommandoen i prosjektmappen, eller sett {ENV_VAR}=/sti/til/prosjektet.")


def cases_dir(start: Path | None = None) -> Path:
    return project_root(start) / "cases"
