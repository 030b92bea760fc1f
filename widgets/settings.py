"""Names and places, in one module: the project root, environment variables, default
folders, the app notebooks' names, and the municipality's block of the book's config.

Every other module asks here instead of spelling a path or a variable name itself.
"""

from __future__ import annotations

import os
from pathlib import Path

VERSION = "0.2.0"

# -- environment variables ---------------------------------------------------------------
PROJECT_ENV = "KURS_PROSJEKT"        # the course project (a folder with cases/_modell.yml)
COMPILED_ENV = "KURS_KOMPILERT"      # compiled cases (JSON) that the app kernels read
DB_ENV = "KURS_DB_URL"               # the workshop store (SQLAlchemy URL)
PUBLIC_URL_ENV = "KURS_WORKSHOP_URL"  # where participants reach the workshop server
TRAINER_KEY_ENV = "KURS_KURSHOLDER_NOKKEL"  # the trainer link's key, the same on every server of a workshop
VOILA_URL_ENV = "KURS_VOILA_URL"     # the exercise apps `kurs serve` runs, when the settings name none
VARIANT_ENV = "KURS_VARIANT"        # the book variant being built (`kurs build --config X.yml`: X)

# -- folders and files, relative to the project root -------------------------------------
CONFIG_FILE = "_config.yml"
CASES_DIR = "cases"
BUILD_DIR = "_build"
HTML_DIR = f"{BUILD_DIR}/html"
COMPILED_DIR = f"{BUILD_DIR}/saker"
DATA_DIR = "_data"
DEFINITIONS_FILE = "_modell.yml"
REFERENCES_FILE = "_referanser.yml"

# -- the Voila app notebooks (widgets/voila/notebooks/) ----------------------------------
INDEX_NOTEBOOK = "index.ipynb"
EXERCISE_NOTEBOOK = "ovelse.ipynb"
TRAINER_NOTEBOOK = "kursholder.ipynb"
PARTICIPANT_NOTEBOOK = "deltaker.ipynb"


class NoProject(Exception):
    pass


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: working directory) that holds
    cases/_modell.yml, or the folder named by $KURS_PROSJEKT."""
    if os.environ.get(PROJECT_ENV):
        return Path(os.environ[PROJECT_ENV]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CASES_DIR / DEFINITIONS_FILE).is_file():
            return folder
    raise NoProject(
        "Fant ikke kursprosjektet (en mappe med cases/_modell.yml). "
        f"Kjør kommandoen i prosjektmappen, eller sett {PROJECT_ENV}=/sti/til/prosjektet.")


def cases_dir(start: Path | None = None) -> Path:
    return project_root(start) / CASES_DIR


def compiled_dir() -> Path | None:
    """The folder of compiled cases named by $KURS_KOMPILERT (set by the servers)."""
    return Path(os.environ[COMPILED_ENV]) if os.environ.get(COMPILED_ENV) else None
