"""Sphinx extension: law citations from the reference catalogue (cases/_referanser.yml).

    {lov}`bvl-13-2`                              -> «barnevernsloven § 13-2», linked to Lovdata
    {lov}`taushetsplikten etter forvaltningsloven <fvl-13>`  -> own text, same link

Section numbers then live only in the catalogue. An unknown key is a build warning that
names the page and line (the book is built with -W, so the build stops). Every page that
cites a law gets a note at the end: «Lovhenvisningene ble sist kontrollert DATO», the
oldest `sist_kontrollert` of the entries cited on that page.

Works in Markdown pages and in the Markdown cells of notebooks (both are read by MyST).
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from ..authoring.catalog import REFERENCES_FILE, load_catalog
from ..problems import ProblemsFound

logger = logging.getLogger(__name__)

ROLE = "lov"
NOTE_CLASS = "lov-kontrollert"
_EXPLICIT = re.compile(r"^(?P<text>.+?)\s*<(?P<key>[^<>]+)>$", re.S)
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "desember")


def norwegian_date(day: datetime.date) -> str:
    """1. desember 2026"""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def parse_target(text: str) -> tuple[str | None, str]:
    """(own text or None, key) from «key» or «own text <key>»."""
    match = _EXPLICIT.match(text.strip())
    if match:
        return " ".join(match.group("text").split()), match.group("key").strip()
    return None, text.strip()


def _catalog_file(srcdir) -> Path:
    return Path(srcdir) / "cases" / REFERENCES_FILE


_CACHE: dict[tuple[str, str], dict] = {}


def _references(env) -> dict:
    """The catalogue's references (or {} if it cannot be read), read again when the file
    changes."""
    key = (str(env.srcdir), _catalog_hash(env.srcdir))
    if key not in _CACHE:
        try:
            _CACHE[key] = load_catalog(_catalog_file(env.srcdir).parent).references
        except ProblemsFound as err:
            for problem in err.problems:
                logger.warning(f"{problem}", type="lov", subtype="katalog")
            _CACHE[key] = {}
    return _CACHE[key]


def _catalog_hash(srcdir) -> str:
    path = _catalog_file(srcdir)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def lov_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    own_text, key = parse_target(text)
    refs = _references(env)
    ref = refs.get(key)
    if ref is None:
        close = difflib.get_close_matches(key, list(refs), n=1)
        hint = f"mente du «{close[0]}»? " if close else ""
        logger.warning(f"ukjent lovhenvisning «{key}» — {hint}bruk en nøkkel fra "
                       f"cases/{REFERENCES_FILE}, eller legg loven til der",
                       location=(env.docname, lineno), type="lov", subtype="ukjent")
        return [nodes.inline(rawtext, own_text or key, classes=["lov", "lov-ukjent"])], []
    cited = env.__dict__.setdefault("lov_cited", {})
    cited.setdefault(env.docname, set()).add(key)
    label = own_text or ref.label
    if ref.url:
        node = nodes.reference(rawtext, label, refuri=ref.url, classes=["lov"])
        node["reftitle"] = ref.tittel
    else:
        node = nodes.inline(rawtext, label, classes=["lov"])
    return [node], []


def oldest_check(keys, refs) -> datetime.date | None:
    dates = [refs[k].sist_kontrollert for k in keys if k in refs]
    return min(dates) if dates else None


def note_text(day: datetime.date) -> str:
    return f"Lovhenvisningene ble sist kontrollert {norwegian_date(day)}."


def _add_note(app, doctree, docname):
    keys = getattr(app.env, "lov_cited", {}).get(docname)
    if not keys:
        return
    day = oldest_check(keys, _references(app.env))
    if day is None:
        return
    para = nodes.paragraph(classes=[NOTE_CLASS])
    para += nodes.emphasis(text=note_text(day))
    doctree += para


def _purge(app, env, docname):
    getattr(env, "lov_cited", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    mine = env.__dict__.setdefault("lov_cited", {})
    for docname, keys in getattr(other, "lov_cited", {}).items():
        if docname in docnames:
            mine[docname] = set(keys)


def _outdated(app, env, added, changed, removed):
    """Pages that cite a law are read again when the catalogue changes."""
    current = _catalog_hash(env.srcdir)
    previous = getattr(env, "lov_catalog_hash", None)
    env.lov_catalog_hash = current
    if previous is None or previous == current:
        return []
    return sorted(getattr(env, "lov_cited", {}))


def setup(app):
    app.add_role(ROLE, lov_role)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _add_note)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
