"""Universal design (WCAG 2.2 AA, which includes 2.1 AA) in real headless Chromium.

* axe-core (npm, installed by `npm ci`; never from a CDN) with the WCAG 2.0/2.1/2.2 A and AA
  rules on every page of the built book and on every Voila app in widgets/voila/notebooks/, on a
  desktop (1280 px) and on a phone (320 CSS px with 200 % text). Any violation fails,
  naming the rule, the element and the page. No rule is switched off.
* Reflow (WCAG 1.4.4, 1.4.10): at 320 px with 200 % text no page scrolls sideways and no
  text or control is cut off. Only data tables and code may scroll inside their own box
  (the exception in 1.4.10); the exercise and the apps may not scroll at all.
* `lang="nb"` on every page.

The keyboard tests (play every exercise to the end with Tab/Enter/Space) are in
tests/test_keyboard.py and use the helpers here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Which criteria are tested how: the same data as the «Tilgjengelighet» page.
CRITERIA = ROOT / "tilgjengelighet" / "kriterier.yml"
LAST_RUN = ROOT / "tilgjengelighet" / "sist-testet.txt"


def checks(*ids: str):
    """Mark a test as (part of) the automatic checks `ids` of tilgjengelighet/kriterier.yml."""
    def mark(test):
        test.kurs_checks = ids
        return test
    return mark

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 720}
APPS_DIR = ROOT / "widgets" / "voila" / "notebooks"
# Apps that need something in the URL to show more than a message.
APP_QUERY = {"ovelse.ipynb": "?case=skolegutt-forteller"}
APPS = sorted(p.name for p in APPS_DIR.glob("*.ipynb"))
VOILA_TIMEOUT = 90_000

# 200 % text: the root font size, set before the page lays itself out. Everything sized
# in rem/em grows with it, as with the browser's own text size setting.
LARGE_TEXT = """(() => {
  const big = () => { document.documentElement.style.fontSize = "200%"; };
  if (document.documentElement) big();
  document.addEventListener("DOMContentLoaded", big);
})();"""

# Everything that sticks out sideways, per line of text and per control or image.
# how: "page" (past the viewport: the page scrolls sideways), "cut:<box>" (cut off by an
# ancestor with overflow hidden/clip) or "scroll:<box>" (the box scrolls sideways).
REFLOW_JS = """(root) => {
  root = root || document.body;
  const vw = document.documentElement.clientWidth;
  const out = [], seen = new Set();
  const visible = (el) => el.checkVisibility({visibilityProperty: true});
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].slice(0, 3).join(".") : "");
  const where = (el) => { const p = []; for (let e = el; e && e !== document.body && p.length < 4; e = e.parentElement) p.unshift(name(e)); return p.join(" > "); };
  // visually hidden helpers (1 px boxes that clip on purpose) are not content that is cut off
  const hiddenOnPurpose = (el) => { for (let e = el; e && e !== document.body; e = e.parentElement) { const r = e.getBoundingClientRect(); if ((r.width <= 2 || r.height <= 2) && getComputedStyle(e).overflow !== "visible") return true; } return false; };
  function check(el, rect, what) {
    if (rect.width === 0 && rect.height === 0) return;
    let how = null;
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === "visible") continue;
      const ar = a.getBoundingClientRect();
      if (rect.right > ar.right + 1 || rect.left < ar.left - 1) { how = (ox === "auto" || ox === "scroll" ? "scroll:" : "cut:") + where(a); break; }
    }
    if (!how && (rect.right > vw + 1 || rect.left < -1)) how = "page";
    if (!how || hiddenOnPurpose(el)) return;
    const key = where(el) + how;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({what: what, where: where(el), how: how});
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest("script,style,noscript,template") || !visible(el)) continue;
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) check(el, r, JSON.stringify(node.textContent.trim().slice(0, 40)));
  }
  for (const el of root.querySelectorAll("img,svg,button,input,select,textarea,video,iframe,canvas,table")) {
    if (visible(el)) check(el, el.getBoundingClientRect(), "<" + el.tagName.toLowerCase() + ">");
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: vw, problems: out};
}"""

# Sideways scrolling inside its own box is allowed only for these (WCAG 1.4.10 exception:
# data tables and code need their two-dimensional layout).
SCROLL_OK = ("div.pst-scrollable-table-container", "div.highlight", "pre")


# -- helpers (also used by test_keyboard.py) ---------------------------------------------

def axe_file() -> Path:
    """axe.min.js from node_modules (installed by `npm ci`, as `make test` does)."""
    if not AXE.is_file():
        pytest.fail(f"axe-core mangler ({AXE.relative_to(ROOT)}): kjør `npm ci` (make test gjør det).")
    return AXE


@pytest.fixture(scope="session")
def axe_path() -> Path:
    return axe_file()


def axe_violations(page, axe: Path, where: str, context: str | None = None) -> list[str]:
    """Run axe-core with the WCAG 2.0/2.1 A and AA rules on the page (or the elements
    matching the CSS selector `context`); one line per element that fails."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    found = page.evaluate(
        """async ([context, tags]) => {
             const result = await axe.run(context || document, {runOnly: {type: "tag", values: tags},
                                                                resultTypes: ["violations"]});
             return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                                         summary: n.failureSummary}))}));
           }""", [context, WCAG_TAGS])
    return [f"{where}: {v['id']} ({v['impact']}: {v['help']}) at {n['target']}\n"
            f"    {n['html']}\n    {n['summary'].replace(chr(10), ' ')}"
            for v in found for n in v["nodes"]]


