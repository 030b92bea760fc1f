"""Start Voila for the apps in widgets/voila/notebooks/: the case list and the exercise app,
and (for `kurs workshop`) the kernel-free workshop pages of widgets.workshop.live.

Only the apps folder is served. `/` and the file tree redirect to the case list, and
the contents API (a file listing) is removed. Tracebacks stay hidden and sources are
stripped (Voila's defaults, set explicitly). The exercise app gets a pool of preheated
kernels; a closed tab ends its kernel (Voila's shutdown request, which its page sends
without an XSRF token, is accepted), and kernels left behind are culled.

Failing loudly: a taken port is `PortTaken` (the command line says it in one Norwegian
line), never a quiet move to the next port. No access log: tornado's request log (with
client addresses) is switched off.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..settings import COMPILED_ENV, EXERCISE_NOTEBOOK, INDEX_NOTEBOOK, PARTICIPANT_NOTEBOOK, TRAINER_NOTEBOOK

log = logging.getLogger(__name__)

LISTEN_BACKLOG = 2048

APPS_DIR = Path(__file__).parent / "notebooks"
# Our Voila template "kurs" (the lab template without CDN links) is found through JUPYTER_PATH.
TEMPLATE_ROOT = Path(__file__).parent / "template"
STYLE_DIR = Path(__file__).parent.parent / "play" / "static"   # kurs-apper.css: one look for book and apps


def voila_config(compiled: Path, pool_size: int, cull_after: int = 600, header: dict | None = None):
    """`header`: {"course": …, "municipality": …} for the pages' header (the book's)."""
    from traitlets.config import Config

    env = {COMPILED_ENV: str(compiled)}
    cfg = Config()
    cfg.VoilaConfiguration.template = "kurs"
    cfg.VoilaConfiguration.show_tracebacks = False
    cfg.VoilaConfiguration.strip_sources = True
    # the template (widgets/voila/template) shows the book's header and links the one
    # stylesheet of the server pages (widgets/play/static/kurs-apper.css)
    cfg.VoilaConfiguration.resources = {"kurs": {"course": "Tidlig og sammen", "municipality": "",
                                                 **(header or {})}}
    cfg.VoilaConfiguration.preheat_kernel = pool_size > 0
    cfg.VoilaConfiguration.default_pool_size = 1 if pool_size > 0 else 0
    cfg.VoilaKernelManager.kernel_pools_config = {
        "default": {"pool_size": 1, "kernel_env_variables": env},
        EXERCISE_NOTEBOOK: {"pool_size": pool_size, "kernel_env_variables": env},
    }
    # A phone that closes the tab leaves its kernel running unless it is culled.
    cfg.MappingKernelManager.cull_idle_timeout = cull_after
    cfg.MappingKernelManager.cull_interval = 60
    cfg.MappingKernelManager.cull_connected = False
    cfg.Voila.open_browser = False
    cfg.Voila.port_retries = 0
    cfg.Voila.log_level = "ERROR"  # users see our messages, not Jupyter's
    # Kernels talk over Unix sockets, not TCP on localhost: nothing to eavesdrop on.
    cfg.KernelManager.transport = "ipc"
    return cfg


class PortTaken(Exception):
    """Another program already listens on this port."""

    def __init__(self, port: int, host: str):
        super().__init__(port, host)
        self.port, self.host = port, host


def _quiet_log(handler) -> None:
    """No access log: the terminal shows no client addresses (README: «Serverne skriver
    ingen tilgangslogg»). Errors in our own code are still logged by their modules."""


class _NoRequestLines(logging.Filter):
    """Tornado also writes a line with the client's address for a refused request
    («404 GET /x (10.0.0.7): …»): dropped, like the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        import re

        return not re.match(r"\d{3} [A-Z]+ \S+ \(", str(record.msg % record.args if record.args else record.msg))


def _hide_visitors() -> None:
    for name in ("tornado.access", "tornado.general", "tornado.application"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NoRequestLines) for f in logger.filters):
            logger.addFilter(_NoRequestLines())


def make_app(port: int, host: str, compiled: Path, pool_size: int, workshop=None, on_ready=None,
             header: dict | None = None):
    """`workshop`: a widgets.workshop.live.Hub whose pages this server also serves.
    `on_ready()` runs once the server listens."""
    import errno

    from tornado.web import RedirectHandler, StaticFileHandler
    from voila.app import Voila
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    class ShutdownKernel(VoilaShutdownKernelHandler):
        """Voila's page ends its kernel when the tab closes, but sends no XSRF token;
        a kernel id is a random UUID only that page knows."""

        def check_xsrf_cookie(self):
            return None

    class CourseVoila(Voila):
        name = "kurs-voila"

        def init_settings(self):
            settings = super().init_settings()
            settings["log_function"] = _quiet_log
            # tornado ≥ 6.5 warns when the timeout is longer than the ping interval
            interval = settings.get("websocket_ping_interval")
            if interval and settings.get("websocket_ping_timeout", 0) > interval:
                settings["websocket_ping_timeout"] = interval
            if workshop is not None:
                workshop.start()
            return settings

        def init_handlers(self):
            root = self.server_url.rstrip("/")
            index = root + f"/voila/render/{INDEX_NOTEBOOK}"
            # The old kernel-per-person workshop notebooks are not served: participants
            # go to the kernel-free page, and nobody reaches a trainer app without its key.
            away = root + "/rom/" if workshop is not None else index
            handlers = [(root + f"/voila/render/{nb}(?:/.*)?", RedirectHandler, {"url": away})
                        for nb in (TRAINER_NOTEBOOK, PARTICIPANT_NOTEBOOK)]
            handlers.append((root + r"/kurs-stil/(kurs-apper\.css)", StaticFileHandler, {"path": str(STYLE_DIR)}))
            if workshop is not None:
                from ..workshop.live import handlers as workshop_handlers

                handlers += workshop_handlers(workshop, root + "/")
            for handler in super().init_handlers():
                if handler[1] is TornadoVoilaTreeHandler:
                    handlers.append((handler[0], RedirectHandler, {"url": index}))
                elif handler[1] is VoilaShutdownKernelHandler:
                    handlers.append((handler[0], ShutdownKernel, *handler[2:]))
                elif handler[1] is not VoilaContentsHandler:
                    handlers.append(handler)
            return handlers

        def listen(self):
            import tornado.ioloop

            try:
                # a hall that joins at once: room in the queue for new connections (the
                # default 128 makes phone number 129 wait for a retry, a second or more)
                self.app.listen(self.port, self.ip, backlog=LISTEN_BACKLOG)
            except OSError as exc:
                if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                    raise PortTaken(self.port, self.ip) from None
                raise
            self.ioloop = tornado.ioloop.IOLoop.current()
            if on_ready is not None:
                self.ioloop.add_callback(on_ready)
            try:
                self.ioloop.start()
            except KeyboardInterrupt:
                pass
            finally:
                if workshop is not None:
                    workshop.stop()
                self.stop()

        def stop(self):
            import shutil

            shutil.rmtree(self.connection_dir, ignore_errors=True)
            try:
                run_sync(self.kernel_manager.shutdown_all)()
            except Exception:  # noqa: BLE001 - stopping: a kernel that is already gone is fine
                log.debug("kernels already gone at stop", exc_info=True)

    from jupyter_core.utils import run_sync

    _hide_visitors()
    os.environ[COMPILED_ENV] = str(compiled)
    paths = [str(TEMPLATE_ROOT)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    app = CourseVoila(config=voila_config(compiled, pool_size, header=header))
    app.initialize([str(APPS_DIR), f"--port={port}", f"--Voila.ip={host}"])
    return app
