"""The engine: paths, feedback, scores, steps and saved state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from widgets.play.engine import EngineError, Playthrough

DATA = Path(__file__).parent / "data"


def play(compiled, choices):
    p = Playthrough(compiled)
    for choice in choices:
        if p.needs_choice:
            p.choose(choice)
        p.proceed()
        while p.can_proceed and not p.decision:
            p.proceed()
    return p


def test_compiled_format_is_versioned_and_flat(compiled):
    assert compiled["format"] == "tidlig-og-sammen/sak" and compiled["format_version"] == 2
    options = compiled["scenes"]["start"]["decision"]["options"]
    assert [o["label"] for o in options] == ["Trinn 1 – universell", "Trinn 2 – selektiv", "Trinn 3 – indikativ"]
    assert all(o["next"] == "handling" for o in options)  # resolved from the scene's next
    assert compiled["scenes"]["niva"]["decision"]["options"][1]["id"] == "1"
    assert set(compiled["references"]) == {"liermodellen", "bti-handlingsveileder", "bvl-13-2"}
    json.dumps(compiled)  # serialisable


def test_best_path_scores_full_marks(compiled):
    p = play(compiled, ["selektiv", "snakke", "1"])
    assert p.finished and p.path == ["start", "handling", "niva", "slutt"]
    assert p.scores() == {"tier": {"points": 2, "max": 2}, "level": {"points": 2, "max": 2},
                          "action": {"points": 2, "max": 2}}


def test_a_choice_branches_the_story_and_lowers_the_score(compiled):
    p = play(compiled, ["universell", "melde", "0"])
    assert p.path == ["start", "handling", "melding", "niva", "slutt"]
    assert p.scores() == {"tier": {"points": 0, "max": 2}, "level": {"points": 1, "max": 2},
                          "action": {"points": 0, "max": 2}}


def test_feedback_explains_and_names_the_best_answer(compiled):
    p = Playthrough(compiled)
    fb = p.choose("universell")
    assert fb["verdict_name"] == "Ikke anbefalt" and fb["icon"] == "✘" and fb["paragraphs"] == ["Nei."]
    assert fb["best"] == ["Trinn 2 – selektiv"] and not fb["is_best"]
    p.proceed()
    fb = p.choose("snakke")
    assert fb["refs"][0]["label"] == "BTI – Bedre tverrfaglig innsats"
    assert p.feedback() == fb


def test_steps_follow_the_path(compiled):
    p = Playthrough(compiled)
    assert (p.step, p.total_steps) == (1, 4)
    for choice in ("selektiv", "melde"):
        p.choose(choice)
        p.proceed()
    assert (p.step, p.total_steps) == (3, 5)


def test_rules_are_enforced(compiled):
    p = Playthrough(compiled)
    with pytest.raises(EngineError):
        p.proceed()  # a choice is needed first
    with pytest.raises(EngineError):
        p.choose("finnes-ikke")
    p.choose("selektiv")
    with pytest.raises(EngineError):
        p.choose("indikativ")  # no second answer


def test_reflection_does_not_block_and_is_kept(compiled):
    p = play(compiled, ["selektiv", "snakke", "1"])
    assert not p.can_proceed and not p.needs_choice
    p.reflect("Jeg lærte å spørre.")
    summary = p.summary()
    assert summary["reflections"] == [{"scene": "slutt", "prompt": "Hva lærte du?", "text": "Jeg lærte å spørre."}]
    assert [s["dimension"] for s in summary["scores"]] == ["tier", "level", "action"]
    assert [a["label"] for a in summary["answers"]] == ["Trinn 2 – selektiv", "Snakker", "Nivå 1 – egen tjeneste"]


@pytest.mark.parametrize("choices", [[], ["indikativ"], ["indikativ", "melde"], ["selektiv", "vente", "2"]])
def test_state_round_trip_resumes_exactly(compiled, choices):
    p = Playthrough(compiled)
    for c in choices:
        p.choose(c)
        if p.can_proceed:
            p.proceed()
    if p.finished:
        p.reflect("notat")
    restored = Playthrough.from_json(compiled, p.to_json())
    assert restored.state() == p.state()
    assert restored.scene_id == p.scene_id and restored.feedback() == p.feedback()


def test_answered_but_not_proceeded_state_keeps_feedback(compiled):
    p = Playthrough(compiled)
    p.choose("indikativ")
    restored = Playthrough.from_json(compiled, p.to_json())
    assert restored.feedback()["option"] == "indikativ" and restored.can_proceed


@pytest.mark.parametrize("tamper", [
    lambda s: s.update(case="annen-sak"),
    lambda s: s.update(path=["handling"]),
    lambda s: s["path"].append("slutt"),
    lambda s: s["choices"].__setitem__(0, {"scene": "start", "option": "finnes-ikke"}),
    lambda s: s.pop("path"),
])
def test_tampered_state_is_refused(compiled, tamper):
    p = Playthrough(compiled)
    p.choose("selektiv")
    p.proceed()
    state = p.state()
    tamper(state)
    with pytest.raises(EngineError):
        Playthrough(compiled, state)


@pytest.mark.parametrize("modules,forbidden", [
    # the engine, validator and compiler: no UI, no plotting, no Sphinx
    ("widgets.play.engine, widgets.authoring.library, widgets.authoring.compiler", ("ipywidgets", "matplotlib", "sphinx", "IPython")),
    # the Voila apps read compiled JSON: no validator (pydantic, YAML) in their kernels
    ("widgets.voila.apps, widgets.play.exercise, widgets.play.loader, widgets.play.engine",
     ("pydantic", "yaml", "matplotlib", "sphinx")),
])
def test_imports_stay_lean(modules, forbidden):
    import subprocess
    import sys

    code = (f"import sys, {modules};"
            f"print(','.join(m for m in {forbidden!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


# -- format 2: every fact decided once, by the compiler ------------------------------------

def test_compiler_marks_the_best_option_and_the_branching_decisions(compiled):
    start = compiled["scenes"]["start"]["decision"]
    assert [o["id"] for o in start["options"] if o["best"]] == ["selektiv"]
    assert not start["branching"]                                   # every tier leads to «handling»
    assert compiled["scenes"]["handling"]["decision"]["branching"]  # «melde» goes its own way
    assert [d["id"] for d in compiled["dimensions"]] == ["tier", "level", "action"]
    levels = compiled["scenes"]["niva"]["decision"]["options"]
    assert all(isinstance(o["id"], str) for o in levels)


def test_paragraphs_are_split_once_also_at_lines_of_spaces(tmp_path):
    from helpers import make_project

    from widgets.authoring.library import compiled_case

    project = make_project(tmp_path)
    text = (Path(__file__).parent / "data" / "forgreining.yml").read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("    text:"))
    text = text.replace(first, '    text: "Første avsnitt.\\n \\nAndre avsnitt.\\n\\t\\nTredje."', 1)
    (project / "cases" / "forgreining.yml").write_text(text, encoding="utf-8")
    case = compiled_case("forgreining", project / "cases")
    assert case["scenes"][case["start"]]["paragraphs"] == ["Første avsnitt.", "Andre avsnitt.", "Tredje."]


def test_every_compiled_case_matches_the_published_schema():
    import jsonschema

    from widgets.authoring.library import compiled_case
    from widgets.authoring.validate import case_files

    schema = json.loads((Path(__file__).parent.parent / "widgets" / "play" / "compiled.schema.json")
                        .read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    cases = Path(__file__).parent.parent / "cases"
    for path in case_files([cases]):
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in
                  validator.iter_errors(compiled_case(path.stem, cases))]
        assert errors == [], (path.stem, errors[:5])


def test_schema_refuses_what_players_do_not_understand(compiled):
    import copy

    import jsonschema

    schema = json.loads((Path(__file__).parent.parent / "widgets" / "play" / "compiled.schema.json")
                        .read_text(encoding="utf-8"))
    broken = copy.deepcopy(compiled)
    del broken["scenes"]["start"]["decision"]["options"][0]["best"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


@pytest.mark.parametrize("bad", [
    {"reflections": []}, {"reflections": "x"}, {"choices": "x"}, {"choices": [1]}, {"path": "start"},
    {"answered": 3}, {"reflections": {"slutt": 42}},
])
def test_malformed_saved_states_are_refused_as_engine_errors(compiled, bad):
    good = play(compiled, ["selektiv", "snakke", "1"]).state()
    with pytest.raises(EngineError):
        Playthrough(compiled, {**good, **bad})
