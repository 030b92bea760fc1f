"""The course's teaching rules, held against the checked cases (`kurs check`).

The rules are written once, as text, in cases/_modell.yml (`regler`, and `regel` on each
tier and level). This module checks the parts a machine can check:

- the level rule: a `kind: level` decision names the services that collaborate on the
  child there (`services`); the rule gives the level from how many of them count as
  BTI partners (the police does not), and the recommended level must match it unless the
  decision gives a reason for authors (`level_note`);
- a first name is used in one case only (`names` on each case; see `check_names`);
- phrasings the course must not use (`unnga_formuleringer`), in cases and in the catalogue.

Each function takes the checked cases and the catalogue and returns `Problem`s with
file, line, field, a Norwegian message and a hint. Rules a machine cannot judge (is a
tier decision in line with the tier rule, is an acceptable answer defensible, does a
shared scene tell only one path's story) are written in _modell.yml for authors.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..problems import Problem, did_you_mean, display_path, field_path
from .case import Case
from .catalog import REFERENCES_FILE, Catalog
from .yamlsource import YamlSource, read_yaml

NAME = re.compile(r"^[A-ZÆØÅ][a-zæøåéü]+(-[A-ZÆØÅ][a-zæøåéü]+)?$")
# How the cases introduce a person: «Jonas (8)», «Ida (27)», «samboeren Martin».
_FIRST = r"([A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?)"
_RELATIONS = ("moren", "faren", "mora", "samboeren", "kjæresten", "kona", "mannen",
              "sønnen", "datteren", "broren", "søsteren", "lillebroren", "lillesøsteren",
              "storebroren", "storesøsteren", "venninnen", "klassevenninnen", "vennen",
              "klassekameraten", "bestemor", "bestefar", "tanten", "onkelen")
INTRODUCED = re.compile(rf"(?:\b{_FIRST} \(\d{{1,2}}\)|\b(?:{'|'.join(_RELATIONS)}) {_FIRST}\b)")
# Fields that hold ids, not prose.
_NOT_PROSE = {"id", "refs", "next", "start", "kind", "verdict", "topics", "services",
              "age_groups", "names", "level_note"}


class CheckedCase:
    """A checked case and its file. The file is parsed again (for line numbers) only
    when a problem is reported; the checks read the case model."""

    def __init__(self, case: Case, path: Path):
        self.case, self.path = case, path
        self.file = display_path(path)
        self.data = case.model_dump(exclude_none=True)
        self._source: YamlSource | None = None

    def line(self, parts: tuple) -> int:
        if self._source is None:
            self._source, _ = read_yaml(self.path, self.file)
        return self._source.line(parts) if self._source is not None else 1

    def problem(self, parts: tuple, message: str, hint: str) -> Problem:
        return Problem(self.file, self.line(parts), field_path(parts, self.data), message, hint)


def teaching_rule_problems(cases: dict[str, Case], files: list[Path], catalog: Catalog) -> list[Problem]:
    """All teaching-rule problems of the checked `cases` (read from `files`)."""
    checked = _with_sources(cases, files)
    elsewhere = names_in_other_files(catalog.directory, {c.case.id for c in checked})
    problems: list[Problem] = []
    for item in checked:
        problems += check_level_rule(item, catalog)
        problems += check_wording(item, catalog)
    problems += check_names(checked, elsewhere)
    problems += check_catalogue_wording(catalog)
    return sorted(problems, key=lambda p: (p.file, p.line, p.field))


def _with_sources(cases: dict[str, Case], files: list[Path]) -> list[CheckedCase]:
    out = [CheckedCase(cases[path.stem], path) for path in files if path.stem in cases]
    return sorted(out, key=lambda c: c.case.id)


# --- the level rule -----------------------------------------------------------------

def rule_level(service_ids: list[str], catalog: Catalog) -> tuple[set[int], list[str]]:
    """The levels the rule allows for these collaborating services, and the services
    that count. 1 service: nivå 0 (avklare) or 1; 2: nivå 2; 3 or more: nivå 3."""
    defs = catalog.definitions
    counted = [s for s in dict.fromkeys(service_ids)
               if (d := defs.get("tjenester", s)) is not None and d.bti_partner is not False]
    n = len(counted)
    return ({0, 1} if n <= 1 else {2} if n == 2 else {3}), counted


def check_level_rule(item: CheckedCase, catalog: Catalog) -> list[Problem]:
    defs = catalog.definitions
    known = [str(x) for x in defs.ids("tjenester")]
    not_partners = [d.navn.lower() for d in defs.tjenester if d.bti_partner is False]
    best = defs.vurderinger[0].id
    problems = []
    for i, scene in enumerate(item.case.scenes):
        d = scene.decision
        if d is None:
            continue
        here = ("scenes", i, "decision")
        if d.kind != "level":
            for name, value in (("services", d.services), ("level_note", d.level_note)):
                if value:
                    problems.append(item.problem(here + (name,), f"{name} gjelder bare nivåvalg (kind: level)",
                                                 f"fjern {name}, eller bruk kind: level"))
            continue
        if not d.services:
            problems.append(item.problem(here + ("kind",), "nivåvalget sier ikke hvilke tjenester som samarbeider",
                                         "skriv tjenestene som samarbeider om barnet her, "
                                         "f.eks. «services: [barnehage, barnevern]»"))
            continue
        bad = False
        for k, service in enumerate(d.services):
            if service not in known:
                bad = True
                problems.append(item.problem(here + ("services", k), f"«{service}» er ikke en tjeneste",
                                             did_you_mean(service, known)))
            elif service not in item.case.services:
                problems.append(item.problem(here + ("services", k),
                                             f"«{service}» står ikke i sakens services",
                                             f"legg «{service}» til i services øverst i saken"))
        if bad:
            continue
        allowed, counted = rule_level(d.services, catalog)
        best_levels = [(j, int(o.id)) for j, o in enumerate(d.options)
                       if o.verdict == best and str(o.id).isdigit()]
        for j, level in best_levels:
            if level in allowed or (d.level_note and d.level_note.strip()):
                continue
            rule = " eller ".join(f"nivå {x}" for x in sorted(allowed))
            counted_text = ", ".join(counted) if counted else "ingen"
            extra = f"; {', '.join(not_partners)} teller ikke" if not_partners else ""
            problems.append(item.problem(
                here + ("options", j, "id"),
                f"anbefalt svar er nivå {level}, men nivåregelen gir {rule} "
                f"(tjenester som teller: {counted_text}{extra})",
                "rett anbefalt nivå, rett services, eller skriv grunnen i level_note "
                "(bare for forfattere)"))
    return problems


# --- first names ----------------------------------------------------------------------

def _prose(value, parts: tuple = ()):
    """(parts, text) for every prose string in case data (ids and references left out)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_PROSE:
                yield from _prose(item, parts + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _prose(item, parts + (i,))
    elif isinstance(value, str):
        yield parts, value


def _words(names: list[str]) -> re.Pattern:
    # any of the names, or its genitive (Idas), as a whole word; group 1 is the name
    alternatives = "|".join(re.escape(n) for n in names) or "(?!)"
    return re.compile(rf"(?<![\wæøåÆØÅ-])({alternatives})s?(?![\wæøåÆØÅ-])")


def _word(name: str) -> re.Pattern:
    return _words([name])


_NAMES_LINE = re.compile(r"^names:[ \t]*\[([^\]\n]*)\]", re.MULTILINE)


def names_in_other_files(folder: Path, skip: set[str]) -> dict[str, str]:
    """name -> case id, from the one-line `names: [...]` of the folder's other case files,
    so that checking one case also finds a name another case uses."""
    out: dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name.startswith("_") or path.stem in skip:
            continue
        try:
            match = _NAMES_LINE.search(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        for name in (match.group(1).split(",") if match else []):
            name = name.strip().strip("\"'")
            if name:
                out.setdefault(name, path.stem)
    return out


def check_names(checked: list[CheckedCase], elsewhere: dict[str, str] | None = None) -> list[Problem]:
    """Each case lists its first names in `names`. A name is reported when it is listed in
    two cases, when a case's text uses a name another case lists, when a listed name is
    not in the text, and when a person is introduced as «Navn (alder)» without being listed."""
    problems = []
    owner: dict[str, str] = dict(elsewhere or {})
    for item in checked:
        for k, name in enumerate(item.case.names):
            if not NAME.match(name):
                problems.append(item.problem(("names", k), f"«{name}» er ikke et fornavn",
                                             "skriv ett fornavn med stor forbokstav, f.eks. «Ida»"))
                continue
            if name in owner and owner[name] != item.case.id:
                problems.append(item.problem(("names", k), f"fornavnet «{name}» er brukt i saken «{owner[name]}»",
                                             "gi personen et fornavn som ingen annen sak bruker"))
            owner.setdefault(name, item.case.id)
    known = sorted((n for n in owner if NAME.match(n)), key=len, reverse=True)
    any_name = _words(known)
    for item in checked:
        own = set(item.case.names)
        texts = list(_prose(item.data))
        used = {m.group(1) for _, text in texts for m in any_name.finditer(text)} if known else set()
        for k, name in enumerate(item.case.names):
            if NAME.match(name) and name not in used and not _word(name).search(
                    "\n".join(t for _, t in texts)):
                problems.append(item.problem(("names", k), f"fornavnet «{name}» står ikke i teksten",
                                             "fjern det fra names, eller rett stavemåten"))
        reported: set[str] = set()
        for parts, text in texts:
            for match in (any_name.finditer(text) if known else ()):
                name = match.group(1)
                other = owner[name]
                if name in own or name in reported or other == item.case.id:
                    continue
                reported.add(name)
                problems.append(item.problem(parts, f"fornavnet «{name}» er brukt i saken «{other}»",
                                             "gi personen et fornavn som ingen annen sak bruker, "
                                             "og før det opp i names"))
            for match in INTRODUCED.finditer(text):
                name = match.group(1) or match.group(2)
                if name not in own and name not in owner and name not in reported:
                    reported.add(name)
                    problems.append(item.problem(parts, f"«{name}» ser ut som et fornavn, men står ikke i names",
                                                 f"før opp «{name}» i names øverst i saken"))
    return problems


# --- phrasings to avoid ---------------------------------------------------------------

def _wording_problems(defs, texts, make) -> list[Problem]:
    problems = []
    for wording in defs.unnga_formuleringer:
        pattern = re.compile(re.escape(wording.tekst), re.IGNORECASE)
        for parts, text in texts:
            if pattern.search(" ".join(text.split())):
                problems.append(make(parts, f"«{wording.tekst}» skal ikke stå i kurset", wording.rad))
    return problems


def check_wording(item: CheckedCase, catalog: Catalog) -> list[Problem]:
    return _wording_problems(catalog.definitions, list(_prose(item.data)), item.problem)


def check_catalogue_wording(catalog: Catalog) -> list[Problem]:
    path = catalog.directory / REFERENCES_FILE
    texts = [((key, name), getattr(ref, name)) for key, ref in catalog.references.items()
             for name in ("tittel", "sammendrag")]
    source: list = []

    def make(parts, message, hint):
        if not source:
            source.append(read_yaml(path, display_path(path))[0])
        line = source[0].line(parts) if source[0] is not None else 1
        return Problem(display_path(path), line, field_path(parts), message, hint)

    return _wording_problems(catalog.definitions, texts, make)
