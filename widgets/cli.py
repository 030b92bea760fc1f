"""`kurs`: the course's command line (Norwegian help texts)."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import traceback
from pathlib import Path

from . import __version__

_NB = {
    "usage: ": "bruk: ",
    "positional arguments": "argumenter",
    "options": "valg",
    "show this help message and exit": "vis denne hjelpeteksten og avslutt",
    "%(prog)s: error: %(message)s\n": "%(prog)s: feil: %(message)s\n",
    "the following arguments are required: %s": "disse argumentene mangler: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldig valg: %(value)r (velg blant %(choices)s)",
    "unrecognized arguments: %s": "ukjente argumenter: %s",
    "expected one argument": "trenger én verdi",
    "invalid %(type)s value: %(value)r": "ugyldig verdi: %(value)r",
    "show program's version number and exit": "vis versjonen og avslutt",
}
argparse._ = lambda text: _NB.get(text, text)  # argparse looks this up at call time


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kurs", description="Verktøy for kurset «Tidlig og sammen»: sjekk og bygg saker og bok.")
    p.add_argument("--version", action="version", version=f"kurs {__version__}", help="vis versjonen og avslutt")
    sub = p.add_subparsers(dest="command", metavar="KOMMANDO", title="kommandoer")

    c = sub.add_parser("check", help="sjekk sakene (alle feil på én gang)",
                       description="Sjekker sakene og referansekatalogen. Skriver hver feil som "
                                   "fil:linje: felt: hva er galt — hva du gjør.")
    c.add_argument("paths", nargs="*", type=Path, metavar="STI", help="saksfiler eller mapper (standard: cases/)")
    c.add_argument("--coverage", action="store_true",
                   help="vis dekningen (tema × trinn × nivå, tjeneste × alder); feil hvis en påkrevd celle er tom")
    c.add_argument("--lix", action="store_true",
                   help="vis lesbarhet (LIX) for hver modulside; feil hvis en side har LIX over 55")
    c.add_argument("--lov-maks-alder", dest="lov_maks_alder", type=int, default=None, metavar="MÅNEDER",
                   help="advar når en lov i referansekatalogen ble kontrollert for mer enn så mange "
                        "måneder siden (standard: 12, eller maks_alder_maaneder i cases/_paragrafer.yml)")

    k = sub.add_parser("compile", help="kompiler sakene til JSON for spillerne")
    k.add_argument("paths", nargs="*", type=Path, metavar="STI", help="saksfiler eller mapper (standard: cases/)")
    k.add_argument("--ut", type=Path, default=None, help="mappe for JSON-filene (standard: _build/saker)")

    s = sub.add_parser("schema", help="skriv JSON-skjemaet for saksformatet")
    s.add_argument("--ut", default=None, help="fil (standard: cases/case.schema.json; «-» for skjermen)")

    n = sub.add_parser("new-case", help="lag en ny sak fra en mal")
    n.add_argument("id", metavar="ID", help="sakens id, f.eks. «tenaring-selvskading»")

    b = sub.add_parser("build", help="bygg boka (HTML) med advarsler som feil")
    b.add_argument("--ut", type=Path, default=None, help="byggemappe (standard: _build)")
    b.add_argument("--følg", dest="folg", action="store_true",
                   help="bygg på nytt hver gang du lagrer en side (stopp med Ctrl+C)")

    v = sub.add_parser("serve", help="bygg og vis kurset i nettleseren")
    v.add_argument("--port", type=int, default=8000, help="port (standard: 8000)")
    v.add_argument("--vert", default="127.0.0.1",
                   help="adresse å lytte på (standard: 127.0.0.1; bruk 0.0.0.0 for andre maskiner)")
    v.add_argument("--uten-bygg", action="store_true", help="ikke bygg boka først")
    v.add_argument("--voila-port", type=int, default=8866, help="port for øvelsesappene (standard: 8866)")
    v.add_argument("--forvarmet", type=int, default=2, metavar="N",
                   help="antall forvarmede kjerner for øvelsesappen (standard: 2; 0 slår av)")
    v.add_argument("--uten-apper", action="store_true", help="bare boka, ingen Voila-apper")

    ws = sub.add_parser("workshop", help="kjør en workshop: kursholder-appen og deltaker-appen",
                        description="Starter kursholder-appen (lag en økt, se hva rommet velger, vis fasit) og "
                                    "deltaker-appen. Svarene lagres i databasen i $KURS_DB_URL "
                                    "(standard: _data/kurs.sqlite3 i prosjektet).")
    ws.add_argument("--deltakere", type=int, default=30, metavar="N",
                    help="hvor mange som skal bli med (standard: 30); så mange kjerner holdes klare, "
                         "70–110 MB minne hver")
    ws.add_argument("--port", type=int, default=8866, help="port (standard: 8866)")
    ws.add_argument("--vert", default="0.0.0.0",
                    help="adresse å lytte på (standard: 0.0.0.0, så telefoner på samme nett når appen; "
                         "127.0.0.1 for bare denne maskinen)")
    ws.add_argument("--url", default=None,
                    help="adressen deltakerne skal bruke, f.eks. https://kurs.kommune.no "
                         "(standard: denne maskinens adresse på nettet)")
    wsub = ws.add_subparsers(dest="handling", metavar="HANDLING", title="handlinger")
    wp = wsub.add_parser("purge", help="slett gamle økter med alle svar",
                         description="Sletter økter som ble laget før den gitte tiden, med deltakere, svar "
                                     "og refleksjoner.")
    wp.add_argument("--older-than", dest="eldre_enn", required=True, type=_duration, metavar="TID",
                    help="f.eks. 30d (dager) eller 12h (timer)")
    we = wsub.add_parser("eksport", help="lagre resultatene fra en økt som CSV og PNG")
    we.add_argument("kode", metavar="KODE", help="øktens kode")
    we.add_argument("--ut", type=Path, default=Path("."), help="mappe for filene (standard: her)")
    return p


def _duration(text: str):
    """«30d» or «12h» as a timedelta (argparse type)."""
    import re
    from datetime import timedelta

    match = re.fullmatch(r"\s*(\d+)\s*([dht])\s*", str(text).lower())
    if not match:
        raise argparse.ArgumentTypeError(f"«{text}» er ikke en tid — skriv f.eks. 30d (dager) eller 12h (timer)")
    n, unit = int(match.group(1)), match.group(2)
    return timedelta(days=n) if unit == "d" else timedelta(hours=n)


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem)


def cmd_check(args) -> int:
    from .library import check

    result = check(args.paths or None)
    law = _check_law(result, args)
    _print_problems(result.problems + law.problems)
    _print_problems(law.warnings)
    n = len(result.files)
    errors = len(result.problems) + len(law.problems)
    stale = f", {len(law.warnings)} lover kontrollert for mer enn {law.max_age_months} måneder siden" \
        if law.warnings else ""
    print(f"{n} {'sak' if n == 1 else 'saker'}, {errors} feil{stale}")
    failed = bool(errors)
    if args.coverage and result.catalog is not None:
        failed |= _print_coverage(result)
    if args.lix:
        failed |= _print_lix()
    return 1 if failed else 0


def _check_law(result, args):
    """Paragraphs in the text and the age of the catalogue's dates (widgets.law_check)."""
    from .law_check import LawCheck, check_law

    if result.catalog is None:
        return LawCheck()
    root = result.catalog.directory.parent
    return check_law(root, result.catalog, max_age_months=args.lov_maks_alder)


