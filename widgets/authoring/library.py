"""The case library on disk: find, check and compile cases by id or path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import settings as names
from ..problems import CaseNotFound, Problem, ProblemsFound, errors
from .case import Case
from .catalog import Catalog, load_catalog
from .compiler import compile_case
from .kommune import municipality
from .teaching_rules import teaching_rule_problems
from .validate import case_files, load_case


@dataclass
class CheckResult:
    catalog: Catalog | None
    cases: dict[str, Case] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)   # errors: the case cannot be used
    warnings: list[Problem] = field(default_factory=list)   # shown and counted, not blocking


def check(paths: list[Path] | None = None, cases_dir: Path | None = None) -> CheckResult:
    """Check the catalogue and every case in `paths` (default: all cases)."""
    folder = cases_dir or (_folder_of(paths) if paths else names.cases_dir())
    try:
        catalog = load_catalog(folder)
    except ProblemsFound as exc:
        return CheckResult(None, problems=exc.problems)
    files = case_files(paths or [folder])
    result = CheckResult(catalog, files=files)
    for path in files:
        case, problems = load_case(path, catalog)
        result.problems += errors(problems)
        result.warnings += [p for p in problems if p.warning]
        if case is not None:
            result.cases[case.id] = case
    result.problems += teaching_rule_problems(result.cases, files, catalog)
    return result


def _folder_of(paths: list[Path]) -> Path:
    first = paths[0]
    return first if first.is_dir() else first.parent


def compiled_case(case_id: str, cases_dir: Path | None = None, settings: dict | None = None) -> dict:
    """Check and compile one case by id, with the municipality's settings (default: from
    the project's _config.yml). Raises ProblemsFound if it has problems."""
    folder = cases_dir or names.cases_dir()
    path = folder / f"{case_id}.yml"
    if not path.is_file():
        raise CaseNotFound(case_id, str(path), "sjekk id-en; sakene ligger i cases/")
    result = check([path], folder)
    if result.problems:
        raise ProblemsFound(result.problems)
    if settings is None:
        settings = municipality(folder.parent / names.CONFIG_FILE)
    return compile_case(result.cases[case_id], result.catalog, settings)


def compile_all(target: Path, paths: list[Path] | None = None, config: Path | None = None) -> CheckResult:
    """Check every case and write `<id>.json` into `target` when there are no problems.
    The municipality's settings come from `config` (default: the project's _config.yml)."""
    from .compiler import to_json

    result = check(paths)
    if not result.problems:
        settings = municipality(config or result.catalog.directory.parent / names.CONFIG_FILE)
        target.mkdir(parents=True, exist_ok=True)
        for case_id, case in sorted(result.cases.items()):
            compiled = compile_case(case, result.catalog, settings)
            (target / f"{case_id}.json").write_text(to_json(compiled), encoding="utf-8")
    return result
