"""Course progress in the book (`widgets.book.progress`): «Min fremdrift» and the certificate.

Everything happens in the learner's browser (static/progress.js, localStorage only). The
build gives it what it cannot know by itself: the modules and exercises of the course,
the municipality's name and its requirements for the certificate (`kommune.kursbevis` in
_config.yml), and the UI strings (`fremdrift_*` in widgets/locale/nb.json). That manifest
is embedded in every page (template sbt-sidebar-nav.html), so it works on file:// too, and
written as `kurs-fremdrift.json` next to the pages for `kurs scorm`.

    kommune:
      kursbevis:
        moduler: [1, 2, 3]   # module numbers or folder names under modules/ (default: all)
        ovelser: 3           # how many exercises must be done (default 0)
        minste_poeng: 50     # least score in percent over the exercises done (default: none)
        timer: 4             # hours printed on the certificate (default: none)

Directives: ```{min-fremdrift}``` (the full panel, on the intro page) and ```{kursbevis}```.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..authoring.placeholders import municipality_name
from ..strings import LOCALE_DIR, strings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
JS_FILE, CSS_FILE = "progress.js", "progress.css"
MANIFEST_FILE = "kurs-fremdrift.json"
CERTIFICATE_DOC = "kursbevis"
PREFIX = "fremdrift_"
KEYS = {"moduler", "ovelser", "minste_poeng", "timer"}


def _lang(config) -> str:
    lang = config.language or "nb"
    return lang if (LOCALE_DIR / f"{lang}.json").is_file() else "nb"


def _problem(field: str, message: str) -> None:
    logger.warning("_config.yml: kommune.kursbevis%s: %s", f".{field}" if field else "", message,
                   type="kursbevis", subtype="config")


def requirements(block, modules: list[str]) -> dict:
    """The certificate's requirements from `kommune.kursbevis`; warns (the build with -W
    stops) about anything it cannot use."""
    if block is None:
        block = {}
    if not isinstance(block, dict):
        _problem("", "skal være felt med verdier — skriv moduler:, ovelser:, minste_poeng: og timer: under kursbevis:")
        block = {}
    for key in sorted(set(block) - KEYS):
        _problem(key, f"ukjent felt — bruk {', '.join(sorted(KEYS))}")
    wanted = block.get("moduler")
    chosen = list(modules)
    if wanted is not None:
        chosen = []
        for item in wanted if isinstance(wanted, list) else [wanted]:
            found = [d for d in modules if _matches(item, d)]
            if not found:
                _problem("moduler", f"«{item}» er ingen modul — skriv nummeret (f.eks. 3) eller mappenavnet under modules/")
            chosen += [d for d in found if d not in chosen]

    def number(key, low, high):
        value = block.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            _problem(key, f"«{value}» skal være et tall fra {low} til {high}")
            return None
        return value

    return {"m": chosen, "x": int(number("ovelser", 0, 1000) or 0), "p": number("minste_poeng", 0, 100),
            "h": number("timer", 0, 1000)}


def _matches(item, docname: str) -> bool:
    folder = docname.split("/")[1]
    if isinstance(item, int) and not isinstance(item, bool):
        return folder.split("-", 1)[0].lstrip("0") == str(item)
    return str(item).strip().strip("/") in (folder, docname, f"modules/{folder}")


# The strings progress.js needs itself; the others are written into the HTML here.
JS_STRINGS = ("done", "left", "imported", "import_bad", "deleted", "delete_confirm", "file")


def manifest(app) -> dict:
    env, config = app.env, app.config
    docs = env.found_docs

    def title(doc):
        return env.titles[doc].astext() if doc in env.titles else doc

    modules = sorted(d for d in docs if d.startswith("modules/") and d.endswith("/index") and d.count("/") == 2)
    pages = config.case_pages_dir
    exercises = sorted(d for d in docs if pages and d.startswith(pages + "/") and d != f"{pages}/index")
    t = strings(_lang(config))
    return {
        "title": config.html_title or config.project, "lang": _lang(config),
        "kommune": municipality_name(config.kommune), "home": config.root_doc,
        "cert": CERTIFICATE_DOC if CERTIFICATE_DOC in docs else None,
        "m": [[d, title(d)] for d in modules],
        "x": [[d.split("/", 1)[1], d, title(d)] for d in exercises],
        "req": requirements(config.kommune.get("kursbevis"), modules),
        "t": {k: t[PREFIX + k] for k in JS_STRINGS},
    }


def make_manifest(app, env) -> None:
    app.kurs_fremdrift = manifest(app)


def _e(text) -> str:
    return html.escape(str(text))


def panel_html(app, pagename: str, full: bool) -> str:
    """«Min fremdrift»: the lists are written here; progress.js marks what is done."""
    data, t = app.kurs_fremdrift, strings(_lang(app.config))
    req = data["req"]

    def uri(doc):
        return _e(app.builder.get_relative_uri(pagename, doc))

    def t_(key):
        return _e(t[PREFIX + key])

    def item(key, doc, title, needed):
        return (f'<li data-kf="{_e(key)}"{" data-need" if needed else ""}><a href="{uri(doc)}">{_e(title)}</a>'
                '<span></span></li>')

    count = f'kf-n-{"full" if full else "side"}'
    lists = (f'<p>{t_("modules")}</p><ul>'
             + "".join(item(m[0], m[0], m[1], m[0] in req["m"]) for m in data["m"])
             + f'</ul><p>{t_("exercises").replace("{k}", "<span class=kf-xk>0</span>").replace("{n}", str(req["x"]))}'
             + '</p><ul>' + "".join(item(x[0], x[1], x[2], False) for x in data["x"]) + "</ul>")
    out = [f'<div class="kurs-fremdrift{" kf-full" if full else ""}" role="region" aria-label="{t_("title")}">']
    if not full:
        out.append(f'<p class="kf-title"><strong>{t_("title")}</strong></p>')
    out.append(f'<p id="{count}" class="kf-count" data-t="{t_("count")}"></p>'
               f'<progress max="{len(req["m"]) + req["x"]}" value="0" aria-labelledby="{count}"></progress>')
    if data["cert"]:
        out.append(f'<p class="kf-cert" hidden><a href="{uri(data["cert"])}">{t_("cert_ready")}</a></p>')
    out.append(lists if full else f"<details><summary>{t_('show')}</summary>{lists}</details>")
    if full:
        if req["p"] is not None:
            out.append(f'<p class="kf-score" hidden data-t="{_e(t[PREFIX + "score"].replace("{p}", str(req["p"])))}"></p>')
        out.append(f'<p class="kf-tools"><button type="button" class="kf-export">{t_("export")}</button> '
                   f'<label for="kf-fil">{t_("import")}</label><input type="file" id="kf-fil" accept=".json,application/json"> '
                   f'<button type="button" class="kf-delete">{t_("delete")}</button></p>'
                   f'<p class="kf-note">{t_("privacy")}</p><p class="kf-msg" role="status"></p>'
                   f'<noscript><p>{t_("noscript")}</p></noscript>')
    out.append("</div>")
    return "".join(out)


def certificate_html(app, pagename: str) -> str:
    data, t = app.kurs_fremdrift, strings(_lang(app.config))

    def t_(key):
        return _e(t[PREFIX + key])

    hours = data["req"]["h"]
    modules = "".join(f'<li data-kb="{_e(m[0])}" hidden>{_e(m[1])}</li>' for m in data["m"])
    home = _e(app.builder.get_relative_uri(pagename, data["home"]))
    return (f'<div class="kurs-bevis"><p class="kb-ikke"><a href="{home}#min-fremdrift">{t_("cert_not_yet")}</a></p>'
            f'<div class="kb-ja" hidden><p class="kb-skjema"><label for="kb-navn">{t_("name")}</label>'
            f'<input id="kb-navn" type="text" autocomplete="name"><button type="button" class="kb-skriv">{t_("print")}</button></p>'
            f'<div class="kb-bevis"><p class="kb-navn"></p><p>{t_("cert_text")}</p>'
            f'<p class="kb-kurs">{_e(data["title"])}</p><p>{_e(data["kommune"])}</p><p>{t_("cert_modules")}:</p>'
            f'<ul>{modules}</ul><p class="kb-ovelser" data-t="{t_("cert_exercises")}"></p>'
            + (f'<p>{_e(t[PREFIX + "cert_hours"].format(h=hours))}</p>' if hours else "")
            + f'<p class="kb-dato" data-t="{t_("cert_date")}"></p></div></div>'
            f'<noscript><p>{t_("noscript")}</p></noscript></div>')


class fremdrift_node(nodes.General, nodes.Element):
    """Where a panel goes; replaced once every page's title is known (doctree-resolved)."""


