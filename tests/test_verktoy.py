"""The printable tools (verktoy/): in the book, printed on A4, replaceable by the municipality."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

TOOLS = ["samtykkeskjema", "stafettlogg", "sjekkliste-bekymringsmelding", "fra-undring-til-melding",
         "nar-kan-du-dele"]


def test_every_tool_has_a_page_in_its_own_part_with_the_print_css():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p["caption"] == "Verktøy")
    files = [s["file"] for c in part["chapters"] for s in c.get("sections", [])]
    assert files == [f"verktoy/{t}" for t in TOOLS]
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    assert "verktoy.css" in config["html_css_files"]
    assert "widgets.book" in config["extensions"]  # sets up widgets.book.tools
    css = (ROOT / "_theme" / "static" / "verktoy.css").read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", css)
    for tool in TOOLS:
        text = (ROOT / "verktoy" / f"{tool}.md").read_text(encoding="utf-8")
        assert f"```{{kommune-verktoy}} {tool}\n```" in text, tool
        assert "{container} verktoy-ark" in text, tool


def test_the_flowchart_is_accessible(book_html):
    page = (book_html / "verktoy" / "fra-undring-til-melding.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg [^>]*aria-labelledby="flyt-tittel[^>]*>', page).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="flyt-tittel flyt-beskrivelse"' in svg
    assert '<title id="flyt-tittel">' in page
    # the same seven steps as text
    steps = page.split("Stegene i tekst")[1]
    assert len(re.findall(r"<li>", steps.split("</ol>")[0])) == 7


def test_module_8_and_the_sheet_show_the_same_table(book_html):
    def rows(path):
        html = (book_html / path).read_text(encoding="utf-8")
        return re.findall(r"<tr class=\"row-(?:even|odd)\"><td><p>([^<]+)</p>", html)

    sheet = rows("verktoy/nar-kan-du-dele.html")
    assert len(sheet) == 9 and sheet == rows("modules/08-taushetsplikt-og-samtykke/index.html")


def _printed_pages(page, url) -> int:
    page.goto(url)
    page.emulate_media(media="print")
    assert not page.locator(".bd-sidebar-primary").is_visible()
    assert page.locator(".verktoy-ark").is_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_module_8s_table_prints_on_one_a4_page_without_the_menus(page, book_server):
    assert _printed_pages(page, f"{book_server}/verktoy/nar-kan-du-dele.html") == 1


@pytest.mark.parametrize("tool", [t for t in TOOLS if t != "nar-kan-du-dele"])
def test_every_other_tool_prints_on_at_most_two_a4_pages(page, book_server, tool):
    assert _printed_pages(page, f"{book_server}/verktoy/{tool}.html") <= 2


def test_a_form_prints_with_empty_fields_to_write_in(page, book_server):
    page.goto(f"{book_server}/verktoy/samtykkeskjema.html")
    page.emulate_media(media="print")
    cell = page.locator(".verktoy-ark tbody td").nth(1)
    assert cell.inner_text().strip() == ""
    assert cell.bounding_box()["height"] >= 30  # room for handwriting
    boxes = page.locator(".verktoy-ark .task-list-item-checkbox")
    assert boxes.count() >= 8 and boxes.first.bounding_box()["x"] >= 0  # drawn on the paper


# -- the municipality's own version ------------------------------------------------------

CONF = '''extensions = ["myst_parser", "widgets.book.municipality", "widgets.book.tools"]
language = "nb"
kommune = {kommune!r}
'''


def build(tmp_path: Path, kommune: dict) -> subprocess.CompletedProcess:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF.format(kommune=kommune), encoding="utf-8")
    (src / "index.md").write_text("# Samtykkeskjema\n\n```{kommune-verktoy} samtykkeskjema\n```\n\nSkjemaet.\n",
                                  encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(src / "_build")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_a_municipality_can_link_its_own_version_at_the_top(tmp_path):
    url = "https://www.fjordvik.kommune.no/samtykke.pdf"
    proc = build(tmp_path, {"navn": "Fjordvik kommune", "verktoy": {"samtykkeskjema": url}})
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "src" / "_build" / "index.html").read_text(encoding="utf-8")
    box = html.index("kommune-verktoy")
    assert box < html.index("Skjemaet.")
    assert re.search(rf'<a [^>]*href="{re.escape(url)}"[^>]*>Åpne versjonen fra Fjordvik kommune</a>', html)
    assert "Fjordvik kommune har en egen versjon av dette verktøyet." in html


def test_without_the_setting_the_page_shows_no_link(tmp_path):
    proc = build(tmp_path, {"navn": "Fjordvik kommune"})
    assert proc.returncode == 0, proc.stderr
    assert "kommune-verktoy" not in (tmp_path / "src" / "_build" / "index.html").read_text(encoding="utf-8")


def test_a_link_that_is_not_https_fails_the_build(tmp_path):
    proc = build(tmp_path, {"navn": "Fjordvik kommune", "verktoy": {"samtykkeskjema": "http://fjordvik.no/s.pdf"}})
    assert proc.returncode != 0
    assert "kommune.verktoy.samtykkeskjema: lenken «http://fjordvik.no/s.pdf» må starte med https://" in proc.stderr
    assert "index.md:3" in proc.stderr
