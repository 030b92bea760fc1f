"""`kurs`: the course's command line (Norwegian help texts)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import traceback
from pathlib import Path

from . import settings as names
from .argparse_nb import NorwegianParser

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = NorwegianParser(
        prog="kurs", description="Verktøy for kurset «Tidlig og sammen»: sjekk og bygg saker og bok.")
    p.add_argument("--version", action="version", version=f"kurs {names.VERSION}", help="vis versjonen og avslutt")
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
    c.add_argument("--kommune", type=Path, default=None, metavar="FIL",
                   help="sjekk kommunens innstillingsfil (og egne saker i saker/ ved siden av den)")
    c.add_argument("--config", type=Path, default=None, metavar="FIL",
                   help="sjekk kommunens blokk i denne bokinnstillingen (standard: _config.yml)")

    c.set_defaults(func=cmd_check)

    k = sub.add_parser("compile", help="kompiler sakene til JSON for spillerne")
    k.add_argument("paths", nargs="*", type=Path, metavar="STI", help="saksfiler eller mapper (standard: cases/)")
    k.add_argument("--ut", type=Path, default=None, help="mappe for JSON-filene (standard: _build/saker)")

    k.add_argument("--config", type=Path, default=None, metavar="FIL",
                   help="bokas innstillinger med kommunens blokk (standard: _config.yml)")
    k.set_defaults(func=cmd_compile)

    s = sub.add_parser("schema", help="skriv JSON-skjemaet for saksformatet")
    s.add_argument("--ut", default=None, help="fil (standard: cases/case.schema.json; «-» for skjermen)")

    s.set_defaults(func=cmd_schema)

    n = sub.add_parser("new-case", help="lag en ny sak fra en mal")
    n.add_argument("id", metavar="ID", help="sakens id, f.eks. «tenaring-selvskading»")

    n.set_defaults(func=cmd_new_case)

    nk = sub.add_parser("new-kommune", help="lag en innstillingsfil for kommunen din",
                        description="Skriver en innstillingsfil med forklaringer. Rediger den, og bygg "
                                    "kurset med «kurs build --kommune FIL --ut nettside/».")
    nk.add_argument("fil", type=Path, metavar="FIL", help="f.eks. fjordvik.yml")
    nk.set_defaults(func=cmd_new_kommune)

    b = sub.add_parser("build", help="bygg boka (HTML) med advarsler som feil",
                       description="Bygger kurset som nettsider. En kommune trenger bare sin egen "
                                   "innstillingsfil: kurs build --kommune fjordvik.yml --ut nettside/")
    b.add_argument("--ut", type=Path, default=None,
                   help="med --kommune: mappen med nettsiden som skal lastes opp (standard: nettside/ ved "
                        "siden av innstillingsfilen); ellers byggemappen (standard: _build)")
    b.add_argument("--kommune", type=Path, default=None, metavar="FIL",
                   help="bygg kurset for kommunen i denne innstillingsfilen (lag den med «kurs new-kommune»)")
    b.add_argument("--følg", dest="folg", action="store_true",
                   help="bygg på nytt hver gang du lagrer en side (stopp med Ctrl+C)")

    b.add_argument("--config", type=Path, default=None, metavar="FIL",
                   help="bygg med en annen innstillingsfil enn _config.yml, f.eks. en kopi for en bydel")
    b.set_defaults(func=cmd_build)

    sc = sub.add_parser("scorm", help="lag en SCORM 1.2-pakke (zip) for Moodle og KS Læring")
    sc.add_argument("--ut", type=Path, default=None, metavar="FIL",
                    help="zip-filen (standard: _build/tidlig-og-sammen-scorm.zip)")
    sc.add_argument("--config", type=Path, default=None, metavar="FIL",
                    help="bygg med en annen innstillingsfil enn _config.yml")
    sc.add_argument("--bok", type=Path, default=None, metavar="MAPPE",
                    help="bruk en bok som er bygget fra før (mappen med intro.html) i stedet for å bygge")
    sc.set_defaults(func=cmd_scorm)

    v = sub.add_parser("serve", help="bygg og vis kurset i nettleseren")
    v.add_argument("--port", type=int, default=8000, help="port (standard: 8000)")
    v.add_argument("--vert", default="127.0.0.1",
                   help="adresse å lytte på (standard: 127.0.0.1; bruk 0.0.0.0 for andre maskiner)")
    v.add_argument("--uten-bygg", action="store_true", help="ikke bygg boka først")
    v.add_argument("--voila-port", type=int, default=8866, help="port for øvelsesappene (standard: 8866)")
    v.add_argument("--forvarmet", type=int, default=2, metavar="N",
                   help="antall forvarmede kjerner for øvelsesappen (standard: 2; 0 slår av)")
    v.add_argument("--uten-apper", action="store_true", help="bare boka, ingen Voila-apper")

    v.add_argument("--config", type=Path, default=None, metavar="FIL",
                   help="bokas innstillinger (standard: _config.yml); appene viser samme kommune som boka")
    v.set_defaults(func=cmd_serve)

    ws = sub.add_parser("workshop", help="kjør en workshop: kursholder-siden og deltaker-siden",
                        description="Starter kursholder-siden (lag en økt, se hva rommet velger, vis fasit) og "
                                    "deltaker-siden. Skriver ut en kursholderlenke med en hemmelig nøkkel: "
                                    "bare den som har lenken, kan lage økter. Svarene lagres i databasen i "
                                    "$KURS_DB_URL (standard: _data/kurs.sqlite3 i prosjektet). Flere servere "
                                    "med samme PostgreSQL-database deler rommene; gi dem samme "
                                    "$KURS_KURSHOLDER_NOKKEL.")
    ws.add_argument("--deltakere", type=int, default=None, metavar="N",
                    help="brukes ikke lenger: deltakersiden trenger ingen kjerner, så rommet kan være "
                         "så stort det vil (godtas for gamle oppskrifter)")
    ws.add_argument("--port", type=int, default=8866, help="port (standard: 8866)")
    ws.add_argument("--vert", default="0.0.0.0",
                    help="adresse å lytte på (standard: 0.0.0.0, så telefoner på samme nett når appen; "
                         "127.0.0.1 for bare denne maskinen)")
    ws.add_argument("--url", default=None,
                    help="adressen deltakerne skal bruke, f.eks. https://kurs.kommune.no "
                         "(standard: denne maskinens adresse på nettet)")
    ws.set_defaults(func=cmd_workshop)
    wsub = ws.add_subparsers(dest="handling", metavar="HANDLING", title="handlinger")
    wp = wsub.add_parser("purge", help="slett gamle økter med alle svar",
                         description="Sletter økter som ble laget før den gitte tiden, med deltakere, svar "
                                     "og refleksjoner.")
    wp.add_argument("--older-than", dest="eldre_enn", required=True, type=_duration, metavar="TID",
                    help="f.eks. 30d (dager) eller 12h (timer)")
    wp.set_defaults(func=cmd_workshop)
    we = wsub.add_parser("eksport", help="lagre resultatene fra en økt som CSV og PNG")
    we.add_argument("kode", metavar="KODE", help="øktens kode")
    we.add_argument("--ut", type=Path, default=Path("."), help="mappe for filene (standard: her)")
    we.set_defaults(func=cmd_workshop)
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


def _settings_problems(path: Path, top_level: bool) -> list:
    """The municipality settings' mistakes (widgets.authoring.kommune), for every command."""
    from .authoring.kommune import municipality
    from .problems import ProblemsFound

    try:
        municipality(path, top_level=top_level)
    except ProblemsFound as exc:
        return exc.problems
    return []


