"""Load compiled cases (JSON written by `kurs compile`). Lean on purpose: the Voila
app kernels import this, not the validator (no pydantic, no YAML)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .ids import is_slug
from .problems import Problem, ProblemsFound

COMPILED_ENV = "KURS_KOMPILERT"


def compiled_dir() -> Path | None:
    return Path(os.environ[COMPILED_ENV]) if os.environ.get(COMPILED_ENV) else None


def load_compiled(case_id: object, folder: Path | None = None) -> dict:
    """A compiled case by id: from `folder` or $KURS_KOMPILERT, else compiled from its
    YAML now. The id may come from a URL: anything but a known id raises ProblemsFound."""
    if not is_slug(case_id):
        raise ProblemsFound([Problem("url", 1, "", f"saken «{case_id}» finnes ikke", "sjekk lenken")])
    folder = folder or compiled_dir()
    if folder is None:
        from .library import compiled_case
        return compiled_case(str(case_id))
    path = folder / f"{case_id}.json"
    if not path.is_file():
        raise ProblemsFound([Problem(str(path), 1, "", f"saken «{case_id}» finnes ikke", "sjekk lenken")])
    return json.loads(path.read_text(encoding="utf-8"))


def all_compiled(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
