"""What the built book publishes, and what never becomes book content.

- Hidden folders (`.name`) and every virtual environment (a folder with `pyvenv.cfg`)
  are left out of the sources, wherever they are in the project.
- No `.buildinfo`, no `_sources/` and no source-download button, unless the municipality
  asks for them (`kommune.kildefiler: true`). Sphinx needs `.buildinfo` to know which
  pages to write again: it is kept in the build folder's `.doctrees/` between builds.
- Each book has its own `localStorage` namespace: `<meta name="kurs-lagring">`, from
  `kommune.lagringsnavn` or the municipality's name (and the variant, for `--config`).
  The JS player prefixes its keys with it.
- Print: the print date, set when the page is printed (`_theme/static/print.css` shows it).
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

from sphinx.application import Sphinx

from ..settings import VARIANT_ENV

_NEVER = {"_build", "node_modules", ".git"}
# The print date: the day the page is printed, not the day it was built.
PRINT_DATE_JS = ("(function(){function d(){var r=document.documentElement,t=new Date().toLocaleDateString("
                 "'nb-NO',{day:'numeric',month:'long',year:'numeric'});r.setAttribute('data-utskrift',t);"
                 "r.style.setProperty('--kurs-utskrift',JSON.stringify(t));}"
                 "d();window.addEventListener('beforeprint',d);})();")


def virtual_envs(root: Path) -> list[str]:
    """Folders under `root` (relative, posix) that are virtual environments or hidden."""
    found = []
    for folder, dirs, _names in os.walk(root):
        here = Path(folder)
        keep = []
        for d in sorted(dirs):
            rel = (here / d).relative_to(root).as_posix()
            if d in _NEVER:
                continue
            if d.startswith(".") or (here / d / "pyvenv.cfg").is_file():
                found.append(rel)
                continue
            keep.append(d)
        dirs[:] = keep
    return found


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("æ", "ae").replace("ø", "o").replace("å", "a")
                                 .replace("Æ", "ae").replace("Ø", "o").replace("Å", "a"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "kurs"


def storage_name(settings: dict, variant: str = "") -> str:
    """The `localStorage` namespace of a book: one per municipality and variant."""
    name = settings.get("lagringsnavn") or slug(str(settings.get("navn") or "kurs"))
    return f"{name}-{slug(variant)}" if variant else name


def exclude_sources(app: Sphinx, config) -> None:
    extra = []
    for rel in virtual_envs(Path(app.srcdir)):
        extra += [rel, f"{rel}/**"]
    config.exclude_patterns = [*config.exclude_patterns, ".*", "**/.*", *extra]


def publish_settings(app: Sphinx, config) -> None:
    wanted = bool((config.kommune or {}).get("kildefiler"))
    config.html_copy_source = wanted
    config.html_show_sourcelink = wanted
    options = dict(config.html_theme_options or {})
    options["use_download_button"] = wanted
    config.html_theme_options = options


BUILDINFO, KEPT_BUILDINFO = ".buildinfo", "kurs-buildinfo"


def _wants_sources(app: Sphinx) -> bool:
    return bool((app.config.kommune or {}).get("kildefiler"))


def restore_buildinfo(app: Sphinx) -> None:
    kept, live = Path(app.doctreedir) / KEPT_BUILDINFO, Path(app.outdir) / BUILDINFO
    if kept.is_file() and not live.exists():
        live.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(kept), str(live))


def hide_buildinfo(app: Sphinx, exc) -> None:
    live = Path(app.outdir) / BUILDINFO
    if not _wants_sources(app) and live.is_file():
        shutil.move(str(live), str(Path(app.doctreedir) / KEPT_BUILDINFO))


def page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    name = storage_name(app.config.kommune or {}, os.environ.get(VARIANT_ENV, ""))
    context["metatags"] = context.get("metatags", "") + f'<meta name="kurs-lagring" content="{name}">\n'


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", exclude_sources, priority=300)
    app.connect("config-inited", publish_settings, priority=600)
    app.connect("html-page-context", page_context)
    app.connect("builder-inited", restore_buildinfo)
    app.connect("build-finished", hide_buildinfo, priority=900)
    app.add_js_file(None, body=PRINT_DATE_JS)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
