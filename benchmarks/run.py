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
import lighthouse  # noqa: E402
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
    "lh-ytelse": (
        "Lighthouse 12.2.3 i mobilprofilen (simulert treg 4G og 4× tregere CPU) på én side av hver "
        "type, servert med gzip (`benchmarks/lighthouse.py`). Det som tok tiden før (tabellen «før» "
        "nederst): temaets `fontawesome.js` (529 KiB gzip) for et dusin ikoner, søkeindeksen på alle "
        "sider, åtte skript i `<head>` som stoppet første opptegning, og widgetbiblioteket (890 KiB) "
        "på modul 2. Nå tegnes ikonene som SVG rett i siden, søkeskriptene lastes bare på søkesiden, "
        "skript og CSS fra utvidelser som siden ikke bruker, er tatt bort side for side, resten er "
        "`defer` (`widgets/book/lean_pages.py`, `_theme/templates/`), og trinnvelgeren i modul 2 er vanlig "
        "HTML. Ytelsestallet avhenger av hvor travel maskinen er (flere økter deler to kjerner): "
        "ankeret, som ikke er endret, har gitt alt fra 55 til 97 i kjøringer samme kveld. Se "
        "belastningen øverst."),
    "lh-andre": (
        "Beste praksis var 96 på alle sider: temaets skript skrev «Got invalid theme mode» i konsollen "
        "(fargemodus tom), og nettleseren fikk 404 på /favicon.ico. Nå settes en gyldig fargemodus "
        "før første opptegning (`layout.html`), og boka har sitt eget ikon (`_theme/favicon.svg`)."),
    "lh-seo": (
        "SEO var 90: ingen side hadde `<meta name=\"description\">`. Nå får hver side sitt første "
        "avsnitt (på øvelsessidene sakens sammendrag) som beskrivelse."),
    "lh-lcp": (
        "Største innholdselement (LCP) var 5,7–6,6 s, og 11,6 s på modul 2. Søkesiden og "
        "øvelsessidene hadde også forskyvninger (CLS): søketreffene ble skjøvet ned når "
        "sammendragene kom (nå vises hvert treff med sammendraget, `_theme/static/sok.js`), og "
        "spilleren ble tegnet etter første opptegning (nå `blocking=\"render\"`, fortsatt async)."),
    "lh-vekt": (
        "Overført HTML, JavaScript og CSS (gzip). `tests/test_page_weight.py` sjekker det samme for "
        "alle bygde sider (grense 150 KiB), regnet fra filene. Skriften med temaets ikoner for "
        "merknadsbokser er et utdrag på 2 KiB (fontTools) i stedet for 153 KiB, så med skrifter er "
        "sidene også under 250 KiB. «alt» i tabellen under tar også med bilder (figuren i modul 2) "
        "og, på søkesiden, sidene som søket henter for å vise sammendrag av treffene."),
}


# Lighthouse before issue 16 (2026-12-01, commit cb0997e, one run per page), kept as the
# "before" next to each new run.
LIGHTHOUSE_BEFORE = """Før (2026-12-01, før sakens endringer: `fontawesome.js` og søkeindeksen på alle sider,
widgetbiblioteket på modul 2; én kjøring per side):

| side | ytelse | tilgj. | beste pr. | SEO | FCP | LCP | alt | HTML+JS+CSS | forespørsler |
|---|---|---|---|---|---|---|---|---|---|
| forside | 96 | 100 | 96 | 90 | 2.3 s | 2.3 s | 854 KiB | 701 KiB | 28 |
| tekstmodul | 71 | 100 | 96 | 90 | 3.2 s | 5.9 s | 857 KiB | 703 KiB | 28 |
| notatbokmodul | 49 | 100 | 96 | 91 | 11.3 s | 11.6 s | 1891 KiB | 1620 KiB | 33 |
| øvelse | 72 | 100 | 96 | 90 | 3.2 s | 5.9 s | 866 KiB | 713 KiB | 30 |
| «Øvelser» | 73 | 100 | 96 | 90 | 3.0 s | 5.7 s | 853 KiB | 700 KiB | 28 |
| søk | 63 | 100 | 96 | 90 | 3.2 s | 6.6 s | 967 KiB | 699 KiB | 40 |
| standard JB1 (anker) | 90 | 100 | 96 | 90 | 2.9 s | 2.9 s | 837 KiB | 683 KiB | 28 |"""


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "ukjent"


def run_all(short: bool) -> tuple[list[Result], dict]:
    runs = {"statisk": 6 if short else 20, "voila": 2 if short else 5, "minne": 1 if short else 3,
            "bygging": 1 if short else 3, "lighthouse": 1 if short else 3}
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
    lh = step("Lighthouse", lambda: lighthouse.run(runs["lighthouse"], html_dir))
    results += lh.results
    info["lighthouse"] = lh
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
        rows.append(f"| {i} | {r.title} | {r.shown(r.value)} | {r.sign} {r.shown(r.target)} | "
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
    lh = info.get("lighthouse")
    if lh is not None:
        parts += ["## Lighthouse per side (mobil)", "",
                  "Sidene i denne kjøringen, og en side i en standard Jupyter Book 1 (to sider, "
                  "standardoppsett) bygget i samme kjøring som anker. «HTML+JS+CSS» og «alt» er det "
                  "som ble overført (gzip); «alt» tar med bilder og skrifter.", "",
                  lighthouse.markdown_table(lh.rows), ""]
        parts += [f"- under full score, {name}: {', '.join(audits)}" for name, audits in lh.failing.items()]
        parts += ["", LIGHTHOUSE_BEFORE, ""]
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
    if "lighthouse" in info:
        print(lighthouse.text_table(info["lighthouse"].rows))
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
