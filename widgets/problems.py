"""Problems found in author files, reported as `file:line: field: what — what to do`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in an author file. Messages are Norwegian; they are shown to authors."""

    file: str
    line: int
    field: str
    message: str
    hint: str = ""
    warning: bool = False   # an advarsel: shown and counted, but the case can still be used

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (": advarsel" if self.warning else "")
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


def errors(problems) -> list[Problem]:
    return [p for p in problems if not p.warning]


class ProblemsFound(Exception):
    """Raised by loaders that cannot return a value because the file has problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class CaseNotFound(ProblemsFound):
    """No case with this id (a wrong link, a removed case, a dangling `next` to a case).
    Hosts show "not found"; any other ProblemsFound means the case is there but broken."""

    def __init__(self, case_id: object, where: str = "", hint: str = "sjekk lenken"):
        self.case_id = case_id
        super().__init__([Problem(where or "url", 1, "", f"saken «{case_id}» finnes ikke", hint)])


def did_you_mean(word: object, choices) -> str:
    """Norwegian 'did you mean' hint, or a list of the valid choices."""
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if close:
        return f"mente du «{close[0]}»?"
    return "gyldige verdier er: " + ", ".join(choices)


def field_path(parts, data=None) -> str:
    """('scenes', 2, 'decision') -> 'scenes[2].decision'. With the file's `data`, list items
    that have an id are named by it: 'scenes[bilen].decision.options[vente-kollega]'."""
    out = ""
    here = data
    for part in parts:
        if isinstance(part, int):
            item = here[part] if isinstance(here, list) and 0 <= part < len(here) else None
            name = item.get("id") if isinstance(item, dict) else None
            shown = name if isinstance(name, (str, int)) and not isinstance(name, bool) and str(name).strip() else part
            out += f"[{shown}]"
            here = item
        else:
            out += f".{part}" if out else str(part)
            here = here.get(part) if isinstance(here, dict) else None
    return out


def display_path(path: Path) -> str:
    """A path as authors see it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