def reflow_problems(page, where: str, root: str | None = None, allow_scroll=SCROLL_OK) -> list[str]:
    """What sticks out sideways at the current size (see REFLOW_JS)."""
    handle = page.evaluate_handle(f"() => document.querySelector({root!r})") if root else None
    result = page.evaluate(REFLOW_JS, handle)
    out = []
    if result["scrollWidth"] > result["clientWidth"]:
        out.append(f"{where}: the page scrolls sideways ({result['scrollWidth']} px > {result['clientWidth']} px)")
    for p in result["problems"]:
        box = p["how"].split(":", 1)[-1]
        if p["how"].startswith("scroll:") and box.split(" > ")[-1].startswith(allow_scroll):
            continue
        out.append(f"{where}: {p['what']} at {p['where']} ({p['how']})")
    return out


def focus_is_visible(page) -> bool:
    """The focused element draws an outline, or a shadow in a colour that is not transparent
    (the PyData theme's links use a 3 px shadow as their focus ring)."""
    return page.evaluate("""() => {
      const el = document.activeElement;
      if (!el || el === document.body) return false;
      const s = getComputedStyle(el);
      const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
      const shadow = s.boxShadow !== "none" && s.boxShadow.split(/,(?![^(]*\\))/).some(
        part => !/rgba\\([^)]*,\\s*0\\)/.test(part) && /\\b[1-9]\\d*(\\.\\d+)?px/.test(part));
      return outline || shadow;
    }""")


def wait_for_app(page) -> None:
    """A Voila app has rendered its widgets (or its message) and stopped changing."""
    page.locator("#rendered_cells .jupyter-widgets, #rendered_cells [role=alert]").first.wait_for(
        state="visible", timeout=VOILA_TIMEOUT)
    page.evaluate("""() => new Promise(done => {
      let timer = setTimeout(finish, 500);
      const watch = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(finish, 500); });
      function finish() { watch.disconnect(); done(); }
      watch.observe(document.body, {childList: true, subtree: true, attributes: true, characterData: true});
    })""")


def book_pages(book_html: Path) -> list[str]:
    pages = sorted(p.relative_to(book_html).as_posix() for p in book_html.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts)
    assert len(pages) >= 30, pages
    return pages


# -- the book ----------------------------------------------------------------------------

@checks("axe", "sprak")
def test_every_book_page_passes_axe_on_a_desktop(page, book_server, book_html, axe_path):
    page.set_viewport_size(DESKTOP)
    problems = []
    for name in book_pages(book_html):
        page.goto(f"{book_server}/{name}", wait_until="networkidle")
        assert page.evaluate("document.documentElement.lang") == "nb", name
        problems += axe_violations(page, axe_path, name)
    assert problems == [], "\n".join(problems)


