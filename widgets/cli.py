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

    k = sub.add_parser("compile", help="kompiler sakene til JSON for spillerne")
    k.add_argument("paths", nargs="*", type=Path, metavar="STI", help="saksfiler eller mapper (standard: cases/)")
    k.add_argument("--ut", type=Path, default=None, help="mappe for JSON-filene (standard: _build/saker)")

    s = sub.add_parser("schema", help="skriv JSON-skjemaet for saksformatet")
    s.add_argument("--ut", default=None, help="fil (standard: cases/case.schema.json; «-» for skjermen)")

    n = sub.add_parser("new-case", help="lag en ny sak fra en mal")
    n.add_argument("id", metavar="ID", help="sakens id, f.eks. «tenaring-selvskading»")

    b = sub.add_parser("build", help="bygg boka (HTML) med advarsler som feil")
    b.add_argument("--ut", type=Path, default=None, help="byggemappe (standard: _build)")

    v = sub.add_parser("serve", help="bygg og vis kurset i nettleseren")
    v.add_argument("--port", type=int, default=8000, help="port (standard: 8000)")
    v.add_argument("--vert", default="127.0.0.1",
                   help="adresse å lytte på (standard: 127.0.0.1; bruk 0.0.0.0 for andre maskiner)")
    v.add_argument("--uten-bygg", action="store_true", help="ikke bygg boka først")
    v.add_argument("--voila-port", type=int, default=8866, help="port for øvelsesappene (standard: 8866)")
    v.add_argument("--forvarmet", type=int, default=2, metavar="N",
                   help="antall forvarmede kjerner for øvelsesappen (standard: 2; 0 slår av)")
    v.add_argument("--uten-apper", action="store_true", help="bare boka, ingen Voila-apper")
    return p


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem)


def cmd_check(args) -> int:
    from .library import check

    result = check(args.paths or None)
    _print_problems(result.problems)
    n = len(result.files)
    print(f"{n} {'sak' if n == 1 else 'saker'}, {len(result.problems)} feil")
    failed = bool(result.problems)
    if args.coverage and result.catalog is not None:
        failed |= _print_coverage(result)
    if args.lix:
        failed |= _print_lix()
    return 1 if failed else 0


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

    code, _ = build(project_root(), args.ut)
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
