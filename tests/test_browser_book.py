"""The built book in real headless Chromium, served as plain static files."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

CASE = "skolegutt-forteller"


def outside_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url)
            if urlsplit(r.url).hostname not in ("127.0.0.1", "localhost", None) else None)
    return seen


def test_no_page_requests_another_host(page, book_server, book_html):
    outside = outside_requests(page)
    pages = sorted(p.relative_to(book_html).as_posix() for p in book_html.rglob("*.html")
                   if "_static" not in p.parts)
    assert len(pages) >= 30
    for name in pages:
        page.goto(f"{book_server}/{name}", wait_until="networkidle")
    assert outside == []


def test_exercise_page_plays_resumes_and_reaches_the_summary(page, book_server, screenshot):
    """On a phone (360 px): choose by keyboard. Then on a desktop tab (1280 px): the
    exercise resumes where it was, and plays to the summary."""
    outside = outside_requests(page)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{book_server}/ovelser/{CASE}.html")
    player = page.locator(".case-player")
    expect(player.locator(".cp-step")).to_have_text("Steg 1 av 5")
    screenshot("bok-ovelse-start", player.get_by_role("group"))
    player.get_by_role("button", name=re.compile("^Lytter rolig")).focus()
    page.keyboard.press("Enter")
    expect(player.locator(".cp-feedback")).to_contain_text("Anbefalt")
    screenshot("bok-ovelse-tilbakemelding", player.locator(".cp-feedback"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360  # no sideways scrolling

    desk = page.context.new_page()
    desk.set_viewport_size({"width": 1280, "height": 800})
    desk.goto(f"{book_server}/ovelser/{CASE}.html")
    player = desk.locator(".case-player")
    expect(player.locator(".cp-feedback")).to_contain_text("Jonas har tatt et stort skritt")
    screenshot("bok-ovelse-tilbakemelding", player.locator(".cp-feedback"), on=desk)
    for option in ("Trinn 3", "Melder til barnevernet straks", "Nivå 3"):
        player.get_by_role("button", name="Fortsett").click()
        player.get_by_role("button", name=re.compile("^" + option)).click()
    player.get_by_role("button", name="Fortsett").click()
    expect(player.locator(".cp-summary")).to_contain_text("2 av 2 poeng")
    screenshot("bok-ovelse-oppsummering", player.locator(".cp-summary"), on=desk)
    expect(desk.get_by_role("link", name="Åpne øvelsen som app")).to_have_count(0)  # no Voila configured
    assert outside == []


def test_tier_chooser_of_module_2_works_offline(page, book_server):
    """The tier chooser (plain HTML and a few lines of script, no widget library) shows
    the explanation of the tier chosen, and only that one."""
    outside = outside_requests(page)
    page.goto(f"{book_server}/modules/02-liermodellen/index.html", wait_until="networkidle")
    chooser = page.get_by_label(re.compile("Velg trinn"))
    expect(chooser).to_be_visible()
    expect(page.get_by_text("Universelle tiltak:")).to_be_visible()
    expect(page.get_by_text("Selektive tiltak:")).to_be_hidden()
    chooser.select_option(label="Trinn 2 – selektiv")
    expect(page.get_by_text("Selektive tiltak:")).to_be_visible()
    expect(page.get_by_text("Universelle tiltak:")).to_be_hidden()
    assert outside == []


def test_search_finds_pages_and_shows_each_with_its_summary(page, book_server):
    """The search scripts load only on the search page (deferred); each result comes with
    the summary of the page, in Sphinx's order (the course's sok.js holds a result back
    until its summary is there)."""
    outside = outside_requests(page)
    page.goto(f"{book_server}/search.html?q=samtykke")
    expect(page.locator("#search-results .search-summary")).to_contain_text("fant", timeout=15_000)
    results = page.locator("#search-results ul.search > li")
    # Results come one by one, each with its summary: wait for the first three.
    page.wait_for_function("document.querySelectorAll('#search-results ul.search > li').length >= 3",
                           timeout=15_000)
    expect(results.last.locator("p.context")).to_be_visible()
    count = results.count()
    assert count >= 3
    assert page.locator("#search-results ul.search > li > p.context").count() == count
    titles = " ".join(results.all_inner_texts())
    assert "Taushetsplikt og samtykke" in titles
    assert page.locator("#search-results ul.search span.highlighted").count() >= count
    assert outside == []
