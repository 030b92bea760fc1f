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
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import ipywidgets as w

from ..strings import t
from .store import OFFLINE

log = logging.getLogger(__name__)

PARTICIPANT_POLL = 1.0
TRAINER_POLL = 0.5

WS_CSS = "<style>" + (Path(__file__).parent / "workshop.css").read_text(encoding="utf-8") + "</style>"


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
    is away, the page says so in plain words (in `self.notice`); any other error is a bug,
    logged with its traceback for developers, and the page says something went wrong."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        try:
            result = method(self, *args, **kwargs)
        except OFFLINE:
            self.notice.value = f'<p role="alert">{esc(t("workshop_offline"))}</p>'
            return None
        except Exception:  # noqa: BLE001 - a bug: logged, never shown as a traceback
            log.exception("workshop app: %s failed", method.__name__)
            self.notice.value = f'<p role="alert">{esc(t("workshop_bug"))}</p>'
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
            except OFFLINE:  # the database is away for a moment: try again
                continue
            except Exception:  # noqa: BLE001 - a bug in one update: log it, keep the page live
                log.exception("workshop app: live update failed")
                continue

    return loop.create_task(run())