@checks("omflyt", "axe")
def test_every_book_page_reflows_on_a_phone_with_200_percent_text(page, book_server, book_html, axe_path,
                                                                   screenshot):
    page.set_viewport_size(PHONE)
    page.add_init_script(LARGE_TEXT)
    problems = []
    for name in book_pages(book_html):
        page.goto(f"{book_server}/{name}", wait_until="networkidle")
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px", name
        problems += reflow_problems(page, name)
        problems += axe_violations(page, axe_path, name + " (320 px, 200 %)")
    page.goto(f"{book_server}/ovelser/skolegutt-forteller.html", wait_until="networkidle")
    screenshot("a11y-bok-ovelse-200-prosent", page.locator(".case-player"))
    assert problems == [], "\n".join(problems)


@checks("axe")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_feedback_of_every_case_passes_axe_in_light_and_dark_mode(scheme, page, book_server, axe_path):
    """The feedback panel at desktop size (at 200 % text all text counts as large, with a
    lower contrast bar): each case answered with a different option, so that every
    verdict colour and the reference links are checked, in the theme's light and dark mode."""
    from widgets.authoring.validate import case_files

    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size(DESKTOP)
    problems = []
    for i, path in enumerate(case_files([ROOT / "cases"])):
        name = f"ovelser/{path.stem}.html"
        page.goto(f"{book_server}/{name}", wait_until="networkidle")
        options = page.locator(".case-player button.cp-option")
        while not options.count():  # a scene without a question first
            page.locator(".case-player button.cp-continue").click()
        choice = i % options.count()
        options.nth(choice).click()
        page.locator(".case-player .cp-feedback").wait_for()
        problems += axe_violations(page, axe_path, f"{name} ({scheme}, svar {choice + 1})", ".case-player")
    assert problems == [], "\n".join(problems)


def test_scrolling_tables_can_be_reached_by_keyboard(page, book_server):
    """A table that scrolls sideways on a phone must take focus, so it can be scrolled
    with the arrow keys (axe checks the same: scrollable-region-focusable)."""
    page.set_viewport_size(PHONE)
    page.add_init_script(LARGE_TEXT)
    page.goto(f"{book_server}/modules/08-taushetsplikt-og-samtykke/index.html", wait_until="networkidle")
    box = page.locator("div.pst-scrollable-table-container").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    assert box.get_attribute("tabindex") == "0"


# -- the Voila apps ----------------------------------------------------------------------

def app_url(voila_server: str, app: str) -> str:
    return f"{voila_server}/voila/render/{app}{APP_QUERY.get(app, '')}"


@checks("axe", "omflyt", "sprak")
@pytest.mark.parametrize("app", APPS)
def test_voila_app_passes_axe_and_reflows(app, page, voila_server, axe_path, screenshot):
    page.set_viewport_size(DESKTOP)
    page.goto(app_url(voila_server, app))
    wait_for_app(page)
    assert page.evaluate("document.documentElement.lang") == "nb"
    problems = axe_violations(page, axe_path, app)
    # No traceback, no English error page.
    assert "Traceback" not in page.content()
    if page.locator("button.kurs-option").count():  # the feedback too, at normal text size
        page.locator("button.kurs-option").nth(1).click()
        page.locator(".kurs-feedback").wait_for(timeout=VOILA_TIMEOUT)
        problems += axe_violations(page, axe_path, app + " (tilbakemelding)")

    phone = page.context.new_page()
    phone.set_viewport_size(PHONE)
    phone.add_init_script(LARGE_TEXT)
    phone.goto(app_url(voila_server, app))
    wait_for_app(phone)
    assert phone.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    problems += axe_violations(phone, axe_path, app + " (320 px, 200 %)")
    problems += reflow_problems(phone, app + " (320 px, 200 %)", allow_scroll=())
    screenshot(f"a11y-voila-{Path(app).stem}-200-prosent", on=phone)
    phone.close(run_before_unload=True)  # Voila shuts the kernel down on unload
    page.close(run_before_unload=True)
    assert problems == [], "\n".join(problems)


def test_every_app_notebook_is_tested():
    """The workshop apps join the parametrization above as soon as they exist."""
    assert {"index.ipynb", "ovelse.ipynb"} <= set(APPS)


# -- names of ipywidgets controls (no browser) --------------------------------------------

def _controls(widget):
    import ipywidgets as w

    if isinstance(widget, (w.Button, w.Dropdown, w.Textarea, w.Text, w.Select, w.Checkbox,
                           w.RadioButtons, w.ToggleButtons, w.IntSlider)):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from _controls(child)


