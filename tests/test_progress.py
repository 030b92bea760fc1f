"""Course progress in the built book (widgets/book/static/progress.js) and the certificate.

Progress lives in localStorage only: it survives a reload on file:// and over plain HTTP,
«Slett fremdriften min» clears it, and it moves to another browser as a small file. With
every required module and enough exercises done, the certificate prints to an A4 PDF
with the course, the municipality, the learner's name, the date, the modules and hours.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from helpers import best_run, outside_requests, play_case

from widgets.authoring.library import compiled_case

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
KEY = "tidlig-og-sammen/fremdrift"
MODULE = "modules/02-liermodellen/index"


def _course(book_html: Path) -> dict:
    return json.loads((book_html / "kurs-fremdrift.json").read_text(encoding="utf-8"))


def _reach_checklist(page, url: str) -> None:
    page.goto(url)
    page.locator("#sjekkliste").scroll_into_view_if_needed()
    page.locator(".kf-mark span", has_text="Du har fullført denne modulen").wait_for()  # visible
    assert page.locator(".kf-mark button").is_hidden()


def _panel(page) -> str:
    return page.locator(".kf-full").inner_text()


def test_manifest_lists_the_course_and_the_municipality_requirements(book_html):
    course = _course(book_html)
    assert course["title"] == "Tidlig og sammen" and course["kommune"] == "Eksempel kommune"
    assert [m[0] for m in course["m"]][:2] == ["modules/01-hvorfor-tidlig-og-sammen/index", MODULE]
    assert len(course["m"]) == 10 and len(course["x"]) == len(list((ROOT / "cases").glob("[a-z]*.yml")))
    assert course["req"] == {"m": [m[0] for m in course["m"][:9]], "x": 3, "p": 50, "h": 4}
    assert course["cert"] == "kursbevis"
    page = (book_html / "intro.html").read_text(encoding="utf-8")
    assert 'id="kurs-data" data-side="intro"' in page and "progress.js" in page


def test_progress_survives_reload_on_file_url_and_delete_clears_it(page, book_html):
    base = (book_html).as_uri() + "/"
    _reach_checklist(page, base + MODULE + ".html")
    page.reload()
    assert page.locator(".kf-mark span").is_visible() and page.locator(".kf-mark button").is_hidden()
    page.goto(base + "intro.html")
    assert "1 av 12 krav til kursbevis er fullført" in _panel(page)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "min-fremdrift.png"), full_page=False)
    page.locator(".kf-full").screenshot(path=str(OUTPUT / "min-fremdrift-forsiden.png"))
    assert "Liermodellen – tre trinn ✓ fullført" in _panel(page)
    assert page.locator(".bd-sidebar-primary .kurs-fremdrift progress").get_attribute("value") == "1"
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_role("button", name="Slett fremdriften min").click()
    assert "1 av 12" in _panel(page), "cancelled: nothing deleted"
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Slett fremdriften min").click()
    assert "0 av 12" in _panel(page) and "Fremdriften din er slettet." in _panel(page)
    page.reload()
    assert "0 av 12" in _panel(page)
    assert page.evaluate("localStorage.getItem(window.KursFremdrift.KEY)") in (None, '{"m":{},"x":{}}')


def test_progress_moves_to_another_browser_as_a_file(page, book_server, browser, tmp_path):
    outside = outside_requests(page)
    _reach_checklist(page, f"{book_server}/{MODULE}.html")
    page.goto(f"{book_server}/intro.html")
    with page.expect_download() as download:
        page.get_by_role("button", name="Lagre fremdriften som fil").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data == {"format": KEY, "m": {MODULE: 1}, "x": {}}
    assert saved.stat().st_size < 1000
    other = browser.new_context().new_page()  # another PC: nothing there yet
    other.goto(f"{book_server}/intro.html")
    assert "0 av 12" in _panel(other)
    bad = tmp_path / "feil.json"
    bad.write_text('{"format": "noe annet"}', encoding="utf-8")
    other.locator("#kf-fil").set_input_files(str(bad))
    other.locator(".kf-full", has_text="er ikke en fremdriftsfil").wait_for()
    other.locator("#kf-fil").set_input_files(str(saved))
    other.locator(".kf-full", has_text="Fremdriften er hentet fra filen.").wait_for()
    assert "1 av 12" in _panel(other)
    other.context.close()
    assert not outside


def test_certificate_after_every_module_and_three_exercises_prints_to_pdf(page, book_server, book_html):
    from pypdf import PdfReader

    course = _course(book_html)
    page.goto(f"{book_server}/kursbevis.html")
    assert "ikke oppfylt kravene" in page.locator(".kurs-bevis").inner_text()
    for doc, _ in course["m"][:9]:
        _reach_checklist(page, f"{book_server}/{doc}.html")
    played = [x[0] for x in course["x"][:3]]
    for case_id in played:
        page.goto(f"{book_server}/ovelser/{case_id}.html")
        choices, labels = best_run(compiled_case(case_id, ROOT / "cases"))
        play_case(page, choices, labels)
        page.locator(".cp-summary").wait_for()
    page.goto(f"{book_server}/intro.html")
    assert "12 av 12" in _panel(page)
    page.get_by_role("link", name="Du har oppfylt kravene. Skriv ut kursbeviset").first.click()
    page.get_by_label("Navnet ditt").fill("Kari Nordmann")
    page.reload()  # the name is kept in this browser
    assert page.get_by_label("Navnet ditt").input_value() == "Kari Nordmann"
    data = page.pdf(format="A4", prefer_css_page_size=True)
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "kursbevis.pdf").write_bytes(data)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=str(OUTPUT / "kursbevis-utskrift.png"), full_page=True)
    pdf = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert len(pdf.pages) == 1, text
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842), "A4"
    for expected in ("Kursbevis", "Kari Nordmann", "Tidlig og sammen", "Eksempel kommune", "Omfang: 4 timer",
                     "3 caseøvelser, med 100 % av poengene", str(date.today().year),
                     *[title for _, title in course["m"][:9]]):
        assert expected in text, (expected, text)
    assert "Kursholdere" not in text and "Min fremdrift" not in text and "Navnet ditt" not in text
    # The name stays in the browser: not in the progress, not in an export.
    assert "Kari" not in page.evaluate("localStorage.getItem(window.KursFremdrift.KEY)")


MODULES = ["modules/01-hvorfor/index", "modules/02-liermodellen/index", "modules/10-kursholder/index"]


def _requirements(block, monkeypatch):
    from widgets.book import progress

    problems = []
    monkeypatch.setattr(progress, "_problem", lambda field, message: problems.append((field, message)))
    return progress.requirements(block, MODULES), problems


def test_requirements_from_the_municipality_block(monkeypatch):
    req, problems = _requirements({"moduler": [1, "02-liermodellen"], "ovelser": 2, "minste_poeng": 60, "timer": 3.5},
                                  monkeypatch)
    assert problems == []
    assert req == {"m": MODULES[:2], "x": 2, "p": 60, "h": 3.5}
    req, problems = _requirements(None, monkeypatch)
    assert req == {"m": MODULES, "x": 0, "p": None, "h": None} and problems == []


def test_requirements_name_what_is_wrong_in_norwegian(monkeypatch):
    req, problems = _requirements({"moduler": [4, "samtalen"], "ovelser": "tre", "minste_poeng": 150,
                                   "timmer": 4}, monkeypatch)
    assert ("timmer", "ukjent felt — bruk minste_poeng, moduler, ovelser, timer") in problems
    assert sum(field == "moduler" and "er ingen modul" in message for field, message in problems) == 2
    assert ("ovelser", "«tre» skal være et tall fra 0 til 1000") in problems
    assert ("minste_poeng", "«150» skal være et tall fra 0 til 100") in problems
    assert req["m"] == [] and req["p"] is None