def cmd_check(args) -> int:
    from .authoring.library import check

    if args.kommune is not None:
        return _check_kommune(args.kommune)
    result = check(args.paths or None)
    law = _check_law(result, args)
    settings = _settings_problems(_config_path(args, names.project_root()), top_level=False)
    warnings = result.warnings + law.warnings
    _print_problems(sorted(result.problems + law.problems + warnings, key=lambda p: (p.file, p.line, p.field)))
    _print_problems(settings)
    n = len(result.files)
    errors = len(result.problems) + len(law.problems)
    warned = f", {len(warnings)} {'advarsel' if len(warnings) == 1 else 'advarsler'}" if warnings else ""
    stale = f" ({len(law.warnings)} lover kontrollert for mer enn {law.max_age_months} måneder siden)" \
        if law.warnings else ""
    print(f"{n} {'sak' if n == 1 else 'saker'}, {errors} feil{warned}{stale}"
          + (f"; innstillingene: {len(settings)} feil" if settings else ""))
    failed = bool(errors or settings)
    if args.coverage and result.catalog is not None:
        failed |= _print_coverage(result)
    if args.lix:
        failed |= _print_lix()
    return 1 if failed else 0


def _check_law(result, args):
    """Paragraphs in the text and the age of the catalogue's dates (widgets.authoring.law_check)."""
    from .authoring.law_check import LawCheck, check_law

    if result.catalog is None:
        return LawCheck()
    root = result.catalog.directory.parent
    return check_law(root, result.catalog, max_age_months=args.lov_maks_alder)