@checks("navn")
def test_every_ipywidgets_control_has_a_name(tmp_path):
    """A control's `description` is its visible label and accessible name (WCAG 4.1.2):
    through a whole exercise, and in the case list."""
    from widgets.authoring.library import compiled_case
    from widgets.authoring.validate import case_files
    from widgets.play.exercise import CaseExercise
    from widgets.voila.apps import CaseIndex

    cases = [compiled_case(p.stem, ROOT / "cases") for p in case_files([ROOT / "cases"])]
    for compiled in cases:
        ex = CaseExercise(compiled)
        for _ in range(40):
            for control in _controls(ex):
                assert control.description.strip(), (compiled["id"], type(control).__name__)
            options = [c for c in _controls(ex) if "kurs-option" in c._dom_classes]
            if options:
                options[0].click()
            elif ex.play.can_proceed:
                ex._proceed()
            else:
                break
        assert ex.play.finished, compiled["id"]
    for control in _controls(CaseIndex(cases)):
        assert control.description.strip(), type(control).__name__


def test_the_accessibility_page_is_in_the_book_and_names_the_axe_version(book_html):
    """The built «Tilgjengelighet» page says which axe-core the tests use (from package.json)."""
    import json

    version = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
    text = (book_html / "tilgjengelighet.html").read_text(encoding="utf-8")
    assert f"axe-core {'.'.join(version.lstrip('^~').split('.')[:2])}" in text
    assert "- file: tilgjengelighet" in (ROOT / "_toc.yml").read_text(encoding="utf-8")


# -- WCAG 2.2 AA in every state a learner reaches -------------------------------------------
# One browser context for the tests below (a new one per test costs a second each); each
# test opens its own tab, and every exercise starts from an empty localStorage.

STATE_CASES = ("skolegutt-forteller", "tenaring-selvskading")
WIDTHS = {"1280": DESKTOP, "320": PHONE}
# What a pointer or a keyboard can use: WCAG 2.5.8 applies to these.
TARGETS = ("a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], "
           "[role=link], [role=tab], [tabindex]:not([tabindex='-1'])")


@pytest.fixture(scope="module")
def shared_context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def tab(shared_context):
    page = shared_context.new_page()
    yield page
    page.close()


def open_exercise(page, base: str, case_id: str) -> None:
    page.goto(f"{base}/ovelser/{case_id}.html", wait_until="networkidle")
    page.evaluate("() => localStorage.clear()")
    page.reload(wait_until="networkidle")
    page.locator(".case-player .cp-step").wait_for()


def states_of_an_exercise(page, base: str, case_id: str):
    """Play the case, yielding the name of each state a learner reaches: the start, the
    feedback after a choice, the page scrolled down (the theme's back-to-top button shows),
    and the summary with a reflection written and saved."""
    open_exercise(page, base, case_id)
    player = page.locator(".case-player")
    yield "start"
    first = True
    for _ in range(40):
        if player.locator(".cp-summary").count():
            break
        if player.locator("button.cp-option").count():
            options = player.locator("button.cp-option")
            options.nth(1 if options.count() > 1 else 0).click()
            player.locator(".cp-feedback").wait_for()
            if first:
                yield "tilbakemelding"
                first = False
        else:
            player.locator("button.cp-continue").first.click()
    assert player.locator(".cp-summary").count(), case_id
    for area in player.locator("textarea").all():
        area.fill("Jeg ville snakket med barnet igjen.")
        player.locator(".cp-saved").filter(has_text="Lagret.").wait_for()
    yield "oppsummering og refleksjon"
    page.evaluate("() => document.activeElement.blur()")  # a learner who scrolls with mouse or finger
    size = page.viewport_size
    if page.evaluate("() => document.documentElement.scrollHeight - innerHeight") < 400:
        page.set_viewport_size({**size, "height": 480})  # a low window: the page must scroll
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(100)
    page.mouse.move(page.viewport_size["width"] * 0.6, page.viewport_size["height"] / 2)  # over the text
    page.mouse.wheel(0, -200)  # the theme shows the button when you scroll up
    if page.viewport_size["width"] < 1200:  # the book theme shows it only on smaller screens
        page.locator("#pst-back-to-top").wait_for(timeout=5000)
    yield "rullet ned"
    page.set_viewport_size(size)


