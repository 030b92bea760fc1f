"""The Voila apps: unit level (no server) and a real Voila server over HTTP."""

from __future__ import annotations

import shutil
from pathlib import Path

import ipywidgets as w
import pytest
from helpers import http_get as _get
from helpers import make_project

from widgets.authoring.compiler import to_json
from widgets.authoring.library import compiled_case
from widgets.play.exercise import CaseExercise
from widgets.voila.apps import CaseIndex, exercise_app, query_case_id

DATA = Path(__file__).parent / "data"


@pytest.fixture
def compiled_dir(tmp_path, monkeypatch):
    project = make_project(tmp_path)
    shutil.copy(DATA / "forgreining.yml", project / "cases")
    out = tmp_path / "saker"
    out.mkdir()
    (out / "forgreining.json").write_text(to_json(compiled_case("forgreining", project / "cases")), encoding="utf-8")
    monkeypatch.setenv("KURS_KOMPILERT", str(out))
    return out


def test_query_string_parsing():
    assert query_case_id("case=forgreining&x=1") == "forgreining"
    assert query_case_id("") is None and query_case_id("kode=ABCD") is None


def test_exercise_app_shows_the_case(compiled_dir):
    app = exercise_app("case=forgreining")
    assert isinstance(app.children[1], CaseExercise)
    assert 'href="index.ipynb"' in app.children[0].value


@pytest.mark.parametrize("query", ["", "case=finnes-ikke", "case=../../etc/passwd", "case=%3Cscript%3E"])
def test_exercise_app_friendly_message_for_bad_ids(compiled_dir, query):
    app = exercise_app(query)
    assert isinstance(app, w.HTML) and 'role="alert"' in app.value
    assert "Fant ikke øvelsen" in app.value and 'href="index.ipynb"' in app.value
    assert "<script>" not in app.value


def test_index_lists_and_filters(compiled_dir):
    from widgets.play.loader import all_compiled

    cases = all_compiled(compiled_dir)
    other = dict(cases[0], id="annen", title="Annen sak", topics=["vold"], services=["skole"],
                 labels={**cases[0]["labels"], "topics": {"vold": "Vold og overgrep"}, "services": {"skole": "Skole"}})
    index = CaseIndex(cases + [other])
    assert "2 av 2 saker" in index.listing.value and 'href="ovelse.ipynb?case=forgreining"' in index.listing.value
    index.filters["topics"].value = "vold"
    assert "1 av 2 saker" in index.listing.value and "Annen sak" in index.listing.value
    assert "Testsak med to veier" not in index.listing.value
    index.filters["services"].value = "helsestasjon"
    assert "Ingen saker passer filteret" in index.listing.value


def test_root_and_tree_go_to_the_case_list(voila_server):
    for path in ("/", "/voila/tree/", "/voila/tree/apps"):
        status, headers, _ = _get(voila_server + path)
        assert status in (301, 302) and headers["Location"].endswith("/voila/render/index.ipynb")


def test_no_file_listing(voila_server):
    status, _, _ = _get(voila_server + "/voila/api/contents/")
    assert status == 404


def test_exercise_page_renders_without_sources_or_tracebacks(voila_server):
    status, _, body = _get(voila_server + "/voila/render/ovelse.ipynb?case=skolegutt-forteller")
    assert status == 200
    assert "exercise_app()" not in body and "Traceback" not in body
    status, _, body = _get(voila_server + "/voila/render/ovelse.ipynb?case=finnes-ikke")
    assert status == 200 and "Fant ikke" in body and "Traceback" not in body