def resolve_panels(app, doctree, docname) -> None:
    data = getattr(app, "kurs_fremdrift", None)
    if data is None:
        return
    if any(m[0] == docname for m in data["m"]):  # a module: «Merk modulen som fullført» under Sjekkliste
        t = strings(_lang(app.config))
        for section in doctree.findall(nodes.section):
            if "sjekkliste" in section["ids"]:
                section += nodes.raw("", f'<p class="kf-mark"><button type="button">{_e(t[PREFIX + "mark"])}</button>'
                                         f'<span hidden>✓ {_e(t[PREFIX + "marked"])}</span></p>', format="html")
                break
    for node in list(doctree.findall(fremdrift_node)):
        make = certificate_html(app, docname) if node["kind"] == "cert" else panel_html(app, docname, True)
        node.replace_self(nodes.raw("", make, format="html"))


def page_context(app, pagename, templatename, context, doctree) -> None:
    data = getattr(app, "kurs_fremdrift", None)
    if data is not None:
        from .exercises import script_json

        # progress.js needs only the ids: the titles are in the panel's HTML.
        context["kurs_fremdrift"] = script_json({**data, "m": [m[:1] for m in data["m"]], "x": [x[:1] for x in data["x"]]})
        context["kurs_fremdrift_html"] = panel_html(app, pagename, False)


def write_manifest(app, exc) -> None:
    data = getattr(app, "kurs_fremdrift", None)
    if exc is None and data is not None and app.builder.format == "html":
        (Path(app.outdir) / MANIFEST_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


class ProgressDirective(SphinxDirective):
    """```{min-fremdrift}```: progress bar, what is left, delete, export and import."""

    def run(self):
        return [fremdrift_node(kind="panel")]


class CertificateDirective(SphinxDirective):
    """```{kursbevis}```: the certificate, shown by progress.js when the requirements are met."""

    def run(self):
        return [fremdrift_node(kind="cert")]


def add_static_path(app, config) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def setup(app) -> dict:
    app.connect("config-inited", add_static_path)
    app.connect("env-updated", make_manifest)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", write_manifest)
    app.connect("doctree-resolved", resolve_panels)
    app.add_node(fremdrift_node)
    app.add_directive("min-fremdrift", ProgressDirective)
    app.add_directive("kursbevis", CertificateDirective)
    app.add_js_file(JS_FILE, loading_method="defer")
    app.add_css_file(CSS_FILE)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
