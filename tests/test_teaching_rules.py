"""The teaching rules in cases/_modell.yml, as `kurs check` holds cases to them."""

from __future__ import annotations

import textwrap

from helpers import CASES, make_project, run_kurs

from widgets.authoring.catalog import load_catalog
from widgets.authoring.library import check
from widgets.authoring.teaching_rules import rule_level

LEVEL_CASE = """\
id: {id}
title: En sak
summary: Kort om saken.
fictional: true
topics: [vold]
services: [barnehage, barnevern, politi]
age_groups: [3-5]
names: [{name}]
scenes:
  - id: start
    text: {name} (4) har merker, og barnevernet og politiet er koblet inn.
    decision:
      kind: level
      services: [{services}]
      prompt: Hvilket nivå?
      options:
        - id: 1
          verdict: not_advised
          feedback: Nei.
          refs: [bti-handlingsveileder]
        - id: 2
          verdict: {two}
          feedback: To tjenester.
          refs: [bti-handlingsveileder]
        - id: 3
          verdict: {three}
          feedback: Tre tjenester.
          refs: [bti-handlingsveileder]
    next: slutt
  - id: slutt
    ending: true
    text: Slutt.
    decision:
      kind: reflection
      prompt: Hva tenker du?
"""


def write(project, name: str, text: str):
    path = project / "cases" / f"{name}.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(project) -> list[str]:
    return [str(p) for p in check(cases_dir=project / "cases").problems]


def level_case(id="sak-a", name="Aksel", services="barnehage, barnevern, politi", two="best",
               three="not_advised") -> str:
    return LEVEL_CASE.format(id=id, name=name, services=services, two=two, three=three)


def test_the_police_does_not_raise_the_level(tmp_path):
    project = make_project(tmp_path)
    write(project, "sak-a", level_case(two="not_advised", three="best"))
    problems = problems_of(project)
    assert len(problems) == 1
    assert problems[0].startswith("cases/sak-a.yml:") or "sak-a.yml:" in problems[0]
    assert "scenes[start].decision.options[3].id: anbefalt svar er nivå 3, men nivåregelen gir nivå 2" in problems[0]
    assert "politi teller ikke" in problems[0] and "level_note" in problems[0]


def test_the_level_the_rule_gives_passes(tmp_path):
    project = make_project(tmp_path)
    write(project, "sak-a", level_case())
    assert problems_of(project) == []


def test_a_written_reason_lets_a_level_differ(tmp_path):
    project = make_project(tmp_path)
    text = level_case(two="not_advised", three="best").replace(
        "      prompt: Hvilket nivå?", "      level_note: Helsestasjonen kommer med i neste møte.\n"
                                      "      prompt: Hvilket nivå?")
    write(project, "sak-a", text)
    assert problems_of(project) == []


def test_a_level_decision_must_name_its_services(tmp_path):
    project = make_project(tmp_path)
    write(project, "sak-a", level_case().replace("      services: [barnehage, barnevern, politi]\n", ""))
    [problem] = problems_of(project)
    assert "scenes[start].decision.kind: nivåvalget sier ikke hvilke tjenester som samarbeider" in problem


def test_level_services_must_be_known_and_in_the_case(tmp_path):
    project = make_project(tmp_path)
    write(project, "sak-a", level_case(services="barnehage, barnevernet"))
    write(project, "sak-b", level_case(id="sak-b", name="Ella", services="barnehage, skole"))
    problems = problems_of(project)
    assert any("sak-a.yml" in p and "services[1]: «barnevernet» er ikke en tjeneste — mente du «barnevern»?" in p
               for p in problems)
    assert any("sak-b.yml" in p and "«skole» står ikke i sakens services" in p for p in problems)


def test_services_on_another_kind_of_decision_is_reported(tmp_path):
    project = make_project(tmp_path)
    write(project, "sak-a", level_case().replace("kind: level", "kind: action", 1)
          .replace("- id: 1\n", "- id: en\n          label: En\n")
          .replace("- id: 2\n", "- id: to\n          label: To\n")
          .replace("- id: 3\n", "- id: tre\n          label: Tre\n"))
    [problem] = problems_of(project)
    assert "scenes[start].decision.services: services gjelder bare nivåvalg (kind: level)" in problem


def test_rule_level_counts_bti_partners_only():
    catalog = load_catalog(CASES)
    assert rule_level(["barnehage"], catalog)[0] == {0, 1}
    assert rule_level(["skole", "barnevern", "politi"], catalog)[0] == {2}
    assert rule_level(["skole", "helsestasjon", "barnevern", "politi"], catalog)[0] == {3}


