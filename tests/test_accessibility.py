"""Universal design (WCAG 2.1 AA) in real headless Chromium.

* axe-core (npm, installed by `npm ci`; never from a CDN) with the WCAG 2.0/2.1 A and AA
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

from pathlib import Path

import pytest
from helpers import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
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

def test_every_book_page_passes_axe_on_a_desktop(page, book_server, book_html, axe_path):
    page.set_viewport_size(DESKTOP)
    problems = []
    for name in book_pages(book_html):
        page.goto(f"{book_server}/{name}", wait_until="networkidle")
        assert page.evaluate("document.documentElement.lang") == "nb", name
        problems += axe_violations(page, axe_path, name)
    assert problems == [], "\n".join(problems)


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


def test_the_accessibility_page_is_in_the_book_and_names_the_axe_version():
    """tilgjengelighet.md (for the municipality's accessibility statement) says which
    axe-core the tests use; it must follow package.json."""
    import json

    version = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
    text = (ROOT / "tilgjengelighet.md").read_text(encoding="utf-8")
    assert f"axe-core {'.'.join(version.split('.')[:2])}" in text
    assert "- file: tilgjengelighet" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