@checks("axe")
@pytest.mark.parametrize("width", WIDTHS)
def test_every_state_of_an_exercise_passes_axe(width, tab, book_server, axe_path):
    tab.set_viewport_size(WIDTHS[width])
    problems, back_to_top = [], 0
    for case_id in STATE_CASES:
        for state in states_of_an_exercise(tab, book_server, case_id):
            if state == "rullet ned":
                back_to_top += tab.locator("#pst-back-to-top").is_visible()
            problems += axe_violations(tab, axe_path, f"ovelser/{case_id}.html, {width} px: {state}")
    if width == "320":
        assert back_to_top, "the back-to-top button never showed: the scrolled state was not tested"
    assert problems == [], "\n".join(problems)


# 2.4.11 Focus not obscured: the part of the focused element that a sticky or fixed box
# (the theme's header, the back-to-top button) covers.
OBSCURED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const area = Math.max(r.width * r.height, 1);
  let covered = 0, by = null;
  for (const box of document.querySelectorAll("body *")) {
    const s = getComputedStyle(box);
    if ((s.position !== "sticky" && s.position !== "fixed") || box.contains(el) || !box.checkVisibility()) continue;
    const b = box.getBoundingClientRect();
    const w = Math.min(r.right, b.right) - Math.max(r.left, b.left), h = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
    if (w > 0 && h > 0 && w * h > covered) { covered = w * h; by = box.tagName.toLowerCase() + (box.id ? "#" + box.id : "") + "." + [...box.classList].join("."); }
  }
  const name = el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " «" + (el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 30) + "»";
  return {name: name, share: covered / area, by: by};
}"""


@checks("fokus-skjult")
@pytest.mark.parametrize("width", WIDTHS)
def test_the_sticky_header_never_hides_the_focused_element(width, tab, book_server):
    """Tab forwards through an exercise (answering on the way) and back with Shift+Tab:
    nothing sticky may cover any part of what has focus (stricter than 2.4.11, which
    allows partly covered)."""
    tab.set_viewport_size(WIDTHS[width])
    open_exercise(tab, book_server, STATE_CASES[0])
    problems = []

    def look(where):
        found = tab.evaluate(OBSCURED_JS)
        if found and found["share"] > 0:
            problems.append(f"{where}: {found['name']} is {found['share']:.0%} covered by {found['by']}")

    player = tab.locator(".case-player")
    for round_ in range(3):  # the start, a scene with feedback, the next scene
        for i in range(120):
            tab.keyboard.press("Tab")
            look(f"{width} px, runde {round_ + 1}, Tab {i + 1}")
            if tab.evaluate("() => document.activeElement.matches('.case-player button')"):
                break
        for i in range(25):
            tab.keyboard.press("Shift+Tab")
            look(f"{width} px, runde {round_ + 1}, Shift+Tab {i + 1}")
        if player.locator("button.cp-option").count():
            player.locator("button.cp-option").first.focus()
            tab.keyboard.press("Enter")
            look(f"{width} px, tilbakemelding")
        elif player.locator("button.cp-continue").count():
            player.locator("button.cp-continue").first.focus()
            tab.keyboard.press("Enter")
            look(f"{width} px, neste scene")
        tab.evaluate("() => window.scrollTo(0, 0)")
    assert problems == [], "\n".join(problems)


# 2.5.8 Target size (minimum): every target at least 24 × 24 CSS px, or spaced so that a
# 24 px circle on its centre touches no other target; links inside a sentence are exempt.
TARGET_SIZE_JS = """(selector) => {
  const targets = [...document.querySelectorAll(selector)].filter(el => el.checkVisibility()
    && !el.closest("[aria-hidden=true], .visually-hidden, .sr-only, .skip-link"));
  const inSentence = (el) => el.tagName === "A" && getComputedStyle(el).display === "inline"
    && el.parentElement && el.parentElement.closest("p, li, dd, td, th, figcaption, blockquote")
    && (el.parentElement.closest("p, li, dd, td, th, figcaption, blockquote").innerText.trim().length
        > el.innerText.trim().length + 1);
  const rects = targets.map(el => el.getBoundingClientRect());
  const out = [];
  targets.forEach((el, i) => {
    const r = rects[i];
    if ((r.width >= 23.99 && r.height >= 23.99) || inSentence(el) || r.width * r.height === 0) return;
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const crowded = rects.some((o, j) => {
      if (j === i || o.width * o.height === 0 || targets[j].contains(el) || el.contains(targets[j])) return false;
      const dx = Math.max(o.left - cx, 0, cx - o.right), dy = Math.max(o.top - cy, 0, cy - o.bottom);
      return Math.hypot(dx, dy) < 12;
    });
    if (crowded) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + [...el.classList].slice(0, 3).join(".")
      + " «" + (el.innerText || el.getAttribute("aria-label") || el.title || "").trim().slice(0, 30) + "» "
      + Math.round(r.width) + "×" + Math.round(r.height));
  });
  return out;
}"""


def small_targets(page, where: str) -> list[str]:
    return [f"{where}: {t}" for t in page.evaluate(TARGET_SIZE_JS, TARGETS)]


@checks("malstorrelse")
@pytest.mark.parametrize("width", WIDTHS)
def test_every_target_on_an_exercise_page_is_at_least_24_px(width, tab, book_server):
    tab.set_viewport_size(WIDTHS[width])
    problems = []
    for state in states_of_an_exercise(tab, book_server, STATE_CASES[0]):
        problems += small_targets(tab, f"{width} px, {state}")
    assert problems == [], "\n".join(problems)


@checks("malstorrelse")
def test_every_target_in_the_voila_apps_is_at_least_24_px(tab, voila_server):
    problems = []
    for width, size in WIDTHS.items():
        tab.set_viewport_size(size)
        for app in ("index.ipynb", "ovelse.ipynb"):
            tab.goto(app_url(voila_server, app))
            wait_for_app(tab)
            problems += small_targets(tab, f"{app}, {width} px")
            if tab.locator("button.kurs-option").count():
                tab.locator("button.kurs-option").first.click()
                tab.locator(".kurs-feedback").wait_for(timeout=VOILA_TIMEOUT)
                problems += small_targets(tab, f"{app}, {width} px, tilbakemelding")
    assert problems == [], "\n".join(problems)


@checks("axe")
def test_voila_apps_pass_axe_after_every_step(tab, voila_server, axe_path):
    """The exercise app played to the end (feedback, next scene, summary) and the case
    list, at 320 and 1280 px."""
    problems = []
    for width, size in WIDTHS.items():
        tab.set_viewport_size(size)
        tab.goto(app_url(voila_server, "index.ipynb"))
        wait_for_app(tab)
        problems += axe_violations(tab, axe_path, f"index.ipynb, {width} px")
        tab.goto(app_url(voila_server, "ovelse.ipynb"))
        wait_for_app(tab)
        for step in range(40):
            if tab.locator("button.kurs-option").count():
                tab.locator("button.kurs-option").first.click()
                tab.locator(".kurs-feedback").wait_for(timeout=VOILA_TIMEOUT)
                state = "tilbakemelding"
            else:
                buttons = tab.locator("#rendered_cells button.mod-primary").filter(has_text=re.compile("^Fortsett$"))
                if not buttons.count():
                    break
                buttons.first.click()
                wait_for_app(tab)
                state = "neste"
            if step < 2 or state == "neste" and step < 4:
                problems += axe_violations(tab, axe_path, f"ovelse.ipynb, {width} px, steg {step + 1}: {state}")
        problems += axe_violations(tab, axe_path, f"ovelse.ipynb, {width} px, slutt")
    assert problems == [], "\n".join(problems)


@checks("synlig-fokus")
def test_focus_rings_show_for_the_keyboard_not_after_a_click(tab, book_server):
    """A mouse click on an option moves focus to «Tilbakemelding» without a ring; the same
    with the keyboard shows a clear ring (WCAG 2.4.7)."""
    tab.set_viewport_size(DESKTOP)
    open_exercise(tab, book_server, STATE_CASES[0])
    player = tab.locator(".case-player")
    player.locator("button.cp-option").first.click()
    player.locator(".cp-feedback-title").wait_for()
    assert tab.evaluate("() => document.activeElement.matches('.cp-feedback-title')")
    assert not focus_is_visible(tab), "a focus ring after a mouse click"
    player.locator("button.cp-continue").first.click()
    tab.wait_for_function("() => document.activeElement.matches('.cp-scene-title, .cp-step')")
    assert not focus_is_visible(tab), "a focus ring on the scene title after a mouse click"

    open_exercise(tab, book_server, STATE_CASES[0])
    player.locator("button.cp-option").first.focus()
    tab.keyboard.press("Tab")
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.activeElement.matches('.cp-feedback-title')")
    assert focus_is_visible(tab), "no focus ring on the feedback after a keyboard choice"
    for _ in range(30):
        tab.keyboard.press("Tab")
        if tab.evaluate("() => document.activeElement.matches('.cp-continue')"):
            break
    tab.keyboard.press("Enter")  # «Fortsett»
    tab.wait_for_function("() => document.activeElement.matches('.cp-scene-title, .cp-step')")
    assert focus_is_visible(tab), "no focus ring on the scene title after «Fortsett» by keyboard"


# 1.4.12 Text spacing: the values of the criterion, set by the user's style sheet.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }
p, li, dd { margin-bottom: 2em !important; }"""


