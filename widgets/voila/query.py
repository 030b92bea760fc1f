"""The page's query string inside a Voila app kernel, without importing Voila.

`voila.utils.get_query_string()` does the same, but importing `voila.utils` pulls in
jupyter_server, nbconvert, bleach and jsonschema: 44 MB more in every app kernel, close to
twice a bare kernel (benchmarks/kernel_memory.py). This speaks the same protocol as
voila 0.5: a kernel started for a visitor gets the request in its environment
(QUERY_STRING); a preheated kernel (VOILA_PREHEAT=True) runs the notebook before anybody
visits, and waits here until Voila sends the visitor's request over the websocket
<server>/voila/query/<kernel id>, as JSON with the same environment variables.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import warnings


def query_string() -> str:
    """The query string of the page ("" outside Voila, or if it cannot be had)."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        _wait_for_request()
    return os.environ.get("QUERY_STRING", "")


def _request_url() -> str:
    env = os.environ.get
    base = env("VOILA_WS_BASE_URL", env("VOILA_SERVER_URL", "/"))
    return (f"{env('VOILA_WS_PROTOCOL', 'ws')}://{env('VOILA_APP_IP', '127.0.0.1')}:"
            f"{env('VOILA_APP_PORT', '8866')}{base}voila/query/{env('VOILA_KERNEL_ID', '')}")


def _wait_for_request() -> None:
    """Block until Voila sends the visitor's request, then put it in os.environ."""
    received: list[str] = []

    async def receive() -> None:
        import websockets

        async with websockets.connect(_request_url(), open_timeout=5) as socket:
            received.append(await socket.recv())

    def inner() -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(receive())
        except Exception as exc:  # noqa: BLE001 - no Voila to ask: the app says the case is missing
            warnings.warn(f"no request from Voila at {_request_url()}: {exc!r}", stacklevel=1)
        finally:
            loop.close()

    thread = threading.Thread(target=inner, daemon=True)  # the kernel's own loop is running
    thread.start()
    thread.join()
    if received:
        for key, value in json.loads(received[0]).items():
            os.environ[key] = str(value)
