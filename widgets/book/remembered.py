"""Builds that tell the truth: a build after a failed build fails again until the cause
is fixed.

Sphinx re-reads only changed pages, so an unchanged page with a broken link gives no
warning the second time, and `kurs build` would print «Boka er bygget». This extension
writes down which pages gave a warning (in the build folder, next to Sphinx's own
pickled state) and makes Sphinx read and write exactly those pages again in the next
build. A warning that belongs to no page makes the next build read every page.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sphinx.application import Sphinx

FILE = "kurs-advarsler.json"
ALL = "*"


def _store(app: Sphinx) -> Path:
    return Path(app.doctreedir) / FILE


def _docname(app: Sphinx, record: logging.LogRecord) -> str:
    env = getattr(app, "env", None)
    if env is None:
        return ALL
    location = getattr(record, "location", None)
    if isinstance(location, tuple) and location:
        location = location[0]
    if location is not None and not isinstance(location, str):
        location = getattr(location, "source", None)  # a docutils node
    if isinstance(location, str) and location:
        path = location.rsplit(":", 1)[0] if location.rsplit(":", 1)[-1].isdigit() else location
        if path in env.found_docs:
            return path
        try:
            doc = env.path2doc(str(Path(app.srcdir, path)))
        except (TypeError, ValueError):
            doc = None
        if doc:
            return doc
    current = env.temp_data.get("docname") or getattr(app.builder, "current_docname", None)
    return current or ALL


class _Recorder(logging.Handler):
    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self.app, self.docs = app, set()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.docs.add(_docname(self.app, record))
        except Exception:  # noqa: BLE001 - never break a build while noting a warning
            self.docs.add(ALL)


def _previous(app: Sphinx) -> set[str]:
    try:
        return set(json.loads(_store(app).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return set()


def _save(app: Sphinx, docs: set[str]) -> None:
    path = _store(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sorted(docs)), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    recorder = _Recorder(app)
    logging.getLogger("sphinx").addHandler(recorder)
    previous = _previous(app)

    def outdated(app, env, added, changed, removed):
        if ALL in previous:
            return sorted(env.found_docs - added - changed)
        return sorted((previous & env.found_docs) - added - changed)

    def after_reading(app, env):
        # Sphinx pickles what it read before it writes: note the reading's warnings now,
        # in case the build stops while writing.
        _save(app, previous | recorder.docs)

    def finished(app, exc):
        logging.getLogger("sphinx").removeHandler(recorder)
        _save(app, recorder.docs if exc is None else (previous | recorder.docs | {ALL}))

    app.connect("env-get-outdated", outdated)
    app.connect("env-updated", after_reading)
    app.connect("build-finished", finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
