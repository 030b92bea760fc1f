"""The static JS player (widgets/play/static/case-player.js) against the Python engine.

For every case, the shared test vectors (widgets.play.vectors) are played by the JS engine
under node (tests/js/harness.js): path, steps, scores, feedback, summary and saved state
must be identical. Saved states round-trip in JS, and JS restores (or refuses) saved
states exactly as Python does. Then the player's size, the built book pages, and the
player itself in Chromium from file:// (keyboard only, reload resumes, 320 px).
"""

from __future__ import annotations

import copy
import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from helpers import make_project

from widgets.authoring.library import compiled_case
from widgets.authoring.validate import case_files
from widgets.book.exercises import PAGES_DIR, case_page, player_html, write_case_pages
from widgets.play.engine import EngineError, Playthrough
from widgets.play.vectors import saved_states, vectors

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
STATIC = ROOT / "widgets" / "play" / "static"
JS, CSS = STATIC / "case-player.js", STATIC / "case-player.css"
# What the player needs in the book and in an LMS: the course progress and the SCORM adapter.
COURSE = [ROOT / "widgets" / "book" / "static" / name for name in ("progress.js", "progress.css", "scorm.js")]
HARNESS = ROOT / "tests" / "js" / "harness.js"
CASE_IDS = [p.stem for p in case_files([CASES])]
MAX_GZIP = 12 * 1024


# -- the Python side ---------------------------------------------------------------------

def reflect_here(play: Playthrough) -> None:
    """At a reflection question, write a fixed text (harness.js does the same)."""
    if play.decision and play.decision["kind"] == "reflection":
        play.reflect(f"Tanker om {play.scene_id}")


def play_python(compiled: dict, choices: list[str]) -> dict:
    play, pending, feedback = Playthrough(compiled), list(choices), []
    while True:
        if play.needs_choice:
            if not pending:
                break
            feedback.append(play.choose(pending.pop(0)))
        reflect_here(play)
        if not play.can_proceed:
            break
        play.proceed()
        if len(play.path) > 200:
            break
    return {"feedback": feedback, "summary": play.summary(), "state": play.state()}


def restore_python(compiled: dict, state: dict) -> dict:
    try:
        return {"ok": True, "state": Playthrough(compiled, state).state()}
    except EngineError:
        return {"ok": False}


# -- fixtures ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail("node mangler: JS-spilleren testes med Node.js 20 (se README, «Kom i gang»).")
    return path


@pytest.fixture(scope="module")
def cases() -> dict:
    """Every case compiled, with its Python vectors and saved states."""
    out = {}
    for case_id in CASE_IDS:
        compiled = compiled_case(case_id, CASES)
        vecs = vectors(compiled)
        out[case_id] = {"compiled": compiled, "vectors": vecs, "states": saved_states(compiled, vecs[0]["choices"])}
    return out


