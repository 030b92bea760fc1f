"""No input, however broken, may give a traceback: a Norwegian message and exit code 1."""

from __future__ import annotations

import pytest
from helpers import make_project, run_kurs

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
    "ugyldig-dato": ("id: x\ndato: 2026-13-45\n", 1, "kan ikke leses"),
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