def _print_coverage(result) -> bool:
    from .coverage import coverage, report

    cov = coverage(result.cases, result.catalog)
    print()
    print(report(cov, result.catalog))
    gaps = cov.missing()
    if gaps:
        print(f"\nDekning: {len(gaps)} påkrevde celler er tomme — skriv eller endre saker så de dekkes:")
        for gap in gaps:
            print(f"  {gap}")
    else:
        print("\nDekning: alle påkrevde celler er dekket.")
    return bool(gaps)


def _print_lix() -> bool:
    from .project import project_root
    from .readability import LIX_AIM, LIX_LIMIT, lix, module_pages, prose_of

    root = project_root()
    print("\nLesbarhet (LIX; mål ≤ %d, grense %d):" % (LIX_AIM, LIX_LIMIT))
    too_hard = 0
    for page in module_pages(root):
        value, words = lix(prose_of(page))
        mark = "for vanskelig" if value > LIX_LIMIT else ("over målet" if value > LIX_AIM else "ok")
        too_hard += value > LIX_LIMIT
        print(f"  {page.relative_to(root)}: LIX {value:.0f} ({words} ord) – {mark}")
    if too_hard:
        print(f"{too_hard} sider har LIX over {LIX_LIMIT}: bruk kortere setninger og ord.")
    return bool(too_hard)


