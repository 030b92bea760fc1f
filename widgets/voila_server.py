"""Start Voila for the apps in widgets/apps/: the case list and the exercise app.

Only the apps folder is served. `/` and the file tree redirect to the case list, and
the contents API (a file listing) is removed. Tracebacks stay hidden and sources are
stripped (Voila's defaults, set explicitly). The exercise app gets a pool of preheated
kernels, and kernels of closed tabs are culled.
"""

from __future__ import annotations

import os
from pathlib import Path

APPS_DIR = Path(__file__).parent / "apps"
# Our Voila template "kurs" (the lab template without CDN links) is found through JUPYTER_PATH.
TEMPLATE_ROOT = Path(__file__).parent / "voila_template"


def voila_config(compiled: Path, pool_size: int, cull_after: int = 600):
    from traitlets.config import Config

    env = {"KURS_KOMPILERT": str(compiled)}
    cfg = Config()
    cfg.VoilaConfiguration.template = "kurs"
    cfg.VoilaConfiguration.show_tracebacks = False
    cfg.VoilaConfiguration.strip_sources = True
    cfg.VoilaConfiguration.preheat_kernel = pool_size > 0
    cfg.VoilaConfiguration.default_pool_size = 1 if pool_size > 0 else 0
    cfg.VoilaKernelManager.kernel_pools_config = {
        "default": {"pool_size": 1, "kernel_env_variables": env},
        "ovelse.ipynb": {"pool_size": pool_size, "kernel_env_variables": env},
    }
    # A phone that closes the tab leaves its kernel running unless it is culled.
    cfg.MappingKernelManager.cull_idle_timeout = cull_after
    cfg.MappingKernelManager.cull_interval = 60
    cfg.MappingKernelManager.cull_connected = False
    cfg.Voila.open_browser = False
    cfg.Voila.log_level = "ERROR"  # users see our messages, not Jupyter's
    # Kernels talk over Unix sockets, not TCP on localhost: nothing to eavesdrop on.
    cfg.KernelManager.transport = "ipc"
    return cfg


def make_app(port: int, host: str, compiled: Path, pool_size: int):
    from tornado.web import RedirectHandler
    from voila.app import Voila
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    class CourseVoila(Voila):
        name = "kurs-voila"

        def init_handlers(self):
            index = self.server_url.rstrip("/") + "/voila/render/index.ipynb"
            handlers = []
            for handler in super().init_handlers():
                if handler[1] is TornadoVoilaTreeHandler:
                    handlers.append((handler[0], RedirectHandler, {"url": index}))
                elif handler[1] is not VoilaContentsHandler:
                    handlers.append(handler)
            return handlers

    os.environ["KURS_KOMPILERT"] = str(compiled)
    paths = [str(TEMPLATE_ROOT)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    app = CourseVoila(config=voila_config(compiled, pool_size))
    app.initialize([str(APPS_DIR), f"--port={port}", f"--Voila.ip={host}"])
    return app
