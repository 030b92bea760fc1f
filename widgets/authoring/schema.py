"""JSON Schema of the case format, for editor completion (yaml-language-server)."""

from __future__ import annotations

import json

from .case import Case
from .catalog import Catalog

SCHEMA_FILE = "case.schema.json"


def case_schema(catalog: Catalog) -> dict:
    """The pydantic model's schema, with the allowed values from cases/_modell.yml."""
    defs = catalog.definitions
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Sak i kurset Tidlig og sammen"
    props = schema["properties"]
    for field, group in (("topics", "temaer"), ("services", "tjenester"), ("age_groups", "aldersgrupper")):
        props[field]["items"] = {"enum": defs.ids(group), "type": "string"}
    option = schema["$defs"]["Option"]["properties"]
    option["verdict"] = {**option["verdict"], "enum": defs.ids("vurderinger")}
    option["refs"]["items"] = {"enum": sorted(catalog.references), "type": "string"}
    return schema


def schema_text(catalog: Catalog) -> str:
    return json.dumps(case_schema(catalog), ensure_ascii=False, indent=2) + "\n"
