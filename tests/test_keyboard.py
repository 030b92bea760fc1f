"""Every exercise played to the end with the keyboard only, in real headless Chromium.

Static player (the built book) and Voila exercise app, each case in turn, on a phone
(320 CSS px) with 200 % text: Tab and Shift+Tab to move, Enter and Space (taking turns)
to choose and go on, typing in the reflection at the end. At every key press the focused
element shows a focus ring; after a choice, focus is on the feedback; after «Fortsett»,
on the new scene. The verdict is a symbol and a word, never colour alone. Nothing sticks
out sideways at any step, and axe-core finds nothing in the feedback and the summary.
"""

from __future__ import annotations

import itertools

import pytest
from helpers import ROOT
from playwright.sync_api import expect
from test_accessibility import (
    LARGE_TEXT,
    PHONE,
    axe_file,
    axe_violations,
    checks,
    focus_is_visible,
    reflow_problems,
    wait_for_app,
)

from widgets.authoring.library import compiled_case
from widgets.authoring.validate import case_files

CASE_IDS = [p.stem for p in case_files([ROOT / "cases"])]
MAX_STEPS = 40
TIMEOUT = 90_000


@pytest.fixture(scope="session")
def axe_path():
    return axe_file()


@pytest.fixture(scope="module")
def verdict_names() -> dict[str, str]:
    """Verdict name → its symbol, from the compiled cases (cases/_modell.yml)."""
    labels = compiled_case(CASE_IDS[0], ROOT / "cases")["labels"]["verdicts"]
    return {v["name"]: v["icon"] for v in labels.values()}


def describe_focus(page) -> str:
    return page.evaluate("""() => { const el = document.activeElement;
      return el ? el.outerHTML.slice(0, 160) : "nothing"; }""")


