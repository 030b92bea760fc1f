"""Compile a checked case into a flat, versioned JSON structure that both players follow.

Everything a player needs is decided here, once: the scene after every option, the label
of every tier and level, which option is best, verdict names, icons and points, every text
split into paragraphs, the ordered dimensions, which decisions branch, the references
used, and the shortest number of scenes left to an ending (for "steg k av n"). Players
never look at the YAML or the catalogue, and compute none of these (format 2, documented
in om/kompilert-format.md and widgets/play/compiled.schema.json).
"""

from __future__ import annotations

import json
import re

from ..play.format import FORMAT, FORMAT_VERSION
from .case import Case
from .catalog import Catalog
from .graph import steps_to_ending, successors
from .placeholders import substitute

DIMENSION_OF_KIND = {"tier": "tier", "level": "level", "action": "action", "reflection": None}
_GROUP_OF_KIND = {"tier": "trinn", "level": "nivaer"}
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def paragraphs(text: str | None) -> list[str]:
    """A text as its paragraphs: split at blank lines (also lines of only spaces or tabs)."""
    return [p.strip() for p in _BLANK_LINE.split(text or "") if p.strip()]


def compile_case(case: Case, catalog: Catalog, settings: dict | None = None) -> dict:
    """`settings` is the municipality's block from _config.yml: {{ kommune }} in any
    text of the case becomes its name."""
    defs = catalog.definitions

    def text(value: str | None) -> str | None:
        return None if value is None else substitute(value.strip(), settings or {})

    best_verdict = defs.vurderinger[0].id   # the first verdict in _modell.yml is the recommended one
    used_refs: list[str] = []
    scenes = {}
    for scene in case.scenes:
        decision = None
        if scene.decision:
            d = scene.decision
            options = []
            for o in d.options:
                definition = defs.get(_GROUP_OF_KIND[d.kind], _level_id(o.id)) if d.kind in _GROUP_OF_KIND else None
                verdict = defs.get("vurderinger", o.verdict)
                options.append({
                    "id": str(o.id),
                    "label": text(o.label) or (definition.kort if definition else str(o.id)),
                    "description": definition.beskrivelse if definition and not o.label else None,
                    "verdict": o.verdict,
                    "best": o.verdict == best_verdict,
                    "points": verdict.poeng,
                    "feedback": paragraphs(text(o.feedback)),
                    "refs": list(o.refs),
                    "next": o.next or scene.next,
                })
                used_refs += [r for r in o.refs if r not in used_refs]
            decision = {"kind": d.kind, "dimension": DIMENSION_OF_KIND[d.kind], "prompt": text(d.prompt),
                        "branching": len({o["next"] for o in options}) > 1, "options": options}
        scenes[scene.id] = {"id": scene.id, "title": text(scene.title), "paragraphs": paragraphs(text(scene.text)),
                            "ending": scene.ending, "next": scene.next, "decision": decision}
    _add_remaining(scenes)

    def names(group: str, ids=None) -> dict:
        return {str(d.id): d.navn for d in getattr(defs, group) if ids is None or d.id in ids}

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": case.id,
        "title": text(case.title),
        "summary": text(case.summary),
        "topics": list(case.topics),
        "services": list(case.services),
        "age_groups": list(case.age_groups),
        "start": case.start or case.scenes[0].id,
        "dimensions": [{"id": str(d.id), "name": d.navn} for d in defs.dimensjoner],
        "scenes": scenes,
        "labels": {
            "topics": names("temaer", case.topics),
            "services": names("tjenester", case.services),
            "age_groups": names("aldersgrupper", case.age_groups),
            "verdicts": {str(v.id): {"name": v.navn, "icon": v.ikon, "points": v.poeng}
                         for v in defs.vurderinger},
        },
        "max_points": defs.vurderinger[0].poeng,
        "references": {key: _reference(catalog, key) for key in used_refs},
    }


def _level_id(value):
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _reference(catalog: Catalog, key: str) -> dict:
    ref = catalog.references[key]
    return {"label": ref.label, "title": ref.tittel, "summary": " ".join(ref.sammendrag.split()),
            "url": ref.url}


def _add_remaining(scenes: dict) -> None:
    """Shortest number of scenes from each scene to an ending, the ending included."""
    edges = {sid: successors(scene) for sid, scene in scenes.items()}
    dist = steps_to_ending(edges, [sid for sid, s in scenes.items() if s["ending"]])
    for sid, scene in scenes.items():
        scene["remaining"] = dist.get(sid, 1)


def to_json(compiled: dict) -> str:
    return json.dumps(compiled, ensure_ascii=False, indent=1, sort_keys=False)

