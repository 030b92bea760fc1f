"""Start Voila for the apps in widgets/voila/notebooks/: the case list and the exercise app.

Only the apps folder is served. `/` and the file tree redirect to the case list, and
the contents API (a file listing) is removed. Tracebacks stay hidden and sources are
stripped (Voila's defaults, set explicitly). The exercise app gets a pool of preheated
kernels, and kernels of closed tabs are culled.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..settings import COMPILED_ENV, EXERCISE_NOTEBOOK, INDEX_NOTEBOOK, PARTICIPANT_NOTEBOOK, TRAINER_NOTEBOOK

APPS_DIR = Path(__file__).parent / "notebooks"
# Our Voila template "kurs" (the lab template without CDN links) is found through JUPYTER_PATH.
TEMPLATE_ROOT = Path(__file__).parent / "template"


def voila_config(compiled: Path, pool_size: int, cull_after: int = 600, pools: dict[str, int] | None = None):
    """`pools` adds a preheated pool per notebook (the workshop apps: `kurs workshop`)."""
    from traitlets.config import Config

    env = {COMPILED_ENV: str(compiled)}
    cfg = Config()
    cfg.VoilaConfiguration.template = "kurs"
    cfg.VoilaConfiguration.show_tracebacks = False
    cfg.VoilaConfiguration.strip_sources = True
    cfg.VoilaConfiguration.preheat_kernel = pool_size > 0 or any((pools or {}).values())
    cfg.VoilaConfiguration.default_pool_size = 1 if pool_size > 0 else 0
    cfg.VoilaKernelManager.kernel_pools_config = {
        "default": {"pool_size": 1, "kernel_env_variables": env},
        EXERCISE_NOTEBOOK: {"pool_size": pool_size, "kernel_env_variables": env},
        # the workshop apps start cold unless `kurs workshop` sizes their pools
        **{nb: {"pool_size": n, "kernel_env_variables": env}
           for nb, n in {TRAINER_NOTEBOOK: 0, PARTICIPANT_NOTEBOOK: 0, **(pools or {})}.items()},
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


def keep_room_pools(km, pools: dict[str, int], spares: dict[str, int]) -> None:
    """A room of N takes N preheated kernels at once. Refilling all of them would double
    the memory, so after the first fill a pool keeps `spares` kernels ready beyond those
    in use, and tops up to its first size when kernels in use are culled."""
    original = km.fill_if_needed

    def fill_if_needed(delay=None, notebook_name=None, **kwargs):
        if notebook_name in spares:
            ids = km.notebook_data.get(notebook_name, {}).get("kernel_ids", ())
            in_use = max(0, len(ids) - len(km._pools.get(notebook_name, ())))
            km.kernel_pools_config[notebook_name]["pool_size"] = max(
                spares[notebook_name], pools[notebook_name] - in_use)
        return original(delay=delay, notebook_name=notebook_name, **kwargs)

    km.fill_if_needed = fill_if_needed


def _kernels_cpu() -> float:
    """CPU seconds used so far by this server's child processes (the kernels)."""
    try:
        import psutil
    except ImportError:
        return 0.0
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def make_app(port: int, host: str, compiled: Path, pool_size: int,
             pools: dict[str, int] | None = None, spares: dict[str, int] | None = None):
    from tornado.web import RedirectHandler
    from voila.app import Voila
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    class CourseVoila(Voila):
        name = "kurs-voila"

        def init_settings(self):
            settings = super().init_settings()
            if spares and hasattr(self.kernel_manager, "_pools"):
                from tornado.ioloop import PeriodicCallback

                km = self.kernel_manager
                keep_room_pools(km, pools, spares)
                ready = set()
                cpu = [_kernels_cpu()]

                def balance():
                    # ready: every pool kernel started, and the kernels have gone quiet
                    # (done importing, waiting for their visitor)
                    used, cpu[0] = _kernels_cpu() - cpu[0], _kernels_cpu()
                    for nb in spares:
                        km.fill_if_needed(delay=0, notebook_name=nb)
                        tasks = km._pools.get(nb, [])
                        if (nb not in ready and len(tasks) >= pools[nb] and all(x.done() for x in tasks)
                                and used < 0.3):
                            ready.add(nb)
                            print(f"Klar: {len(tasks)} forvarmede kjerner for {nb}.", flush=True)

                PeriodicCallback(balance, 2000).start()
            return settings

        def init_handlers(self):
            index = self.server_url.rstrip("/") + f"/voila/render/{INDEX_NOTEBOOK}"
            handlers = []
            for handler in super().init_handlers():
                if handler[1] is TornadoVoilaTreeHandler:
                    handlers.append((handler[0], RedirectHandler, {"url": index}))
                elif handler[1] is not VoilaContentsHandler:
                    handlers.append(handler)
            return handlers

    os.environ[COMPILED_ENV] = str(compiled)
    paths = [str(TEMPLATE_ROOT)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    app = CourseVoila(config=voila_config(compiled, pool_size, pools=pools))
    app.initialize([str(APPS_DIR), f"--port={port}", f"--Voila.ip={host}"])
    return app
