"""Check YAML data against a pydantic model; turn every error into a Norwegian Problem."""

from __future__ import annotations

import typing
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..problems import Problem, did_you_mean, field_path
from .yamlsource import YamlSource

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    "str": "tekst", "int": "et heltall", "bool": "true eller false", "list": "en liste",
    "dict": "felt med verdier", "NoneType": "tom", "float": "et tall", "date": "en dato",
}


def _kind(value: object) -> str:
    return _TYPE_NAMES.get(type(value).__name__, type(value).__name__)


def _model_at(model: type[BaseModel], parts) -> type[BaseModel] | None:
    """The pydantic model that holds the field at `parts` (to suggest field names)."""
    current: object = model
    for part in parts:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = info.annotation
        while typing.get_origin(current) is not None:
            args = [a for a in typing.get_args(current) if a is not type(None)]
            current = args[0] if args else None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _describe(error: dict, model: type[BaseModel]) -> tuple[str, str]:
    kind, value, loc = error["type"], error.get("input"), error["loc"]
    name = loc[-1] if loc else ""
    if kind == "missing":
        return "mangler", f"legg til feltet «{name}»"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        fields = list(owner.model_fields) if owner else []
        return f"ukjent felt «{name}»", did_you_mean(name, fields) if fields else "fjern feltet"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = [c.strip(" '") for c in expected.replace(" or ", ",").split(",") if c.strip(" '")]
        return f"«{value}» er ikke en gyldig verdi", did_you_mean(value, choices)
    if kind == "string_pattern_mismatch":
        return (f"«{value}» er ikke et gyldig id",
                "bruk bare små bokstaver a–z, tall og bindestrek, f.eks. «snakke-med-barnet»")
    if kind == "too_short":
        return "listen er tom", "legg til minst ett element"
    if kind == "bool_type" and isinstance(value, str):
        # yes/no/on/off are booleans in YAML 1.1 only; the reader keeps them as text.
        return (f"«{value}» er ikke true eller false",
                "skriv true eller false (ord som yes, no, on og off godtas ikke)")
    if kind.endswith("_type") or kind in ("model_attributes_type", "model_type"):
        wanted = {"string_type": "tekst", "int_type": "et heltall", "bool_type": "true eller false",
                  "list_type": "en liste (linjer som starter med «- »)",
                  "model_type": "felt med verdier (felt: verdi)",
                  "dict_type": "felt med verdier (felt: verdi)",
                  "date_type": "en dato (ÅÅÅÅ-MM-DD)"}.get(kind, "en annen type")
        hint = "sett teksten i anførselstegn" if kind == "string_type" and value is not None else \
            f"skriv {wanted}"
        if value is None:
            return "er tom", f"skriv {wanted}"
        return f"skal være {wanted}, men er {_kind(value)}", hint
    return error.get("msg", "ugyldig verdi"), "rett verdien"


def check_structure(source: YamlSource, model: type[M]) -> tuple[M | None, list[Problem]]:
    """Validate `source.data` against `model`. All problems at once, sorted by line."""
    try:
        return model.model_validate(source.data), []
    except ValidationError as exc:
        problems: dict[tuple, Problem] = {}
        for error in exc.errors():
            # Unions add a type tag ('str', 'int') to the location: drop what is not data.
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p in ("str", "int")))
            error = {**error, "loc": loc}
            message, hint = _describe(error, model)
            key = (loc, "type" if error["type"].endswith("_type") else message)
            problems.setdefault(key, Problem(source.path, source.line(loc), field_path(loc, source.data), message, hint))
        return None, sorted(problems.values(), key=lambda p: (p.line, p.field))
