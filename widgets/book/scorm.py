"""`kurs scorm`: the built book as a SCORM 1.2 package for Moodle and KS Læring.

The package is one zip: imsmanifest.xml, the built book, the compiled cases (saker/*.json)
and scorm.html, the one SCO. scorm.html holds the LMS session (static/scorm.js) and shows
the book in a frame, so the learner moves freely between modules and exercises while the
LMS keeps one record per learner: status, score, time and one interaction per choice.

Why one SCO for the whole course, not one per module: the municipality's report then
has one row per employee (completed or passed, with the score and the date) for its
competence plan and for supervision, which is what the certificate's requirements in
`kommune.kursbevis` describe. The choices in every exercise are still there per learner,
as interactions named `<case>.<scene>`. Per-module SCOs would split the requirements over
ten activities, make the LMS's own navigation fight the book's, and end the LMS session
every time the learner follows a link to another module.
"""

from __future__ import annotations

import html
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .progress import MANIFEST_FILE

LAUNCH = "scorm.html"
CASES = "saker"
# Not part of the course: Sphinx's build record, page sources, the cross-reference inventory,
# and source maps (only a browser's developer tools ask for them).
SKIP_DIRS = {"_sources", ".doctrees"}
SKIP_FILES = {".buildinfo", "objects.inv"}
SKIP_SUFFIXES = (".map",)

NS = {"": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
      "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
      "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
SCHEMA_LOCATION = ("http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd "
                   "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
                   "http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd")


class NoBook(Exception):
    pass


def storage_name(html_dir: Path) -> str:
    """The book's own localStorage namespace, as its pages name it (widgets.book.output):
    the shell must read and write the same keys as the pages in its frame."""
    import re

    for page in ("intro.html", "index.html"):
        path = html_dir / page
        found = re.search(r'<meta name="kurs-lagring" content="([^"]*)"', path.read_text(encoding="utf-8")) \
            if path.is_file() else None
        if found:
            return html.unescape(found.group(1))
    return ""


def shell_html(course: dict, storage: str = "") -> str:
    """scorm.html: the frame around the book, and the adapter."""
    from .exercises import script_json

    title = html.escape(course["title"])
    meta = f'<meta name="kurs-lagring" content="{html.escape(storage)}">\n' if storage else ""
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(course.get("lang") or "nb")}">\n<head>\n'
            f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n{meta}'
            f'<title>{title}</title>\n'
            '<style>html, body, iframe { margin: 0; border: 0; width: 100%; height: 100%; display: block; }</style>\n'
            '<script src="_static/case-player.js"></script>\n<script src="_static/progress.js"></script>\n'
            '<script src="_static/scorm.js" defer></script>\n</head>\n<body>\n'
            f'<script type="application/json" id="kurs-scorm">{script_json(course)}</script>\n'
            f'<iframe id="kurs-ramme" title="{title}"></iframe>\n</body>\n</html>\n')


def imsmanifest(course: dict, files: list[str]) -> str:
    mastery = course["req"].get("p")
    title = escape(course["title"])
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<manifest identifier="tidlig-og-sammen" version="1.0" xmlns="{NS[""]}" '
             f'xmlns:adlcp="{NS["adlcp"]}" xmlns:xsi="{NS["xsi"]}" xsi:schemaLocation="{SCHEMA_LOCATION}">',
             '  <metadata>', '    <schema>ADL SCORM</schema>', '    <schemaversion>1.2</schemaversion>', '  </metadata>',
             '  <organizations default="kurs">', '    <organization identifier="kurs">',
             f'      <title>{title}</title>',
             '      <item identifier="kurs-item" identifierref="kurs-sco" isvisible="true">',
             f'        <title>{title}</title>']
    if mastery is not None:
        lines.append(f'        <adlcp:masteryscore>{int(round(mastery))}</adlcp:masteryscore>')
    lines += ['      </item>', '    </organization>', '  </organizations>', '  <resources>',
              f'    <resource identifier="kurs-sco" type="webcontent" adlcp:scormtype="sco" href="{LAUNCH}">']
    lines += [f'      <file href={quoteattr(name)}/>' for name in files]
    lines += ['    </resource>', '  </resources>', '</manifest>', '']
    return "\n".join(lines)


def book_files(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*") if p.is_file() and p.name not in SKIP_FILES
                  and not p.name.endswith(SKIP_SUFFIXES) and not SKIP_DIRS & set(p.relative_to(html_dir).parts))


def read_course(html_dir: Path) -> dict:
    """The course manifest the book build wrote (widgets.book.progress); NoBook if none."""
    info = html_dir / MANIFEST_FILE
    if not info.is_file():
        raise NoBook(f"Fant ikke den bygde boka i {html_dir} — kjør «kurs build» først, "
                     "eller kjør «kurs scorm» uten --bok, så bygger den boka selv")
    return json.loads(info.read_text(encoding="utf-8"))


def make_package(html_dir: Path, compiled_dir: Path, out: Path) -> int:
    """Write the zip to `out`; its size in bytes. `compiled_dir` holds the compiled cases."""
    course = read_course(html_dir)
    entries: dict[str, bytes] = {}
    for path in book_files(html_dir):
        entries[path.relative_to(html_dir).as_posix()] = path.read_bytes()
    for case in course["x"]:
        source = compiled_dir / f"{case[0]}.json"
        if source.is_file():
            entries[f"{CASES}/{case[0]}.json"] = source.read_bytes()
    entries[LAUNCH] = shell_html(course, storage_name(html_dir)).encode("utf-8")
    manifest = imsmanifest(course, sorted(entries)).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("imsmanifest.xml", manifest)  # first, where the LMS looks
        for name, data in sorted(entries.items()):
            zf.writestr(name, data)
    return out.stat().st_size
