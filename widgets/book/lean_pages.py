"""Sphinx extension: book pages that load only what they use, and load it late.

A page of the stock book theme loaded 690 KiB of HTML, JS and CSS (gzipped), most of it
`fontawesome.js` (529 KiB) to draw a dozen icons, and made the first paint wait for eight
scripts. This extension, with the layout in `_theme/templates/layout.html`:

- draws the theme's icons (`<i class="fa-solid fa-bars">`) as inline SVG from the files
  in `icon_dir` (default `_theme/icons`), in every page as it is written;
- leaves out, page by page, the CSS and JS of extensions the page does not use (copy
  buttons without code blocks, toggle buttons without toggles, sphinx-design without
  its components, the notebook styles without notebook cells);
- defers the remaining scripts, so they do not hold up the first paint;
- gives every page a `<meta name="description">`: its first paragraph (on an exercise
  page the case summary), or the front page's on pages without text of their own;
- drops the glyph rules of the icon font from the theme's CSS (they name 2000 icons the
  book never shows as font glyphs), and points the theme's solid icon font (153 KiB,
  used for the icons of admonitions) at a subset with only the glyphs the theme's CSS
  still names (a few KiB), made with fontTools from the font's TrueType file.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

DESCRIPTION_LENGTH = 155  # what search engines show

# Files an extension adds to every page, and what in the page's body needs them.
NEEDED_BY = {
    "copybutton.js": "highlight", "clipboard.min.js": "highlight", "copybutton.css": "highlight",
    "pygments.css": "highlight",
    "togglebutton.js": "toggle", "togglebutton.css": "toggle",
    "design-tabs.js": "design", "sphinx-design.min.css": "design",
    "mystnb.css": "cell",
}
INLINE_NEEDED_BY = {"toggleHint": "toggle", "toggleOpenOnPrint": "toggle", "togglebuttonSelector": "toggle"}
USES = {
    "highlight": re.compile(r'class="[^"]*\bhighlight'),
    "toggle": re.compile(r'class="[^"]*\b(?:toggle|dropdown)\b'),
    "design": re.compile(r'class="[^"]*\bsd-'),
    "cell": re.compile(r'class="[^"]*\bcell(?:_output|_input)?\b'),
}
# Scripts that must run before the inline scripts after them (they read its object).
KEEP_BLOCKING = {"documentation_options.js"}

ICON_TAG = re.compile(r'<(?P<tag>i|span)\s+class="(?P<cls>[^"]*\bfa-[^"]*)"(?P<attrs>[^>]*)>\s*</(?P=tag)>')
FA_STYLES = {"fa", "fas", "fa-solid"}
SVG_FILE = re.compile(r'viewBox="(?P<box>[\d .]+)"[^>]*>\s*<path d="(?P<d>[^"]+)"')
FA_GLYPH_RULES = re.compile(r'(?:\.fa-[a-z0-9-]+:(?:before|after),?)+\{content:"[^"]*"\}')
THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
FONT_DIR = Path("_static") / "vendor" / "fontawesome" / "webfonts"
SOLID_FONT, SOLID_SUBSET = "fa-solid-900.ttf", "fa-solid-900-kurs.woff"
SOLID_FACE = re.compile(r'(@font-face\{[^}]*font-weight:900;src:)[^}]*\}')
CSS_CODEPOINT = re.compile(r'\\([0-9a-fA-F]{4,5})(?![0-9a-fA-F])')


# -- icons ----------------------------------------------------------------------------

def load_icons(folder: Path) -> dict[str, tuple[str, str]]:
    """{name: (viewBox, path data)} of every <name>.svg in `folder`."""
    icons = {}
    for svg in sorted(folder.glob("*.svg")):
        found = SVG_FILE.search(svg.read_text(encoding="utf-8"))
        if found:
            icons[svg.stem] = (found["box"], found["d"])
    return icons


def inline_icons(page: str, icons: dict[str, tuple[str, str]]) -> str:
    """Every Font Awesome <i>/<span> that has an icon in `icons`, as an inline <svg>
    with the classes fontawesome.js gave it (so the theme's CSS applies as before)."""

    def svg(m: re.Match) -> str:
        classes = m["cls"].split()
        names = [c[3:] for c in classes if c.startswith("fa-") and c[3:] in icons]
        if not names or not FA_STYLES & set(classes):
            return m.group(0)
        name = names[0]
        rest = [c for c in classes if c not in FA_STYLES and c != f"fa-{name}"]
        attrs = re.sub(r'\s+aria-hidden="[^"]*"', "", m["attrs"])
        box, d = icons[name]
        return (f'<svg class="{" ".join(["svg-inline--fa", f"fa-{name}", *rest])}"{attrs} aria-hidden="true" '
                f'focusable="false" viewBox="{box}"><path fill="currentColor" d="{d}"></path></svg>')

    return ICON_TAG.sub(svg, page)


def wrap_renderer(app: Sphinx) -> None:
    """Pass every page the HTML builder writes through inline_icons."""
    if app.builder.format != "html" or not hasattr(app.builder, "templates"):
        return
    icons = load_icons(Path(app.confdir) / app.config.icon_dir)
    templates = app.builder.templates
    render = templates.render

    def render_with_icons(template: str, context: dict) -> str:
        return inline_icons(render(template, context), icons)

    templates.render = render_with_icons


# -- per page: only the assets it uses, deferred; a description ---------------------------

def asset_name(filename) -> str:
    name = Path(str(filename).split("?")[0]).name
    return "mystnb.css" if name.startswith("mystnb.") and name.endswith(".css") else name


def lean_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    used = {key for key, pattern in USES.items() if pattern.search(body)}

    def wanted(asset) -> bool:
        need = NEEDED_BY.get(asset_name(asset.filename)) if asset.filename else None
        if need is None and not asset.filename:
            inline = asset.attributes.get("body", "")
            need = next((n for key, n in INLINE_NEEDED_BY.items() if key in inline), None)
        return need is None or need in used

    from sphinx.builders.html._assets import _JavaScript

    scripts = []
    for js in context.get("script_files", []):
        if not wanted(js):
            continue
        attrs = dict(js.attributes)
        if (js.filename and asset_name(js.filename) not in KEEP_BLOCKING
                and not {"async", "defer"} & set(attrs) and attrs.get("type", "") != "module"):
            attrs["defer"] = "defer"
            js = _JavaScript(js.filename, priority=js.priority, **attrs)
        scripts.append(js)
    context["script_files"] = scripts
    context["css_files"] = [css for css in context.get("css_files", []) if wanted(css)]


def first_paragraph(doctree) -> str:
    if doctree is None:
        return ""
    paragraphs = [p for p in doctree.findall(nodes.paragraph)
                  if not any(isinstance(a, (nodes.Admonition, nodes.sidebar,
                                            nodes.field_list, nodes.table, nodes.list_item))
                             for a in _ancestors(p))]
    summary = [p for p in paragraphs if "case-summary" in p.get("classes", [])]
    chosen = (summary or paragraphs or [None])[0]
    return " ".join(chosen.astext().split()) if chosen is not None else ""


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(",.;:–- ")
    return cut + "…"


def add_description(app: Sphinx, pagename, templatename, context, doctree) -> None:
    metatags = context.get("metatags", "")
    if 'name="description"' in metatags:  # the page set its own (html_meta)
        return
    text = first_paragraph(doctree)
    if not text:
        root = app.config.root_doc
        try:
            text = first_paragraph(app.env.get_doctree(root))
        except (FileNotFoundError, KeyError, OSError):
            text = ""
    if text:
        context["metatags"] = f'{metatags}\n    <meta name="description" content="{html.escape(shorten(text))}">'


# -- the theme's CSS without the icon font's glyph list; a subset of the icon font ------

def icon_codepoints(static: Path) -> list[int]:
    """The private-use characters (icon glyphs) that the CSS files in `static` name,
    as characters or as escapes."""
    found: set[int] = set()
    for css in static.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        found |= {ord(c) for c in text if 0xE000 <= ord(c) <= 0xF8FF}
        found |= {int(h, 16) for h in CSS_CODEPOINT.findall(text) if 0xE000 <= int(h, 16) <= 0xF8FF}
    return sorted(found)


def subset_font(source: Path, target: Path, codepoints: list[int]) -> None:
    """`source` with only `codepoints`, as WOFF (zlib: no brotli needed). Skipped when
    `target` already holds these codepoints of this source."""
    stamp = target.with_suffix(".txt")
    key = f"{source.stat().st_size} {source.stat().st_mtime_ns} " + " ".join(map(str, codepoints))
    if target.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = ["*"]  # keep the copyright and licence names
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)
    stamp.write_text(key, encoding="utf-8")


def trim_theme_css(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    css = outdir / THEME_CSS
    if not css.is_file():
        return
    text = css.read_text(encoding="utf-8")
    trimmed = FA_GLYPH_RULES.sub("", text)
    if trimmed != text:
        css.write_text(trimmed, encoding="utf-8")
    fonts = outdir / FONT_DIR
    if (fonts / SOLID_FONT).is_file() and SOLID_FACE.search(trimmed):
        subset_font(fonts / SOLID_FONT, fonts / SOLID_SUBSET, icon_codepoints(outdir / "_static"))
        face = SOLID_FACE.sub(lambda m: f'{m[1]}url(../vendor/fontawesome/webfonts/{SOLID_SUBSET}) format("woff")}}',
                              trimmed, count=1)
        css.write_text(face, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("icon_dir", "_theme/icons", "html", types=[str])
    app.connect("builder-inited", wrap_renderer)
    # Late, so the assets the other extensions add to a page are there to look at.
    app.connect("html-page-context", lean_assets, priority=900)
    app.connect("html-page-context", add_description)
    app.connect("build-finished", trim_theme_css)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