@checks("tekstavstand")
@pytest.mark.parametrize("width", WIDTHS)
def test_text_spacing_cuts_off_nothing(width, tab, book_server):
    """WCAG 1.4.12: with more space between lines, paragraphs, letters and words, no text
    in an exercise (start, feedback, summary) or on a module page is cut off."""
    tab.set_viewport_size(WIDTHS[width])
    problems = []
    for state in states_of_an_exercise(tab, book_server, STATE_CASES[0]):
        if state in ("start", "tilbakemelding", "oppsummering og refleksjon"):
            tab.add_style_tag(content=TEXT_SPACING)
            problems += reflow_problems(tab, f"ovelse, {width} px, {state}", ".case-player", allow_scroll=())
    for name in ("modules/09-var-kommune/index.html", "tilgjengelighet.html"):
        tab.goto(f"{book_server}/{name}", wait_until="networkidle")
        tab.add_style_tag(content=TEXT_SPACING)
        problems += reflow_problems(tab, f"{name}, {width} px")
    assert problems == [], "\n".join(problems)


@checks("hurtigtaster")
def test_no_single_key_shortcut(tab, book_server):
    """WCAG 2.1.4: letters, digits and signs typed on a page (not in a field) do nothing:
    focus stays, no dialog opens, the page does not move."""
    tab.set_viewport_size(DESKTOP)
    problems = []
    for name in ("intro.html", "ovelser/skolegutt-forteller.html"):
        tab.goto(f"{book_server}/{name}", wait_until="networkidle")
        for key in ["/", "s", "k", "j", "n", "p", "?", "1", "ArrowRight", "ArrowLeft"]:
            url = tab.url
            tab.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
            tab.keyboard.press(key)
            tab.wait_for_timeout(150)
            state = tab.evaluate("""() => ({focus: document.activeElement.tagName,
              dialog: !!document.querySelector("dialog[open], .modal.show, .search-button__wrapper.show")})""")
            if state["focus"] != "BODY" or state["dialog"] or tab.url != url:
                problems.append(f"{name}: «{key}» → {state}, {tab.url}")
                tab.goto(url, wait_until="networkidle")
    assert problems == [], "\n".join(problems)


