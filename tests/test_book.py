"""The book: builds with zero warnings, every page is in Norwegian, and no page loads
anything from another host. The widget JavaScript is local and only on widget pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
WIDGET_PAGE = "modules/02-liermodellen/index.html"
PLAIN_PAGE = "intro.html"
WIDGET_JS = ("requirejs/require.js", "html-manager/embed-amd.js")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# Attributes that make the browser fetch something. Plain <a href> links are fine.
FETCHING_ATTRS = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "object": ("data",), "input": ("src",),
}
FETCHING_RELS = {"stylesheet", "preload", "prefetch", "modulepreload", "icon",
                 "apple-touch-icon", "manifest", "preconnect", "dns-prefetch"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")
# Hosts that serve code, fonts or tracking. Shipped JavaScript must not name them ...
CDN_HOSTS = re.compile(r"https?://(?:[\w-]+\.)*(?:jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com"
                       r"|googleapis\.com|gstatic\.com|code\.jquery\.com|bootstrapcdn\.com"
                       r"|use\.fontawesome\.com|kit\.fontawesome\.com"
                       r"|googletagmanager\.com|google-analytics\.com|plausible\.io|mathjax\.org"
                       r"|mybinder\.org)")
# ... except these inert strings in html-manager 1.0.15 (pinned in package-lock.json):
# the default widget CDN, overridden by data-jupyter-widgets-cdn (checked below), and a
# Google Fonts @import that is commented out in its CSS.
INERT = {
    "_static/html-manager/embed-amd.js": (
        '="https://cdn.jsdelivr.net/npm/"',
        "/* @import url('https://fonts.googleapis.com/css?family=Roboto+Mono'); */",
    ),
}


class Page(HTMLParser):
    """What one HTML page asks the browser to fetch, and what it says about itself."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.fetched: list[str] = []      # every URL the browser loads for this page
        self.scripts: list[dict] = []     # attributes of every <script>
        self.images: list[dict] = []
        self.inline_js: list[str] = []
        self._open: dict | None = None    # the <script>/<style> we are inside
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang")
        for name in FETCHING_ATTRS.get(tag, ()):
            if name in a:
                urls = a[name].split(",") if name == "srcset" else [a[name]]
                self.fetched += [u.split()[0] for u in urls if u.strip()]
        if tag == "link" and FETCHING_RELS & set(a.get("rel", "").lower().split()):
            self.fetched.append(a.get("href", ""))
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.fetched += re.findall(r"url=(\S+)", a.get("content", ""), re.IGNORECASE)
        self.fetched += css_urls(a.get("style", ""))
        if tag == "script":
            self.scripts.append(a)
        if tag == "img":
            self.images.append(a)
        if tag in ("script", "style"):
            self._open = {"tag": tag, **a}

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if not self._open:
            return
        if self._open["tag"] == "style":
            self.fetched += css_urls(data)
        elif "src" not in self._open and self._open.get("type", "text/javascript") in (
                "text/javascript", "module", "application/javascript"):
            self.inline_js.append(data)


def css_urls(css: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(css)]


def is_outside(url: str) -> bool:
    parts = urlsplit(url.strip())
    if parts.scheme in ("data", "blob"):
        return False
    if parts.scheme or url.strip().startswith("//"):
        return parts.hostname not in ("localhost", "127.0.0.1")
    return False


@pytest.fixture(scope="session")
def book_pages(book_html) -> dict[str, Page]:
    return {p.relative_to(book_html).as_posix(): Page(p.read_text(encoding="utf-8"))
            for p in sorted(book_html.rglob("*.html")) if "_static" not in p.parts}


def test_book_builds_without_warnings(book_build):
    proc, _ = book_build
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "WARNING" not in output, [line for line in output.splitlines() if "WARNING" in line]


def test_every_page_is_in_norwegian(book_pages):
    assert {PLAIN_PAGE, WIDGET_PAGE, "index.html"} <= set(book_pages)
    assert {name: page.lang for name, page in book_pages.items() if page.lang != "nb"} == {}


def test_no_page_fetches_from_another_host(book_html, book_pages):
    outside = [f"{name}: {url}" for name, page in book_pages.items()
               for url in page.fetched if is_outside(url)]
    outside += [f"{name}: inline script names {url}" for name, page in book_pages.items()
                for js in page.inline_js for url in re.findall(r"https?://[^\s\"'<>]+", js)]
    for css in book_html.rglob("*.css"):
        outside += [f"{css.relative_to(book_html)}: {url}"
                    for url in css_urls(css.read_text(encoding="utf-8")) if is_outside(url)]
    assert outside == []


def test_shipped_javascript_names_no_cdn(book_html):
    found = []
    for js in sorted(book_html.rglob("*.js")):
        name = js.relative_to(book_html).as_posix()
        text = js.read_text(encoding="utf-8", errors="replace")
        for inert in INERT.get(name, ()):
            assert inert in text, f"{name}: fant ikke {inert!r} – sjekk filen på nytt"
            text = text.replace(inert, "")
        found += [f"{name}: {m.group(0)}" for m in CDN_HOSTS.finditer(text)]
    assert found == []


def test_widget_javascript_is_local_and_only_on_widget_pages(book_html, book_pages):
    for path in WIDGET_JS:
        assert (book_html / "_static" / path).is_file(), f"_static/{path} mangler – kjør `npm ci`"
    for name, page in book_pages.items():
        has_state = any(s.get("type") == WIDGET_STATE for s in page.scripts)
        loaded = [s["src"] for s in page.scripts
                  if any(s.get("src", "").split("?")[0].endswith(js) for js in WIDGET_JS)]
        assert len(loaded) == (len(WIDGET_JS) if has_state else 0), (name, loaded)
        for script in page.scripts:
            cdn = script.get("data-jupyter-widgets-cdn")
            assert cdn is None or not is_outside(cdn), (name, cdn)
    assert any(s.get("type") == WIDGET_STATE for s in book_pages[WIDGET_PAGE].scripts)
    assert not any("require" in s.get("src", "") for s in book_pages[PLAIN_PAGE].scripts)


def test_icon_fonts_of_embed_amd_are_shipped(book_html):
    folder = book_html / "_static" / "html-manager"
    fonts = set(re.findall(r'\.p\+"(\w+\.woff2?)"', (folder / "embed-amd.js").read_text(encoding="utf-8")))
    assert fonts and {f for f in fonts if not (folder / f).is_file()} == set()


def test_every_image_has_norwegian_alt_text(book_pages):
    missing = [(name, img.get("src")) for name, page in book_pages.items()
               for img in page.images if len(img.get("alt", "").strip()) < 10]
    assert missing == []
    alts = " ".join(img["alt"] for img in book_pages[WIDGET_PAGE].images).lower()
    for word in ("liermodellen", "universelle", "selektive", "indikative"):
        assert word in alts


def test_guides_for_authors_municipalities_and_contributors_are_in_the_book(book_html):
    import html as html_lib

    def text(name: str) -> str:
        words = re.sub(r"<[^>]+>", "", (book_html / name).read_text(encoding="utf-8"))
        return " ".join(html_lib.unescape(words).split())

    authors = text("om/forfattere.html")
    for needed in ("kurs new-case", "kurs check", "{{ kommune }}", "voila_url", "Til ettertanke"):
        assert needed in authors, needed
    assert "format_version" in text("om/kompilert-format.html")
    assert "import-linter" in text("om/bidra.html")
