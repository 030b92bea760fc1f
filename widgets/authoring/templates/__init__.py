"""The starter file of `kurs new-case` (ny-sak.yml), and the texts in it that an author
must replace: the validator refuses a case that still has one of them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

NEW_CASE = Path(__file__).parent / "ny-sak.yml"
TEXT_FIELDS = ("title", "summary", "text", "prompt", "label", "feedback")


def new_case_text(case_id: str) -> str:
    return NEW_CASE.read_text(encoding="utf-8").replace("__ID__", case_id)


@lru_cache(maxsize=1)
def placeholder_texts() -> frozenset[str]:
    """Every text of the starter file's text fields, whitespace normalised."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in TEXT_FIELDS and isinstance(item, str):
                    found.add(" ".join(item.split()))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(yaml.safe_load(new_case_text("x")))
    return frozenset(found)
