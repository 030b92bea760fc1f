"""Every built page is light on a phone: the HTML, JS and CSS it loads is at most 150 KiB
gzipped (a size, not a time), as a web server that compresses sends it. Fonts and
images are not counted here (benchmarks/lighthouse.py measures everything a page
transfers). The theme's icons are inline SVG, not fontawesome.js, and the search index is
loaded only by the search page."""

from __future__ import annotations

import gzip
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

LIMIT_KIB = 150
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""")
LOADING_RELS = {"stylesheet", "preload", "modulepreload"}


class Assets(HTMLParser):
    """The local scripts and stylesheets a page makes the browser load."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.icons_left: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and LOADING_RELS & set(a.get("rel", "").lower().split()):
            if a.get("as", "script" if "preload" in a.get("rel", "") else "style") in ("script", "style"):
                self.urls.append(a.get("href", ""))
        classes = a.get("class", "").split()
        if tag in ("i", "span") and any(c.startswith("fa-") for c in classes):
            self.icons_left.append(a["class"])


@cache
def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def local_file(base: Path, url: str, root: Path) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = (base.parent / unquote(parts.path)).resolve()
    assert path.is_relative_to(root.resolve()), f"{url} peker ut av boka"
    return path


def page_weight(page: Path, root: Path) -> dict[str, int]:
    """{file: gzipped bytes} of the page and every local JS/CSS file it loads, with the
    stylesheets that CSS files @import."""
    weights = {page.relative_to(root).as_posix(): gzipped(page)}
    todo = [(page, url) for url in Assets(page.read_text(encoding="utf-8")).urls]
    while todo:
        base, url = todo.pop()
        path = local_file(base, url, root)
        if path is None:
            continue
        name = path.relative_to(root.resolve()).as_posix()
        assert path.is_file(), f"{page.relative_to(root)} laster {url}, som ikke finnes"
        if name in weights:
            continue
        weights[name] = gzipped(path)
        if path.suffix == ".css":
            todo += [(path, u) for u in CSS_IMPORT.findall(path.read_text(encoding="utf-8", errors="replace"))]
    return weights


@pytest.fixture(scope="session")
def pages(book_html) -> list[Path]:
    found = sorted(p for p in book_html.rglob("*.html") if "_static" not in p.parts)
    assert len(found) >= 30
    return found


def test_every_page_loads_at_most_150_kib_of_html_js_and_css(book_html, pages):
    heavy = {}
    for page in pages:
        weights = page_weight(page, book_html)
        total = sum(weights.values()) / 1024
        if total > LIMIT_KIB:
            top = sorted(weights.items(), key=lambda kv: -kv[1])[:4]
            heavy[page.relative_to(book_html).as_posix()] = (round(total), [(n, round(b / 1024)) for n, b in top])
    assert heavy == {}, f"Over {LIMIT_KIB} KiB gzip (side: (KiB, tyngste filer))"


def test_the_weight_counts_what_the_browser_loads(book_html):
    """The sum is not empty: the theme's CSS, its @import of basic.css, and the page."""
    weights = page_weight(book_html / "intro.html", book_html)
    assert {"intro.html", "_static/styles/pydata-sphinx-theme.css", "_static/basic.css",
            "_static/scripts/bootstrap.js"} <= set(weights)
    assert sum(weights.values()) > 40 * 1024


def test_icons_are_inline_svg_and_fontawesome_js_is_not_loaded(book_html, pages):
    loading_fa = []
    icons_left = {}
    for page in pages:
        assets = Assets(page.read_text(encoding="utf-8"))
        name = page.relative_to(book_html).as_posix()
        loading_fa += [name for u in assets.urls if "fontawesome" in u]
        if assets.icons_left:
            icons_left[name] = assets.icons_left
    assert loading_fa == []
    # An icon without an SVG in _theme/icons would be an empty box: add its SVG there.
    assert icons_left == {}
    intro = (book_html / "intro.html").read_text(encoding="utf-8")
    assert intro.count('<svg class="svg-inline--fa fa-bars') >= 1
    assert 'class="svg-inline--fa fa-magnifying-glass' in intro


def test_only_the_search_page_loads_the_search_index(book_html, pages):
    loading = [p.relative_to(book_html).as_posix() for p in pages
               if any(u.split("?")[0].endswith(("searchindex.js", "searchtools.js"))
                      for u in Assets(p.read_text(encoding="utf-8")).urls)]
    assert loading == ["search.html"]


def test_icon_font_is_a_small_subset(book_html):
    css = (book_html / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\{[^}]*font-weight:900;[^}]*\}", css)
    assert len(faces) == 1 and "fa-solid-900-kurs.woff" in faces[0], faces
    subset = book_html / "_static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900-kurs.woff"
    assert 0 < subset.stat().st_size < 10 * 1024
    # the theme's admonition icons are in it (fontTools reads WOFF without brotli)
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(subset)).getBestCmap()
    for var in ("info-circle", "exclamation-circle", "exclamation-triangle", "lightbulb", "bell"):
        glyph = re.search(rf'--pst-icon-{var}:"(.)"', css)
        assert glyph and ord(glyph[1]) in cmap, var


def test_a_page_keeps_what_it_uses_and_defers_it():
    """A page with a code block keeps the copy button (a later page of a municipality
    may have one); a page without toggles loses the toggle button. Scripts are deferred,
    except the one the inline scripts after it read."""
    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    from widgets.book.lean_pages import lean_assets

    context = {
        "body": '<div class="highlight-python notranslate"><div class="highlight"><pre>1</pre></div></div>',
        "script_files": [_JavaScript("_static/documentation_options.js"), _JavaScript("_static/copybutton.js"),
                         _JavaScript("_static/togglebutton.js"), _JavaScript(None, body="let toggleHintShow = 'x';"),
                         _JavaScript("_static/case-player.js", **{"async": "async"})],
        "css_files": [_CascadingStyleSheet("_static/copybutton.css"), _CascadingStyleSheet("_static/togglebutton.css"),
                      _CascadingStyleSheet("_static/kurs.css")],
    }
    lean_assets(None, "side", "page.html", context, None)
    scripts = {js.filename: js.attributes for js in context["script_files"]}
    assert list(scripts) == ["_static/documentation_options.js", "_static/copybutton.js", "_static/case-player.js"]
    assert "defer" not in scripts["_static/documentation_options.js"]
    assert scripts["_static/copybutton.js"].get("defer") == "defer"
    assert "defer" not in scripts["_static/case-player.js"]
    assert [css.filename for css in context["css_files"]] == ["_static/copybutton.css", "_static/kurs.css"]
