"""Lighthouse (mobile profile, simulated slow 4G) on one page of each type of the built
book, and on a page of a stock Jupyter Book 1 built in the same run (the anchor).
Prints a table: the four scores, FCP, LCP, and what the page transfers.

    .venv/bin/python benchmarks/lighthouse.py [--html _build/html] [--runs 1]

Without --html the book is built into a temporary folder first. The pages are served
over HTTP with gzip, as a web server normally sends them (a small stdlib server below).
Needs `npm ci` (lighthouse 12.2.3, pinned in package.json) and Debian's Chromium.
Targets (issue 16): performance ≥ 95, accessibility 100, best practices 100, SEO ≥ 95,
LCP ≤ 2.5 s, and HTML + JS + CSS ≤ 150 KiB gzipped on every page type.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CHROMIUM, ROOT, Result, print_result  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 95}
LCP_TARGET = 2.5     # s
WEIGHT_TARGET = 150  # KiB, HTML + JS + CSS as transferred (gzip)

# One page of each type, as a learner opens it. The search page with a query, so the
# index is loaded and results are drawn.
PAGES = {
    "forside": "intro.html",
    "tekstmodul": "modules/01-hvorfor-tidlig-og-sammen/index.html",
    "notatbokmodul": "modules/02-liermodellen/index.html",
    "øvelse": "ovelser/skolegutt-forteller.html",
    "«Øvelser»": "ovelser/index.html",
    "søk": "search.html?q=samtykke",
}
CODE_TYPES = {"Document", "Script", "Stylesheet"}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


# -- a static server that compresses, as a municipality's web server should --------------

@contextlib.contextmanager
def gzip_server(folder: Path):
    """`folder` over HTTP on localhost; text files gzipped when the browser accepts it."""
    cache: dict[Path, bytes] = {}
    lock = threading.Lock()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            ctype = self.guess_type(str(path))
            if (not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "")
                    or not ctype.startswith(COMPRESSIBLE)):
                return super().send_head()
            with lock:
                if path not in cache:
                    cache[path] = gzip.compress(path.read_bytes(), 6)
                body = cache[path]
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return _Body(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class _Body:
    """What send_head returns: something copyfile can read and close."""

    def __init__(self, data: bytes):
        import io

        self._io = io.BytesIO(data)

    def read(self, *args):
        return self._io.read(*args)

    def close(self):
        self._io.close()


# -- one Lighthouse run -------------------------------------------------------------------

@dataclass
class Report:
    scores: dict[str, int]
    fcp: float          # s
    lcp: float          # s
    total_kib: float    # everything transferred
    code_kib: float     # HTML + JS + CSS transferred
    requests: int
    failing: list[str]  # audits below full marks that count for a category


def lighthouse(url: str, out: Path) -> Report:
    if not LIGHTHOUSE.is_file():
        raise SystemExit("Lighthouse mangler: kjør `npm ci` først.")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    cmd = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
           f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    if proc.returncode != 0 or not out.is_file():
        raise SystemExit(f"Lighthouse feilet for {url}:\n{proc.stderr[-2000:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    audits = data["audits"]
    items = audits["network-requests"]["details"]["items"]
    failing = []
    for key in CATEGORIES:
        for ref in data["categories"][key]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                failing.append(f"{audit['id']} ({audit['score']:.2f})")
    return Report(
        scores={k: round(100 * (data["categories"][k]["score"] or 0)) for k in CATEGORIES},
        fcp=audits["first-contentful-paint"]["numericValue"] / 1000,
        lcp=audits["largest-contentful-paint"]["numericValue"] / 1000,
        total_kib=audits["total-byte-weight"]["numericValue"] / 1024,
        code_kib=sum(i.get("transferSize", 0) for i in items if i.get("resourceType") in CODE_TYPES) / 1024,
        requests=len(items),
        failing=sorted(set(failing)),
    )


def measure(url: str, runs: int, tmp: Path) -> Report:
    """The run with the median performance score of `runs` runs."""
    reports = [lighthouse(url, tmp / f"lh-{abs(hash((url, i)))}.json") for i in range(runs)]
    reports.sort(key=lambda r: r.scores["performance"])
    return reports[len(reports) // 2]


# -- the anchor: a stock Jupyter Book 1 -----------------------------------------------------

STOCK_PAGE = """# Et vanlig kapittel

Dette er en side i en Jupyter Book 1 med standardoppsettet: samme tema, ingen endringer.

## Et avsnitt

