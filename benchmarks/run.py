"""All benchmarks in one run: prints the table and writes benchmarks/RESULTS.md.

    make bench                          # or: .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --kort          # fewer repetitions (a quick look)
    .venv/bin/python benchmarks/run.py --ikke-skriv    # print only

Each benchmark is also a script of its own (see the files next to this one). Every row
is a ratio of two things measured in this same run, or a size or a time with its target.
These are measurements, not tests: nothing here fails `make test`.
(benchmarks/workshop_load.py, a room of participants, is run on its own.)
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_build  # noqa: E402
import engine_speed  # noqa: E402
import kernel_memory  # noqa: E402
import static_first_option  # noqa: E402
import static_size  # noqa: E402
import voila_first_option  # noqa: E402
from common import ROOT, Result, machine, table  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
WORKSHOP_MARK = "<!-- workshop_load.py -->"

# What each row measures, what was done to meet its target, and why a gap remains.
NOTES = {
    "statisk": (
        "Spilleren (`case-player.js`, 5 KB gzip) lastes `async` med høy prioritet og starter hver "
        "øvelse så snart HTML-parseren er ferdig med den, så valgene tegnes sammen med teksten rundt. "
        "Før var den `defer` og startet ved DOMContentLoaded: da ventet den på temaets "
        "`fontawesome.js` (1,5 MB, også `defer`, og slike kjøres i rekkefølge), og forholdet var "
        "1,2–1,5×. Den vanlige siden er samme fil med scenen og valgene skrevet rett i HTML. Tallene "
        "er små (under ett sekund med 4× tregere CPU), så én travel bakgrunnsprosess gir utslag: se "
        "min/maks og belastningen øverst."),
    "voila": (
        "Med forvarming har kjernen kjørt notatboka før besøket; uten starter Voila kjernen og "
        "kjører den når siden åpnes. Begge ble raskere da appene sluttet å importere `voila.utils` "
        "(se minne): uten forvarming gikk fra 3,4–6 s til under 2 s, med forvarming er det om lag "
        "1 s på en rolig maskin. Forholdet var 0,31× før den rettingen og er høyere nå, fordi "
        "nesten alt som er igjen, er likt for begge: nettleseren laster og kjører Voilas "
        "JavaScript (94 filer, 5 MB), kobler til kjernen og tegner widgetene. Cache hjelper lite "
        "(linjene «med cache»), så det er kjøringen av JavaScript, ikke nedlastingen. For å nå "
        "0,3× måtte den delen ned mot 0,5 s, med en mindre Voila-pakke (bare widgetene appene "
        "bruker); det er ikke gjort. Serveren får være i ro før hvert besøk, slik den er mellom to "
        "brukere; på en maskin med to kjerner konkurrerer ellers påfyllingen av poolen med "
        "nettleseren om CPU."),
    "minne": (
        "Appene leste adressen (`?case=`) med `voila.utils.get_query_string()`. Bare importen av "
        "`voila.utils` drar inn jupyter_server, nbconvert, bleach og jsonschema: 44 MB i hver "
        "kjerne, nesten dobbelt så mye som en tom kjerne (1,9×). `widgets/voila_query.py` gjør "
        "det samme uten Voila (samme protokoll over websocket), og brukes av øvelsesappen, "
        "listen og workshop-appene. Appene importerer ikke matplotlib."),
    "bygging": (
        "Forholdet gjelder `kurs build --følg`, slik en forfatter arbeider: én prosess som bygger "
        "boka på nytt hver gang en fil lagres, målt fra lagringen til boka er ferdig (med tiden "
        "det tar å merke endringen). Hver ny `kurs build` er en ny Python-prosess, og den faste "
        "kostnaden (Python, Jupyter Book, Sphinx og utvidelsene, og å lese inn det lagrede "
        "miljøet; linjen «ingen endring») er større enn arbeidet med én side, så med en ny "
        "prosess hver gang blir forholdet om lag 0,5×: med 30 sider er boka for liten til at den "
        "faste kostnaden blir liten ved siden av en ren bygging. Rettet underveis: jsonschema "
        "kompilerte 38 grammatikker i rfc3987_syntax ved import (0,7 s ved hver bygging, for en "
        "sjekk boka aldri bruker), og utvidelsen leste alle sakene med den trege YAML-leseren for "
        "å finne titlene til øvelsessidene (0,2 s ved hver bygging); nå hoppes modulen over, og "
        "titlene leses med libyaml."),
    "storrelse": (
        "Spilleren har ingen avhengigheter. `kurs.css` (tilgjengelighetsrettingene til temaet) "
        "er regnet med, selv om den ligger på alle sider."),
    "motor": (
        "Motoren er ren Python uten UI. Tiden er for gjennomspillingene; kompileringen av alle "
        "sakene (med sjekk) står under."),
}


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "ukjent"


def run_all(short: bool) -> tuple[list[Result], dict]:
    runs = {"statisk": 6 if short else 20, "voila": 2 if short else 5, "minne": 1 if short else 3,
            "bygging": 1 if short else 3}
    info = {"start": datetime.datetime.now(), "load_start": load()}
    results: list[Result] = []

    def step(name: str, fn):
        print(f"… {name}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        out = fn()
        print(f"  ferdig på {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        return out

    build_result, html_dir = step("bygging av boka", lambda: book_build.run(runs["bygging"]))
    results.append(step("statisk øvelse", lambda: static_first_option.run(runs["statisk"], html_dir)))
    results.append(step("Voila-øvelse", lambda: voila_first_option.run(runs["voila"])))
    results.append(step("minne", lambda: kernel_memory.run(runs["minne"])))
    results.append(build_result)
    results.append(step("størrelse", static_size.run))
    results.append(step("motor", engine_speed.run))
    info["end"] = datetime.datetime.now()
    info["load_end"] = load()
    return results, info


def markdown(results: list[Result], info: dict) -> str:
    rows = ["| | måling | resultat | mål | |", "|---|---|---|---|---|"]
    for i, r in enumerate(results, 1):
        rows.append(f"| {i} | {r.title} | {r.shown(r.value)} | ≤ {r.shown(r.target)} | "
                    f"{'nådd' if r.met else '**ikke nådd**'} |")
    parts = [
        "# Målinger (benchmarks)",
        "",
        "Skrevet av `make bench` (`benchmarks/run.py`). Kjør på nytt etter endringer; filen skrives om.",
        "",
        f"- Dato: {info['start']:%Y-%m-%d %H:%M}–{info['end']:%H:%M}",
        f"- Maskin: {machine()}",
        f"- Belastning (load average 1/5/15 min) før: {info['load_start']}, etter: {info['load_end']}",
        "",
        *rows,
        "",
    ]
    for i, r in enumerate(results, 1):
        status = "Målet er nådd." if r.met else "**Målet er ikke nådd i denne kjøringen.**"
        parts += [f"## {i}. {r.title}", "", *[f"- {d}" for d in r.detail], "", f"{status} {NOTES[r.key]}", ""]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kort", action="store_true", help="færre gjentakelser")
    parser.add_argument("--ikke-skriv", action="store_true", help="ikke skriv benchmarks/RESULTS.md")
    args = parser.parse_args()
    results, info = run_all(args.kort)
    print()
    print(f"Målinger {info['start']:%Y-%m-%d %H:%M}, {machine()}")
    print(f"Belastning før/etter: {info['load_start']} → {info['load_end']}")
    print()
    print(table(results))
    print()
    for i, r in enumerate(results, 1):
        print(f"{i}. {r.title}")
        for d in r.detail:
            print(f"   {d}")
    if not args.ikke_skriv:
        # the workshop's numbers (benchmarks/workshop_load.py, run on its own) stay
        kept = RESULTS.read_text(encoding="utf-8").partition(WORKSHOP_MARK)[2] if RESULTS.exists() else ""
        RESULTS.write_text(markdown(results, info) + (f"\n{WORKSHOP_MARK}{kept}" if kept else ""), encoding="utf-8")
        print(f"\nSkrevet til {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