def tab_to(page, selector: str, where: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches `selector`; every stop shows focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            continue  # past the end of the page: the browser's own UI, then round again
        assert focus_is_visible(page), f"{where}: focus is not visible on {describe_focus(page)}"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{where}: Tab never reached {selector}")


def shift_tab_and_back(page, selector: str, where: str) -> None:
    """Shift+Tab moves focus back (visibly), Tab returns to `selector`."""
    page.keyboard.press("Shift+Tab")
    assert not page.evaluate("(s) => document.activeElement.matches(s)", selector), where
    assert focus_is_visible(page), f"{where}: Shift+Tab: focus is not visible on {describe_focus(page)}"
    page.keyboard.press("Tab")
    assert page.evaluate("(s) => document.activeElement.matches(s)", selector), (
        f"{where}: Tab after Shift+Tab went to {describe_focus(page)}")


def check_verdict(line: str, verdict_names: dict[str, str], where: str) -> None:
    """The verdict line has the verdict's word and its symbol (not only a colour)."""
    shown = next((n for n in sorted(verdict_names, key=len, reverse=True) if n in line), None)
    assert shown, f"{where}: the verdict has no name: {line[:200]}"
    assert verdict_names[shown] in line, f"{where}: no symbol with the verdict «{shown}»: {line[:200]}"


# -- the static player in the book -------------------------------------------------------

@checks("tastatur", "synlig-fokus")
def test_every_static_exercise_can_be_played_by_keyboard(page, book_server, axe_path, verdict_names,
                                                          screenshot):
    page.set_viewport_size(PHONE)
    page.add_init_script(LARGE_TEXT)
    keys = itertools.cycle(["Enter", "Space"])
    problems: list[str] = []
    for case_id in CASE_IDS:
        where = f"ovelser/{case_id}.html"
        page.goto(f"{book_server}/{where}", wait_until="networkidle")
        player = page.locator(".case-player")
        expect(player.locator(".cp-step")).to_contain_text("Steg 1 av")
        for step in range(MAX_STEPS):
            here = f"{where}, steg {step + 1}"
            if player.locator("button.cp-option").count():
                tab_to(page, ".case-player button.cp-option", here)
                page.keyboard.press(next(keys))
                assert page.evaluate("() => document.activeElement.matches('.cp-feedback-title')"), (
                    f"{here}: after a choice, focus is on {describe_focus(page)}")
                assert focus_is_visible(page), here
                check_verdict(player.locator(".cp-verdict").inner_text(), verdict_names, here)
                problems += reflow_problems(page, here, ".case-player", allow_scroll=())
                if step == 0:
                    problems += axe_violations(page, axe_path, here, ".case-player")
            elif player.locator("button.cp-continue").count():
                tab_to(page, ".case-player button.cp-continue", here)
                shift_tab_and_back(page, ".case-player button.cp-continue", here)
                page.keyboard.press(next(keys))
                assert page.evaluate("() => document.activeElement.matches('.cp-scene-title, .cp-step')"), (
                    f"{here}: after «Fortsett», focus is on {describe_focus(page)}")
                assert focus_is_visible(page), here
            else:
                break
        else:
            raise AssertionError(f"{where}: no end after {MAX_STEPS} steps")
        summary = player.locator(".cp-summary")
        expect(summary).to_contain_text("poeng")
        for line in summary.locator(".cp-answers li").all_inner_texts():
            check_verdict(line, verdict_names, where + " (oppsummering)")
        if player.locator("textarea").count():
            tab_to(page, ".case-player textarea", where)
            page.keyboard.type("Jeg ville ringt barnevernet først.")
            expect(player.locator(".cp-saved")).to_have_text("Lagret.")
        problems += reflow_problems(page, where + " (slutt)", ".case-player", allow_scroll=())
        problems += axe_violations(page, axe_path, where + " (slutt)", ".case-player")
        if case_id == CASE_IDS[0]:
            screenshot("tastatur-bok-oppsummering", summary)
    assert problems == [], "\n".join(problems)


# -- the Voila exercise app --------------------------------------------------------------

@checks("tastatur", "synlig-fokus")
def test_every_voila_exercise_can_be_played_by_keyboard(page, voila_server, axe_path, verdict_names,
                                                         screenshot):
    page.set_viewport_size(PHONE)
    page.add_init_script(LARGE_TEXT)
    keys = itertools.cycle(["Space", "Enter"])
    problems: list[str] = []
    for case_id in CASE_IDS:
        where = f"ovelse.ipynb?case={case_id}"
        page.goto(f"{voila_server}/voila/render/{where}")  # leaving the last one ends its kernel
        wait_for_app(page)
        app = page.locator("#rendered_cells")
        for step in range(MAX_STEPS):
            here = f"{where}, steg {step + 1}"
            if app.locator("button.kurs-option").count():
                tab_to(page, "button.kurs-option", here)
                page.keyboard.press(next(keys))
                page.wait_for_function("() => document.activeElement.matches('.kurs-feedback')",
                                       timeout=TIMEOUT)
                assert focus_is_visible(page), here
                check_verdict(app.locator(".kurs-feedback > p").first.inner_text(), verdict_names, here)
                problems += reflow_problems(page, here, "#rendered_cells", allow_scroll=())
                if step == 0:
                    problems += axe_violations(page, axe_path, here)
            elif app.get_by_role("button", name="Fortsett").count():
                tab_to(page, "button.mod-primary", here)  # «Fortsett» (button_style="primary")
                shift_tab_and_back(page, "button.mod-primary", here)
                page.keyboard.press(next(keys))
                page.wait_for_function(
                    "() => document.activeElement.matches('.kurs-scene-title, .kurs-step')", timeout=TIMEOUT)
                assert focus_is_visible(page), here
            else:
                break
        else:
            raise AssertionError(f"{where}: no end after {MAX_STEPS} steps")
        expect(app).to_contain_text("Oppsummering")
        expect(app).to_contain_text("poeng")
        if app.locator("textarea").count():
            tab_to(page, "textarea", where)
            page.keyboard.type("Jeg ville ringt barnevernet først.")
            expect(app.locator("textarea")).to_have_value("Jeg ville ringt barnevernet først.")
        problems += reflow_problems(page, where + " (slutt)", "#rendered_cells", allow_scroll=())
        problems += axe_violations(page, axe_path, where + " (slutt)")
        if case_id == CASE_IDS[0]:
            screenshot("tastatur-voila-oppsummering", app.get_by_text("Oppsummering"))
    page.goto("about:blank")  # ends the last kernel
    assert problems == [], "\n".join(problems)
