"""Load compiled cases (JSON written by the compiler, `kurs compile`). Lean on purpose:
the app kernels import this, not the validator (no pydantic, no YAML)."""

from __future__ import annotations

import json
from pathlib import Path

from ..problems import CaseNotFound
from ..settings import compiled_dir
from .format import is_slug


def load_compiled(case_id: object, folder: Path | None = None) -> dict:
    """A compiled case by id from `folder` (default: $KURS_KOMPILERT). The id may come
    from a URL: anything but a known id raises CaseNotFound."""
    folder = folder or compiled_dir()
    if not is_slug(case_id) or folder is None:
        raise CaseNotFound(case_id)
    path = folder / f"{case_id}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        raise CaseNotFound(case_id, str(path)) from None
    except OSError:  # e.g. a name too long for the file system: no such case either
        raise CaseNotFound(case_id) from None


def all_compiled(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
