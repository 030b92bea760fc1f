"""Sphinx extension (`widgets.book.exercises`, also named `widgets.sphinx_ext`): case exercises in the book, played by the static JS player.

    ```{case-exercise} skolegutt-forteller
    ```

The directive checks and compiles the case from the project's `cases/` folder and
embeds the compiled JSON and the UI strings next to an empty container; the player
(`widgets/play/static/case-player.js`) renders into it. The script and its CSS are added
only to pages that use the directive, from this package (not the book's `_static/`,
whose files Jupyter Book puts on every page).

When the book is set up, one page per case is written to `ovelser/<id>.md` (with
`ovelser/index.md`), for the part "Øvelser" in `_toc.yml`. These pages are generated:
they are kept out of git and rewritten only when their content changes.

Config: `kommune.voila_url` (the municipality's block, see widgets.book.municipality; empty
or missing: no link to the app, unless `kurs serve` names its own apps in $KURS_VOILA_URL) and `case_pages_dir` (default "ovelser"; empty: write no pages).
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..play.format import is_slug
from ..problems import CaseNotFound, Problem, ProblemsFound
from ..settings import VOILA_URL_ENV
from ..strings import LOCALE_DIR, strings
from .escape import md_escape

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent.parent / "play" / "static"
JS_FILE, CSS_FILE = "case-player.js", "case-player.css"
PAGES_DIR = "ovelser"  # the default of `case_pages_dir`
MARK = "% Generert av widgets.sphinx_ext"
GENERATED = MARK + " fra cases/{source}. Ikke rediger: siden skrives på nytt ved hver bygging.\n"
CATALOG_FILES = ("_modell.yml", "_referanser.yml")


def script_json(data) -> str:
    """JSON that is safe inside <script>: no `<` at all, so case text cannot close it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def player_html(compiled: dict, lang: str, voila_url: str, heading_level: int) -> str:
    """The container the JS player renders into, with its data, <noscript> and app link."""
    t = strings(lang)
    case_id = compiled["id"]
    out = (f'<div class="case-player" data-case="{html.escape(case_id)}" data-heading-level="{heading_level}">\n'
           f'<script type="application/json" class="case-player-data">'
           f'{script_json({"case": compiled, "strings": t})}</script>\n'
           f'<noscript><p class="case-player-noscript">{html.escape(t["noscript"])}</p></noscript>\n'
           f'</div>\n')
    if voila_url:
        href = f'{voila_url.rstrip("/")}/voila/render/ovelse.ipynb?case={quote(case_id)}'
        out += f'<p class="case-player-app"><a href="{html.escape(href)}">{html.escape(t["open_app"])}</a></p>\n'
    return out


