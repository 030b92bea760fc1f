"""Static exercise page: time to the first clickable option, against a plain book page
of the same size. Prints the numbers and the ratio (target ≤ 1.1×).

    .venv/bin/python benchmarks/static_first_option.py [--runs 15] [--html _build/html]

The exercise page is ovelser/skolegutt-forteller.html of the built book: the player
(case-player.js, deferred) builds the options from the embedded JSON. The plain page is
the same file with the player's script and CSS taken out and the same scene and options
written as plain HTML, padded to the same number of bytes. Both are served over HTTP on
localhost, each load in a fresh browser context (nothing cached, like a first visit),
with the CPU slowed 4× (an old office PC). The time is taken in the page: the first
animation frame in which the first option is in the page and laid out.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CASE, Result, launch, median, print_result, spread, static_server  # noqa: E402

PAGE = f"ovelser/{CASE}.html"
PLAIN = f"ovelser/{CASE}-uten-spiller.html"
CPU_SLOWDOWN = 4

# Installed before the page's own scripts: note the first frame with an option on screen.
FIRST_OPTION = """(() => {
  const seen = () => { const b = document.querySelector("button.cp-option");
                       return b && b.getBoundingClientRect().height > 0; };
  const tick = () => { if (seen()) { window.__firstOption = performance.now(); } else requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();"""


def plain_twin(page_html: str) -> str:
    """The exercise page without its player: first scene and options as plain HTML."""
    data = re.search(r'<script type="application/json" class="case-player-data">(.*?)</script>', page_html, re.DOTALL)
    case = json.loads(data.group(1))["case"]
    scene = case["scenes"][case["start"]]
    while not (scene.get("decision") or {}).get("options"):
        scene = case["scenes"][scene["next"]]
    options = "".join(f'<button type="button" class="cp-option"><span class="cp-option-label">'
                      f'{html.escape(o["label"])}</span></button>' for o in scene["decision"]["options"])
    static = (f'<div class="case-player"><h2>{html.escape(scene["title"])}</h2>'
              + "".join(f"<p>{html.escape(p)}</p>" for p in scene["text"].split("\n\n"))
              + f'<fieldset class="cp-options"><legend>{html.escape(scene["decision"]["prompt"])}</legend>'
              f"{options}</fieldset></div>")
    out = re.sub(r'<div class="case-player".*?</noscript>\s*</div>', lambda _m: static, page_html, count=1, flags=re.DOTALL)
    out = re.sub(r'<script[^>]*case-player\.js[^>]*></script>', "", out)
    out = re.sub(r'<link[^>]*case-player\.css[^>]*/?>', "", out)
    padding = len(page_html.encode()) - len(out.encode()) - len("<!---->")
    return out.replace("</body>", f"<!--{'x' * max(padding, 0)}--></body>")


def time_first_option(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.add_init_script(FIRST_OPTION)
    page.goto(url)
    page.wait_for_function("() => window.__firstOption !== undefined", timeout=60_000)
    ms = page.evaluate("window.__firstOption")
    context.close()
    return ms / 1000


def build_book() -> Path:
    from book_build import build_copy

    return build_copy()[0]


def run(runs: int = 15, html_dir: Path | None = None) -> Result:
    from playwright.sync_api import sync_playwright

    html_dir = html_dir or build_book()
    served = Path(tempfile.mkdtemp(prefix="bok-"))
    shutil.copytree(html_dir, served, dirs_exist_ok=True)
    text = (served / PAGE).read_text(encoding="utf-8")
    (served / PLAIN).write_text(plain_twin(text), encoding="utf-8")
    sizes = (len((served / PAGE).read_bytes()), len((served / PLAIN).read_bytes()))
    times: dict[str, list[float]] = {PAGE: [], PLAIN: []}
    with static_server(served) as base, sync_playwright() as pw:
        browser = launch(pw)
        for name in (PAGE, PLAIN):  # once each to warm the server and the OS file cache
            time_first_option(browser, f"{base}/{name}")
        for _ in range(runs):
            for name in (PAGE, PLAIN):
                times[name].append(time_first_option(browser, f"{base}/{name}"))
        browser.close()
    shutil.rmtree(served, ignore_errors=True)
    ratio = median(times[PAGE]) / median(times[PLAIN])
    return Result("statisk", "Statisk øvelse: første klikkbare valg / vanlig side like stor", ratio, "×", 1.1, [
        f"øvelsessiden ({sizes[0]} byte): {spread(times[PAGE])}",
        f"vanlig side ({sizes[1]} byte, samme tekst uten spiller): {spread(times[PLAIN])}",
        f"CPU bremset {CPU_SLOWDOWN}× (gammel kontor-PC), ny nettleserkontekst hver gang (ingen cache)",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--html", type=Path, help="en ferdig bygget bok (standard: bygg en kopi)")
    args = parser.parse_args()
    result = run(args.runs, args.html)
    print_result(result)


if __name__ == "__main__":
    main()
