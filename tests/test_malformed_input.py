"""No input, however broken, may give a traceback: a Norwegian message and exit code 1."""

from __future__ import annotations

import shutil
import time
import tracemalloc

import pytest
from helpers import CASES as REAL_CASES
from helpers import make_project, run_kurs

from widgets.authoring.yamlsource import MAX_NODES, read_yaml

CASES = {
    "yaml-syntaks": ("id: x\ntitle: [uavsluttet\nsummary: y\n", 2, "YAML-feil"),
    "tom": ("", 1, "filen er tom"),
    "bare-kommentar": ("# ingenting her\n", 1, "bare kommentarer"),
    "liste": ("- en\n- to\n", 1, "felt med verdier"),
    "tabulator": ("id: x\n\ttitle: y\n", 2, "tabulator"),
    "kolon": ("id: x\ntitle: Hei: du er her\n", 2, "kolon"),
    "alias": ("id: &a x\ntitle: *a\n", 2, "alias"),
    "flere-dokumenter": ("id: x\n---\nid: y\n", 2, "flere YAML-dokumenter"),
    "dyp": ("a: " + "[" * 5000 + "]" * 5000 + "\n", 1, "nøstet"),
    "ugyldig-dato": ("id: x\ndato: 2026-13-45\n", 2, "dato: «2026-13-45» ser ut som en dato, men datoen finnes ikke"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_text_gives_a_clear_message(tmp_path, name):
    project = make_project(tmp_path)
    text, line, words = CASES[name]
    (project / "cases" / f"{name}.yml").write_text(text, encoding="utf-8")
    result = run_kurs("check", f"cases/{name}.yml", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"cases/{name}.yml:{line}: "), first
    assert words in first
    assert result.stdout.splitlines()[-1] == "1 sak, 1 feil"


@pytest.mark.parametrize("name,payload,words,line", [
    ("binar", bytes(range(256)) * 4, "binære data", 1),
    ("latin1", "id: x\ntitle: Bjørn\n".encode("latin-1"), "UTF-8", 2),
    ("stor", b"title: " + b"a" * 5_000_000 + b"\n", "for stor (5.0 MB)", 1),
    ("utf16", "id: x\n".encode("utf-16"), "", 1),
])
def test_broken_bytes_give_a_clear_message(tmp_path, name, payload, words, line):
    project = make_project(tmp_path)
    (project / "cases" / f"{name}.yml").write_bytes(payload)
    result = run_kurs("check", f"cases/{name}.yml", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"cases/{name}.yml:{line}: ") and words in first, first


def test_missing_file_and_missing_project(tmp_path):
    (tmp_path / "prosjekt").mkdir()
    project = make_project(tmp_path / "prosjekt")
    result = run_kurs("check", "cases/finnes-ikke.yml", cwd=project)
    assert result.returncode == 1 and "kan ikke åpnes" in result.stdout
    empty = tmp_path / "tom-mappe"
    empty.mkdir()
    result = run_kurs("check", cwd=empty)
    assert result.returncode == 1 and "Fant ikke kursprosjektet" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


# -- every message in Norwegian, at its own line and field ----------------------------------

def _case_with(tmp_path, replace: str, by: str):
    """A real case with one line changed; returns (project, file name, line of the change)."""
    project = make_project(tmp_path)
    text = (REAL_CASES / "skolegutt-forteller.yml").read_text(encoding="utf-8")
    assert replace in text
    before = text[: text.index(replace)]
    (project / "cases" / "skolegutt-forteller.yml").write_text(text.replace(replace, by, 1), encoding="utf-8")
    return project, before.count("\n") + 1


def _first_problem(project, name="skolegutt-forteller"):
    result = run_kurs("check", f"cases/{name}.yml", cwd=project)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    return result.stdout.splitlines()[0]


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system", "!egen", "!!binary"])
def test_a_yaml_tag_is_refused_in_norwegian_at_its_field(tmp_path, tag):
    project, line = _case_with(tmp_path, "summary: ", f"summary: {tag} ")
    first = _first_problem(project)
    assert first.startswith(f"cases/skolegutt-forteller.yml:{line}: summary: "), first
    assert "YAML-merke" in first and "ikke tillatt" in first, first
    assert "constructor" not in first and "could not" not in first


def test_a_tag_is_never_run(tmp_path):
    marker = tmp_path / "kjørt"
    project = make_project(tmp_path)
    (project / "cases" / "x.yml").write_text(
        f"id: x\ntitle: !!python/object/apply:os.system [\"touch {marker}\"]\n", encoding="utf-8")
    first = _first_problem(project, "x")
    assert first.startswith("cases/x.yml:2: title: ") and "YAML-merke" in first, first
    assert not marker.exists()


@pytest.mark.parametrize("text,line,field", [
    ("id: x\ntitle: y\n? [a, b]\n: c\n", 3, ""),
    ("id: x\nscenes:\n  - {[a]: 1}\n", 3, "scenes[0]: "),
    ("id: x\nlabels:\n  ? {a: 1}\n  : 2\n", 3, "labels: "),
])
def test_a_key_that_is_not_text_is_refused_in_norwegian(tmp_path, text, line, field):
    project = make_project(tmp_path)
    (project / "cases" / "x.yml").write_text(text, encoding="utf-8")
    first = _first_problem(project, "x")
    assert first.startswith(f"cases/x.yml:{line}: {field}et feltnavn er en liste eller en gruppe felt"), first
    assert "unhashable" not in first


def test_a_date_like_title_is_reported_at_its_own_line(tmp_path):
    project, line = _case_with(tmp_path, "title: ", "title: 2026-13-45\nx_gammel_tittel: ")
    first = _first_problem(project)
    assert line > 1
    assert first.startswith(f"cases/skolegutt-forteller.yml:{line}: title: «2026-13-45» ser ut som en dato, "
                            "men datoen finnes ikke — "), first
    assert "month" not in first and "must be" not in first


@pytest.mark.parametrize("word", ["yes", "Yes", "on", "y", "ON"])
def test_yaml_1_1_booleans_do_not_count_as_true(tmp_path, word):
    project, line = _case_with(tmp_path, "fictional: true", f"fictional: {word}")
    first = _first_problem(project)
    assert first.startswith(f"cases/skolegutt-forteller.yml:{line}: fictional: «{word}» er ikke true eller false"), first
    assert "skriv true" in first


def test_yes_and_no_stay_text_in_text_fields(tmp_path):
    """YAML 1.2: a label «No» is the word, not the boolean false."""
    project = make_project(tmp_path)
    shutil.copy(REAL_CASES / "skolegutt-forteller.yml", project / "cases")
    path = project / "cases" / "skolegutt-forteller.yml"
    source, problems = read_yaml(path)
    assert source is not None and not problems
    source_text = path.read_text(encoding="utf-8").replace("fictional: true", "fictional: TRUE", 1)
    path.write_text(source_text + "ekstra: [yes, No, off, true, False]\n", encoding="utf-8")
    source, problems = read_yaml(path)
    assert source.data["fictional"] is True
    assert source.data["ekstra"] == ["yes", "No", "off", True, False]


def _many_tiny_nodes(path, count=190_000):
    path.write_text("a: [" + ",".join("1" for _ in range(count)) + "]\n", encoding="utf-8")
    assert path.stat().st_size < 1_000_000


def test_many_tiny_nodes_are_refused_while_reading_quickly(tmp_path):
    path = tmp_path / "mange.yml"
    _many_tiny_nodes(path)
    read_yaml(path)  # warm up imports
    started = time.perf_counter()
    source, problems = read_yaml(path, "cases/mange.yml")
    seconds = time.perf_counter() - started
    assert source is None and len(problems) == 1
    text = str(problems[0])
    assert text.startswith("cases/mange.yml:1: filen har for mange verdier"), text
    assert f"{MAX_NODES:,}".replace(",", " ") in text  # says which limit it hit
    assert seconds < 1.0, f"{seconds:.2f} s"
    tracemalloc.start()
    try:
        read_yaml(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40_000_000, f"{peak / 1e6:.0f} MB"


def test_many_tiny_nodes_through_kurs_check(tmp_path):
    project = make_project(tmp_path)
    _many_tiny_nodes(project / "cases" / "mange.yml")
    first = _first_problem(project, "mange")
    assert first.startswith("cases/mange.yml:1: filen har for mange verdier (grensen er 20 000"), first


def test_deep_nesting_says_which_limit(tmp_path):
    path = tmp_path / "dyp.yml"
    path.write_text("a:\n" + "".join("  " * i + f"b{i}:\n" for i in range(1, 80)) + "  " * 80 + "c: 1\n",
                    encoding="utf-8")
    source, problems = read_yaml(path, "cases/dyp.yml")
    assert source is None
    assert "for dypt nøstet (grensen er 50 nivåer)" in str(problems[0]), problems