@checks("statusbeskjeder")
def test_feedback_and_saved_are_status_messages(tab, book_server):
    """WCAG 4.1.3: the feedback after a choice is in a live region, and «Lagret.» is a status."""
    tab.set_viewport_size(DESKTOP)
    player = tab.locator(".case-player")
    for state in states_of_an_exercise(tab, book_server, STATE_CASES[0]):
        if state == "tilbakemelding":
            assert player.locator(".cp-feedback").get_attribute("aria-live") == "polite"
        elif state.startswith("oppsummering"):
            saved = player.locator(".cp-saved")
            assert saved.get_attribute("role") == "status" and saved.inner_text() == "Lagret."


# -- the «Tilgjengelighet» page and the tests use one list --------------------------------

WCAG21_A_AA = """1.1.1 1.2.1 1.2.2 1.2.3 1.2.4 1.2.5 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.4.1 1.4.2 1.4.3 1.4.4
1.4.5 1.4.10 1.4.11 1.4.12 1.4.13 2.1.1 2.1.2 2.1.4 2.2.1 2.2.2 2.3.1 2.4.1 2.4.2 2.4.3 2.4.4 2.4.5
2.4.6 2.4.7 2.5.1 2.5.2 2.5.3 2.5.4 3.1.1 3.1.2 3.2.1 3.2.2 3.2.3 3.2.4 3.3.1 3.3.2 3.3.3 3.3.4
4.1.1 4.1.2 4.1.3""".split()
WCAG22_NEW_A_AA = "2.4.11 2.5.7 2.5.8 3.2.6 3.3.7 3.3.8".split()


