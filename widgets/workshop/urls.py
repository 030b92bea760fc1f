"""Addresses of the workshop apps, as participants reach them."""

from __future__ import annotations

import os

from ..settings import PARTICIPANT_NOTEBOOK, PUBLIC_URL_ENV


# -- addresses --------------------------------------------------------------------------------
def public_base() -> str:
    """Where participants reach Voila: $KURS_WORKSHOP_URL (Voila's public root, for a
    server behind a proxy), else the host the trainer's page was asked for (Voila tells
    the kernel) with Voila's base URL, else localhost."""
    if os.environ.get(PUBLIC_URL_ENV):
        return os.environ[PUBLIC_URL_ENV].rstrip("/")
    host = os.environ.get("SERVER_NAME") or "localhost"
    port = os.environ.get("SERVER_PORT") or os.environ.get("VOILA_APP_PORT") or ""
    host = f"[{host}]" if ":" in host else host
    prefix = (os.environ.get("VOILA_BASE_URL") or "/").rstrip("/")
    return f"http://{host}" + (f":{port}" if port and port != "80" else "") + prefix


def join_url(code: str, base: str | None = None) -> str:
    return f"{(base or public_base()).rstrip('/')}/voila/render/{PARTICIPANT_NOTEBOOK}?kode={code}"
