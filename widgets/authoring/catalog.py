"""The shared definitions (cases/_modell.yml) and the reference catalogue
(cases/_referanser.yml): the one place where tiers, levels, verdicts, topics,
services, age groups and law references are defined."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, RootModel

from ..problems import Problem, ProblemsFound, display_path
from .structure import check_structure
from .yamlsource import read_yaml

DEFINITIONS_FILE = "_modell.yml"
REFERENCES_FILE = "_referanser.yml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Definition(_Strict):
    id: Union[str, int]
    navn: str
    kort: Optional[str] = None
    beskrivelse: Optional[str] = None
    ikon: Optional[str] = None
    poeng: Optional[int] = None
    regel: Optional[str] = None          # trinn og nivåer: regelen sakene holdes til
    bti_partner: Optional[bool] = None   # tjenester: false = teller ikke i et BTI-nivå (politiet)
    dekning: Optional[bool] = None       # temaer: false = vises i dekningen, men kreves ikke i hver celle


class Rule(_Strict):
    """A teaching rule, written once; modules teach it and `kurs check` holds cases to it."""
    id: str
    navn: str
    tekst: str


class Wording(_Strict):
    """A phrasing the course must not use, and what to write instead."""
    tekst: str
    rad: str


class Definitions(_Strict):
    trinn: list[Definition] = Field(min_length=1)
    nivaer: list[Definition] = Field(min_length=1)
    vurderinger: list[Definition] = Field(min_length=1)
    dimensjoner: list[Definition] = Field(min_length=1)
    temaer: list[Definition] = Field(min_length=1)
    tjenester: list[Definition] = Field(min_length=1)
    aldersgrupper: list[Definition] = Field(min_length=1)
    regler: list[Rule] = Field(default_factory=list)
    unnga_formuleringer: list[Wording] = Field(default_factory=list)

    def ids(self, group: str) -> list:
        return [d.id for d in getattr(self, group)]

    def get(self, group: str, id_) -> Definition | None:
        return next((d for d in getattr(self, group) if d.id == id_), None)


class Reference(_Strict):
    type: Literal["lov", "modell", "veileder"]
    navn: str
    paragraf: Optional[str] = None
    tittel: str
    sammendrag: str
    url: Optional[str] = None
    sist_kontrollert: datetime.date

    @property
    def label(self) -> str:
        return f"{self.navn} {self.paragraf}" if self.paragraf else self.navn


class References(RootModel[dict[str, Reference]]):
    pass


@dataclass(frozen=True)
class Catalog:
    directory: Path
    definitions: Definitions
    references: dict[str, Reference]


def _check_definitions(defs: Definitions, path: str, src) -> list[Problem]:
    problems = []
    for group in Definitions.model_fields:
        if group == "unnga_formuleringer":
            continue
        seen = set()
        for i, d in enumerate(getattr(defs, group)):
            if d.id in seen:
                problems.append(Problem(path, src.line((group, i, "id")), f"{group}[{i}].id",
                                        f"id «{d.id}» finnes fra før", "gi hvert element et eget id"))
            seen.add(d.id)
    points = [v.poeng for v in defs.vurderinger if v.poeng is not None]
    if points and defs.vurderinger[0].poeng != max(points):
        problems.append(Problem(path, src.line(("vurderinger", 0)), "vurderinger[0]",
                                "den første vurderingen er den anbefalte, men har ikke flest poeng",
                                "sett den anbefalte vurderingen først, med flest poeng"))
    for i, v in enumerate(defs.vurderinger):
        if v.poeng is None or not v.ikon:
            problems.append(Problem(path, src.line(("vurderinger", i)), f"vurderinger[{i}]",
                                    "mangler poeng eller ikon",
                                    "hver vurdering trenger poeng (tall) og ikon (farge er aldri nok)"))
    return problems


def _check_references(refs: dict[str, Reference], path: str, src) -> list[Problem]:
    problems = []
    for key, ref in refs.items():
        if ref.url is not None and not ref.url.startswith("https://"):
            problems.append(Problem(path, src.line((key, "url")), f"{key}.url",
                                    "lenken må starte med https://", "bruk den sikre adressen"))
        if ref.type == "lov" and not ref.url:
            problems.append(Problem(path, src.line((key,)), f"{key}.url",
                                    "en lov trenger lenke til Lovdata", "legg til url"))
    return problems


def load_catalog(cases_dir: Path) -> Catalog:
    """Load and check both files. Raises ProblemsFound with every problem in them."""
    problems: list[Problem] = []
    loaded = {}
    for name, model, extra_check in ((DEFINITIONS_FILE, Definitions, _check_definitions),
                                     (REFERENCES_FILE, References, _check_references)):
        path = cases_dir / name
        shown = display_path(path)
        if not path.exists():
            problems.append(Problem(shown, 1, "", "filen mangler",
                                    f"saksmappen må ha {name} (se README)"))
            continue
        src, found = read_yaml(path, shown)
        problems += found
        if src is None:
            continue
        obj, found = check_structure(src, model)
        problems += found
        if obj is not None:
            value = obj.root if isinstance(obj, References) else obj
            problems += extra_check(value, shown, src)
            loaded[name] = value
    if problems:
        raise ProblemsFound(problems)
    return Catalog(cases_dir, loaded[DEFINITIONS_FILE], loaded[REFERENCES_FILE])