def cmd_compile(args) -> int:
    from .library import compile_all
    from .project import project_root

    out = args.ut or project_root() / "_build" / "saker"
    result = compile_all(out, args.paths or None)
    if result.problems:
        _print_problems(result.problems)
        print(f"Ingen saker kompilert: {len(result.problems)} feil.")
        return 1
    print(f"{len(result.cases)} saker kompilert til {out}")
    return 0


def cmd_schema(args) -> int:
    from .catalog import load_catalog
    from .project import cases_dir
    from .schema import SCHEMA_FILE, schema_text

    folder = cases_dir()
    text = schema_text(load_catalog(folder))
    if args.ut == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.ut) if args.ut else folder / SCHEMA_FILE
    target.write_text(text, encoding="utf-8")
    print(f"Skjemaet er skrevet til {target}")
    return 0


def cmd_new_case(args) -> int:
    import re

    from .case import SLUG
    from .library import check
    from .project import cases_dir

    if not re.match(SLUG, args.id):
        print(f"«{args.id}» er ikke et gyldig id — bruk små bokstaver a–z, tall og bindestrek, "
              "f.eks. «tenaring-selvskading»")
        return 1
    target = cases_dir() / f"{args.id}.yml"
    if target.exists():
        print(f"{target} finnes allerede — velg et annet id, eller rediger filen")
        return 1
    template = (Path(__file__).parent / "templates" / "ny-sak.yml").read_text(encoding="utf-8")
    target.write_text(template.replace("__ID__", args.id), encoding="utf-8")
    result = check([target])
    _print_problems(result.problems)
    print(f"Ny sak: {target}. Skriv historien, og sjekk med «kurs check {target}».")
    return 1 if result.problems else 0


def cmd_build(args) -> int:
    from .book import build
    from .project import project_root

    code, _ = build(project_root(), args.ut, follow=args.folg)
    return code


def cmd_serve(args) -> int:
    import threading

    from .book import build, serve
    from .library import compile_all
    from .project import project_root

    root = project_root()
    if not args.uten_bygg:
        code, _ = build(root)
        if code:
            return code
    html = root / "_build" / "html"
    if not (html / "index.html").is_file():
        print("Boka er ikke bygget ennå — kjør «kurs build» først.")
        return 1
    if args.uten_apper:
        serve(html, args.vert, args.port)
        return 0
    compiled = root / "_build" / "saker"
    result = compile_all(compiled)
    if result.problems:
        _print_problems(result.problems)
        return 1
    from .voila_server import make_app

    threading.Thread(target=serve, args=(html, args.vert, args.port), daemon=True).start()
    app = make_app(args.voila_port, args.vert, compiled, args.forvarmet)
    print(f"Øvelsesappene: http://localhost:{args.voila_port}/", flush=True)
    try:
        app.start()
    except KeyboardInterrupt:
        print("\nStoppet.")
    return 0


COMMANDS = {"check": cmd_check, "compile": cmd_compile, "schema": cmd_schema,
            "new-case": cmd_new_case, "build": cmd_build, "serve": cmd_serve}


