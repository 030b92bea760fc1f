"""The «Tilgjengelighet» page, built from the data the tests also use (issue 17, point 4).

`tilgjengelighet/kriterier.yml` holds every WCAG 2.1 A/AA criterion and the 2.2 additions,
each with its status, how it is tested and why one is not met; the accessibility tests
read the same file (tests/test_accessibility.py). `tilgjengelighet/sist-testet.txt` holds
the date of the last full test run (written by the tests). The directives:

    ```{tilgjengelighet-status}       the date of the last test run and the counts
    ```{tilgjengelighet-kriterier}    the table: criterion, level, status, how it is tested
    ```{tilgjengelighet-mangler}      what is not met, and why
    ```{tilgjengelighet-kontroller}   the automatic checks
    ```{tilgjengelighet-kontakt}      feedback contact and the municipality's declaration

The contact and the declaration come from the municipality's settings:
`kommune.tilgjengelighet.kontakt` (an e-mail address, a phone number or an https address)
and `kommune.tilgjengelighet.erklaering_url` (https).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .escape import safe_url

logger = logging.getLogger(__name__)

DATA_DIR = "tilgjengelighet"
CRITERIA_FILE = "kriterier.yml"
LAST_RUN_FILE = "sist-testet.txt"
STATUSES = ("oppfylt", "ikke oppfylt", "ikke relevant")
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d ]{5,20}$")


def norwegian_date(day: dt.date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def load_criteria(root: Path) -> dict:
    """kriterier.yml under `root`, or raise ValueError with a Norwegian message."""
    from ..authoring.yamlsource import read_yaml

    path = Path(root) / DATA_DIR / CRITERIA_FILE
    source, problems = read_yaml(path, f"{DATA_DIR}/{CRITERIA_FILE}")
    if source is None or problems:
        raise ValueError("; ".join(str(p) for p in problems))
    data = source.data
    if not isinstance(data, dict) or not isinstance(data.get("kriterier"), list):
        raise ValueError(f"{DATA_DIR}/{CRITERIA_FILE}: mangler listen «kriterier»")
    for item in data["kriterier"]:
        if item.get("status") not in STATUSES:
            raise ValueError(f"{DATA_DIR}/{CRITERIA_FILE}:{source.line(('kriterier',))}: {item.get('nr')}: "
                             f"status «{item.get('status')}» — skriv {', '.join(STATUSES)}")
    return data


def last_run(root: Path) -> dt.date | None:
    try:
        return dt.date.fromisoformat((Path(root) / DATA_DIR / LAST_RUN_FILE).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def axe_version(root: Path) -> str:
    try:
        version = json.loads((Path(root) / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    return ".".join(str(version).lstrip("^~").split(".")[:2])


def how_tested(item: dict, checks: dict) -> str:
    auto = [checks.get(c, {}).get("navn", c) for c in item.get("automatisk") or []]
    parts = [f"Automatisk: {', '.join(auto)}." if auto else ""]
    if item.get("manuelt"):
        parts.append(("For hånd: " if auto else "Vurdert for hånd: ") + str(item["manuelt"]))
    return " ".join(p for p in parts if p) or "—"


def _para(text: str, **kw) -> nodes.paragraph:
    return nodes.paragraph(text, text, **kw)


class _Directive(SphinxDirective):
    has_content = False

    def data(self) -> dict | None:
        root = Path(self.env.srcdir)
        self.env.note_dependency(str(root / DATA_DIR / CRITERIA_FILE))
        self.env.note_dependency(str(root / DATA_DIR / LAST_RUN_FILE))
        try:
            return load_criteria(root)
        except ValueError as exc:
            logger.warning("tilgjengelighet: %s", exc, location=(self.env.docname, self.lineno),
                           type="tilgjengelighet", subtype="data")
            return None


class Status(_Directive):
    def run(self):
        data = self.data()
        if data is None:
            return []
        root = Path(self.env.srcdir)
        day, axe = last_run(root), axe_version(root)
        counts = {s: sum(1 for c in data["kriterier"] if c["status"] == s) for s in STATUSES}
        tool = f" med axe-core {axe} i Chromium" if axe else ""
        when = (f"Kurset ble sist testet automatisk {norwegian_date(day)}{tool}." if day else
                "Kurset er ikke testet automatisk i denne utgaven ennå.")
        total = len(data["kriterier"])
        return [_para(when), _para(f"Av de {total} kravene under er {counts['oppfylt']} oppfylt, "
                                   f"{counts['ikke oppfylt']} ikke oppfylt og {counts['ikke relevant']} "
                                   "ikke relevante for kurset.")]


class Criteria(_Directive):
    def run(self):
        data = self.data()
        if data is None:
            return []
        checks = data.get("kontroller") or {}
        heads = ("Krav", "Nivå", "Status", "Slik er det testet", "Merknad")
        table = nodes.table(classes=["tilgjengelighet-kriterier"])
        group = nodes.tgroup(cols=len(heads))
        table += group
        group += [nodes.colspec(colwidth=w) for w in (3, 1, 1, 4, 3)]
        head, body = nodes.thead(), nodes.tbody()
        row = nodes.row()
        for title in heads:
            row += nodes.entry("", _para(title))
        head += row
        group += [head, body]
        for item in data["kriterier"]:
            row = nodes.row(ids=[f"krav-{str(item['nr']).replace('.', '-')}"])
            new = " (nytt i WCAG 2.2)" if str(item.get("wcag")) == "2.2" else ""
            for text in (f"{item['nr']} {item['navn']}{new}", str(item.get("niva", "")),
                         item["status"].capitalize(), how_tested(item, checks), str(item.get("grunn") or "")):
                row += nodes.entry("", _para(text))
            body += row
        return [table]


class Missing(_Directive):
    def run(self):
        data = self.data()
        if data is None:
            return []
        missing = [c for c in data["kriterier"] if c["status"] == "ikke oppfylt"]
        if not missing:
            return [_para("Vi kjenner ikke til krav som ikke er oppfylt.")]
        out = nodes.bullet_list()
        for item in missing:
            out += nodes.list_item("", _para(f"{item['nr']} {item['navn']}: {item.get('grunn') or ''}".strip()))
        return [out]


class Checks(_Directive):
    def run(self):
        data = self.data()
        if data is None:
            return []
        out = nodes.definition_list()
        axe = axe_version(Path(self.env.srcdir))
        for key, check in (data.get("kontroller") or {}).items():
            name = str(check.get("navn", key))
            if key == "axe" and axe:
                name = f"{name} {axe}"
            term = nodes.term(name, name)
            out += nodes.definition_list_item("", term, nodes.definition("", _para(str(check.get("beskrivelse", "")))))
        return [out]


def contact_node(contact: str) -> nodes.Node:
    """An e-mail address, a phone number or an https address as a link; anything else as text."""
    contact = contact.strip()
    if _EMAIL.match(contact):
        return nodes.reference("", contact, refuri=f"mailto:{contact}")
    if _PHONE.match(contact):
        return nodes.reference("", contact, refuri="tel:" + contact.replace(" ", ""))
    url = safe_url(contact)
    if url and url.startswith("https://"):
        return nodes.reference("", contact, refuri=url)
    return nodes.Text(contact)


class Contact(_Directive):
    def run(self):
        settings = (self.config.kommune or {}).get("tilgjengelighet") or {}
        if not isinstance(settings, dict):
            settings = {}
        from ..authoring.placeholders import municipality_name

        name = municipality_name(self.config.kommune)
        out = []
        contact = str(settings.get("kontakt") or "").strip()
        para = nodes.paragraph()
        if contact:
            para += nodes.Text(f"Finner du noe som ikke virker for deg, eller trenger du innholdet i en annen form? "
                               f"Skriv til {name}: ")
            para += contact_node(contact)
            para += nodes.Text(". Du skal få svar så snart som mulig.")
        else:
            para += nodes.Text(f"Finner du noe som ikke virker for deg, eller trenger du innholdet i en annen form? "
                               f"Ta kontakt med {name}, som tilbyr kurset.")
        out.append(para)
        url = settings.get("erklaering_url")
        para = nodes.paragraph()
        if url and safe_url(url) and str(url).strip().startswith("https://"):
            para += nodes.Text(f"{name} har en egen tilgjengelighetserklæring for nettstedet sitt: ")
            para += nodes.reference("", f"tilgjengelighetserklæringen til {name}", refuri=str(url).strip())
            para += nodes.Text(".")
            out.append(para)
        elif url:
            logger.warning("kommune: tilgjengelighet.erklaering_url: «%s» er ikke en https-adresse — skriv "
                           "adressen til erklæringen på uustatus.no, den begynner med https://; lenken vises ikke",
                           str(url)[:200], location=(self.env.docname, self.lineno), type="kommune", subtype="url")
        return out


def setup(app):
    app.add_directive("tilgjengelighet-status", Status)
    app.add_directive("tilgjengelighet-kriterier", Criteria)
    app.add_directive("tilgjengelighet-mangler", Missing)
    app.add_directive("tilgjengelighet-kontroller", Checks)
    app.add_directive("tilgjengelighet-kontakt", Contact)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