def _print_coverage(result) -> bool:
    from .authoring.coverage import coverage, report

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
    from .authoring.readability import LIX_AIM, LIX_LIMIT, lix, module_pages, prose_of

    root = names.project_root()
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


def _config_path(args, root: Path) -> Path:
    """The book config whose municipality the compiled cases show (`--config`)."""
    return args.config.resolve() if getattr(args, "config", None) else root / names.CONFIG_FILE


def _compile(root: Path, target: Path, args, paths=None) -> bool:
    """Compile every case into `target` with the settings the book uses; print the
    problems and return False if there are any."""
    from .authoring.library import compile_all

    result = compile_all(target, paths, _config_path(args, root))
    if result.problems:
        _print_problems(result.problems)
        print(f"Ingen saker kompilert: {len(result.problems)} feil.")
        return False
    return True


def _sources_stamp(root: Path, args) -> str:
    """A fingerprint of everything the compiled cases come from: the case files, the
    book's settings and the compiler's own code."""
    import hashlib

    h = hashlib.sha256(names.VERSION.encode())
    here = Path(__file__).parent
    files = [*sorted((root / names.CASES_DIR).rglob("*")), _config_path(args, root),
             *sorted((here / "authoring").rglob("*.py")), here / "play" / "format.py"]
    for path in files:
        if path.is_file():
            h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _compile_if_changed(root: Path, target: Path, args) -> bool:
    """_compile, skipped when nothing it reads has changed since the last time (so that
    `kurs workshop` is ready for the room at once)."""
    stamp_file = target / ".kilder"
    stamp = _sources_stamp(root, args)
    try:
        if stamp_file.read_text(encoding="utf-8") == stamp and any(target.glob("*.json")):
            return True
    except OSError:
        pass
    if not _compile(root, target, args):
        return False
    stamp_file.write_text(stamp, encoding="utf-8")
    return True


def cmd_compile(args) -> int:
    root = names.project_root()
    out = args.ut or root / names.COMPILED_DIR
    if not _compile(root, out, args, args.paths or None):
        return 1
    print(f"Sakene er kompilert til {out}")
    return 0


def cmd_schema(args) -> int:
    from .authoring.catalog import load_catalog
    from .authoring.schema import SCHEMA_FILE, schema_text

    folder = names.cases_dir()
    text = schema_text(load_catalog(folder))
    if args.ut == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.ut) if args.ut else folder / SCHEMA_FILE
    target.write_text(text, encoding="utf-8")
    print(f"Skjemaet er skrevet til {target}")
    return 0


def cmd_new_case(args) -> int:
    from .authoring.library import check
    from .authoring.templates import new_case_text
    from .play.format import is_slug

    if not is_slug(args.id) or len(args.id) > MAX_ID:
        print(f"«{args.id[:60]}{'…' if len(args.id) > 60 else ''}» er ikke et gyldig id — bruk små bokstaver "
              f"a–z, tall og bindestrek, høyst {MAX_ID} tegn, f.eks. «tenaring-selvskading»")
        return 1
    target = names.cases_dir() / f"{args.id}.yml"
    if target.exists():
        print(f"{target} finnes allerede — velg et annet id, eller rediger filen")
        return 1
    target.write_text(new_case_text(args.id), encoding="utf-8")
    result = check([target])
    print(f"Ny sak: {target}. Skriv historien i stedet for tekstene i malen, og sjekk med "
          f"«kurs check {target}». Til du har gjort det, viser sjekken {len(result.problems)} feil.")
    return 0


MAX_ID = 80  # an id is a file name and part of URLs


def _check_kommune(path: Path) -> int:
    from .book.kommune_build import check_local_cases
    from .book.sources import book_source

    problems = _settings_problems(path, top_level=True)
    cases = check_local_cases(path.resolve().parent, book_source()) if path.is_file() else []
    _print_problems(problems + cases)
    print(f"Innstillingene: {len(problems)} feil; egne saker: {len(cases)} feil")
    return 1 if problems or cases else 0


def cmd_new_kommune(args) -> int:
    from .book.kommune_build import copy_starter

    target = copy_starter(args.fil)
    print(f"Ny innstillingsfil: {target}. Skriv kommunens navn, tjenester og lenker i den, og bygg "
          f"kurset med «kurs build --kommune {target} --ut nettside/».")
    return 0


