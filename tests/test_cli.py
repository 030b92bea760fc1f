"""`kurs` as authors use it: exit codes, summary lines, written files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import make_project, run_kurs

DATA = Path(__file__).parent / "data"


def test_check_good_cases_exits_0_with_summary(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(DATA / "forgreining.yml", project / "cases")
    result = run_kurs("check", cwd=project)
    assert result.returncode == 0 and result.stdout.strip() == "1 sak, 0 feil"


def test_check_broken_case_prints_every_error_and_exits_1(tmp_path):
    project = make_project(tmp_path)
    text = (DATA / "forgreining.yml").read_text(encoding="utf-8")
    text = text.replace("fictional: true", "fictional: false").replace("next: melding", "next: meldig")
    (project / "cases" / "forgreining.yml").write_text(text, encoding="utf-8")
    shutil.copy(DATA / "forgreining.yml", project / "cases" / "kopi.yml")
    result = run_kurs("check", "cases", cwd=project)
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert lines[-1] == "2 saker, 4 feil"
    assert "cases/forgreining.yml:29: scenes[melding].id: scenen «melding» kan ikke nås fra starten" in result.stdout
    assert any(line.startswith("cases/forgreining.yml:5: fictional: ") for line in lines)
    assert any(line.startswith("cases/forgreining.yml:") and ".next: scenen «meldig» finnes ikke" in line for line in lines)
    assert any(line.startswith("cases/kopi.yml:2: id: ") for line in lines)
    assert "Traceback" not in result.stdout + result.stderr


def test_compile_writes_versioned_json(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(DATA / "forgreining.yml", project / "cases")
    result = run_kurs("compile", "--ut", "ut", cwd=project)
    assert result.returncode == 0, result.stdout
    data = json.loads((project / "ut" / "forgreining.json").read_text(encoding="utf-8"))
    assert data["format_version"] == 2 and data["start"] == "start"


def test_compile_refuses_broken_cases(tmp_path):
    project = make_project(tmp_path)
    (project / "cases" / "tom.yml").write_text("", encoding="utf-8")
    result = run_kurs("compile", "--ut", "ut", cwd=project)
    assert result.returncode == 1 and not (project / "ut").exists()


def test_new_case_writes_a_valid_commented_starter(tmp_path):
    project = make_project(tmp_path)
    result = run_kurs("new-case", "ny-sak", cwd=project)
    assert result.returncode == 0, result.stdout
    text = (project / "cases" / "ny-sak.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=case.schema.json") and "id: ny-sak" in text
    # The structure is valid: only the texts still to be written are reported.
    lines = run_kurs("check", cwd=project).stdout.strip().splitlines()
    assert lines[:-1] and all("teksten er fortsatt malens eksempeltekst" in line for line in lines[:-1]), lines
    again = run_kurs("new-case", "ny-sak", cwd=project)
    assert again.returncode == 1 and "finnes allerede" in again.stdout
    bad = run_kurs("new-case", "Ny Sak", cwd=project)
    assert bad.returncode == 1 and "ikke et gyldig id" in bad.stdout


def test_schema_lists_the_defined_values(tmp_path):
    project = make_project(tmp_path)
    result = run_kurs("schema", "--ut", "-", cwd=project)
    schema = json.loads(result.stdout)
    topics = schema["properties"]["topics"]["items"]["enum"]
    assert topics[:4] == ["vold", "psykisk-helse", "rus", "barn-som-parorende"] and "kjonnslemlestelse" in topics
    assert "bvl-13-2" in schema["$defs"]["Option"]["properties"]["refs"]["items"]["enum"]
    assert schema["$defs"]["Scene"]["additionalProperties"] is False


def test_help_is_norwegian_and_no_command_exits_2(tmp_path):
    result = run_kurs("--help", cwd=tmp_path)
    assert result.returncode == 0 and "bruk: kurs" in result.stdout and "kommandoer" in result.stdout
    result = run_kurs(cwd=tmp_path)
    assert result.returncode == 2
    result = run_kurs("sjekk", cwd=tmp_path)
    assert result.returncode == 2 and "ugyldig valg" in result.stderr