class CaseExerciseDirective(SphinxDirective):
    """```{case-exercise} <id>``` with options `:details:` (summary, topics, services,
    ages above the player) and `:heading-level:` (of the scene titles, default 2)."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict] = {"details": directives.flag,
                                   "heading-level": lambda v: directives.choice(v, ("1", "2", "3", "4"))}

    def run(self) -> list[nodes.Node]:
        case_id = self.arguments[0].strip()
        folder = cases_folder(self.env.srcdir)
        used_at = f"{self.env.doc2path(self.env.docname, False)}:{self.lineno}"
        if not is_slug(case_id):
            logger.warning("case-exercise: «%s» er ikke en id — en id har bare små bokstaver, tall og "
                           "bindestrek", case_id, location=(self.env.docname, self.lineno),
                           type="case-exercise", subtype="case")
            return [self._error("case_missing", case_id)]
        # Re-read this page when the case, the catalogue or the UI strings change.
        for name in (*CATALOG_FILES, f"{case_id}.yml"):
            self.env.note_dependency(str(folder / name))
        self.env.note_dependency(str(LOCALE_DIR / f"{self.lang}.json"))
        from ..authoring.library import compiled_case  # the validator (pydantic, YAML) only when needed

        try:
            compiled = compiled_case(case_id, folder, self.config.kommune)
        except ProblemsFound as exc:
            for p in exc.problems:
                logger.warning("case-exercise «%s» (i %s): %s%s%s", case_id, used_at,
                               f"{p.field}: " if p.field else "", p.message, f" — {p.hint}" if p.hint else "",
                               location=_where(p, self.env.srcdir), type="case-exercise", subtype="case")
            return [self._error("case_missing" if isinstance(exc, CaseNotFound) else "case_broken", case_id)]

        out: list[nodes.Node] = []
        if "details" in self.options:
            out += details_nodes(compiled, self.lang)
        level = int(self.options.get("heading-level", 2))
        voila_url = str(self.config.kommune.get("voila_url") or os.environ.get(VOILA_URL_ENV) or "")
        raw = nodes.raw("", player_html(compiled, self.lang, voila_url, level), format="html")
        raw["case_exercise"] = case_id
        return out + [raw]

    def _error(self, key: str, case_id: str) -> nodes.Node:
        text = strings(self.lang)[key].format(id=case_id)
        return nodes.paragraph(text, text, classes=["case-player-error"])

    @property
    def lang(self) -> str:
        lang = self.config.language or "nb"
        return lang if (LOCALE_DIR / f"{lang}.json").is_file() else "nb"


def _where(problem: Problem, srcdir) -> str:
    path = Path(problem.file)
    try:
        path = path.resolve().relative_to(Path(srcdir).resolve())
    except ValueError:
        pass
    return f"{path}:{problem.line}"


def details_nodes(compiled: dict, lang: str) -> list[nodes.Node]:
    """Summary and a field list (topics, services, age groups), as plain docutils text."""
    t = strings(lang)
    fields = nodes.field_list(classes=["case-details"])
    for key in ("topics", "services", "age_groups"):
        name, value = t[f"case_{key}"], ", ".join(compiled["labels"][key].get(k, k) for k in compiled[key])
        fields += nodes.field("", nodes.field_name(name, name),
                              nodes.field_body("", nodes.paragraph(value, value)))
    summary = compiled["summary"]
    return [nodes.paragraph(summary, summary, classes=["case-summary"]), fields]


def cases_folder(srcdir) -> Path:
    return Path(srcdir) / "cases"


# -- the pages under "Øvelser" -----------------------------------------------------------

def case_page(case_id: str, title: str) -> str:
    """The page of one case: its title as plain text (escaped: a title is never markup)."""
    return (GENERATED.format(source=f"{case_id}.yml") + f"# {md_escape(title)}\n\n"
            f"```{{case-exercise}} {case_id}\n:details:\n```\n\n"
            f"```{{case-handout-links}} {case_id}\n```\n")


def index_page(lang: str) -> str:
    t = strings(lang)
    return (GENERATED.format(source="") + f"# {t['exercises']}\n\n{t['exercises_intro']}\n\n"
            "```{tableofcontents}\n```\n")


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_case_pages(app: Sphinx, config) -> None:
    """Write ovelser/<id>.md for every case in cases/, and ovelser/index.md."""
    from ..authoring.validate import case_files

    folder = cases_folder(app.srcdir)
    if not config.case_pages_dir or not (folder / CATALOG_FILES[0]).is_file():
        return
    lang = config.language if (LOCALE_DIR / f"{config.language}.json").is_file() else "nb"
    target = Path(app.srcdir) / config.case_pages_dir
    target.mkdir(exist_ok=True)
    _write_if_changed(target / ".gitignore", "# Generert av widgets.sphinx_ext\n*\n")
    wanted = {"index.md": index_page(lang)}
    for path in case_files([folder]):
        wanted[f"{path.stem}.md"] = case_page(path.stem, _title_of(path, getattr(config, "kommune", None) or {}))
    for name, text in wanted.items():
        _write_if_changed(target / name, text)
    for old in target.glob("*.md"):  # a case that was removed: drop its page (ours only)
        if old.name not in wanted and old.read_text(encoding="utf-8").startswith(MARK):
            old.unlink()


def _title_of(path: Path, settings: dict) -> str:
    """The case title with `{{ kommune }}` filled in, read leniently (the directive reports
    any problem with the case)."""
    import yaml

    from ..authoring.placeholders import substitute

    # libyaml when present: every build reads all cases for their titles (0.2 s in Python).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
        title = data.get("title") if isinstance(data, dict) else None
    except (OSError, yaml.YAMLError):
        title = None
    return substitute(title.strip(), settings) if isinstance(title, str) and title.strip() else path.stem


# -- assets only where the player is ---------------------------------------------------

def add_static_path(app: Sphinx, config) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def add_player_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is not None and doctree.next_node(
            lambda n: isinstance(n, nodes.raw) and "case_exercise" in n.attributes) is not None:
        app.add_css_file(CSS_FILE)
        # async, not defer: deferred scripts run in page order, after the theme's.
        # The player starts as soon as its container is parsed (case-player.js); high
        # priority, or Chromium fetches async scripts last. blocking="render": the page is
        # first painted with the player drawn, so nothing below it moves (layout shift).
        app.add_js_file(JS_FILE, loading_method="async", fetchpriority="high", blocking="render")


def setup(app: Sphinx) -> dict:
    app.setup_extension("widgets.book.municipality")  # the `kommune` block holds voila_url
    app.setup_extension("widgets.book.accessibility")  # the «Tilgjengelighet» page, from its data
    app.add_config_value("case_pages_dir", PAGES_DIR, "env", types=[str])
    app.add_directive("case-exercise", CaseExerciseDirective)
    app.connect("config-inited", write_case_pages, priority=100)
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", add_player_assets)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
