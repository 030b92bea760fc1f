"""UI strings for both players, from one file per language (widgets/locale/)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def strings(lang: str = "nb") -> dict[str, str]:
    return json.loads((LOCALE_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def t(key: str, lang: str = "nb", **values) -> str:
    return strings(lang)[key].format(**values)
