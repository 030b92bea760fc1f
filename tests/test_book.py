"""The book: builds with zero warnings, every page is in Norwegian, and no page loads
anything from another host. No page needs the ipywidgets manager (900 KiB): module 2's
tier chooser is plain HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_PAGE = "modules/02-liermodellen/index.html"
PLAIN_PAGE = "intro.html"
WIDGET_JS = ("require.js", "embed-amd.js", "html-manager")
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
# Hosts that serve code, fonts or tracking. Shipped JavaScript must not name them.
CDN_HOSTS = re.compile(r"https?://(?:[\w-]+\.)*(?:jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com"
                       r"|googleapis\.com|gstatic\.com|code\.jquery\.com|bootstrapcdn\.com"
                       r"|use\.fontawesome\.com|kit\.fontawesome\.com"
                       r"|googletagmanager\.com|google-analytics\.com|plausible\.io|mathjax\.org"
                       r"|mybinder\.org)")


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
    assert {PLAIN_PAGE, NOTEBOOK_PAGE, "index.html"} <= set(book_pages)
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
        found += [f"{name}: {m.group(0)}" for m in CDN_HOSTS.finditer(text)]
    assert found == []


def test_no_page_needs_the_widget_manager(book_html, book_pages):
    """No stored widget state, so myst-nb adds neither require.js nor the widget manager
    (which it would load from a CDN), and the book ships neither."""
    for name, page in book_pages.items():
        assert not any(s.get("type") == WIDGET_STATE for s in page.scripts), name
        loaded = [s["src"] for s in page.scripts if any(js in s.get("src", "") for js in WIDGET_JS)]
        assert loaded == [], (name, loaded)
    assert [p.name for p in (book_html / "_static").rglob("*") if p.name in ("require.js", "embed-amd.js")] == []


def test_notebooks_store_no_widget_state():
    import json

    with_state = [str(nb.relative_to(ROOT)) for nb in sorted((ROOT / "modules").rglob("*.ipynb"))
                  if "widgets" in json.loads(nb.read_text(encoding="utf-8")).get("metadata", {})]
    assert with_state == []


def test_every_image_has_norwegian_alt_text(book_pages):
    missing = [(name, img.get("src")) for name, page in book_pages.items()
               for img in page.images if len(img.get("alt", "").strip()) < 10]
    assert missing == []
    alts = " ".join(img["alt"] for img in book_pages[NOTEBOOK_PAGE].images).lower()
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


def test_every_page_has_a_description_and_an_icon(book_html, book_pages):
    """Search engines and shared links show a description: a page's first paragraph (on
    an exercise page the case summary), never empty. The icon is the book's own file."""
    described = {}
    for name in book_pages:
        text = (book_html / name).read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text:  # index.html only sends you on to intro.html
            continue
        found = re.findall(r'<meta name="description" content="([^"]*)"', text)
        described[name] = found
        assert len(found) == 1 and len(found[0]) >= 40, (name, found)
        icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
        assert icon and (book_html / name).parent.joinpath(icon[1]).resolve().is_file(), name
    summary = "En gutt i 3. klasse forteller kontaktlæreren at faren slår."
    assert described["ovelser/skolegutt-forteller.html"][0].startswith(summary)
    assert described["intro.html"][0].startswith("Noen barn lever med vold, psykisk sykdom eller rus")
    assert len(set(d[0] for d in described.values())) >= len(described) - 3  # genindex/search share one
