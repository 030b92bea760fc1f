"""Exercises on paper: for every case, a handout (every scene with all its choices, no
verdicts) and an answer sheet for trainers, written as plain HTML pages beside the book:

    utskrift/<id>-arbeidsark.html   for participants
    utskrift/<id>-fasit.html        for trainers (verdict, points and feedback per choice)

Each exercise page links to both ({case-handout-links}). The pages are self-contained
(inline CSS, no script but the print date), so they print the same from any browser.
"""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..problems import ProblemsFound
from .output import PRINT_DATE_JS

logger = logging.getLogger(__name__)
FOLDER = "utskrift"
STAMP = "kurs-utskrift.json"

CSS = """
body{font-family:Georgia,"Times New Roman",serif;font-size:12pt;line-height:1.45;max-width:44em;margin:1.5em auto;padding:0 1em;color:#000;background:#fff}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.4em 0 .3em;border-bottom:1px solid #444}
h3{font-size:1.05em;margin:1em 0 .3em}
.meta,.date{color:#333;font-size:.95em}
ol.choices{padding-left:1.6em}ol.choices li{margin:.35em 0}
.box{display:inline-block;width:.9em;height:.9em;border:1px solid #000;margin-right:.4em;vertical-align:-.1em}
.next{color:#333;font-style:italic}
.lines{border-bottom:1px solid #888;height:1.8em}
.verdict{font-weight:bold}
nav a{color:#0645ad}
.story{white-space:pre-line}
h1,h2,h3,p,li{overflow-wrap:anywhere;hyphens:auto}
@media print{nav{display:none}h2{break-after:avoid}section.scene,li{break-inside:avoid}
 a[href^="http"]::after{content:" (" attr(href) ")";font-size:.85em;word-break:break-all}}
"""


def reading_order(case: dict) -> list[str]:
    """Scene ids from the start, breadth first along every choice, then the rest."""
    scenes, order, queue = case["scenes"], [], [case["start"]]
    while queue:
        sid = queue.pop(0)
        if sid in order or sid not in scenes:
            continue
        order.append(sid)
        scene = scenes[sid]
        decision = scene.get("decision") or {}
        for option in decision.get("options") or []:
            queue.append(option.get("next") or scene.get("next"))
        queue.append(scene.get("next"))
    return order + [s for s in scenes if s not in order]


def _page(title: str, body: str, back: str, description: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{html.escape(title)}</title>\n'
            f'<meta name="description" content="{html.escape(description)}">\n'
            f'<link rel="icon" href="../_static/favicon.svg">\n<style>{CSS}</style>\n'
            f'<script>{PRINT_DATE_JS}</script>\n</head>\n<body>\n'
            f'<nav><a href="{html.escape(back)}">Tilbake til øvelsen</a> · '
            f'<button type="button" onclick="window.print()">Skriv ut</button></nav>\n<main>\n{body}</main>\n</body>\n</html>\n')


def _date_line(built: str) -> str:
    # The print date comes from the browser when the sheet is printed; the build date stays.
    return (f'<p class="date">Kurset er bygget {html.escape(built)}.'
            f'<span class="printed"></span></p>\n'
            '<script>(function(){var s=document.currentScript.previousElementSibling.lastChild;'
            'function d(){s.textContent=" Skrevet ut "+document.documentElement.getAttribute("data-utskrift")+".";}'
            'd();window.addEventListener("beforeprint",d);})();</script>\n')


def handout(case: dict, kommune: str, built: str) -> str:
    """The participants' sheet: every scene, every choice, no verdicts or feedback."""
    order = reading_order(case)
    number = {sid: i + 1 for i, sid in enumerate(order)}
    e = html.escape
    out = [f'<h1>{e(case["title"])}</h1>\n<p class="meta">Arbeidsark · {e(kommune)}</p>\n',
           _date_line(built), f'<p>{e(case["summary"])}</p>\n',
           '<p>Les scenene i rekkefølge. Ved hvert valg: kryss av for det du ville gjort, og skriv '
           'hvorfor. Pilen viser hvilken scene du leser videre i.</p>\n']
    for sid in order:
        scene = case["scenes"][sid]
        title = scene.get("title") or ("Avslutning" if scene.get("ending") else sid)
        out.append(f'<section class="scene" id="{e(sid)}">\n<h2>Scene {number[sid]}: {e(title)}</h2>\n'
                   + "".join(f'<p class="story">{e(p)}</p>\n' for p in scene["paragraphs"]))
        decision = scene.get("decision")
        if decision:
            out.append(f'<h3>{e(decision["prompt"])}</h3>\n')
            if decision.get("options"):
                out.append('<ol class="choices">\n')
                for option in decision["options"]:
                    target = option.get("next") or scene.get("next")
                    more = f' <span class="next">→ scene {number[target]}</span>' if target in number else ""
                    desc = f' <span class="desc">{e(option["description"])}</span>' if option.get("description") else ""
                    out.append(f'<li><span class="box" aria-hidden="true"></span>{e(option["label"])}{desc}{more}</li>\n')
                out.append('</ol>\n<p>Hvorfor?</p>\n<div class="lines"></div><div class="lines"></div>\n')
            else:
                out.append('<div class="lines"></div>' * 4 + "\n")
        elif scene.get("next") in number:
            out.append(f'<p class="next">Les videre i scene {number[scene["next"]]}.</p>\n')
        out.append("</section>\n")
    return "".join(out)


