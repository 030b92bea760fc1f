"""What the workshop apps share: their CSS, small widgets and helpers, the page's
address, click handlers that fail politely, and polling the store from the kernel.

Live updates: each page polls the store from an asyncio task in the kernel's running
loop (the trainer every 0.5 s, a participant every second) and sets widget traits.

Coming back (after a reload or a server restart): when someone joins, the page URL gets
the participant's random id (`?kode=KMT47&deltaker=...`, via `history.replaceState`), and
the trainer's page gets the session's key (`?kode=KMT47&nokkel=...`). Opening the same
address again continues where they were. Only hashes of these ids are stored.

Kernels stay lean: no pydantic, YAML or matplotlib (the PNG export imports matplotlib
when the trainer asks for it).
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
from urllib.parse import parse_qs, urlencode

import ipywidgets as w

from ..strings import t

PARTICIPANT_POLL = 1.0
TRAINER_POLL = 0.5

WS_CSS = """<style>
.kurs-ws { max-width: 60rem; }
.kurs-ws .kurs-ws-code { font-size: 3.5rem; font-weight: 700; letter-spacing: .3rem; margin: .25rem 0;
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.kurs-ws .kurs-ws-join { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: center; }
.kurs-ws .kurs-ws-join img { width: 15rem; height: 15rem; image-rendering: pixelated; }
.kurs-ws .kurs-ws-url { font-size: 1.1rem; word-break: break-all; }
.kurs-ws .kurs-ws-count-big { font-size: 1.4rem; font-weight: 600; }
.kurs-ws .kurs-ws-decision { border: 1px solid #bbb; border-radius: 4px; padding: .25rem 1rem .75rem;
  margin: .5rem 0; background: #fff; }
.kurs-ws .kurs-ws-current { border: 2px solid #0b5394; }
.kurs-ws ul.kurs-ws-bars { list-style: none; padding: 0; margin: 0; }
.kurs-ws ul.kurs-ws-bars li { margin: .4rem 0; }
.kurs-ws .kurs-ws-track { display: block; background: #e4e4e4; height: 1.4rem; border-radius: 3px; }
.kurs-ws .kurs-ws-fill { display: block; background: #4a6fa5; height: 1.4rem; border-radius: 3px;
  min-width: 2px; transition: width .4s; }
.kurs-ws .kurs-ws-best .kurs-ws-fill { background: #1a7f37; }
.kurs-ws .kurs-ws-notes li { margin: .3rem 0; white-space: pre-wrap; }
.kurs-ws .kurs-ws-banner { background: #fff4ce; border-left: 4px solid #9a6700; padding: .5rem .75rem; }
.kurs-ws .kurs-ws-muted { color: #444; }
.kurs-ws a { color: #0b5394; text-decoration: underline; }
</style>"""


# -- helpers ----------------------------------------------------------------------------------------
def query_string() -> str:
    """The page's query string, also in a preheated kernel (which waits for its visitor)."""
    from ..voila.query import query_string as voila_query  # not voila.utils: 44 MB per kernel

    return voila_query()


def param(query: str, name: str) -> str:
    values = parse_qs(query or "").get(name)
    return values[0].strip() if values else ""


def alert(text: str, link: tuple[str, str] | None = None) -> str:
    more = f'<p><a href="{html.escape(link[0])}">{html.escape(link[1])}</a></p>' if link else ""
    return f'<div role="alert"><p>{html.escape(text)}</p>{more}</div>'


def esc(text) -> str:
    return html.escape("" if text is None else str(text))


def button(label: str, style: str = "", **kw) -> w.Button:
    return w.Button(description=label, tooltip=label, button_style=style,
                    layout=w.Layout(width="auto", height="auto", min_height="2.75rem", margin="0 .5rem .5rem 0"),
                    **kw)


def set_page_url(out: w.Output, params: dict) -> None:
    """Put `params` in the address bar without loading the page again, so that a reload
    (for instance after a server restart) comes back to the same session and person."""
    from IPython.display import Javascript, display

    query = "?" + urlencode(params)
    out.clear_output()
    with out:
        display(Javascript(f"history.replaceState(null, '', location.pathname + {json.dumps(query)});"))


def guarded(method):
    """A click handler that never fails silently or with a traceback: if the database
    is away, the page says so in plain words (in `self.notice`)."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        try:
            result = method(self, *args, **kwargs)
        except Exception:
            self.notice.value = f'<p role="alert">{esc(t("workshop_offline"))}</p>'
            return None
        self.notice.value = ""
        return result
    return run


def start_polling(step, interval: float):
    """Run `step()` every `interval` seconds in the kernel's running event loop, until it
    returns False. Returns the task, or None outside a running loop (tests call step())."""
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return None
    if not loop.is_running():
        return None

    async def run():
        while True:
            await asyncio.sleep(interval)
            try:
                if step() is False:
                    return
            except Exception:  # the database is away for a moment: try again
                continue

    return loop.create_task(run())