def load_criteria() -> dict:
    import yaml

    return yaml.safe_load(CRITERIA.read_text(encoding="utf-8"))


def checks_in_tests() -> dict[str, list[str]]:
    """Every test in this file and in test_keyboard.py, by the check it belongs to."""
    import sys

    import test_keyboard  # noqa: F401 - its tests count too

    found: dict[str, list[str]] = {}
    for module in (sys.modules[__name__], sys.modules["test_keyboard"]):
        for name, test in vars(module).items():
            for check in getattr(test, "kurs_checks", ()):
                found.setdefault(check, []).append(f"{module.__name__}.{name}")
    return found


def test_the_criteria_list_matches_the_tests():
    """Every WCAG 2.1 A/AA criterion and every 2.2 addition has a status; each criterion
    marked as tested automatically names checks that are tests here, and every such test
    proves at least one criterion."""
    data = load_criteria()
    items = data["kriterier"]
    numbers = [str(c["nr"]) for c in items]
    assert sorted(numbers) == sorted(WCAG21_A_AA + WCAG22_NEW_A_AA), set(numbers) ^ set(WCAG21_A_AA + WCAG22_NEW_A_AA)
    for c in items:
        assert c["status"] in ("oppfylt", "ikke oppfylt", "ikke relevant"), c
        assert c.get("niva") in ("A", "AA"), c
        if c["status"] != "oppfylt":
            assert c.get("grunn"), f"{c['nr']}: status «{c['status']}» needs a reason (grunn)"
        else:
            assert c.get("automatisk") or c.get("manuelt"), f"{c['nr']}: met, but how is it tested?"
    declared = set(data["kontroller"])
    used = {check for c in items for check in c.get("automatisk") or []}
    tested = checks_in_tests()
    assert used <= declared, used - declared
    assert declared <= used, f"checks that prove no criterion: {declared - used}"
    assert set(tested) == declared, (f"checks without a test: {declared - set(tested)}; "
                                     f"tests of unknown checks: {set(tested) - declared}")


def test_the_built_page_shows_every_criterion_with_its_status(book_html):
    """The table on the built page is the data: every criterion, with its status and how it
    is tested; the date of the last test run; no developer instructions."""
    import html as html_lib
    import re as re_

    page = (book_html / "tilgjengelighet.html").read_text(encoding="utf-8")
    main = page[page.index("<main"):page.index("</main>")]
    rows = {m.group(1): re_.sub(r"\s+", " ", html_lib.unescape(re_.sub(r"<[^>]+>", " ", m.group(2))))
            for m in re_.finditer(r'<tr[^>]*id="krav-([0-9-]+)"[^>]*>(.*?)</tr>', main, re_.S)}
    data = load_criteria()
    assert len(rows) == len(data["kriterier"])
    for c in data["kriterier"]:
        row = rows[str(c["nr"]).replace(".", "-")]
        assert str(c["nr"]) in row and c["status"].capitalize() in row, (c["nr"], row)
        for check in c.get("automatisk") or []:
            assert data["kontroller"][check]["navn"] in row, (c["nr"], check, row)
    assert "make test" not in main
    assert "Uu-tilsynet" in main and "uutilsynet.no" in main


@checks("synlig-fokus")
def test_voila_focus_ring_for_the_keyboard_not_after_a_click(tab, voila_server):
    """The same in the Voila exercise app: the feedback gets focus after a choice; a ring
    only when the choice was made with the keyboard."""
    tab.set_viewport_size(DESKTOP)
    tab.goto(app_url(voila_server, "ovelse.ipynb"))
    wait_for_app(tab)
    tab.locator("button.kurs-option").first.click()
    tab.wait_for_function("() => document.activeElement.matches('.kurs-feedback')", timeout=VOILA_TIMEOUT)
    assert not focus_is_visible(tab), "a focus ring after a mouse click"
    tab.goto(app_url(voila_server, "ovelse.ipynb"))
    wait_for_app(tab)
    for _ in range(40):
        tab.keyboard.press("Tab")
        if tab.evaluate("() => document.activeElement.matches('button.kurs-option')"):
            break
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.activeElement.matches('.kurs-feedback')", timeout=VOILA_TIMEOUT)
    assert focus_is_visible(tab), "no focus ring on the feedback after a keyboard choice"
