"""Coverage of the case set and readability of module pages, as authors see them."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import make_project, run_kurs

from widgets.authoring.readability import lix, prose_of_markdown

DATA = Path(__file__).parent / "data"


def test_coverage_names_empty_cells_and_fails(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(DATA / "forgreining.yml", project / "cases")
    result = run_kurs("check", "--coverage", cwd=project)
    assert result.returncode == 1
    assert "Tema × trinn" in result.stdout and "Tjeneste × alder" in result.stdout
    gaps = result.stdout.split("påkrevde celler er tomme")[1]
    assert "vold × universell" in gaps and "rus × selektiv" not in gaps  # the test case covers rus × selektiv
    assert "rus × nivå 1" not in gaps and "rus × nivå 0" in gaps


def test_lix_of_plain_and_hard_text():
    easy, _ = lix("Jeg ser deg. Du ser meg. Vi går hjem.")
    hard, _ = lix("Samarbeidsforpliktelsene innebærer tverrfaglige koordineringsmekanismer og "
                  "helhetlige oppfølgingsstrukturer for velferdstjenestenes brukergrupper")
    assert easy < 20 and hard > 55


def test_lix_reads_only_running_text():
    page = """---
jupytext: x
---
# Overskrift med veldig mange lange ord

```python
ekstremtlangkodeordsomikkeskaltelle = 1
```

```{note}
:class: dropdown
Kort tekst her.
```

- Ett punkt.
- To punkt
"""
    prose = prose_of_markdown(page)
    assert "ekstremtlangkodeord" not in prose and "Overskrift" not in prose and ":class:" not in prose
    assert "Kort tekst her." in prose and "To punkt" in prose
    value, words = lix(prose)
    assert words == 7


def test_lix_report_fails_on_a_hard_module(tmp_path):
    project = make_project(tmp_path)
    page = project / "modules" / "99-vanskelig" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Tung\n\n" + "Samarbeidsforpliktelsene innebærer tverrfaglige koordineringsmekanismer "
                    "og helhetlige oppfølgingsstrukturer for velferdstjenestenes brukergrupper. " * 3,
                    encoding="utf-8")
    result = run_kurs("check", "--lix", cwd=project)
    assert result.returncode == 1 and "modules/99-vanskelig/index.md: LIX" in result.stdout
    assert "for vanskelig" in result.stdout


def test_repository_modules_are_readable():
    from helpers import ROOT

    from widgets.authoring.readability import LIX_LIMIT, module_pages, prose_of

    pages = module_pages(ROOT)
    assert pages
    too_hard = {str(p): round(lix(prose_of(p))[0]) for p in pages if lix(prose_of(p))[0] > LIX_LIMIT}
    assert too_hard == {}