@pytest.fixture(scope="module")
def js(node, cases) -> dict:
    """What the JS engine does with the same sequences and states (one node run)."""
    jobs = {"cases": [{"compiled": c["compiled"], "sequences": [v["choices"] for v in c["vectors"]],
                       "states": c["states"]} for c in cases.values()]}
    proc = subprocess.run([node, str(HARNESS)], input=json.dumps(jobs), capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# -- the engine: same rules as Python ----------------------------------------------------

def test_every_case_is_tested():
    assert len(CASE_IDS) >= 12


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_js_engine_follows_the_python_vectors(case_id, cases, js):
    compiled, vecs = cases[case_id]["compiled"], cases[case_id]["vectors"]
    runs = js[case_id]["runs"]
    assert len(runs) == len(vecs) > 0
    for vec, run in zip(vecs, runs):
        where = (case_id, vec["choices"])
        assert run["choices"] == vec["choices"], where
        for key in ("path", "steps", "scores", "finished"):
            assert run[key] == vec[key], (*where, key)
        py = play_python(compiled, vec["choices"])
        assert len(run["feedback"]) == len(py["feedback"]), where
        for js_fb, py_fb in zip(run["feedback"], py["feedback"]):
            assert js_fb == py_fb, where
        assert run["summary"] == py["summary"], where
        assert run["state"] == py["state"], where


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_saved_state_round_trips_in_js(case_id, js):
    errors = [e for run in js[case_id]["runs"] for e in run["roundtripErrors"]]
    assert errors == []


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_js_restores_saved_states_like_python(case_id, cases, js):
    compiled, states = cases[case_id]["compiled"], cases[case_id]["states"]
    restored = js[case_id]["restored"]
    assert len(restored) == len(states)
    for state, got in zip(states, restored):
        assert got == restore_python(compiled, state), state
    assert restored[0]["ok"] and restored[1]["ok"], "a good saved state must be restored"
    assert not all(r["ok"] for r in restored), "a tampered state must be refused"


# -- size --------------------------------------------------------------------------------

def test_player_is_small():
    """What a page loads of the player, progress and SCORM adapter, as the book serves it
    (widgets.book.minify: without comments and indentation)."""
    from widgets.book.minify import minify

    sizes = {p.name: len(gzip.compress(minify(p.read_text(encoding="utf-8")).encode(), 9))
             for p in (JS, CSS, *COURSE)}
    assert sum(sizes.values()) <= MAX_GZIP, sizes


def test_the_served_player_is_the_same_code(book):
    from widgets.book.minify import minify

    served = (book / "_static" / "case-player.js").read_text(encoding="utf-8")
    assert served == minify(JS.read_text(encoding="utf-8")) and "/*" not in served


@pytest.mark.parametrize("script", [JS, *(p for p in COURSE if p.suffix == ".js")], ids=lambda p: p.name)
def test_player_sets_no_case_text_as_html(script):
    text = script.read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", text)
    assert not re.search(r"https?://", text), "no outside host in the player"
    # No Norwegian UI text in the JS: it comes from widgets/locale/nb.json.
    assert not re.search(r"[æøåÆØÅ]", text.split("*/", 1)[1])


def test_embedded_json_cannot_close_the_script(cases):
    compiled = copy.deepcopy(cases[CASE_IDS[0]]["compiled"])
    compiled["title"] = "</script><script>alert(1)</script><!--"
    html = player_html(compiled, "nb", "", 2)
    data = html.split('class="case-player-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data
    assert json.loads(data)["case"]["title"] == compiled["title"]
    assert "case-player-app" not in html  # no voila_url: no link to the app


def test_link_to_the_app_only_with_a_voila_address(cases):
    compiled = cases[CASE_IDS[0]]["compiled"]
    html = player_html(compiled, "nb", "https://kurs.eksempel.no/", 2)
    assert (f'<a href="https://kurs.eksempel.no/voila/render/ovelse.ipynb?case={compiled["id"]}">'
            "Åpne øvelsen som app</a>") in html


# -- the Sphinx extension ---------------------------------------------------------------

@pytest.mark.slow
def test_a_broken_case_fails_the_build_naming_file_and_line(tmp_path):
    project = make_project(tmp_path)
    text = (CASES / "skolegutt-forteller.yml").read_text(encoding="utf-8")
    (project / "cases" / "skolegutt-forteller.yml").write_text(
        text.replace("verdict: best", "verdict: bra", 1), encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if "verdict: best" in x)) + 1
    (project / "conf.py").write_text('extensions = ["myst_parser", "widgets.book.exercises"]\nlanguage = "nb"\n'
                                     'case_pages_dir = ""\nexclude_patterns = ["_build", "cases"]\n')
    (project / "index.md").write_text("# Test\n\n```{case-exercise} skolegutt-forteller\n```\n\n"
                                      "```{case-exercise} finnes-ikke\n```\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           str(project), str(project / "_build")], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode != 0
    assert f"cases/skolegutt-forteller.yml:{line}: WARNING: case-exercise «skolegutt-forteller»" in proc.stderr
    assert "cases/finnes-ikke.yml:1: WARNING: case-exercise «finnes-ikke» (i index.md:6)" in proc.stderr
    assert not (project / PAGES_DIR).exists()


def test_case_pages_are_written_only_when_changed(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(CASES / "skolegutt-forteller.yml", project / "cases")
    app = SimpleNamespace(srcdir=str(project))
    config = SimpleNamespace(case_pages_dir=PAGES_DIR, language="nb")
    pages = project / PAGES_DIR
    (pages / "gammel-sak.md").parent.mkdir()
    (pages / "gammel-sak.md").write_text(case_page("gammel-sak", "Borte"), encoding="utf-8")
    (pages / "egen.md").write_text("# Skrevet for hånd\n", encoding="utf-8")
    write_case_pages(app, config)
    assert sorted(p.name for p in pages.iterdir()) == [".gitignore", "egen.md", "index.md", "skolegutt-forteller.md"]
    page = (pages / "skolegutt-forteller.md").read_text(encoding="utf-8")
    assert "# Jonas forteller om det som skjer hjemme\n" in page
    assert "```{case-exercise} skolegutt-forteller\n:details:\n```" in page
    before = {p.name: p.stat().st_mtime_ns for p in pages.iterdir()}
    time.sleep(0.01)
    write_case_pages(app, config)
    assert {p.name: p.stat().st_mtime_ns for p in pages.iterdir()} == before


def test_titles_stay_plain_text_in_markdown():
    assert case_page("x", "*Ikke* [en lenke](http://x) <b>").splitlines()[1] == (
        r"# \*Ikke\* \[en lenke\]\(http\:\/\/x\) \<b\>")


# -- the built book ----------------------------------------------------------------------

class Page(HTMLParser):
    """Scripts, stylesheets and other fetched URLs of one page, and the player data."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.scripts, self.fetched, self.data, self.links = [], [], [], {}
        self._in_data = False
        self._link = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "script":
            self.scripts.append(a.get("src", ""))
            self._in_data = "case-player-data" in a.get("class", "")
        for name in ("src", "srcset", "data", "poster"):
            if name in a and tag != "a":
                self.fetched.append(a[name])
        if tag == "link" and set(a.get("rel", "").split()) & {"stylesheet", "preload", "icon", "manifest"}:
            self.fetched.append(a.get("href", ""))
        if tag == "a":
            self._link = a.get("href", "")

    def handle_endtag(self, tag):
        self._in_data = False
        self._link = None

    def handle_data(self, data):
        if self._in_data:
            self.data.append(json.loads(data))
        if self._link is not None and data.strip():
            self.links[data.strip()] = self._link


def is_outside(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.scheme not in ("", "data", "blob") or url.strip().startswith("//"))


@pytest.fixture(scope="module")
def book(book_html) -> Path:
    return book_html


def test_every_case_has_a_page_with_the_player(book, cases):
    for case_id, c in cases.items():
        page = Page((book / PAGES_DIR / f"{case_id}.html").read_text(encoding="utf-8"))
        assert [d["case"] for d in page.data] == [c["compiled"]], case_id
        assert page.data[0]["strings"]["continue"] == "Fortsett"
        assert sum(s.split("?")[0].endswith("_static/case-player.js") for s in page.scripts) == 1
        assert any(u.split("?")[0].endswith("_static/case-player.css") for u in page.fetched)
        assert [u for u in page.fetched if is_outside(u)] == [], case_id
        # No Voila address in the settings: no link to an app that a static host does not have.
        assert "Åpne øvelsen som app" not in page.links, case_id
    assert (ROOT / PAGES_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_player_is_only_on_exercise_pages(book):
    for name in ("intro.html", f"{PAGES_DIR}/index.html"):
        page = Page((book / name).read_text(encoding="utf-8"))
        assert not any("case-player" in u for u in page.scripts + page.fetched), name
        assert page.data == []
    index = Page((book / PAGES_DIR / "index.html").read_text(encoding="utf-8"))
    titles = {c: compiled_case(c, CASES)["title"] for c in CASE_IDS}
    assert {t for t in titles.values() if t in index.links} == set(titles.values())


# -- the player in a browser (file://, keyboard only) ------------------------------------

@pytest.fixture
def exercise_file(tmp_path, cases) -> Path:
    """A plain HTML file with one exercise, loading the player from the package folder."""
    compiled = cases["skolegutt-forteller"]["compiled"]
    path = tmp_path / "ovelse.html"
    path.write_text(
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>Øvelse</title><link rel="stylesheet" href="{CSS.as_uri()}">'
        f'<script defer src="{JS.as_uri()}"></script></head><body><main>'
        f'<h1>{compiled["title"]}</h1>{player_html(compiled, "nb", "", 2)}</main></body></html>',
        encoding="utf-8")
    return path


def press_button(page, name: str, limit: int = 40) -> None:
    """Tab to the button with accessible name starting with `name`, then press Enter."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.tagName === 'BUTTON' ? "
                                "document.activeElement.textContent : ''")
        if focused.startswith(name):
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"fant ikke knappen «{name}» med Tab")


def test_static_player_by_keyboard_from_file(page, exercise_file, cases):
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(exercise_file.as_uri())
    player = page.locator(".case-player")
    expect(player.locator(".cp-step")).to_have_text("Steg 1 av 5")
    expect(player.get_by_role("group", name="Hva gjør du først, der og da?")).to_be_visible()

    case = cases["skolegutt-forteller"]
    labels = option_labels(case["compiled"], case["vectors"][0]["choices"])  # the first options
    press_button(page, labels[0])
    feedback = player.locator(".cp-feedback")
    expect(feedback).to_have_attribute("aria-live", "polite")
    expect(feedback).to_contain_text("Anbefalt")
    assert page.evaluate("() => document.activeElement.classList.contains('cp-feedback-title')")

    page.reload()  # progress survives a reload, at the same place
    expect(player.locator(".cp-feedback")).to_contain_text("Jonas har tatt et stort skritt")
    for label in labels[1:]:
        press_button(page, "Fortsett")
        assert page.evaluate("() => document.activeElement.classList.contains('cp-scene-title')")
        press_button(page, label)
    press_button(page, "Fortsett")
    expect(player.locator(".cp-summary")).to_contain_text("poeng")
    area = player.get_by_label("Dine tanker")
    area.fill("Ring barnevernet først.")
    page.reload()
    expect(player.get_by_label("Dine tanker")).to_have_value("Ring barnevernet først.")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    press_button(page, "Start på nytt")
    expect(player.locator(".cp-step")).to_have_text("Steg 1 av 5")
    assert errors == []


def option_labels(compiled: dict, choices: list[str]) -> list[str]:
    play, out = Playthrough(compiled), []
    for choice in choices:
        while not play.needs_choice:
            play.proceed()
        out.append(play.option(choice)["label"])
        play.choose(choice)
    return out