def _build_kommune(args) -> int:
    from .book.build import build
    from .book.kommune_build import prepare, publish

    if args.folg:
        print("--følg virker ikke sammen med --kommune ennå: bygg på nytt når du har endret filen.")
        return 2
    variant = prepare(args.kommune)
    from .problems import display_path

    home = variant.settings_file.parent
    paths = {str(variant.source / "lokalt") + os.sep: display_path(home / "sider") + os.sep,
             str(variant.source / "cases") + os.sep: display_path(home / "saker") + os.sep,
             str(variant.source) + os.sep: ""}
    code, _ = build(variant.source, variant.builddir, quiet_where=True, paths=paths)
    if code:
        return code
    target = args.ut or variant.settings_file.parent / "nettside"
    n = publish(variant.html, target, variant.settings, variant.source)
    print(f"Nettsiden for {variant.settings['navn']} ligger i {target} ({n} filer). "
          "Last opp alt i mappen til nettstedet.")
    return 0


def cmd_build(args) -> int:
    from .book.build import build, variant_dir

    if args.kommune is not None:
        return _build_kommune(args)
    root = names.project_root()
    config = _config_path(args, root)
    problems = _settings_problems(config, top_level=False)
    if problems:
        _print_problems(problems)
        print(f"Boka ble ikke bygget: {len(problems)} feil i innstillingene.")
        return 1
    builddir = args.ut
    if builddir is None and args.config is not None:
        builddir = variant_dir(root, args.config)
    variant = args.config.stem if args.config is not None else ""
    code, _ = build(root, builddir, follow=args.folg, config=args.config, variant=variant)
    return code


