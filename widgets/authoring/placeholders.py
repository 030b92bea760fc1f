"""`{{ kommune }}` in case texts: the one placeholder authors may use. The compiler
fills it from the municipality's settings; the validator refuses any other."""

from __future__ import annotations

import re

FALLBACK_NAME = "kommunen"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")
KNOWN_PLACEHOLDERS = ("kommune",)


def municipality_name(settings: dict) -> str:
    return str((settings or {}).get("navn") or FALLBACK_NAME)


def substitute(text: str, settings: dict) -> str:
    """Replace {{ kommune }} with the municipality's name."""
    name = municipality_name(settings)
    return PLACEHOLDER.sub(lambda m: name if m.group(1) == "kommune" else m.group(0), text)
