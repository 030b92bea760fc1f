"""The seed map (kilder.md): every source text in ../shared/seeds/ is mapped to the course."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
MAP = ROOT / "kilder.md"


def seed_files():
    if not SEEDS.is_dir():
        pytest.skip(f"fant ikke kildemappen {SEEDS}")
    return sorted(p.name for p in SEEDS.glob("*.txt"))


def test_every_seed_file_has_a_section_in_the_seed_map():
    text = MAP.read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S+\.txt)", text, flags=re.M)
    assert seed_files() and sorted(headings) == seed_files()


def test_every_point_in_the_seed_map_links_to_a_page_that_exists():
    text = MAP.read_text(encoding="utf-8")
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        rows = [r for r in section.splitlines() if r.startswith("| ") and not r.startswith("| Punkt")]
        assert len(rows) >= 3, section.splitlines()[0]
        for row in rows:
            links = re.findall(r"\]\(([^)#]+)", row)
            assert links, f"kilder.md: punktet har ingen lenke: {row}"
            for link in links:
                assert (ROOT / link).is_file(), f"kilder.md lenker til {link}, som ikke finnes"


def test_the_seed_map_is_in_the_book():
    assert "file: kilder" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
