"""The course text: every module follows the template, and the trainer guide covers every case."""

from __future__ import annotations

import json
import re

from helpers import CASES, ROOT

from widgets.authoring.readability import module_pages

TEMPLATE = ["Læringsmål", "Forkunnskaper", "Oppsummering", "Sjekkliste", "Ressurser"]


def headings(page) -> tuple[list[str], str]:
    """The level-2 headings and the markdown source of a module page."""
    source = page.read_text(encoding="utf-8")
    if page.suffix == ".ipynb":
        cells = json.loads(source)["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return re.findall(r"^##\s+(.+?)\s*$", source, flags=re.M), source


def test_there_are_ten_modules():
    folders = sorted({p.parent.name for p in module_pages(ROOT)})
    assert [f[:2] for f in folders] == [f"{n:02d}" for n in range(1, 11)]


def test_every_module_follows_the_template():
    for page in module_pages(ROOT):
        found, source = headings(page)
        missing = [h for h in TEMPLATE if h not in found]
        assert not missing, f"{page.relative_to(ROOT)} mangler {missing}"
        order = [found.index(h) for h in TEMPLATE]
        assert order == sorted(order), f"{page.relative_to(ROOT)}: malens rekkefølge"
        assert re.search(r"\{dropdown\}|\{case-exercise\}|Øvelse|Refleksjon", source), \
            f"{page.relative_to(ROOT)} har ingen øvelse"
        assert "Under arbeid" not in source


def test_trainer_guide_has_questions_for_every_case():
    guide = (ROOT / "modules" / "10-kursholder" / "index.md").read_text(encoding="utf-8")
    missing = [p.stem for p in CASES.glob("*.yml")
               if not p.name.startswith("_") and f"ovelser/{p.stem}.md" not in guide]
    assert missing == [], "modul 10 trenger et avsnitt for disse sakene"
