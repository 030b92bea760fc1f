"""Load a case file and check its structure and its meaning, reporting every problem.

Structure comes from the pydantic model in `widgets.case`; meaning (known topics,
verdicts and references, links between scenes, reachable endings, ...) is checked
here against the catalogue. The meaning checks read the raw data defensively, so a
file with structural mistakes still gets all its other problems reported in one run.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..problems import Problem, did_you_mean, display_path, errors, field_path
from ..strings import t
from .case import SLUG, Case
from .catalog import Catalog
from .graph import reach, reverse, successors
from .placeholders import KNOWN_PLACEHOLDERS, PLACEHOLDER
from .structure import check_structure
from .templates import TEXT_FIELDS, placeholder_texts
from .yamlsource import YamlSource, read_yaml

MIN_OPTIONS, MAX_OPTIONS = 3, 5


def case_files(paths: list[Path]) -> list[Path]:
    """Case files among `paths` (files or folders). Files starting with '_' are catalogues."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.glob("*.yml") if not p.name.startswith("_"))
        else:
            found.append(path)
    return found


def load_case(path: Path, catalog: Catalog) -> tuple[Case | None, list[Problem]]:
    """Read and check one case. Returns (case, problems); case is None if there are errors
    (warnings, `Problem.warning`, leave the case usable)."""
    shown = display_path(path)
    source, problems = read_yaml(path, shown)
    if source is None:
        return None, problems
    case, found = check_structure(source, Case)
    problems += found
    if isinstance(source.data, dict):
        seen = {(p.line, p.field) for p in problems}
        problems += [p for p in _MeaningChecker(source, catalog, path.stem).run()
                     if (p.line, p.field) not in seen]
    problems.sort(key=lambda p: (p.line, p.field))
    return (case if not errors(problems) else None), problems


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value) -> str | None:
    return value if isinstance(value, str) else None