def _lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def cmd_workshop(args) -> int:
    import os

    import sqlalchemy as sa

    from .workshop_store import DB_ENV, Store, default_url

    url = os.environ.setdefault(DB_ENV, default_url())   # the app kernels inherit it
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    store = Store(url)
    try:
        store.ensure_schema()
    except sa.exc.SQLAlchemyError:
        print(f"Får ikke kontakt med databasen {shown}. Sjekk {DB_ENV}.")
        return 1
    if args.handling == "purge":
        n = store.purge(args.eldre_enn)
        print(f"Slettet {n} {'økt' if n == 1 else 'økter'} (med deltakere, svar og refleksjoner) fra {shown}.")
        return 0
    if args.handling == "eksport":
        return _workshop_export(store, args)
    return _workshop_start(store, shown, args)


def _workshop_export(store, args) -> int:
    from .library import compiled_case
    from .workshop import Session, charts_png, dashboard, results_csv

    row = store.session_by_code(args.kode)
    if row is None:
        print(f"Fant ingen økt med koden «{args.kode}».")
        return 1
    session = Session(row, compiled_case(row["case_id"]))
    args.ut.mkdir(parents=True, exist_ok=True)
    csv_path = args.ut / f"workshop-{session.code}.csv"
    png_path = args.ut / f"workshop-{session.code}.png"
    csv_path.write_text("\ufeff" + results_csv(store, session), encoding="utf-8")
    png_path.write_bytes(charts_png(dashboard(session, store.room(session.id)), session.case["title"]))
    print(f"Lagret {csv_path} og {png_path}")
    return 0


def _workshop_start(store, shown: str, args) -> int:
    import os
    from datetime import timedelta

    from .library import compile_all
    from .project import project_root
    from .voila_server import make_app
    from .workshop import (
        PARTICIPANT_NOTEBOOK,
        PUBLIC_URL_ENV,
        TRAINER_NOTEBOOK,
        room_pool,
    )

    if args.deltakere < 1:
        print("--deltakere må være minst 1.")
        return 1
    compiled = project_root() / "_build" / "saker"
    result = compile_all(compiled)
    if result.problems:
        _print_problems(result.problems)
        return 1
    old = store.purge(timedelta(days=30))
    if old:
        print(f"Slettet {old} økter eldre enn 30 dager.")
    if args.url:
        os.environ[PUBLIC_URL_ENV] = args.url.rstrip("/")
    elif args.vert in ("0.0.0.0", "::", ""):
        os.environ.setdefault(PUBLIC_URL_ENV, f"http://{_lan_address()}:{args.port}")
    elif args.vert not in ("127.0.0.1", "localhost"):
        os.environ.setdefault(PUBLIC_URL_ENV, f"http://{args.vert}:{args.port}")
    first, spare = room_pool(args.deltakere)
    app = make_app(args.port, args.vert, compiled, 1,
                   pools={PARTICIPANT_NOTEBOOK: first, TRAINER_NOTEBOOK: 1}, spares={PARTICIPANT_NOTEBOOK: spare})
    public = os.environ.get(PUBLIC_URL_ENV, f"http://localhost:{args.port}")
    print(f"Kursholder: http://localhost:{args.port}/voila/render/{TRAINER_NOTEBOOK}")
    print(f"Deltakere:  {public}/voila/render/{PARTICIPANT_NOTEBOOK}")
    print(f"Data:       {shown}")
    print(f"Gjør klar {first} kjerner for {args.deltakere} deltakere (opptil {first * 0.11:.1f} GB minne). "
          "Vent på «Klar» før rommet blir med. Stopp med Ctrl+C.", flush=True)
    try:
        app.start()
    except KeyboardInterrupt:
        print("\nStoppet.")
    return 0


COMMANDS["workshop"] = cmd_workshop


def main(argv: list[str] | None = None) -> int:
    from .problems import ProblemsFound
    from .project import NoProject

    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except ProblemsFound as exc:
        _print_problems(exc.problems)
        print(f"{len(exc.problems)} feil")
        return 1
    except NoProject as exc:
        print(exc)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:  # never show a traceback to a user; keep it in a log for developers
        log = Path(tempfile.gettempdir()) / "kurs-feil.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        print(f"Noe gikk galt i kursverktøyet. Detaljer er lagret i {log}. "
              "Send gjerne filen til den som vedlikeholder kurset.")
        return 2


if __name__ == "__main__":
    sys.exit(main())
