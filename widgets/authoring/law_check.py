"""`kurs check` for law citations in the course text.

(a) Every «§ N» left in module, tool or case text must match an entry in the reference
    catalogue (cases/_referanser.yml), or be listed as a deliberate exception in
    cases/_paragrafer.yml. Every {lov}`key` must name an entry.
(b) A catalogue entry whose `sist_kontrollert` is older than the limit (12 months unless
    cases/_paragrafer.yml or the command line says otherwise) gives a warning.

The abbreviations that name a law in running text (bvl., hpl. …) are data in
cases/_paragrafer.yml as well, so that nothing about the law is written in code.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, did_you_mean, display_path
from .catalog import REFERENCES_FILE, Catalog
from .yamlsource import read_yaml

EXCEPTIONS_FILE = "_paragrafer.yml"
DEFAULT_MAX_AGE_MONTHS = 12

SECTION = re.compile(r"§\s*(\d+(?:\s*-\s*\d+)?(?:\s?[a-f](?![A-Za-zÆØÅæøå]))?)")
ROLE = re.compile(r"\{lov\}`([^`]*)`")
_LOOKBACK = 80


@dataclass
class LawCheck:
    problems: list[Problem] = field(default_factory=list)   # errors: kurs check fails
    warnings: list[Problem] = field(default_factory=list)   # stale entries: shown, counted
    max_age_months: int = DEFAULT_MAX_AGE_MONTHS


def normalize(section: str) -> str:
    """«§ 13 a» / «13a» / «13 - 2» -> «13a» / «13-2»."""
    return re.sub(r"\s+", "", section.replace("§", ""))


@dataclass
class _Settings:
    abbreviations: dict[str, str]
    exceptions: set[tuple[str, str]]
    max_age_months: int
    problems: list[Problem]


def _read_settings(cases_dir: Path) -> _Settings:
    path = cases_dir / EXCEPTIONS_FILE
    settings = _Settings({}, set(), DEFAULT_MAX_AGE_MONTHS, [])
    if not path.is_file():
        return settings
    shown = display_path(path)
    src, problems = read_yaml(path, shown)
    settings.problems += problems
    data = src.data if src is not None else None
    if data is None:
        return settings
    if not isinstance(data, dict):
        settings.problems.append(Problem(shown, 1, "", "filen må ha feltene forkortelser, unntak og maks_alder_maaneder",
                                         "se kommentaren øverst i filen"))
        return settings
    for key in data:
        if key not in ("forkortelser", "unntak", "maks_alder_maaneder"):
            settings.problems.append(Problem(shown, src.line((key,)), str(key), "ukjent felt",
                                             did_you_mean(key, ["forkortelser", "unntak", "maks_alder_maaneder"])))
    abbreviations = data.get("forkortelser") or {}
    if isinstance(abbreviations, dict):
        settings.abbreviations = {str(k).lower(): str(v) for k, v in abbreviations.items()}
    for i, item in enumerate(data.get("unntak") or []):
        if not isinstance(item, dict) or not item.get("lov") or not item.get("paragraf") or not item.get("grunn"):
            settings.problems.append(Problem(shown, src.line(("unntak", i)), f"unntak[{i}]",
                                             "et unntak trenger lov, paragraf og grunn",
                                             "skriv for eksempel lov: straffeloven, paragraf: \"§ 284\", grunn: …"))
            continue
        settings.exceptions.add((_law_name(str(item["lov"]), settings.abbreviations), normalize(str(item["paragraf"]))))
    age = data.get("maks_alder_maaneder")
    if age is not None:
        if isinstance(age, int) and not isinstance(age, bool) and age > 0:
            settings.max_age_months = age
        else:
            settings.problems.append(Problem(shown, src.line(("maks_alder_maaneder",)), "maks_alder_maaneder",
                                             "må være et helt tall større enn 0", "skriv for eksempel 12"))
    return settings


def _law_name(text: str, abbreviations: dict[str, str]) -> str:
    word = text.strip().lower()
    return abbreviations.get(word.rstrip("."), word)


def _laws(catalog: Catalog, settings: _Settings) -> tuple[re.Pattern, set[tuple[str, str]]]:
    """A pattern for every way to name a law, and the (law, section) pairs in the catalogue."""
    known = {(ref.navn.lower(), normalize(ref.paragraf))
             for ref in catalog.references.values() if ref.type == "lov" and ref.paragraf}
    names = {ref.navn.lower() for ref in catalog.references.values() if ref.type == "lov"}
    names |= set(settings.abbreviations) | set(settings.abbreviations.values())
    words = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![A-Za-zÆØÅæøå])(" + "|".join(re.escape(w) for w in words) + r")\.?(?![A-Za-zÆØÅæøå])",
                         re.IGNORECASE)
    return pattern, known


# -- the text of each file, line by line --------------------------------------------------

def _text_lines(path: Path) -> list[tuple[int, str]]:
    """(line in the file, text) for the prose an author writes: Markdown lines, or the
    Markdown cells of a notebook (located on their line in the .ipynb), or YAML lines.
    A file that cannot be read is left to the check that reads it for real (the case check
    reports a broken case file in plain words)."""
    try:
        raw = path.read_text(encoding="utf-8")
        cells = json.loads(raw).get("cells", []) if path.suffix == ".ipynb" else None
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return []
    if cells is None:
        return list(enumerate(raw.splitlines(), 1))
    raw_lines = raw.splitlines()
    out, cursor = [], 0
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        for text in "".join(cell.get("source", [])).splitlines():
            needle = json.dumps(text, ensure_ascii=False)[1:-1]
            found = next((i for i in range(cursor, len(raw_lines)) if needle in raw_lines[i]), None)
            if found is not None:
                cursor = found
            out.append(((found if found is not None else cursor) + 1, text))
    return out


def text_files(root: Path) -> list[Path]:
    """The pages and cases whose text is checked."""
    files = [root / "intro.md"] if (root / "intro.md").is_file() else []
    for folder in ("modules", "verktoy"):
        if (root / folder).is_dir():
            files += sorted(p for p in (root / folder).rglob("*")
                            if p.suffix in (".md", ".ipynb") and ".ipynb_checkpoints" not in p.parts)
    cases = root / "cases"
    if cases.is_dir():
        files += sorted(p for p in cases.glob("*.yml") if not p.name.startswith("_"))
    return files


def cited_keys(root: Path) -> dict[str, set[Path]]:
    """Every {lov} key used in the text, with the files that use it."""
    out: dict[str, set[Path]] = {}
    for path in text_files(root):
        for _, text in _text_lines(path):
            for match in ROLE.finditer(text):
                key = _role_key(match.group(1))
                out.setdefault(key, set()).add(path)
    return out


def _role_key(content: str) -> str:
    match = re.match(r"^.*<([^<>]+)>\s*$", content, re.S)
    return (match.group(1) if match else content).strip()


# -- the checks ---------------------------------------------------------------------------

def check_sections(root: Path, catalog: Catalog, settings: _Settings | None = None) -> list[Problem]:
    settings = settings or _read_settings(root / "cases")
    law_pattern, known = _laws(catalog, settings)
    sections_anywhere = {section for _, section in known}
    problems: list[Problem] = []
    for path in text_files(root):
        shown = display_path(path)
        previous = ""
        for line_no, text in _text_lines(path):
            for match in ROLE.finditer(text):
                key = _role_key(match.group(1))
                if key not in catalog.references:
                    problems.append(Problem(shown, line_no, "{lov}", f"ukjent lovhenvisning «{key}»",
                                            f"{did_you_mean(key, sorted(catalog.references))} Bruk en nøkkel "
                                            f"fra cases/{REFERENCES_FILE}, eller legg loven til der"))
            prose = ROLE.sub(lambda m: " " * len(m.group(0)), text)
            joined = previous + " " + prose
            offset = len(previous) + 1
            for match in SECTION.finditer(prose):
                section = normalize(match.group(1))
                before = joined[max(0, offset + match.start() - _LOOKBACK):offset + match.start()]
                names = law_pattern.findall(before)
                law = _law_name(names[-1], settings.abbreviations) if names else None
                if law is not None:
                    ok = (law, section) in known or (law, section) in settings.exceptions
                    shown_law = law
                else:
                    ok = section in sections_anywhere or any(s == section for _, s in settings.exceptions)
                    shown_law = "(ukjent lov)"
                if not ok:
                    problems.append(Problem(
                        shown, line_no, f"§ {match.group(1).strip()}",
                        f"«{shown_law} § {match.group(1).strip()}» finnes ikke i referansekatalogen",
                        f"kontroller paragrafen mot Lovdata og legg den inn i cases/{REFERENCES_FILE} "
                        f"(bruk så {{lov}}`nøkkel` i teksten), skriv om uten paragrafnummer, eller før "
                        f"den opp som et bevisst unntak i cases/{EXCEPTIONS_FILE}"))
            previous = prose
    return problems


def _months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def stale_entries(catalog: Catalog, max_age_months: int, today: datetime.date | None = None) -> list[Problem]:
    today = today or datetime.date.today()
    limit = _months_before(today, max_age_months)
    path = catalog.directory / REFERENCES_FILE
    shown = display_path(path)
    src, _ = read_yaml(path, shown)
    out = []
    for key, ref in catalog.references.items():
        if ref.sist_kontrollert < limit:
            line = src.line((key, "sist_kontrollert")) if src is not None else 1
            out.append(Problem(shown, line, f"{key}.sist_kontrollert",
                               f"advarsel: sist kontrollert {ref.sist_kontrollert.isoformat()}, "
                               f"mer enn {max_age_months} måneder siden",
                               "les paragrafen på Lovdata, rett sammendraget hvis loven er endret, "
                               "og sett dagens dato"))
    return out


def check_law(root: Path, catalog: Catalog, max_age_months: int | None = None,
              today: datetime.date | None = None) -> LawCheck:
    settings = _read_settings(root / "cases")
    age = max_age_months or settings.max_age_months
    result = LawCheck(max_age_months=age)
    result.problems = settings.problems + check_sections(root, catalog, settings)
    result.warnings = stale_entries(catalog, age, today)
    return result
