"""Print: an exercise prints as a handout with every choice and no verdict, trainers get
an answer sheet, links print with their address, and the print date is printed."""

from __future__ import annotations

import io
import re

import pytest
from helpers import ROOT

from widgets.authoring.kommune import municipality
from widgets.authoring.library import compiled_case

pytestmark = pytest.mark.slow
CASE = "mange-tjenester-ingen-koordinator"


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return words(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def test_the_handout_pdf_has_every_choice_and_no_verdict(page, book_server, book_html):
    case = compiled_case(CASE, settings=municipality(ROOT / "_config.yml"))
    labels = [o["label"] for s in case["scenes"].values() if s.get("decision")
              for o in s["decision"].get("options") or []]
    assert len(labels) >= 6
    page.goto(f"{book_server}/ovelser/{CASE}.html")
    page.get_by_role("link", name="Skriv ut som arbeidsark").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/utskrift/{CASE}-arbeidsark.html")
    text = pdf_text(page.pdf(format="A4"))
    missing = [label for label in labels if words(label) not in text]
    assert missing == []
    verdicts = [v["name"] for v in case["labels"]["verdicts"].values()]
    assert [v for v in verdicts if v in text] == []
    assert not any(words(" ".join(o["feedback"]))[:60] in text for s in case["scenes"].values() if s.get("decision")
                   for o in s["decision"].get("options") or [])
    assert re.search(r"Skrevet ut \d{1,2}\. \w+ 20\d\d", text), text[:400]


def test_the_answer_sheet_has_every_verdict_and_feedback(page, book_server):
    case = compiled_case(CASE, settings=municipality(ROOT / "_config.yml"))
    page.goto(f"{book_server}/ovelser/{CASE}.html")
    page.get_by_role("link", name="Fasit for kursholdere").click()
    page.wait_for_load_state()
    text = pdf_text(page.pdf(format="A4"))
    for scene in case["scenes"].values():
        for option in (scene.get("decision") or {}).get("options") or []:
            assert words(option["label"]) in text
            assert words(" ".join(option["feedback"]))[:50] in text
            assert case["labels"]["verdicts"][option["verdict"]]["name"] in text


def test_a_module_prints_links_with_their_address_and_the_date(page, book_server):
    page.goto(f"{book_server}/modules/09-var-kommune/index.html")
    text = pdf_text(page.pdf(format="A4"))
    compact = text.replace(" ", "")
    assert "(https://www.116111.no/)" in compact and "(tel:+4711111111)" in compact
    assert re.search(r"Skrevet ut \d{1,2}\. \w+ 20\d\d", text), text[:400]