def cmd_scorm(args) -> int:
    from .book.build import build, html_dir
    from .book.scorm import NoBook, make_package, read_course

    root = names.project_root()
    book = args.bok
    if book is None:
        code, _ = build(root, None, config=args.config)
        if code:
            return code
        book = html_dir(root, None)
    out = (args.ut or root / names.BUILD_DIR / "tidlig-og-sammen-scorm.zip").resolve()
    try:
        read_course(Path(book))
    except NoBook as exc:
        print(f"Feil: {exc}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        if not _compile(root, Path(tmp), args):
            return 1
        size = make_package(Path(book), Path(tmp), out)
    print(f"SCORM-pakken er lagret i {out} ({size / 1024 / 1024:.1f} MB).\n"
          "Last den opp i Moodle eller KS Læring som en SCORM-aktivitet (SCORM 1.2).")
    return 0


def _port_taken(exc) -> int:
    print(f"Porten {exc.port} er opptatt: et annet program lytter allerede på den. "
          "Stopp det programmet, eller velg en annen port med --port.", flush=True)
    return 1


def _serve_apps(app) -> int:
    """Start a Voila server made by widgets.voila.server; a taken port is one Norwegian
    line and exit 1; Ctrl+C and SIGTERM stop it cleanly."""
    from .voila.server import PortTaken

    try:
        app.start()
    except PortTaken as exc:
        return _port_taken(exc)
    except KeyboardInterrupt:
        pass
    print("\nStoppet.", flush=True)
    return 0


def cmd_serve(args) -> int:
    import threading

    from .book.build import PortTaken, book_server, build, html_dir, serve, variant_dir

    root = names.project_root()
    problems = _settings_problems(_config_path(args, root), top_level=False)
    if problems:
        _print_problems(problems)
        print(f"Boka ble ikke bygget: {len(problems)} feil i innstillingene.")
        return 1
    if not args.uten_apper:  # the exercise pages link to the apps started below
        os.environ.setdefault(names.VOILA_URL_ENV, f"http://localhost:{args.voila_port}")
    builddir = variant_dir(root, args.config) if args.config is not None else None
    if not args.uten_bygg:
        code, _ = build(root, builddir, config=args.config, variant=args.config.stem if args.config else "")
        if code:
            return code
    html = html_dir(root, builddir)
    if not (html / "index.html").is_file():
        print("Boka er ikke bygget ennå — kjør «kurs build» først.")
        return 1
    try:
        httpd = book_server(html, args.vert, args.port)
    except PortTaken as exc:
        return _port_taken(exc)
    if args.uten_apper:
        serve(html, args.vert, args.port, httpd=httpd)
        return 0
    compiled = root / names.COMPILED_DIR
    if not _compile(root, compiled, args):
        return 1
    from .voila.server import make_app

    threading.Thread(target=serve, args=(html, args.vert, args.port), kwargs={"httpd": httpd},
                     daemon=True).start()
    course, municipality = _book_header(root, args.config)
    app = make_app(args.voila_port, args.vert, compiled, args.forvarmet,
                   on_ready=lambda: print(f"Øvelsesappene: http://localhost:{args.voila_port}/", flush=True),
                   header={"course": course, "municipality": municipality.get("navn", "")})
    return _serve_apps(app)


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
    import sqlalchemy as sa

    from .workshop.store import Store, default_url

    url = os.environ.setdefault(names.DB_ENV, default_url())   # the app kernels inherit it
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    store = Store(url)
    try:
        store.ensure_schema()
    except sa.exc.SQLAlchemyError:
        print(f"Får ikke kontakt med databasen {shown}. Sjekk {names.DB_ENV}.")
        return 1
    if args.handling == "purge":
        n = store.purge(args.eldre_enn)
        print(f"Slettet {n} {'økt' if n == 1 else 'økter'} (med deltakere, svar og refleksjoner) fra {shown}.")
        return 0
    if args.handling == "eksport":
        return _workshop_export(store, args)
    return _workshop_start(store, shown, args)


def _workshop_export(store, args) -> int:
    from .authoring.library import compiled_case
    from .workshop.reports import charts_png, dashboard, results_csv
    from .workshop.session import Session

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


def _book_header(root: Path, config: Path | None) -> tuple[str, dict]:
    """(course title, municipality block) from the book's settings, for the pages' header."""
    import yaml

    path = config or root / names.CONFIG_FILE
    try:
        title = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("title") or ""
    except (OSError, yaml.YAMLError, AttributeError):
        title = ""
    from .authoring.kommune import municipality

    return str(title or "Tidlig og sammen"), municipality(path)


def _workshop_start(store, shown: str, args) -> int:
    import time
    from datetime import timedelta

    from .voila.server import make_app
    from .workshop.live import Hub
    from .workshop.store import new_secret

    started = time.monotonic()
    if args.deltakere is not None:
        print("Merk: --deltakere trengs ikke lenger. Deltakersiden bruker ingen kjerner, "
              "så det er ingenting å gjøre klar.")
    root = names.project_root()
    compiled = root / names.COMPILED_DIR
    if not _compile_if_changed(root, compiled, args):
        return 1
    old = store.purge(timedelta(days=30))
    if old:
        print(f"Slettet {old} økter eldre enn 30 dager.")
    if args.url:
        os.environ[names.PUBLIC_URL_ENV] = args.url.rstrip("/")
    elif args.vert in ("0.0.0.0", "::", ""):
        os.environ.setdefault(names.PUBLIC_URL_ENV, f"http://{_lan_address()}:{args.port}")
    elif args.vert not in ("127.0.0.1", "localhost"):
        os.environ.setdefault(names.PUBLIC_URL_ENV, f"http://{args.vert}:{args.port}")
    public = os.environ.get(names.PUBLIC_URL_ENV, f"http://localhost:{args.port}")
    key = os.environ.get(names.TRAINER_KEY_ENV) or new_secret()
    course, municipality = _book_header(root, getattr(args, "config", None))
    hub = Hub(store, trainer_key=key, course=course, municipality=municipality,
              public_base=os.environ.get(names.PUBLIC_URL_ENV, ""))

    def ready():
        print(f"Kursholder: http://localhost:{args.port}/kursholder?nokkel={key}")
        print("            (hemmelig: bare den som har denne lenken, kan lage økter og se svarene)")
        print(f"Deltakere:  {public}/rom/")
        print(f"Data:       {shown}")
        print(f"Klar for rommet etter {time.monotonic() - started:.1f} s. Stopp med Ctrl+C.", flush=True)

    app = make_app(args.port, args.vert, compiled, 0, workshop=hub, on_ready=ready,
                   header={"course": course, "municipality": municipality.get("navn", "")})
    return _serve_apps(app)


def _error_log() -> Path:
    """Where an unexpected error is written: the project's data folder, or a new private
    file in the temporary folder (never a fixed name there: another user could plant a link)."""
    try:
        folder = names.project_root() / names.DATA_DIR
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "kurs-feil.log"
        if not path.is_symlink():
            return path
    except (names.NoProject, OSError):
        pass
    fd, name = tempfile.mkstemp(prefix="kurs-feil-", suffix=".log")
    os.close(fd)
    return Path(name)


def main(argv: list[str] | None = None) -> int:
    from .problems import ProblemsFound

    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except ProblemsFound as exc:
        _print_problems(exc.problems)
        print(f"{len(exc.problems)} feil")
        return 1
    except names.NoProject as exc:
        print(exc)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:  # never show a traceback to a user; keep it in a log for developers
        path = _error_log()
        path.write_text(traceback.format_exc(), encoding="utf-8")
        log.debug("unexpected error", exc_info=True)
        print(f"Noe gikk galt i kursverktøyet. Detaljer er lagret i {path}. "
              "Send gjerne filen til den som vedlikeholder kurset.")
        return 2


if __name__ == "__main__":
    sys.exit(main())
