"""The Voila apps in real headless Chromium."""

from __future__ import annotations

import re

from helpers import outside_requests
from playwright.sync_api import expect

TIMEOUT = 90_000


def test_exercise_app_plays_and_shows_feedback(page, voila_server, screenshot):
    outside = outside_requests(page)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(voila_server + "/voila/render/ovelse.ipynb?case=skolegutt-forteller")
    option = page.get_by_role("button", name=re.compile("^Lytter rolig"))
    option.wait_for(timeout=TIMEOUT)
    screenshot("voila-ovelse-start", option)
    option.click()
    feedback = page.locator(".kurs-feedback")
    expect(feedback).to_contain_text("Anbefalt", timeout=TIMEOUT)
    expect(feedback).to_contain_text("Jonas har tatt et stort skritt")
    page.get_by_role("button", name="Fortsett").click()
    expect(page.get_by_text("Hvilket trinn i Liermodellen")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Steg 2 av 5")).to_be_visible()
    screenshot("voila-ovelse", page.get_by_text("Steg 2 av 5"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    desk = page.context.new_page()
    desk.set_viewport_size({"width": 1280, "height": 800})
    desk.goto(voila_server + "/voila/render/ovelse.ipynb?case=skolegutt-forteller")
    desk.get_by_role("button", name=re.compile("^Lytter rolig")).click(timeout=TIMEOUT)
    expect(desk.locator(".kurs-feedback")).to_contain_text("Anbefalt", timeout=TIMEOUT)
    screenshot("voila-ovelse", desk.locator(".kurs-feedback"), on=desk)
    assert outside == []
    assert "Traceback" not in page.content()


def test_unknown_case_shows_friendly_message(page, voila_server):
    page.goto(voila_server + "/voila/render/ovelse.ipynb?case=finnes-ikke")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Fant ikke øvelsen «finnes-ikke»", timeout=TIMEOUT)
    expect(alert.get_by_role("link", name="Til listen over øvelser")).to_have_attribute("href", "index.ipynb")
    assert "Traceback" not in page.content()


def test_index_lists_cases_and_links_to_the_app(page, voila_server):
    page.goto(voila_server + "/")
    link = page.get_by_role("link", name="Jonas forteller om det som skjer hjemme")
    link.wait_for(timeout=TIMEOUT)
    link.click()
    expect(page.get_by_role("button", name=re.compile("^Lytter rolig"))).to_be_visible(timeout=TIMEOUT)
