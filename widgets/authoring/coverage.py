"""Coverage of the case set: which topic × tier, topic × level and service × age cells
have at least one case whose recommended answer lands there.

A cell counts when a case has the topic and one of its tier (or level) decisions has
that tier (or level) as a recommended ("best") answer. Required: every topic × tier
and every topic × level cell, and every service and age group in some case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .case import Case
from .catalog import Catalog


def best_answers(case: Case, kind: str, best: str) -> set:
    out = set()
    for scene in case.scenes:
        d = scene.decision
        if d and d.kind == kind:
            out |= {str(o.id) for o in d.options if o.verdict == best}
    return out


@dataclass
class Coverage:
    topics: list
    tiers: list
    levels: list
    services: list
    ages: list
    topic_tier: dict = field(default_factory=dict)     # (topic, tier) -> [case ids]
    topic_level: dict = field(default_factory=dict)
    topic_tier_level: dict = field(default_factory=dict)
    service_age: dict = field(default_factory=dict)
    optional_topics: list = field(default_factory=list)  # shown, but not required in every cell

    def missing(self) -> list[str]:
        required = [t for t in self.topics if t not in self.optional_topics]
        gaps = [f"{t} × {x}" for t in required for x in self.tiers if not self.topic_tier.get((t, x))]
        gaps += [f"{t} × nivå {x}" for t in required for x in self.levels if not self.topic_level.get((t, x))]
        gaps += [f"tema {t}" for t in self.optional_topics
                 if not any(self.topic_tier.get((t, x)) for x in self.tiers)
                 and not any(self.topic_level.get((t, x)) for x in self.levels)]
        gaps += [f"tjeneste {s}" for s in self.services if not any(self.service_age.get((s, a)) for a in self.ages)]
        gaps += [f"aldersgruppe {a}" for a in self.ages if not any(self.service_age.get((s, a)) for s in self.services)]
        return gaps


def coverage(cases: dict[str, Case], catalog: Catalog) -> Coverage:
    defs = catalog.definitions
    best = defs.vurderinger[0].id
    cov = Coverage([str(x) for x in defs.ids("temaer")], [str(x) for x in defs.ids("trinn")],
                   [str(x) for x in defs.ids("nivaer")], [str(x) for x in defs.ids("tjenester")],
                   [str(x) for x in defs.ids("aldersgrupper")])
    cov.optional_topics = [str(d.id) for d in defs.temaer if d.dekning is False]
    for case_id, case in sorted(cases.items()):
        tiers, levels = best_answers(case, "tier", best), best_answers(case, "level", best)
        for topic in case.topics:
            for tier in tiers:
                cov.topic_tier.setdefault((topic, tier), []).append(case_id)
                for level in levels:
                    cov.topic_tier_level.setdefault((topic, tier, level), []).append(case_id)
            for level in levels:
                cov.topic_level.setdefault((topic, level), []).append(case_id)
        for service in case.services:
            for age in case.age_groups:
                cov.service_age.setdefault((service, age), []).append(case_id)
    return cov


def _table(title: str, rows: list, cols: list, cell, row_names=None, col_names=None) -> str:
    row_names = row_names or {r: r for r in rows}
    col_names = col_names or {c: c for c in cols}
    width = max(len(row_names[r]) for r in rows) + 2
    col_w = [max(len(col_names[c]), 3) + 2 for c in cols]
    lines = [title, " " * width + "".join(col_names[c].rjust(w) for c, w in zip(cols, col_w))]
    for r in rows:
        lines.append(row_names[r].ljust(width) + "".join(str(cell(r, c)).rjust(w) for c, w in zip(cols, col_w)))
    return "\n".join(lines)


def report(cov: Coverage, catalog: Catalog) -> str:
    defs = catalog.definitions
    topic_names = {str(d.id): d.navn for d in defs.temaer}
    level_names = {x: f"nivå {x}" for x in cov.levels}
    parts = [
        _table("Tema × trinn (antall saker med anbefalt svar der):", cov.topics, cov.tiers,
               lambda t, x: len(cov.topic_tier.get((t, x), [])), topic_names),
        _table("Tema × nivå:", cov.topics, cov.levels,
               lambda t, x: len(cov.topic_level.get((t, x), [])), topic_names, level_names),
        _table("Tema × trinn × nivå (til orientering):", [(t, x) for t in cov.topics for x in cov.tiers],
               cov.levels, lambda r, lv: len(cov.topic_tier_level.get((r[0], r[1], lv), [])),
               {(t, x): f"{topic_names[t]} / {x}" for t in cov.topics for x in cov.tiers}, level_names),
        _table("Tjeneste × alder:", cov.services, cov.ages,
               lambda s, a: len(cov.service_age.get((s, a), [])),
               {str(d.id): d.navn for d in defs.tjenester}),
    ]
    return "\n\n".join(parts)
