"""Law citations: the {lov} role in the book, and `kurs check` on sections and dates."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from helpers import CASES, ROOT, make_project, run_kurs

from widgets.authoring.catalog import load_catalog
from widgets.authoring.law_check import check_law, cited_keys, stale_entries, text_files
from widgets.book.law import norwegian_date

CONF = 'extensions = ["myst_nb", "widgets.book.law"]\nnb_execution_mode = "off"\nlanguage = "nb"\n' \
       'exclude_patterns = ["_build", "cases"]\n'


def _notebook(markdown: str) -> str:
    return json.dumps({"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": [markdown]}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def tiny_book(tmp_path: Path, pages: dict[str, str], dates: dict[str, str] | None = None) -> Path:
    """A Sphinx project with the real catalogue (some dates changed) and the given pages."""
    (tmp_path / "src").mkdir()
    src = make_project(tmp_path / "src")
    refs = yaml.safe_load((src / "cases" / "_referanser.yml").read_text(encoding="utf-8"))
    for key, day in (dates or {}).items():
        refs[key]["sist_kontrollert"] = datetime.date.fromisoformat(day)
    (src / "cases" / "_referanser.yml").write_text(yaml.safe_dump(refs, allow_unicode=True), encoding="utf-8")
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    toctree = "\n".join(Path(name).stem for name in pages if Path(name).stem != "index")
    pages = {"index.md": f"# Forside\n\n```{{toctree}}\n{toctree}\n```\n", **pages}
    for name, text in pages.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


def sphinx_build(src: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(src / "_build")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_role_renders_law_name_and_section_as_a_lovdata_link_with_the_date_note(tmp_path):
    src = tiny_book(tmp_path, {
        "side.md": "# Side\n\nPlikten står i {lov}`bvl-13-2`. Se også\n"
                   "{lov}`taushetsplikten etter forvaltningsloven <fvl-13>`.\n",
        "uten.md": "# Uten lov\n\nIngen lover her.\n",
    }, dates={"bvl-13-2": "2026-03-05", "fvl-13": "2026-06-01"})
    proc = sphinx_build(src)
    assert proc.returncode == 0, proc.stderr
    page = (src / "_build" / "side.html").read_text(encoding="utf-8")
    link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>barnevernsloven § 13-2</a>', page)
    assert link and link.group(1) == "https://lovdata.no/lov/2021-06-18-97/§13-2"
    assert re.search(r'<a [^>]*href="https://lovdata.no/lov/1967-02-10/§13"[^>]*>'
                     r'taushetsplikten etter forvaltningsloven</a>', page)
    # the oldest date of the entries cited on the page, in Norwegian
    assert "Lovhenvisningene ble sist kontrollert 5. mars 2026." in page
    assert "Lovhenvisningene" not in (src / "_build" / "uten.html").read_text(encoding="utf-8")


def test_role_works_in_a_notebooks_markdown_cell(tmp_path):
    src = tiny_book(tmp_path, {"bok.ipynb": _notebook("# Notatbok\n\nSe {lov}`strl-196`.\n")})
    proc = sphinx_build(src)
    assert proc.returncode == 0, proc.stderr
    page = (src / "_build" / "bok.html").read_text(encoding="utf-8")
    assert re.search(r'<a [^>]*href="https://lovdata.no/lov/2005-05-20-28/§196"[^>]*>straffeloven § 196</a>', page)
    assert "Lovhenvisningene ble sist kontrollert" in page


def test_an_unknown_key_fails_the_build_naming_page_and_line(tmp_path):
    src = tiny_book(tmp_path, {"feil.md": "# Feil\n\nTekst.\n\nHer står {lov}`bvl-13-3`.\n"})
    proc = sphinx_build(src)
    assert proc.returncode != 0
    assert re.search(r"feil\.md:5:(?: WARNING:)? ?ukjent lovhenvisning «bvl-13-3» — mente du «bvl-13-2»\?", proc.stderr), \
        proc.stderr


def test_norwegian_date():
    assert norwegian_date(datetime.date(2026, 11, 23)) == "23. november 2026"


def test_check_reports_a_stray_section_and_an_unknown_key_with_file_and_line(tmp_path):
    project = make_project(tmp_path)
    page = project / "modules" / "01-test" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Test\n\nDet står i {lov}`bvl-13-2`.\nMen straffeloven § 333 er ikke i katalogen.\n"
                    "Heller ikke {lov}`hpl-99`.\n", encoding="utf-8")
    result = run_kurs("check", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("modules/01-test/index.md:4: § 333: «straffeloven § 333» finnes ikke i "
                               "referansekatalogen — ") for line in lines), result.stdout
    assert any(line.startswith("modules/01-test/index.md:5: {lov}: ukjent lovhenvisning «hpl-99»")
               for line in lines), result.stdout
    assert lines[-1] == "0 saker, 2 feil"


def test_a_section_listed_as_an_exception_is_accepted(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(CASES / "_paragrafer.yml", project / "cases")
    text = (project / "cases" / "_paragrafer.yml").read_text(encoding="utf-8")
    text = text.replace("unntak: []", 'unntak:\n  - lov: strl\n    paragraf: "§ 333"\n'
                                      '    grunn: Ikke kontrollert ennå, nevnt i en sak om kjønnslemlestelse.')
    (project / "cases" / "_paragrafer.yml").write_text(text, encoding="utf-8")
    (project / "intro.md").write_text("# Intro\n\nSe strl. § 333.\n", encoding="utf-8")
    result = run_kurs("check", cwd=project)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "0 saker, 0 feil"


def test_a_stale_entry_is_a_warning_with_a_count_and_the_limit_is_configurable(tmp_path):
    project = make_project(tmp_path)
    path = project / "cases" / "_referanser.yml"
    text = path.read_text(encoding="utf-8")
    old = "  url: https://lovdata.no/lov/2005-05-20-28/§196\n  sist_kontrollert: 2026-11-23"
    assert old in text
    path.write_text(text.replace(old, old.replace("2026-11-23", "2020-01-15")), encoding="utf-8")
    result = run_kurs("check", cwd=project)
    assert result.returncode == 0  # a warning, not an error
    line = path.read_text(encoding="utf-8").splitlines().index("  sist_kontrollert: 2020-01-15") + 1
    assert f"cases/_referanser.yml:{line}: strl-196.sist_kontrollert: advarsel: sist kontrollert 2020-01-15" \
        in result.stdout
    assert result.stdout.splitlines()[-1] == "0 saker, 0 feil, 1 advarsel (1 lover kontrollert for mer enn 12 måneder siden)"
    many = run_kurs("check", "--lov-maks-alder", "240", cwd=project)
    assert many.stdout.strip() == "0 saker, 0 feil"


def test_stale_entries_counts_months_from_today():
    catalog = load_catalog(CASES)
    oldest = min(r.sist_kontrollert for r in catalog.references.values())
    assert stale_entries(catalog, 12, today=oldest + datetime.timedelta(days=300)) == []
    late = stale_entries(catalog, 12, today=oldest + datetime.timedelta(days=400))
    assert late and all("mer enn 12 måneder siden" in p.message for p in late)


def test_the_course_text_passes_and_cites_law_only_through_the_catalogue():
    catalog = load_catalog(CASES)
    result = check_law(ROOT, catalog, today=min(r.sist_kontrollert for r in catalog.references.values()))
    assert [str(p) for p in result.problems] == []
    # Section numbers live only in the catalogue: no «§» in the prose of the modules.
    from widgets.authoring.law_check import _text_lines
    modules = [p for p in text_files(ROOT) if p.suffix in (".md", ".ipynb")]
    stray = [f"{p.relative_to(ROOT)}:{n}" for p in modules for n, t in _text_lines(p)
             if "§" in re.sub(r"\{lov\}`[^`]*`", "", t)]
    assert stray == []
    assert {"bvl-13-2", "strl-196", "hpl-25", "fvl-13a", "pbrl-2-5c"} <= set(cited_keys(ROOT))


def test_the_book_links_law_in_notebooks_and_shows_the_date(book_html):
    page = (book_html / "modules" / "04-vold-og-overgrep" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a [^>]*href="https://lovdata.no/lov/2021-06-18-97/§13-2"[^>]*>barnevernsloven § 13-2</a>', page)
    oldest = min(load_catalog(CASES).references[k].sist_kontrollert
                 for k, files in cited_keys(ROOT).items()
                 if any(f.name == "index.ipynb" and f.parent.name == "04-vold-og-overgrep" for f in files))
    assert f"Lovhenvisningene ble sist kontrollert {norwegian_date(oldest)}." in page


def test_a_changed_date_in_the_catalogue_reaches_the_built_page_on_the_next_build(tmp_path):
    src = tiny_book(tmp_path, {"side.md": "# Side\n\nSe {lov}`hpl-25`.\n"}, dates={"hpl-25": "2026-02-01"})
    assert sphinx_build(src).returncode == 0
    assert "sist kontrollert 1. februar 2026." in (src / "_build" / "side.html").read_text(encoding="utf-8")
    path = src / "cases" / "_referanser.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("2026-02-01", "2026-09-30"), encoding="utf-8")
    proc = sphinx_build(src)  # same output folder: Sphinx would skip the unchanged page
    assert proc.returncode == 0, proc.stderr
    assert "sist kontrollert 30. september 2026." in (src / "_build" / "side.html").read_text(encoding="utf-8")
