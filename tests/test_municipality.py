"""The municipality's settings: nothing about «Eksempel kommune» is hard-coded."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, make_project

from widgets.authoring.catalog import load_catalog
from widgets.authoring.kommune import municipality
from widgets.authoring.library import compiled_case
from widgets.authoring.placeholders import substitute
from widgets.authoring.validate import load_case
from widgets.book.build import build_command

DATA = Path(__file__).parent / "data"
OTHER = {
    "navn": "Fjordvik kommune",
    "tjenester": [{"navn": "Familiens hus", "kontakt": "Telefon 98 76 54 32"}],
    "rutiner": [{"navn": "Fjordvik-rutinen", "beskrivelse": "Ring oss først."}],
    "lenker": [{"navn": "Fjordvik på nett", "url": "https://fjordvik.example/"}],
}


def test_settings_are_read_from_the_config():
    settings = municipality(ROOT / "_config.yml")
    assert settings["navn"] == "Eksempel kommune" and settings["tjenester"]
    assert substitute("Du jobber i {{ kommune }}.", settings) == "Du jobber i Eksempel kommune."
    assert substitute("Du jobber i {{kommune}}.", {}) == "Du jobber i kommunen."


def test_case_texts_get_the_municipality_name(tmp_path):
    project = make_project(tmp_path)
    text = (DATA / "forgreining.yml").read_text(encoding="utf-8").replace(
        "text: Første scene.", "text: Du jobber på helsestasjonen i {{ kommune }}.")
    (project / "cases" / "forgreining.yml").write_text(text, encoding="utf-8")
    (project / "_config.yml").write_text(yaml.safe_dump({"sphinx": {"config": {"kommune": OTHER}}}),
                                         encoding="utf-8")
    compiled = compiled_case("forgreining", project / "cases")
    assert compiled["scenes"]["start"]["paragraphs"] == ["Du jobber på helsestasjonen i Fjordvik kommune."]


def test_unknown_placeholder_is_an_author_error(tmp_path):
    project = make_project(tmp_path)
    text = (DATA / "forgreining.yml").read_text(encoding="utf-8").replace(
        "text: Første scene.", "text: Ring {{ telefon }}.")
    path = project / "cases" / "forgreining.yml"
    path.write_text(text, encoding="utf-8")
    _, problems = load_case(path, load_catalog(project / "cases"))
    assert [(p.line, p.field) for p in problems] == [(11, "scenes[start].text")]
    assert "«{{ telefon }}»" in problems[0].message


@pytest.fixture(scope="module")
def other_book(tmp_path_factory):
    """The book built with a second settings file (another municipality)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["sphinx"]["config"]["kommune"] = OTHER
    path = ROOT / "_test_annen_kommune.yml"   # beside _config.yml, so relative paths hold
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path_factory.mktemp("annen-bok")
    try:
        result = subprocess.run(build_command(ROOT, out) + ["--config", str(path)], cwd=ROOT,
                                capture_output=True, text=True, timeout=600)
    finally:
        path.unlink()
    assert result.returncode == 0 and "WARNING" not in result.stdout + result.stderr, result.stdout[-3000:]
    return out / "_build" / "html"


def test_book_with_other_settings_names_only_that_municipality(other_book):
    page = (other_book / "modules" / "09-var-kommune" / "index.html").read_text(encoding="utf-8")
    assert "Fjordvik kommune" in page and "98 76 54 32" in page and "Fjordvik-rutinen" in page
    assert 'href="https://fjordvik.example/"' in page
    leftovers = [str(p.relative_to(other_book)) for p in other_book.rglob("*.html")
                 if re.search(r"Eksempel kommune|11 11 11 11", p.read_text(encoding="utf-8"))]
    assert leftovers == []
