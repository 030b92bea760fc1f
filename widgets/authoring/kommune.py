"""The municipality's settings, checked like a case: a pydantic model of the `kommune`
block and a reader that reports every mistake as `fil:linje: felt: hva — hva du gjør`.

The block lives either in a book config (`sphinx: config: kommune:` in _config.yml) or
at the top level of a municipality's own settings file (`kurs build --kommune fjordvik.yml`).
`municipality()` (below) is the one reader the rest of the package uses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..problems import Problem, ProblemsFound, display_path
from .structure import check_structure
from .yamlsource import YamlSource, read_yaml

CONFIG_PREFIX = ("sphinx", "config", "kommune")
LINK_SCHEMES = ("https://", "mailto:", "tel:")

# Fields people write for another one: the hint names the right field.
SYNONYMS = {
    "telefon": "kontakt", "tlf": "kontakt", "epost": "kontakt", "e-post": "kontakt", "mail": "kontakt",
    "tittel": "navn", "tekst": "navn", "title": "navn", "name": "navn", "overskrift": "navn",
    "lenke": "url", "href": "url", "adresse": "url", "link": "url", "nettside": "url",
    "kommunenavn": "navn", "kommune": "navn", "beskrivelse_": "beskrivelse",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("tom tekst")
    return value.strip()


def _link(value: str) -> str:
    value = value.strip()
    if not value.lower().startswith(LINK_SCHEMES):
        raise ValueError("lenke")
    return value


class _Named(_Strict):
    """An entry with a name that is read out and shown, and maybe a link: the name must
    not be empty, the link only https, mailto or tel."""

    @field_validator("navn", check_fields=False)
    @classmethod
    def checknavn(cls, v):
        return _text(v)

    @field_validator("url", check_fields=False)
    @classmethod
    def checkurl(cls, v):
        return v if v is None else _link(v)


class Tjeneste(_Named):
    navn: str = Field(description="Tjenestens navn, f.eks. «Barnevernstjenesten».")
    kontakt: str = Field("", description="Telefon, e-post og åpningstid. Telefonnumre og e-postadresser blir lenker.")
    beskrivelse: Optional[str] = Field(None, description="Hva tjenesten hjelper med (valgfritt).")
    url: Optional[str] = Field(None, description="Tjenestens nettside (https://).")


class Rutine(_Named):
    navn: str = Field(description="Rutinens navn.")
    beskrivelse: str = Field("", description="Kort om når og hvordan rutinen brukes.")
    url: Optional[str] = Field(None, description="Hvor rutinen ligger (https://).")


class Lenke(_Named):
    navn: str = Field(description="Lenketeksten som leses opp og vises (påkrevd).")
    url: str = Field(description="Adressen: https://, mailto: eller tel:.")


class Tilgjengelighet(_Strict):
    kontakt: Optional[str] = Field(None, description="Hvor brukere melder fra om feil (e-post eller skjema).")
    erklaering_url: Optional[str] = Field(None, description="Kommunens tilgjengelighetserklæring (https://).")

    @field_validator("erklaering_url")
    @classmethod
    def checkurl(cls, v):
        return v if v is None else _link(v)


class Verktoy(_Strict):
    """The municipality's own versions of the printable tools under «Verktøy» (verktoy/<id>.md):
    their https addresses."""

    samtykkeskjema: Optional[str] = None
    stafettlogg: Optional[str] = None
    sjekkliste_bekymringsmelding: Optional[str] = Field(None, alias="sjekkliste-bekymringsmelding")
    fra_undring_til_melding: Optional[str] = Field(None, alias="fra-undring-til-melding")
    nar_kan_du_dele: Optional[str] = Field(None, alias="nar-kan-du-dele")

    @field_validator("*")
    @classmethod
    def checkurl(cls, v):
        if v is None:
            return v
        if not v.strip().lower().startswith("https://"):
            raise ValueError("lenke")
        return v.strip()


class Kursbevis(_Strict):
    """What a learner must have done for the certificate (and the SCORM pass mark)."""

    moduler: Optional[list[Union[int, str]]] = Field(
        None, description="Modulene som må være gjennomført: nummer (f.eks. 3) eller mappenavn. Standard: alle.")
    ovelser: Optional[int] = Field(None, ge=0, description="Hvor mange øvelser som må være gjort.")
    minste_poeng: Optional[int] = Field(None, ge=0, le=100, description="Minste poengsum i prosent.")
    timer: Optional[Union[int, float]] = Field(None, ge=0, description="Timene som står på kursbeviset.")


class Kommune(_Strict):
    """Everything a municipality sets. Only `navn` is required."""

    navn: str = Field(description="Kommunens navn, slik det skal stå i teksten, f.eks. «Fjordvik kommune».")
    tjenester: list[Tjeneste] = Field(default_factory=list, description="Tjenestene med kontaktpunkt (modul 9).")
    rutiner: list[Rutine] = Field(default_factory=list, description="Lokale rutiner (modul 9).")
    lenker: list[Lenke] = Field(default_factory=list, description="Lenker til mer hjelp (modul 9).")
    voila_url: Optional[str] = Field(None, description="Adressen til øvelsesappene (Voila). Tom: ingen lenke.")
    verktoy: Optional[Verktoy] = Field(
        None, description="Kommunens egne versjoner av verktøyene (valgfritt): verktøy: https://…")
    tilgjengelighet: Optional[Tilgjengelighet] = Field(None, description="Kontakt og erklæring (valgfritt).")
    kursbevis: Optional[Kursbevis] = Field(None, description="Kravene for kursbeviset (valgfritt).")
    lagringsnavn: Optional[str] = Field(
        None, description="Navnet fremdriften lagres under i nettleseren. Standard: laget av navn.")
    kildefiler: bool = Field(False, description="true: publiser kildefilene (_sources) med nedlastingsknapp.")

    @field_validator("navn")
    @classmethod
    def checknavn(cls, v):
        return _text(v)

    @field_validator("voila_url")
    @classmethod
    def _voila(cls, v):
        if v is None or not v.strip():
            return None
        if not v.strip().lower().startswith(("https://", "http://")):
            raise ValueError("lenke")
        return v.strip()

    @field_validator("lagringsnavn")
    @classmethod
    def _storage(cls, v):
        if v is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", v):
            raise ValueError("lagringsnavn")
        return v


FIELDS = {name: info.description for name, info in Kommune.model_fields.items()}


def _sub(source: YamlSource, prefix: tuple) -> YamlSource:
    """The part of `source` under `prefix`, with line numbers kept."""
    n = len(prefix)
    lines = {k[n:]: v for k, v in source.lines.items() if k[:n] == prefix}
    lines.setdefault((), source.line(prefix))
    data = source.data
    for part in prefix:
        data = data.get(part) if isinstance(data, dict) else None
    return YamlSource(source.path, data, lines)


def _polish(problems: list[Problem], field_prefix: str, source: YamlSource) -> list[Problem]:
    out = []
    for p in problems:
        message, hint = p.message, p.hint
        unknown = re.match(r"ukjent felt «(.+)»", message)
        if unknown and unknown.group(1).lower() in SYNONYMS and "mente du" not in hint:
            hint = f"mente du «{SYNONYMS[unknown.group(1).lower()]}»?"
        elif "lenke" in message and "Value error" in message:
            message = "lenken må starte med https://, mailto: eller tel:"
            hint = "skriv hele adressen, f.eks. https://www.kommune.no/ (http:// er ikke sikkert)"
            if p.field.endswith("voila_url"):
                message, hint = "adressen må starte med https:// eller http://", "skriv hele adressen"
        elif "tom tekst" in message:
            message, hint = "er tom", "skriv en tekst; lenker og tabeller trenger et navn som kan leses opp"
        elif "lagringsnavn" in message and "Value error" in message:
            message, hint = "er ikke et gyldig navn", "bruk små bokstaver a–z, tall og bindestrek"
        field = f"{field_prefix}{p.field}" if p.field else field_prefix.rstrip(".")
        out.append(Problem(p.file, p.line, field, message, hint))
    return out


def check_block(source: YamlSource, prefix: tuple = ()) -> tuple[dict, list[Problem]]:
    """Check the kommune block at `prefix` of `source`. ({} , []) when there is none."""
    sub = _sub(source, prefix)
    shown_prefix = "kommune." if prefix else ""
    if sub.data is None:
        if prefix:
            return {}, []
        return {}, [Problem(source.path, 1, "", "filen har ingen innstillinger",
                            "skriv minst «navn: Din kommune» (lag en ny fil med «kurs new-kommune»)")]
    if not isinstance(sub.data, dict):
        return {}, [Problem(source.path, sub.line(()), shown_prefix.rstrip(".") or "",
                            "skal være felt med verdier",
                            "skriv navn:, tjenester:, rutiner: og lenker: på hver sin linje")]
    _, problems = check_structure(sub, Kommune)
    if problems:
        return {}, _polish(problems, shown_prefix, source)
    return sub.data, []


def read_config(path: Path, prefix: tuple = CONFIG_PREFIX) -> tuple[dict, list[Problem], object]:
    """Read a book config (prefix = sphinx.config.kommune) or a municipality's file
    (prefix = ()). Returns (the block as a dict, problems, the whole data)."""
    source, problems = read_yaml(path, display_path(path))
    if source is None:
        return {}, problems, None
    if not isinstance(source.data, dict):
        return {}, [Problem(source.path, 1, "", "filen skal være felt med verdier (felt: verdi)",
                            "skriv ett felt per linje, f.eks. «navn: Fjordvik kommune»")], None
    if prefix:
        # Each level above the block must be felt med verdier too (not «sphinx: 5»).
        data: object = source.data
        for i, part in enumerate(prefix[:-1]):
            data = data.get(part) if isinstance(data, dict) else None
            if data is not None and not isinstance(data, dict):
                where = ".".join(prefix[: i + 1])
                return {}, [Problem(source.path, source.line(prefix[: i + 1]), where,
                                    "skal være felt med verdier", "skriv feltene på linjene under, med innrykk")], None
    block, more = check_block(source, prefix)
    return block, problems + more, source.data


def municipality_block(path: Path, prefix: tuple = CONFIG_PREFIX) -> dict:
    """The checked block, or ProblemsFound."""
    block, problems, _ = read_config(path, prefix)
    if problems:
        raise ProblemsFound(problems)
    return block


def municipality(config: Path, top_level: bool = False) -> dict:
    """The municipality's settings: the `kommune` block (sphinx: config: kommune:) of a book
    config file, or with `top_level` a municipality's own settings file (fjordvik.yml).
    {} if a book config or its block is missing. The block is checked like a case
    (widgets.authoring.kommune): any mistake raises ProblemsFound with Norwegian messages
    naming file, line and field. The apps must never silently show another
    municipality than the book, nor an empty cell for a mistyped field."""
    if not top_level and not config.is_file():
        return {}
    return dict(municipality_block(config, () if top_level else CONFIG_PREFIX))
