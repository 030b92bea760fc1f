"""The course's own cases and catalogue: valid, editor-friendly, schema up to date."""

from __future__ import annotations

import json

from helpers import CASES

from widgets.authoring.catalog import load_catalog
from widgets.authoring.library import check
from widgets.authoring.schema import SCHEMA_FILE, case_schema


def test_every_case_in_the_repository_is_valid():
    result = check(cases_dir=CASES)
    assert [str(p) for p in result.problems] == []
    assert len(result.cases) >= 1


def test_every_case_points_editors_to_the_schema():
    for path in sorted(CASES.glob("*.yml")):
        if not path.name.startswith("_"):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema={SCHEMA_FILE}", path.name


def test_committed_schema_is_current():
    committed = json.loads((CASES / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert committed == case_schema(load_catalog(CASES)), "run: kurs schema"


def test_every_decision_kind_is_used_by_the_examples():
    result = check(cases_dir=CASES)
    kinds = {s.decision.kind for c in result.cases.values() for s in c.scenes if s.decision}
    assert kinds == {"tier", "level", "action", "reflection"}


def test_every_catalogue_entry_is_used_by_a_case_or_cited_in_the_text():
    from helpers import ROOT

    from widgets.authoring.law_check import cited_keys

    result = check(cases_dir=CASES)
    used = {r for c in result.cases.values() for s in c.scenes if s.decision
            for o in s.decision.options for r in o.refs}
    assert sorted(set(result.catalog.references) - used - set(cited_keys(ROOT))) == []