class _MeaningChecker:
    def __init__(self, source: YamlSource, catalog: Catalog, stem: str):
        self.data, self.src, self.catalog, self.stem = source.data, source, catalog, stem
        self.defs = catalog.definitions
        self.problems: list[Problem] = []
        self.scenes = [s for s in _list(self.data.get("scenes")) if isinstance(s, dict)]
        self.scene_ids = {s["id"] for s in self.scenes if isinstance(s.get("id"), str)}
        self.duplicate_scene = False

    def add(self, parts: tuple, message: str, hint: str, warning: bool = False) -> None:
        self.problems.append(Problem(self.src.path, self.src.line(parts), field_path(parts, self.data), message,
                                     hint, warning))

    def run(self) -> list[Problem]:
        self.check_header()
        self.check_placeholders(self.data, ())
        seen: dict[str, int] = {}
        for i, scene in enumerate(_list(self.data.get("scenes"))):
            if not isinstance(scene, dict):
                continue
            sid = scene.get("id")
            if isinstance(sid, str) and sid in seen:
                self.duplicate_scene = True
                self.add(("scenes", i, "id"), f"scene-id «{sid}» er brukt før (scene nr. {seen[sid] + 1})",
                         "gi hver scene et eget id")
            if isinstance(sid, str):
                seen.setdefault(sid, i)
            self.check_scene(i, scene)
        if self.scenes and not any(_dict(s.get("decision")).get("kind") == "reflection" for s in self.scenes):
            self.add(("scenes",), "saken mangler et refleksjonsspørsmål",
                     "avslutt saken med en beslutning av typen «reflection» til diskusjon")
        start = self.data.get("start")
        if isinstance(start, str) and start not in self.scene_ids:
            self.add(("start",), f"scenen «{start}» finnes ikke", did_you_mean(start, self.scene_ids))
        elif self.scenes and not self.duplicate_scene:
            self.check_graph()
        return self.problems

    def check_placeholders(self, value, parts: tuple) -> None:
        """Only {{ kommune }} can be filled in (from the municipality's settings), and no
        text may still be the starter file's placeholder (`kurs new-case`)."""
        if isinstance(value, dict):
            for key, item in value.items():
                if key in TEXT_FIELDS and isinstance(item, str) and " ".join(item.split()) in placeholder_texts():
                    self.add(parts + (key,), "teksten er fortsatt malens eksempeltekst",
                             "skriv din egen tekst for saken")
                self.check_placeholders(item, parts + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.check_placeholders(item, parts + (i,))
        elif isinstance(value, str):
            for name in PLACEHOLDER.findall(value):
                if name not in KNOWN_PLACEHOLDERS:
                    self.add(parts, f"ukjent innsetting «{{{{ {name} }}}}»",
                             "bare {{ kommune }} kan brukes (kommunens navn fra _config.yml)")

    def check_header(self) -> None:
        data = self.data
        case_id = data.get("id")
        if not re.match(SLUG, self.stem):
            self.add(("id",), f"filnavnet «{self.stem}.yml» er ikke et gyldig sak-id",
                     "gi filen et navn med små bokstaver a–z, tall og bindestrek, f.eks. «skolegutt-forteller.yml»")
        elif isinstance(case_id, str) and case_id != self.stem:
            self.add(("id",), f"id «{case_id}» er ikke lik filnavnet «{self.stem}.yml»",
                     f"skriv «id: {self.stem}» eller gi filen navnet «{case_id}.yml»")
        if data.get("fictional") is not True:
            self.add(("fictional",), "saken er ikke merket som oppdiktet",
                     "alle saker skal være oppdiktet: skriv «fictional: true» og fjern alt som kan peke på en virkelig familie")
        for field, group in (("topics", "temaer"), ("services", "tjenester"), ("age_groups", "aldersgrupper")):
            known = self.defs.ids(group)
            values = _list(data.get(field))
            for j, value in enumerate(values):
                if not isinstance(value, str):
                    continue
                if value not in known:
                    self.add((field, j), f"«{value}» er ukjent", did_you_mean(value, known))
                elif values.index(value) != j:
                    self.add((field, j), f"«{value}» står to ganger", "slett den ene")
        for field in ("title", "summary"):
            if _text(data.get(field)) is not None and not data[field].strip():
                self.add((field,), "er tom", "skriv en tekst")

    def check_scene(self, i: int, scene: dict) -> None:
        here = ("scenes", i)
        kind_here = _dict(scene.get("decision")).get("kind")
        title = _text(scene.get("title"))
        if kind_here == "reflection" and title is not None and title.strip().casefold() == t("reflection").casefold():
            self.add(here + ("title",), f"spilleren skriver selv «{t('reflection')}» over refleksjonsspørsmålet",
                     "gi scenen en annen tittel, for eksempel «Avslutning», eller fjern title")
        text = _text(scene.get("text"))
        if text is not None and not text.strip():
            self.add(here + ("text",), "er tom", "skriv hva som skjer i scenen")
        nxt = _text(scene.get("next"))
        if nxt is not None and nxt not in self.scene_ids:
            self.add(here + ("next",), f"scenen «{nxt}» finnes ikke", did_you_mean(nxt, self.scene_ids))
        decision = scene.get("decision")
        decision = decision if isinstance(decision, dict) else None
        kind = decision.get("kind") if decision else None
        ending = scene.get("ending") is True
        if ending:
            if nxt is not None:
                self.add(here + ("next",), "en avslutning kan ikke ha next", "fjern next, eller fjern «ending: true»")
            if decision is not None and kind != "reflection":
                self.add(here + ("decision", "kind"), "en avslutning kan bare ha et refleksjonsspørsmål",
                         "flytt valget til en scene før avslutningen")
        elif (decision is None or kind == "reflection") and nxt is None:
            self.add(here, "scenen fører ingen steder",
                     "legg til next (neste scene), et valg (decision) eller «ending: true»")
        if decision is None:
            return
        d_here = here + ("decision",)
        prompt = _text(decision.get("prompt"))
        if prompt is not None and not prompt.strip():
            self.add(d_here + ("prompt",), "er tom", "skriv spørsmålet")
        options = _list(decision.get("options"))
        if kind == "reflection":
            if options:
                self.add(d_here + ("options",), "et refleksjonsspørsmål har ingen svaralternativer",
                         "fjern options, eller bruk kind: action")
            return
        if nxt is not None and options and all(isinstance(o, dict) and o.get("next") for o in options):
            self.add(here + ("next",), "alle alternativene har sin egen next, så scenens next blir aldri brukt",
                     "fjern next på scenen, eller fjern next på alternativene som skal gå dit")
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            self.add(d_here + ("options",), f"har {len(options)} svaralternativer",
                     f"gi {MIN_OPTIONS}–{MAX_OPTIONS} troverdige alternativer")
        verdicts = self.defs.ids("vurderinger")
        best = self.defs.vurderinger[0].id
        if options and not any(_dict(o).get("verdict") == best for o in options):
            self.add(d_here + ("options",), f"ingen alternativer er vurdert som «{best}»",
                     f"minst ett alternativ må ha «verdict: {best}»")
        seen_ids: set = set()
        for j, option in enumerate(options):
            if not isinstance(option, dict):
                continue
            o_here = d_here + ("options", j)
            oid = option.get("id")
            if oid is not None and str(oid) in seen_ids:
                self.add(o_here + ("id",), f"alternativet «{oid}» står to ganger", "gi hvert alternativ et eget id")
            seen_ids.add(str(oid))
            if oid is not None:
                self.check_option_id(o_here, kind, option)
            verdict = option.get("verdict")
            if isinstance(verdict, str) and verdict not in verdicts:
                self.add(o_here + ("verdict",), f"«{verdict}» er ikke en vurdering", did_you_mean(verdict, verdicts))
            feedback = _text(option.get("feedback"))
            if feedback is not None and not feedback.strip():
                self.add(o_here + ("feedback",), "tilbakemeldingen er tom",
                         "forklar hvorfor valget er godt eller mindre godt")
            if not _list(option.get("refs")):
                self.add(o_here + ("refs",), "alternativet viser ikke til lov eller modell",
                         "kurset lover tilbakemelding med loven og modellen bak: legg til refs med nøkler "
                         "fra cases/_referanser.yml")
            for k, ref in enumerate(_list(option.get("refs"))):
                if isinstance(ref, str) and ref not in self.catalog.references:
                    self.add(o_here + ("refs", k), f"referansen «{ref}» finnes ikke i katalogen",
                             did_you_mean(ref, self.catalog.references) + " (se cases/_referanser.yml)")
            o_next = _text(option.get("next"))
            if o_next is not None and o_next not in self.scene_ids:
                self.add(o_here + ("next",), f"scenen «{o_next}» finnes ikke", did_you_mean(o_next, self.scene_ids))
            if option.get("next") is None and nxt is None and not ending:
                self.add(o_here, "valget fører ingen steder", "legg til next på alternativet eller på scenen")

    def check_option_id(self, here: tuple, kind, option: dict) -> None:
        oid = option.get("id")
        if kind == "tier":
            tiers = self.defs.ids("trinn")
            if oid not in tiers:
                self.add(here + ("id",), f"«{oid}» er ikke et trinn", did_you_mean(oid, tiers))
        elif kind == "level":
            levels = [str(x) for x in self.defs.ids("nivaer")]
            if str(oid) not in levels:
                self.add(here + ("id",), f"«{oid}» er ikke et nivå", "bruk " + ", ".join(levels))
        elif kind == "action":
            if not isinstance(oid, str) or not re.match(SLUG, oid):
                self.add(here + ("id",), f"«{oid}» er ikke et gyldig id",
                         "bruk små bokstaver a–z, tall og bindestrek, f.eks. «snakke-med-barnet»")
            label = option.get("label")
            if label is None or (isinstance(label, str) and not label.strip()):
                self.add(here + ("label",), "en handling trenger en tekst på knappen", "legg til label")

    def check_graph(self) -> None:
        scenes = {s["id"]: s for s in self.scenes if isinstance(s.get("id"), str)}
        index = {sid: i for i, s in enumerate(_list(self.data.get("scenes")))
                 if isinstance(s, dict) and isinstance(sid := s.get("id"), str)}
        edges = {sid: successors(s) & self.scene_ids for sid, s in scenes.items()}
        start = self.data.get("start") if isinstance(self.data.get("start"), str) else self.scenes[0].get("id")
        if start not in scenes:
            return
        reached = reach([start], edges)
        for sid in scenes:
            if sid not in reached:
                self.add(("scenes", index[sid], "id"), f"scenen «{sid}» kan ikke nås fra starten",
                         "pek på den med next fra en annen scene, eller slett den")
        endings = [sid for sid in reached if scenes[sid].get("ending") is True]
        if not endings:
            self.add(("scenes",), "ingen avslutning kan nås fra starten",
                     "legg til en scene med «ending: true» og pek på den med next")
            return
        can_finish = reach(endings, reverse(edges))
        for sid in sorted(reached - can_finish, key=index.get):
            self.add(("scenes", index[sid], "id"), f"fra scenen «{sid}» kommer man aldri til en avslutning",
                     "sørg for at alle veier videre leder til en scene med «ending: true»")
