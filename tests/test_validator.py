"""One test per kind of author mistake: the message names file, line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import make_project

from widgets.authoring.catalog import load_catalog
from widgets.authoring.validate import load_case

GOOD = """\
id: {id}
title: En sak
summary: Kort om saken.
fictional: true
topics: [rus]
services: [barnehage]
age_groups: [3-5]
scenes:
  - id: start
    text: Noe skjer.
    decision:
      kind: action
      prompt: Hva gjør du?
      options:
        - id: snakke
          label: Snakker med foreldrene
          verdict: best
          feedback: Fordi det er bra.
          refs: [bti-handlingsveileder]
          next: slutt
        - id: vente
          label: Venter
          verdict: acceptable
          feedback: Kan forsvares.
          refs: [bti-handlingsveileder]
          next: slutt
        - id: melde
          label: Melder
          verdict: not_advised
          feedback: For tidlig.
          refs: [bvl-13-2]
          next: slutt
  - id: slutt
    ending: true
    text: Slutt.
    decision:
      kind: reflection
      prompt: Hva tenker du?
"""


@pytest.fixture
def check(tmp_path):
    project = make_project(tmp_path)
    catalog = load_catalog(project / "cases")

    def run(text: str, name: str = "sak-a") -> list:
        path = project / "cases" / f"{name}.yml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        case, problems = load_case(path, catalog)
        assert (case is None) == any(not p.warning for p in problems)
        return problems

    return run


def only(problems, field: str):
    hits = [p for p in problems if p.field == field]
    assert hits, f"no problem at {field}: {[str(p) for p in problems]}"
    return hits[0]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    count = 0
    for i, line in enumerate(textwrap.dedent(text).splitlines(), start=1):
        if needle in line:
            count += 1
            if count == nth:
                return i
    raise AssertionError(needle)


def test_good_case_has_no_problems(check):
    assert check(GOOD.format(id="sak-a")) == []


def test_unknown_key_suggests_the_right_one(check):
    text = GOOD.format(id="sak-a").replace("    text: Noe skjer.", "    txet: Noe skjer.")
    problems = check(text)
    p = only(problems, "scenes[start].txet")
    assert p.line == line_of(text, "txet") and "ukjent felt" in p.message and "«text»" in p.hint
    assert p.file.endswith("cases/sak-a.yml")
    assert str(p) == f"{p.file}:{p.line}: scenes[start].txet: ukjent felt «txet» — mente du «text»?"


def test_wrong_type_is_named(check):
    text = GOOD.format(id="sak-a").replace("fictional: true", "fictional: ja")
    p = only(check(text), "fictional")
    assert p.line == 4 and "true eller false" in p.message


def test_missing_feedback(check):
    text = GOOD.format(id="sak-a").replace("          feedback: Kan forsvares.\n", "")
    p = only(check(text), "scenes[start].decision.options[vente].feedback")
    assert p.message == "mangler" and p.line == line_of(text, "- id: vente")


def test_missing_verdict(check):
    text = GOOD.format(id="sak-a").replace("          verdict: not_advised\n", "")
    p = only(check(text), "scenes[start].decision.options[melde].verdict")
    assert p.message == "mangler" and p.line == line_of(text, "- id: melde")


def test_unknown_verdict(check):
    text = GOOD.format(id="sak-a").replace("verdict: acceptable", "verdict: acceptabel")
    p = only(check(text), "scenes[start].decision.options[vente].verdict")
    assert p.line == line_of(text, "acceptabel") and "«acceptable»" in p.hint


def test_decision_without_a_best_option(check):
    text = GOOD.format(id="sak-a").replace("verdict: best", "verdict: acceptable")
    p = only(check(text), "scenes[start].decision.options")
    assert "best" in p.message


def test_duplicate_scene_id(check):
    text = GOOD.format(id="sak-a").replace("  - id: slutt", "  - id: start")
    p = only(check(text), "scenes[start].id")
    assert "brukt før" in p.message and p.line == line_of(text, "- id: start", 2)


def test_duplicate_option_id(check):
    text = GOOD.format(id="sak-a").replace("- id: vente", "- id: snakke")
    p = only(check(text), "scenes[start].decision.options[snakke].id")
    assert "to ganger" in p.message and p.line == line_of(text, "- id: snakke", 2)


def test_duplicate_yaml_key(check):
    text = GOOD.format(id="sak-a").replace("title: En sak\n", "title: En sak\ntitle: To\n")
    p = only(check(text), "title")
    assert p.line == 3 and "to ganger" in p.message


def test_dangling_next(check):
    text = GOOD.format(id="sak-a").replace("next: slutt", "next: slut", 1)
    p = only(check(text), "scenes[start].decision.options[snakke].next")
    assert p.line == line_of(text, "next: slut") and "finnes ikke" in p.message and "«slutt»" in p.hint


def test_unreachable_scene(check):
    text = GOOD.format(id="sak-a") + "  - id: glemt\n    text: Ingen kommer hit.\n    next: slutt\n"
    p = only(check(text), "scenes[glemt].id")
    assert "kan ikke nås" in p.message and p.line == line_of(text, "- id: glemt")


def test_no_reachable_ending(check):
    text = GOOD.format(id="sak-a").replace("    ending: true\n", "    next: start\n")
    problems = check(text)
    assert any("ingen avslutning kan nås" in p.message and p.field == "scenes" and p.line == 8 for p in problems)


def test_loop_without_way_out(check):
    text = GOOD.format(id="sak-a").replace("next: slutt", "next: ring", 1) + (
        "  - id: ring\n    text: Rundt og rundt.\n    next: ring\n")
    p = only(check(text), "scenes[ring].id")
    assert "aldri til en avslutning" in p.message


def test_unknown_reference_key(check):
    text = GOOD.format(id="sak-a").replace("refs: [bti-handlingsveileder]", "refs: [bvl-13-3]")
    p = only(check(text), "scenes[start].decision.options[snakke].refs[0]")
    assert p.line == line_of(text, "bvl-13-3") and "«bvl-13-2»" in p.hint


def test_case_not_marked_fictional(check):
    text = GOOD.format(id="sak-a").replace("fictional: true", "fictional: false")
    p = only(check(text), "fictional")
    assert p.line == 4 and "oppdiktet" in p.message


def test_id_must_match_file_name(check):
    p = only(check(GOOD.format(id="en-annen")), "id")
    assert p.line == 1 and "sak-a.yml" in p.message


def test_unknown_topic_service_and_age(check):
    text = GOOD.format(id="sak-a").replace("[rus]", "[russ]").replace("[barnehage]", "[barnhage]")
    problems = check(text)
    assert "«rus»" in only(problems, "topics[0]").hint
    assert "«barnehage»" in only(problems, "services[0]").hint


def test_unknown_decision_kind(check):
    text = GOOD.format(id="sak-a").replace("kind: action", "kind: acton")
    p = only(check(text), "scenes[start].decision.kind")
    assert "«action»" in p.hint


def test_tier_and_level_options_must_be_defined(check):
    text = GOOD.format(id="sak-a").replace("kind: action", "kind: tier").replace(
        "- id: snakke", "- id: universal")
    p = only(check(text), "scenes[start].decision.options[universal].id")
    assert "trinn" in p.message and "«universell»" in p.hint
    text = GOOD.format(id="sak-a").replace("kind: action", "kind: level").replace("- id: snakke", "- id: 4")
    p = only(check(text), "scenes[start].decision.options[4].id")
    assert "nivå" in p.message


def test_case_needs_a_reflection_question(check):
    text = GOOD.format(id="sak-a").replace(
        "    decision:\n      kind: reflection\n      prompt: Hva tenker du?\n", "")
    assert any("refleksjonsspørsmål" in p.message for p in check(text))


def test_too_few_options(check):
    text = GOOD.format(id="sak-a")
    cut = text.index("        - id: melde")
    text = text[:cut] + text[text.index("  - id: slutt"):]
    p = only(check(text), "scenes[start].decision.options")
    assert "2 svaralternativer" in p.message


def test_all_problems_in_one_run(check):
    text = (GOOD.format(id="feil").replace("fictional: true", "fictional: false")
            .replace("    text: Noe skjer.", "    txet: Noe skjer.")
            .replace("refs: [bti-handlingsveileder]", "refs: [ukjent]")
            .replace("next: slutt", "next: slut", 1))
    fields = {p.field for p in check(text)}
    assert {"id", "fictional", "scenes[start].txet", "scenes[start].decision.options[snakke].refs[0]",
            "scenes[start].decision.options[snakke].next"} <= fields


# -- what a new author got wrong (issue 11, part 4) ------------------------------------------------

def test_untouched_starter_file_fails_until_every_text_is_replaced(tmp_path):
    from helpers import run_kurs

    project = make_project(tmp_path)
    assert run_kurs("new-case", "ny-sak", cwd=project).returncode == 0
    result = run_kurs("check", cwd=project)
    assert result.returncode == 1
    for field in ("title", "summary", "scenes[start].decision.options[snakke-med-foreldrene].feedback",
                  "scenes[trinn].decision.options[selektiv].feedback"):
        assert f": {field}: teksten er fortsatt malens eksempeltekst" in result.stdout, result.stdout


def test_option_without_refs_is_an_error(tmp_path):
    from helpers import run_kurs

    project = make_project(tmp_path)
    (project / "cases" / "sak-a.yml").write_text(
        GOOD.format(id="sak-a").replace("          refs: [bvl-13-2]\n", ""), encoding="utf-8")
    result = run_kurs("check", cwd=project)
    assert result.returncode == 1, result.stdout
    assert ": scenes[start].decision.options[melde].refs: alternativet viser ikke til lov eller modell" in result.stdout
    assert result.stdout.strip().endswith("1 sak, 1 feil")


def test_next_on_every_option_and_on_the_scene_is_an_error(check):
    text = GOOD.format(id="sak-a").replace("    text: Noe skjer.\n", "    text: Noe skjer.\n    next: slutt\n")
    p = only(check(text), "scenes[start].next")
    assert "aldri brukt" in p.message


def test_scene_next_as_default_for_some_options_is_fine(check):
    text = GOOD.format(id="sak-a").replace("          next: slutt\n", "", 1).replace(
        "    text: Noe skjer.\n", "    text: Noe skjer.\n    next: slutt\n")
    assert [p for p in check(text) if not p.warning] == []


def test_reflection_scene_titled_like_the_players_heading_is_an_error(check):
    text = GOOD.format(id="sak-a").replace("  - id: slutt\n", "  - id: slutt\n    title: Til ettertanke\n")
    p = only(check(text), "scenes[slutt].title")
    assert "Til ettertanke" in p.message


def test_field_paths_name_scenes_and_options_by_id(check):
    text = GOOD.format(id="sak-a").replace("verdict: acceptable", "verdict: akseptabel")
    assert only(check(text), "scenes[start].decision.options[vente].verdict")


def test_catalogue_problems_are_reported_with_line(tmp_path):
    from widgets.problems import ProblemsFound

    project = make_project(tmp_path)
    path = project / "cases" / "_referanser.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("url: https://lovdata.no/lov/2005-05-20-28",
                                                             "url: http://lovdata.no/lov/2005-05-20-28"),
                    encoding="utf-8")
    with pytest.raises(ProblemsFound) as err:
        load_catalog(project / "cases")
    p = err.value.problems[0]
    assert p.field == "strl-196.url" and "https" in p.message and p.file.endswith("_referanser.yml")
    assert "http://lovdata.no/lov/2005-05-20-28" in Path(path).read_text(encoding="utf-8").splitlines()[p.line - 1]
