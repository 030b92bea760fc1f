"""A municipality's settings are checked like a case: file:line: field, «mente du», link
texts, https/mailto/tel only, YAML errors in Norwegian; contacts become links; module 9
says only what the settings have."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_project, run_kurs

from widgets.authoring.kommune import municipality
from widgets.book.municipality import checklist_markdown, contact_nodes, emergency_markdown
from widgets.book.output import storage_name, virtual_envs
from widgets.problems import ProblemsFound


def problems_of(tmp_path: Path, text: str, top_level: bool = True) -> list[str]:
    path = tmp_path / ("fjordvik.yml" if top_level else "_config.yml")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsFound) as exc:
        municipality(path, top_level=top_level)
    return [str(p).replace(f"{tmp_path}/", "") for p in exc.value.problems]


def test_the_starter_file_is_valid_and_commented(tmp_path):
    result = run_kurs("new-kommune", "fjordvik.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    text = (tmp_path / "fjordvik.yml").read_text(encoding="utf-8")
    assert text.startswith("# Innstillinger") and "kurs build --kommune fjordvik.yml" in text
    assert municipality(tmp_path / "fjordvik.yml", top_level=True)["navn"] == "Min kommune"
    again = run_kurs("new-kommune", "fjordvik.yml", cwd=tmp_path)
    assert again.returncode == 1 and "finnes allerede" in again.stdout


def test_a_mistyped_field_names_field_line_and_the_right_field(tmp_path):
    found = problems_of(tmp_path, "navn: Fjordvik kommune\ntjenester:\n  - navn: Helsestasjonen\n"
                                  "    telefon: 12 34 56 78\nlenker:\n  - tittel: Fjordvik på nett\n"
                                  "    url: https://fjordvik.example/\n")
    assert "fjordvik.yml:4: tjenester[0].telefon: ukjent felt «telefon» — mente du «kontakt»?" in found
    assert "fjordvik.yml:6: lenker[0].tittel: ukjent felt «tittel» — mente du «navn»?" in found
    assert any(p.startswith("fjordvik.yml:6: lenker[0].navn: mangler") for p in found)


def test_links_need_a_text_and_a_safe_address(tmp_path):
    found = problems_of(tmp_path, "navn: Fjordvik kommune\nlenker:\n  - navn: ''\n    url: https://a.example/\n"
                                  "  - navn: Usikker\n    url: http://b.example/\n"
                                  "  - navn: Skript\n    url: 'javascript:alert(1)'\n")
    assert any(p.startswith("fjordvik.yml:3: lenker[0].navn: er tom") for p in found)
    assert any(p.startswith("fjordvik.yml:6: lenker[1].url: lenken må starte med https://, mailto: eller tel:")
               for p in found)
    assert any(p.startswith("fjordvik.yml:8: lenker[2].url: lenken må starte med") for p in found)


def test_yaml_errors_are_norwegian_with_the_line(tmp_path):
    found = problems_of(tmp_path, "navn: Fjordvik kommune\nrutiner:\n  - navn: Nivå 1: samtale\n")
    assert found == [found[0]] and found[0].startswith("fjordvik.yml:3: YAML-feil: et kolon står der")
    assert "anførselstegn" in found[0]


def test_a_broken_book_config_is_a_norwegian_error_not_a_traceback(tmp_path):
    found = problems_of(tmp_path, "title: Kurs\nsphinx: 5\n", top_level=False)
    assert found == ["_config.yml:2: sphinx: skal være felt med verdier — skriv feltene på linjene under, med innrykk"]
    found = problems_of(tmp_path, "sphinx:\n  config:\n    kommune:\n      navn: X\n      tjenster: []\n",
                        top_level=False)
    assert found == ["_config.yml:5: kommune.tjenster: ukjent felt «tjenster» — mente du «tjenester»?"]
    (tmp_path / "prosjekt").mkdir()
    project = make_project(tmp_path / "prosjekt")
    (project / "_config.yml").write_text("title: Kurs\nsphinx:\n  config: 7\n", encoding="utf-8")
    result = run_kurs("build", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "_config.yml:3: sphinx.config: skal være felt med verdier" in result.stdout


def test_kurs_check_reports_the_settings_of_the_book(tmp_path):
    (tmp_path / "fjordvik.yml").write_text("navn: Fjordvik\ntjenester:\n  - navn: PPT\n    tlf: 1\n",
                                           encoding="utf-8")
    result = run_kurs("check", "--kommune", "fjordvik.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert "fjordvik.yml:4: tjenester[0].tlf: ukjent felt «tlf» — mente du «kontakt»?" in result.stdout


def test_the_optional_keys_of_other_features_are_accepted_and_checked(tmp_path):
    path = tmp_path / "fjordvik.yml"
    path.write_text("navn: Fjordvik kommune\nverktoy:\n  samtykkeskjema: https://fjordvik.example/samtykke.pdf\ntilgjengelighet:\n"
                    "  kontakt: post@fjordvik.example\n  erklaering_url: https://uustatus.no/x\n"
                    "lagringsnavn: fjordvik\nkildefiler: true\n", encoding="utf-8")
    settings = municipality(path, top_level=True)
    assert settings["tilgjengelighet"]["kontakt"] == "post@fjordvik.example" and settings["kildefiler"] is True
    found = problems_of(tmp_path, "navn: X\ntilgjengelighet:\n  erklaering_url: uustatus.no\n")
    assert any(p.startswith("fjordvik.yml:3: tilgjengelighet.erklaering_url: lenken må starte") for p in found)
    found = problems_of(tmp_path, "navn: X\nverktoy:\n  samtykeskjema: https://x.example/a.pdf\n")
    assert any(p.startswith("fjordvik.yml:3: verktoy.samtykeskjema: ukjent felt") and "samtykkeskjema" in p
               for p in found), found


def test_contacts_become_mailto_and_tel_links():
    parts = contact_nodes("Telefon 22 22 22 22 (hverdager 8–15), e-post barnevern@fjordvik.example, akutt 112")
    links = [(n.astext(), n["refuri"]) for n in parts if n.tagname == "reference"]
    assert links == [("22 22 22 22", "tel:+4722222222"),
                     ("barnevern@fjordvik.example", "mailto:barnevern@fjordvik.example"),
                     ("112", "tel:112")]


def test_module_9_mentions_the_on_call_service_only_when_there_is_one():
    without = {"navn": "Fjordvik", "tjenester": [{"navn": "Barnevernstjenesten", "kontakt": "Telefon 1"}]}
    assert "barnevernvakt" not in (emergency_markdown(without) + checklist_markdown(without)).lower()
    assert "barnevernstjenesten" in checklist_markdown(without)
    with_it = {"navn": "Fjordvik", "tjenester": [{"navn": "Barnevernvakten", "kontakt": "Telefon 33 33 33 33"}]}
    assert "Utenfor kontortid når du barnevernvakten (Telefon 33 33 33 33)" in emergency_markdown(with_it)
    assert "rutine" not in checklist_markdown(without)


def test_each_book_has_its_own_storage_name():
    assert storage_name({"navn": "Fjordvik kommune"}) == "fjordvik-kommune"
    assert storage_name({"navn": "Bø kommune"}, "bydel") == "bo-kommune-bydel"
    assert storage_name({"navn": "X", "lagringsnavn": "eget"}) == "eget"


def test_hidden_folders_and_virtual_environments_are_found(tmp_path):
    (tmp_path / "venv2" / "lib").mkdir(parents=True)
    (tmp_path / "venv2" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "modules" / ".skjult").mkdir(parents=True)
    (tmp_path / "modules" / "ok").mkdir()
    assert sorted(virtual_envs(tmp_path)) == ["modules/.skjult", "venv2"]


def test_the_package_carries_every_part_of_the_book():
    """A wheel builds the same book as the repository: every page of _toc.yml, and every
    folder _config.yml names, is in widgets.book.sources.BOOK_PARTS."""
    import yaml

    from widgets.book.sources import BOOK_PARTS

    root = Path(__file__).resolve().parent.parent
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            files.extend([node["file"]] if "file" in node else [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc["parts"])
    tops = {Path(f).parts[0] + ("" if len(Path(f).parts) > 1 else ".md") for f in files if not f.startswith("ovelser")}
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    tops |= {Path(p).parts[0] for p in (*config["templates_path"], *config["locale_dirs"], *config["html_static_path"],
                                        *config["html_extra_path"], config["html_favicon"])}
    tops |= {"tilgjengelighet", "cases"}  # read by the accessibility page and the case pages
    assert tops - set(BOOK_PARTS) == set()