def answer_sheet(case: dict, kommune: str, built: str) -> str:
    """The trainers' sheet: for every choice its verdict, points and feedback."""
    order = reading_order(case)
    number = {sid: i + 1 for i, sid in enumerate(order)}
    verdicts = case["labels"]["verdicts"]
    e = html.escape
    out = [f'<h1>Fasit: {e(case["title"])}</h1>\n<p class="meta">For kursholdere · {e(kommune)}. '
           'Del ikke ut dette arket før gruppene har diskutert.</p>\n', _date_line(built),
           f'<p>Høyeste poengsum: {case["max_points"]}.</p>\n']
    for sid in order:
        scene = case["scenes"][sid]
        decision = scene.get("decision")
        if not decision or not decision.get("options"):
            continue
        title = scene.get("title") or sid
        out.append(f'<section class="scene">\n<h2>Scene {number[sid]}: {e(title)}</h2>\n'
                   f'<h3>{e(decision["prompt"])}</h3>\n<ol class="choices">\n')
        for option in decision["options"]:
            v = verdicts.get(option["verdict"], {"name": option["verdict"], "icon": ""})
            refs = ", ".join(case["references"][r]["label"] for r in option.get("refs") or []
                             if r in case["references"])
            out.append(f'<li>{e(option["label"])}<br><span class="verdict">{e(v["icon"])} {e(v["name"])}</span>'
                       f' ({option["points"]} poeng). {e(" ".join(option["feedback"]))}'
                       f'{f" <em>Se {e(refs)}.</em>" if refs else ""}</li>\n')
        out.append("</ol>\n</section>\n")
    return "".join(out)


def sheet_names(case_id: str) -> tuple[str, str]:
    return f"{FOLDER}/{case_id}-arbeidsark.html", f"{FOLDER}/{case_id}-fasit.html"


class HandoutLinks(SphinxDirective):
    """```{case-handout-links} <id>```: «Skriv ut som arbeidsark» and «Fasit for kursholdere»."""

    required_arguments = 1

    def run(self):
        case_id = self.arguments[0].strip()
        depth = self.env.docname.count("/")
        up = "../" * depth
        sheet, answers = sheet_names(case_id)
        text = (f'<p class="case-handouts"><a href="{html.escape(up + sheet)}">Skriv ut som arbeidsark</a> · '
                f'<a href="{html.escape(up + answers)}">Fasit for kursholdere</a></p>\n')
        return [nodes.raw("", text, format="html")]


def write_sheets(app: Sphinx, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    from ..authoring.library import compiled_case
    from ..authoring.placeholders import municipality_name
    from ..authoring.validate import case_files
    from .exercises import cases_folder

    folder = cases_folder(app.srcdir)
    if not (folder / "_modell.yml").is_file():
        return
    files = case_files([folder])
    settings = app.config.kommune or {}
    stamp_path = Path(app.doctreedir) / STAMP
    stamp = json.dumps({"files": {p.name: p.stat().st_mtime for p in [*files, *folder.glob("_*.yml")]},
                        "kommune": settings}, sort_keys=True, default=str)
    target = Path(app.outdir)
    if (stamp_path.is_file() and stamp_path.read_text(encoding="utf-8") == stamp
            and all((target / n).is_file() for p in files for n in sheet_names(p.stem))):
        return
    built = date.today().strftime("%d.%m.%Y")
    name = municipality_name(settings)
    (target / FOLDER).mkdir(exist_ok=True)
    for path in files:
        try:
            case = compiled_case(path.stem, folder, settings)
        except ProblemsFound:
            continue  # the exercise page reports it
        back = f"../{app.config.case_pages_dir or 'ovelser'}/{path.stem}.html"
        sheet, answers = sheet_names(path.stem)
        (target / sheet).write_text(_page(f'Arbeidsark: {case["title"]}', handout(case, name, built), back,
                  f'Arbeidsark for utskrift: {case["summary"]}'),
                                    encoding="utf-8")
        (target / answers).write_text(_page(f'Fasit: {case["title"]}', answer_sheet(case, name, built), back,
                  f'Fasit for kursholdere: {case["summary"]}'),
                                      encoding="utf-8")
    stamp_path.write_text(stamp, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_directive("case-handout-links", HandoutLinks)
    app.connect("build-finished", write_sheets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
