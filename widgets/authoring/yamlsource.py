"""Read an author's YAML file safely, keeping the line number of every field.

Whatever the bytes are (empty, binary, too large, not UTF-8, broken YAML, a list
instead of a mapping), the result is either data with a line map or a list of
Norwegian `Problem`s — never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from ..problems import Problem, field_path

MAX_BYTES = 1_000_000
# The largest case has about 400 values; the limits leave room for 50 times that, and
# are checked while the file is read, so a file of many tiny values is refused at once.
MAX_NODES = 20_000
MAX_DEPTH = 50

# Common PyYAML complaints, in plain Norwegian, with what to do.
_YAML_HINTS = [
    ("mapping values are not allowed", "et kolon står der YAML ikke venter det",
     "sett teksten i anførselstegn hvis den inneholder «: », eller sjekk innrykket"),
    ("could not find expected ':'", "mangler kolon etter et feltnavn",
     "skriv «felt: verdi», eller sjekk innrykket på linjen over"),
    ("found a tab character", "en tabulator står i innrykket",
     "bruk mellomrom til innrykk, aldri tabulator"),
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
    ("exceeded maximum nesting depth", f"filen er for dypt nøstet (grensen er {MAX_DEPTH} nivåer)",
     "forenkle strukturen: en sak trenger under ti nivåer"),
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


_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Tags a plain value gets by itself. Any other tag was written by the author (`!!python/…`,
# `!!binary`, `!egen`) and is refused before anything is built from it.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_LOOSE_BOOLS = {"yes", "no", "on", "off", "y", "n"}


class _Resolver(Resolver):
    """YAML 1.2 booleans: only true and false. YAML 1.1 also reads yes/no/on/off as
    booleans, so `fictional: yes` would count as true; here it stays the text «yes»,
    which a true/false field refuses with a clear message."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()}
_Resolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

try:  # libyaml reads the events in C (ten times faster); the tree is built here, counted
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _TooBig(Exception):
    def __init__(self, message: str, hint: str, line: int):
        super().__init__(message)
        self.message, self.hint, self.line = message, hint, line


class _Loader(Composer, _Parser, SafeConstructor, _Resolver):
    """A safe loader that builds the node tree itself, to count it while reading:
    no anchors or aliases (they make files hard to read and allow 'billion laughs'
    blow-ups; authors never need them), at most MAX_NODES values, MAX_DEPTH levels."""

    def __init__(self, stream):
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        Composer.__init__(self)
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise yaml.composer.ComposerError(None, None, "alias is not allowed", event.start_mark)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _TooBig(f"filen har for mange verdier (grensen er {MAX_NODES:,} felt og listeelementer)"
                          .replace(",", " "),
                          "en sak har vanligvis under 1 000; del opp filen eller fjern gjentatte linjer",
                          event.start_mark.line + 1)
        if isinstance(event, CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _TooBig(f"filen er for dypt nøstet (grensen er {MAX_DEPTH} nivåer)",
                              "forenkle strukturen: en sak trenger under ti nivåer", event.start_mark.line + 1)
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


def _yaml_problem(path: str, exc: yaml.YAMLError) -> Problem:
    # The context mark is where the broken construct began (an unclosed bracket, a key
    # without colon): that is where the author must look. The problem mark is where the
    # parser gave up.
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    if "single document" in str(getattr(exc, "context", "")) or "tab character" in str(getattr(exc, "problem", "")):
        mark = exc.problem_mark  # point at the second '---' or the tab, not where the value began
    line = mark.line + 1 if mark is not None else 1
    text = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x)
    if "alias is not allowed" in text:
        return Problem(path, line, "", "YAML-alias (*navn) og anker (&navn) er ikke tillatt",
                       "skriv verdien ut der den trengs")
    for needle, message, hint in _YAML_HINTS:
        if needle in text:
            return Problem(path, line, "", f"YAML-feil: {message}", hint)
    return Problem(path, line, "", "YAML-feil: filen kan ikke leses her",
                   "sjekk innrykk, kolon og anførselstegn på denne linjen og linjen over")


def _walk(node, parts: tuple, lines: dict, problems: list, path: str, budget: list, fatal: list) -> None:
    """Record the line of every field; `fatal` gets what must not be constructed (tags,
    keys that are not text, impossible dates)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise RecursionError
    line = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        fatal.append(Problem(path, line, field_path(parts),
                                f"«{node.tag.replace('tag:yaml.org,2002:', '!!')}» er et YAML-merke, og merker er ikke tillatt",
                                "fjern ordet som starter med «!», og skriv verdien som vanlig tekst"))
        return
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                fatal.append(Problem(path, line, field_path(parts),
                                        "et feltnavn er en liste eller en gruppe felt, ikke tekst",
                                        "skriv feltnavnet som vanlig tekst foran kolonet, f.eks. «title: …»"))
                continue
            key = key_node.value
            here = parts + (key,)
            if key in seen:
                problems.append(Problem(path, line, field_path(here),
                                        f"feltet står to ganger (første gang på linje {seen[key]})",
                                        "slett det ene"))
            seen.setdefault(key, line)
            lines.setdefault(here, line)
            _walk(value_node, here, lines, problems, path, budget, fatal)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            here = parts + (i,)
            lines[here] = item.start_mark.line + 1
            _walk(item, here, lines, problems, path, budget, fatal)
    elif node.tag == _TIMESTAMP:
        try:
            SafeConstructor.construct_yaml_timestamp(SafeConstructor(), node)
        except ValueError:
            fatal.append(Problem(path, line, field_path(parts),
                                    f"«{node.value}» ser ut som en dato, men datoen finnes ikke",
                                    "skriv en gyldig dato som ÅÅÅÅ-MM-DD, eller sett teksten i anførselstegn "
                                    "hvis det ikke er en dato"))


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
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return fail("filen inneholder bare kommentarer", "skriv innholdet under kommentarene")
            lines: dict[tuple, int] = {(): node.start_mark.line + 1}
            problems: list[Problem] = []
            fatal: list[Problem] = []
            _walk(node, (), lines, problems, shown, [MAX_NODES + 1], fatal)
            if fatal:
                return None, sorted(problems + fatal, key=lambda p: p.line)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except _TooBig as exc:
        return fail(exc.message, exc.hint, exc.line)
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(shown, exc)]
    except (RecursionError, MemoryError):
        return fail("filen er for stor eller for dypt nøstet til å leses", "forenkle strukturen")
    except ValueError as exc:  # a value the checks above did not foresee
        return fail(f"en verdi kan ikke leses ({exc})", "sjekk datoer og tall")
    return YamlSource(shown, data, lines), problems