def test_every_option_shows_its_law_or_model(tmp_path):
    project = make_project(tmp_path)
    text = level_case().replace("          feedback: Nei.\n          refs: [bti-handlingsveileder]\n",
                                "          feedback: Nei.\n")
    write(project, "sak-a", text)
    [problem] = problems_of(project)
    assert "scenes[start].decision.options[1].refs: alternativet viser ikke til lov eller modell" in problem
    assert "cases/_referanser.yml" in problem


def test_a_first_name_in_two_cases_is_reported(tmp_path):
    project = make_project(tmp_path)
    write(project, "sak-a", level_case(name="Aksel"))
    write(project, "sak-b", level_case(id="sak-b", name="Aksel"))
    problems = problems_of(project)
    assert problems == [p for p in problems if "sak-b.yml" in p]
    assert any("names[0]: fornavnet «Aksel» er brukt i saken «sak-a»" in p for p in problems)


def test_an_undeclared_name_another_case_uses_is_reported(tmp_path):
    project = make_project(tmp_path)
    write(project, "sak-a", level_case(name="Aksel"))
    text = level_case(id="sak-b", name="Ella").replace("Slutt.", "Aksel ringer.")
    write(project, "sak-b", text)
    problems = problems_of(project)
    assert len(problems) == 1 and "sak-b.yml" in problems[0]
    assert "fornavnet «Aksel» er brukt i saken «sak-a»" in problems[0]


def test_checking_one_file_still_finds_a_name_in_another_case(tmp_path):
    project = make_project(tmp_path)
    write(project, "sak-a", level_case(name="Aksel"))
    write(project, "sak-b", level_case(id="sak-b", name="Aksel"))
    result = run_kurs("check", "cases/sak-b.yml", cwd=project)
    assert result.returncode == 1 and "fornavnet «Aksel» er brukt i saken «sak-a»" in result.stdout


def test_a_person_introduced_with_age_must_be_listed(tmp_path):
    project = make_project(tmp_path)
    text = level_case(name="Aksel").replace("names: [Aksel]", "names: [Aksel, Petra]")
    text = text.replace("Slutt.", "Moren Hilde (30) kommer med samboeren Rolf.")
    write(project, "sak-a", text)
    problems = problems_of(project)
    assert any("«Hilde» ser ut som et fornavn, men står ikke i names" in p for p in problems)
    assert any("«Rolf» ser ut som et fornavn, men står ikke i names" in p for p in problems)
    assert any("names[1]: fornavnet «Petra» står ikke i teksten" in p for p in problems)


def test_wording_to_avoid_is_reported_with_what_to_write(tmp_path):
    project = make_project(tmp_path)
    text = level_case().replace("Slutt.", "Ring barnevernvakta. Så avvergeplikten gjelder også her.")
    write(project, "sak-a", text)
    problems = problems_of(project)
    assert any("scenes[slutt].text: «barnevernvakt» skal ikke stå i kurset — skriv «barnevernsvakten»" in p
               for p in problems)
    assert any("«avvergeplikten gjelder også»" in p and "avvergeplikten kan også gjelde" in p for p in problems)


def test_wording_to_avoid_in_the_catalogue(tmp_path):
    project = make_project(tmp_path)
    path = project / "cases" / "_referanser.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "tittel: Opplysningsplikt til barnevernet\n",
        "tittel: Opplysningsplikt når barnet har det alvorlig vondt\n", 1), encoding="utf-8")
    problems = problems_of(project)
    assert any("_referanser.yml" in p and "bvl-13-2.tittel: «alvorlig vondt»" in p for p in problems)


def test_the_rules_are_written_in_the_model():
    catalog = load_catalog(CASES)
    defs = catalog.definitions
    assert all(t.regel for t in defs.trinn) and all(n.regel for n in defs.nivaer)
    rules = {r.id: r.tekst for r in defs.regler}
    assert "Politiet er" in rules["nivaene"] and "ikke en BTI-partner" in rules["nivaene"]
    assert "ikke et nivå" in rules["nivaene"]
    assert [d.id for d in defs.tjenester if d.bti_partner is False] == ["politi"]


def test_the_course_cases_follow_the_rules():
    result = check(cases_dir=CASES)
    assert [str(p) for p in result.problems] == []
    names = [n for case in result.cases.values() for n in case.names]
    assert len(names) == len(set(names)) and names
