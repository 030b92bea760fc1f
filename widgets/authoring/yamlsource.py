"""Read an author's YAML file safely, keeping the line number of every field.

Whatever the bytes are (empty, binary, too large, not UTF-8, broken YAML, a list
instead of a mapping), the result is either data with a line map or a list of
Norwegian `Problem`s — never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..problems import Problem, field_path

MAX_BYTES = 1_000_000
MAX_NODES = 50_000

# Common PyYAML complaints, in plain Norwegian, with what to do.
_YAML_HINTS = [
    ("mapping values are not allowed", "et kolon står der YAML ikke venter det",
     "sett teksten i anførselstegn hvis den inneholder «: », eller sjekk innrykket"),
    ("could not find expected ':'", "mangler kolon etter et feltnavn",
     "skriv «felt: verdi», eller sjekk innrykket på linjen over"),
    ("cannot start any token", "tegnet kan ikke stå her (ofte en tabulator)",
     "bruk mellomrom til innrykk, aldri tabulator"),
    ("expected <block end>", "innrykket stemmer ikke",
     "felt på samme nivå må ha nøyaktig samme innrykk"),
    ("did not find expected key", "innrykket stemmer ikke",
     "felt på samme nivå må ha nøyaktig samme innrykk"),
    ("did not find expected '-' indicator", "et listeelement har feil innrykk",
     "alle elementer i en liste må starte med «-» på samme innrykk"),
    ("while parsing a flow", "en klamme [ ] eller { } er ikke lukket",
     "lukk klammen på samme linje, eller sett teksten i anførselstegn"),
    ("found unexpected end of stream", "filen slutter midt i en verdi",
     "sjekk at alle anførselstegn og klammer er lukket"),
    ("while scanning a quoted scalar", "et anførselstegn er ikke lukket",
     "lukk teksten med samme anførselstegn som den startet med"),
    ("found undefined alias", "et alias (*navn) peker ikke på noe",
     "skriv verdien ut i stedet for å bruke alias"),
    ("expected a single document", "filen inneholder flere YAML-dokumenter (---)",
     "én sak per fil: fjern «---» og del opp i flere filer"),
]


@dataclass
class YamlSource:
    """Parsed data plus the line of every field path (1-based)."""

    path: str
    data: object
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, parts) -> int:
        """Line of the longest prefix of `parts` that exists in the file."""
        parts = tuple(parts)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without anchors/aliases: they make files hard to read and allow
    'billion laughs' blow-ups. Authors never need them."""

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "alias is not allowed", event.start_mark)
        return super().compose_node(parent, index)


def _yaml_problem(path: str, exc: yaml.YAMLError) -> Problem:
    # The context mark is where the broken construct began (an unclosed bracket, a key
    # without colon): that is where the author must look. The problem mark is where the
    # parser gave up.
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    if "single document" in str(getattr(exc, "context", "")):
        mark = exc.problem_mark  # point at the second '---', not the start of the file
    line = mark.line + 1 if mark is not None else 1
    text = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x)
    if "alias is not allowed" in text:
        return Problem(path, line, "", "YAML-alias (*navn) og anker (&navn) er ikke tillatt",
                       "skriv verdien ut der den trengs")
    for needle, message, hint in _YAML_HINTS:
        if needle in text:
            return Problem(path, line, "", f"YAML-feil: {message}", hint)
    return Problem(path, line, "", f"YAML-feil: filen kan ikke leses ({text or exc.__class__.__name__})",
                   "sjekk innrykk, kolon og anførselstegn på denne linjen og linjen over")


def _walk(node, parts: tuple, lines: dict, problems: list, path: str, budget: list) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise RecursionError
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else "?"
            here = parts + (key,)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(path, line, field_path(here),
                                        f"feltet står to ganger (første gang på linje {seen[key]})",
                                        "slett det ene"))
            seen.setdefault(key, line)
            lines.setdefault(here, line)
            _walk(value_node, here, lines, problems, path, budget)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            here = parts + (i,)
            lines[here] = item.start_mark.line + 1
            _walk(item, here, lines, problems, path, budget)


def read_yaml(path: Path, display: str | None = None) -> tuple[YamlSource | None, list[Problem]]:
    """Read one YAML file. Returns (source, problems); source is None if unreadable."""
    shown = display or str(path)

    def fail(message: str, hint: str, line: int = 1):
        return None, [Problem(shown, line, "", message, hint)]

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return fail(f"filen er for stor ({size / 1_000_000:.1f} MB)",
                        f"en fil skal være under {MAX_BYTES // 1_000_000} MB; del opp eller korte ned teksten")
        raw = path.read_bytes()
    except OSError as exc:
        return fail(f"filen kan ikke åpnes ({exc.strerror or exc})", "sjekk filnavn og tilgang")
    if not raw.strip():
        return fail("filen er tom", "skriv innholdet, eller lag en ny sak med «kurs new-case»")
    if b"\x00" in raw:
        return fail("filen er ikke en tekstfil (den inneholder binære data)",
                    "lagre filen som ren tekst (UTF-8)", raw[: raw.index(b"\x00")].count(b"\n") + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return fail("filen er ikke lagret som UTF-8 (feil tegnkoding, ofte æ, ø og å)",
                    "lagre filen på nytt med tegnkoding UTF-8",
                    raw[: exc.start].count(b"\n") + 1)

    try:
        loader = _NoAliasLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(shown, exc)]
    except (RecursionError, MemoryError):
        return fail("filen er for dypt nøstet til å leses", "forenkle strukturen")
    except ValueError as exc:  # e.g. an impossible date such as 2026-13-45
        return fail(f"en verdi kan ikke leses ({exc})", "sjekk datoer og tall")

    if node is None:
        return fail("filen inneholder bare kommentarer", "skriv innholdet under kommentarene")
    lines: dict[tuple, int] = {(): node.start_mark.line + 1}
    problems: list[Problem] = []
    try:
        _walk(node, (), lines, problems, shown, [MAX_NODES])
    except RecursionError:
        return fail("filen er for stor eller for dypt nøstet", "forenkle strukturen")
    return YamlSource(shown, data, lines), problems