{text}
"""


def stock_book() -> Path:
    """A two-page Jupyter Book 1 with the default configuration; its html folder."""
    folder = Path(tempfile.mkdtemp(prefix="standardbok-"))
    (folder / "_config.yml").write_text("title: Standardbok\nauthor: Standard\n", encoding="utf-8")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: kapittel\n",
                                     encoding="utf-8")
    text = ("Tidlig innsats betyr å gjøre noe så snart en ser at et barn kan trenge hjelp. "
            "Det gjelder alle som arbeider med barn og familier. ") * 6
    (folder / "intro.md").write_text(STOCK_PAGE.format(text=text).replace("Et vanlig kapittel", "Standardbok"),
                                     encoding="utf-8")
    (folder / "kapittel.md").write_text(STOCK_PAGE.format(text=text), encoding="utf-8")
    jb = Path(sys.executable).parent / "jupyter-book"
    proc = subprocess.run([str(jb), "build", str(folder)], capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        raise SystemExit("Standardboka kunne ikke bygges:\n" + proc.stdout[-2000:] + proc.stderr[-2000:])
    return folder / "_build" / "html"


def build_course() -> Path:
    from widgets.book import build_command

    out = Path(tempfile.mkdtemp(prefix="bok-lighthouse-"))
    proc = subprocess.run(build_command(ROOT, out), cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    if proc.returncode != 0:
        raise SystemExit("Boka kunne ikke bygges:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    return out / "_build" / "html"


# -- the table ------------------------------------------------------------------------------

HEADER = ("side", "ytelse", "tilgj.", "beste pr.", "SEO", "FCP", "LCP", "alt", "HTML+JS+CSS", "forespørsler")


def row(name: str, r: Report) -> tuple[str, ...]:
    s = r.scores
    return (name, str(s["performance"]), str(s["accessibility"]), str(s["best-practices"]), str(s["seo"]),
            f"{r.fcp:.1f} s", f"{r.lcp:.1f} s", f"{r.total_kib:.0f} KiB", f"{r.code_kib:.0f} KiB", str(r.requests))


def text_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(x[c]) for x in [HEADER, *rows]) for c in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(x, widths)).rstrip() for x in [HEADER, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(x) + " |" for x in rows]
    return "\n".join(lines)


@dataclass
class Outcome:
    results: list[Result]
    rows: list[tuple[str, ...]]
    failing: dict[str, list[str]]


def run(runs: int = 1, html_dir: Path | None = None) -> Outcome:
    html_dir = html_dir or build_course()
    stock = stock_book()
    tmp = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    reports: dict[str, Report] = {}
    with gzip_server(html_dir) as base:
        for name, page in PAGES.items():
            print(f"  Lighthouse: {page}", file=sys.stderr, flush=True)
            reports[name] = measure(f"{base}/{page}", runs, tmp)
    with gzip_server(stock) as base:
        print("  Lighthouse: standardboka (Jupyter Book 1)", file=sys.stderr, flush=True)
        anchor = measure(f"{base}/kapittel.html", runs, tmp)
    rows = [row(n, r) for n, r in reports.items()] + [row("standard JB1 (anker)", anchor)]
    course = list(reports.values())

    def worst(key: str) -> float:
        return min(r.scores[key] for r in course)

    detail = [f"mobilprofil (Moto G Power, simulert treg 4G, CPU 4×), {runs} kjøring(er) per side, "
              "median etter ytelse; sidene servert over HTTP med gzip"]
    detail += [f"{n}: {PAGES[n]}" for n in PAGES]
    results = [
        Result("lh-ytelse", "Lighthouse mobil: laveste ytelse av 6 sidetyper", worst("performance"), "poeng",
               TARGETS["performance"], detail, at_least=True),
        Result("lh-andre", "Lighthouse mobil: laveste av tilgjengelighet / beste praksis",
               min(worst("accessibility"), worst("best-practices")), "poeng", 100,
               [f"tilgjengelighet {worst('accessibility')}, beste praksis {worst('best-practices')}"], at_least=True),
        Result("lh-seo", "Lighthouse mobil: laveste SEO", worst("seo"), "poeng", TARGETS["seo"], [], at_least=True),
        Result("lh-lcp", "Lighthouse mobil: tregeste LCP", max(r.lcp for r in course), "s", LCP_TARGET,
               [f"{n}: {r.lcp:.2f} s" for n, r in reports.items()] + [f"standard JB1: {anchor.lcp:.2f} s"]),
        Result("lh-vekt", "Tyngste side: HTML+JS+CSS overført (gzip)", max(r.code_kib for r in course), "KiB",
               WEIGHT_TARGET, [f"{n}: {r.code_kib:.0f} KiB (alt med bilder og fonter: {r.total_kib:.0f} KiB)"
                               for n, r in reports.items()]
               + [f"standard JB1: {anchor.code_kib:.0f} KiB (alt: {anchor.total_kib:.0f} KiB)"]),
    ]
    failing = {n: r.failing for n, r in [*reports.items(), ("standard JB1", anchor)] if r.failing}
    return Outcome(results, rows, failing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, help="en ferdig bygget bok (_build/html); ellers bygges den")
    parser.add_argument("--runs", type=int, default=1, help="kjøringer per side (medianen vises)")
    args = parser.parse_args()
    outcome = run(args.runs, args.html.resolve() if args.html else None)
    print(text_table(outcome.rows))
    print()
    for result in outcome.results:
        print_result(result)
    for name, audits in outcome.failing.items():
        print(f"under full score, {name}: {', '.join(audits)}")


if __name__ == "__main__":
    main()
