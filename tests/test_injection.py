"""No text an author or a web editor writes can run as HTML, script or markup (issue 15).

Payloads go into every text field of every case (title, summary, scene titles and texts,
prompts, labels, feedback), of the reference catalogue (tittel, sammendrag, navn) and of the
municipality's settings (navn, tjenester, rutiner, lenker; a `javascript:` link). A book is
built from a temporary copy of the project, every built page is opened in Chromium, and
each exercise is played once: no dialog may open, no injected element may exist, and the
payloads must show as the plain text the author wrote.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml
from helpers import ROOT

pytestmark = pytest.mark.slow

# One line: HTML, an attribute break-out, Jinja and MyST substitution syntax, a Markdown
# link to javascript:, a MyST role and RST inline markup.
LINE = ('tittel <img src=x onerror=alert(document.domain)> "><script>alert("s")</script> '
        "{{ 7*7 }} {% if true %}jinja{% endif %} [klikk](javascript:alert(1)) "
        '{raw}`<b class="injisert">r</b>` :raw-html:`<i class="injisert">i</i>` slutt')
# Several lines (summaries, texts, feedback): also block directives in MyST and RST.
BLOCK = (LINE + "\n\n```{raw} html\n<img src=x onerror=alert(2)>\n```\n\n"
         ".. raw:: html\n\n   <img src=x onerror=alert(3)>\n\n"
         "<script>alert(4)</script>\n")
JS_URL = "javascript:alert(document.domain)"
VISIBLE = "onerror=alert(document.domain)"  # what each page must show as text

CASE_LINES = {"title", "label", "prompt"}
CASE_BLOCKS = {"summary", "text", "feedback"}

FOUND_JS = """() => ({
  imgs: document.querySelectorAll('img[src="x"]').length,
  handlers: [...document.querySelectorAll('*')].filter(el => [...el.attributes].some(a => /^on/i.test(a.name)
            && /alert/.test(a.value))).length,
  scripts: [...document.scripts].filter(s => !/json/.test(s.type) && /alert\\(/.test(s.textContent)).length,
  jsLinks: [...document.querySelectorAll('[href],[src],[action],[formaction]')].filter(el =>
            /^\\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action')
            || el.getAttribute('formaction') || '')).length,
  markup: document.querySelectorAll('.injisert').length,
  jinja: /(^|[^{])49([^0-9]|$)/.test(document.body.innerText) && document.body.innerText.includes('tittel 49'),
  text: document.body.innerText,
})"""


def _inject_case(data):
    """Every text field of a case, in place."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and key in CASE_LINES:
                data[key] = f"{value} {LINE}"
            elif isinstance(value, str) and key in CASE_BLOCKS:
                data[key] = f"{value}\n\n{BLOCK}"
            else:
                _inject_case(value)
    elif isinstance(data, list):
        for item in data:
            _inject_case(item)


def _inject_catalogue(data):
    for key, value in (data.items() if isinstance(data, dict) else enumerate(data)):
        if isinstance(value, str) and key in ("tittel", "navn", "sammendrag", "kort", "beskrivelse"):
            data[key] = f"{value} {LINE}"
        elif isinstance(value, (dict, list)):
            _inject_catalogue(value)


def _dump(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


@pytest.fixture(scope="module")
def injected_book(tmp_path_factory):
    from widgets.book.build import build_command

    root = tmp_path_factory.mktemp("injisert")
    from widgets.book.sources import BOOK_PARTS

    for name in BOOK_PARTS:  # the whole book, as the package carries it
        if (ROOT / name).is_file():
            shutil.copy(ROOT / name, root / name)
        elif (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("_build", "*.ipynb_checkpoints"))
    for path in sorted((root / "cases").glob("[!_]*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        _inject_case(data)
        _dump(path, data)
    ref_path = root / "cases" / "_referanser.yml"
    refs = yaml.safe_load(ref_path.read_text(encoding="utf-8"))
    _inject_catalogue(refs)
    _dump(ref_path, refs)

    config_path = root / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    kommune = config["sphinx"]["config"]["kommune"]
    kommune["navn"] = f"Fjordvik {LINE}"
    for item in kommune["tjenester"]:
        item["navn"], item["kontakt"] = f"{item['navn']} {LINE}", f"{item['kontakt']} {LINE}"
    for item in kommune["rutiner"]:
        item["navn"], item["beskrivelse"] = f"{item['navn']} {LINE}", f"{item['beskrivelse']} {LINE}"
    kommune["rutiner"].append({"navn": f"Rutine med farlig lenke {LINE}", "url": JS_URL, "beskrivelse": LINE})
    kommune["lenker"] = [*kommune.get("lenker", []),
                         {"navn": f"Farlig lenke {LINE}", "url": JS_URL},
                         {"navn": "Farlig lenke med mellomrom", "url": "  JavaScript:alert(5)"},
                         {"navn": "Data-lenke", "url": "data:text/html,<script>alert(6)</script>"}]
    kommune["tilgjengelighet"] = {"kontakt": f"post@fjordvik.kommune.no {LINE}", "erklaering_url": JS_URL}
    _dump(config_path, config)

    proc = subprocess.run(build_command(root), cwd=root, capture_output=True, text=True, timeout=900)
    html = root / "_build" / "html"
    assert (html / "index.html").is_file(), proc.stdout + proc.stderr
    return proc, html


def test_dangerous_links_are_refused_with_a_build_warning(injected_book):
    proc, _ = injected_book
    out = proc.stdout + proc.stderr
    assert "javascript:alert(document.domain)" in out and "bare https-, mailto- og tel-lenker" in out, out[-3000:]
    assert "data:text/html" in out


@pytest.fixture(scope="module")
def injected_server(injected_book):
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(injected_book[1]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _play_once(page) -> None:
    """Choose the first option at every question and continue, to the summary; write the
    payload as the reflection, and load the page again (the player shows what was saved)."""
    player = page.locator(".case-player")
    for _ in range(40):
        if player.locator(".cp-summary").count():
            break
        if player.locator("button.cp-option").count():
            player.locator("button.cp-option").first.click()
            player.locator(".cp-feedback").wait_for()
        elif player.locator("button.cp-continue").count():
            player.locator("button.cp-continue").first.click()
        else:
            break
    assert player.locator(".cp-summary").count(), page.url
    for area in player.locator("textarea").all():
        area.fill(BLOCK)
    page.wait_for_timeout(300)
    page.reload(wait_until="load")
    player.locator(".cp-summary, .cp-scene-title").first.wait_for()


def test_no_page_runs_or_renders_injected_markup(injected_book, injected_server, page):
    _, html = injected_book
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    pages = sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts)
    assert len(pages) >= 30, pages
    problems = []

    def check(name: str, must_show: bool) -> None:
        found = page.evaluate(FOUND_JS)
        for what in ("imgs", "handlers", "scripts", "jsLinks", "markup"):
            if found[what]:
                problems.append(f"{name}: {what} = {found[what]}")
        if found["jinja"]:
            problems.append(f"{name}: {{{{ 7*7 }}}} was evaluated")
        if must_show and VISIBLE not in found["text"]:
            problems.append(f"{name}: the payload does not show as text")

    for name in pages:
        page.goto(f"{injected_server}/{name}", wait_until="load")
        if name == "index.html":  # _extra/index.html sends you on to the front page
            page.wait_for_url("**/intro.html")
        exercise = name.startswith("ovelser/") and name != "ovelser/index.html"
        shows = exercise or name.startswith(("modules/09-", "tilgjengelighet"))
        if exercise:
            page.locator(".case-player .cp-step, .case-player-error").first.wait_for()
            title = page.locator("h1").first.inner_text()
            if VISIBLE not in title:
                problems.append(f"{name}: the title does not show the payload as text: {title!r}")
        check(name, shows)
        if exercise:
            _play_once(page)
            check(name + " (spilt)", True)
    assert dialogs == []
    assert problems == [], "\n".join(problems)


def test_the_print_title_and_head_are_escaped(injected_book):
    """The theme's print heading and <title>/<meta> carry the title as text."""
    _, html = injected_book
    text = (html / "ovelser" / "skolegutt-forteller.html").read_text(encoding="utf-8")
    assert "<img src=x" not in text and "<script>alert" not in text
    head = text[: text.index("</head>")]
    assert re.search(r"<title>[^<]*&lt;img src=x", head), head[:2000]
