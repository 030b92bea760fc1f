"""Memory (RSS) of an exercise app kernel against a bare ipykernel. Prints the numbers and
the ratio (target ≤ 1.3×).

    .venv/bin/python benchmarks/kernel_memory.py [--runs 3]

Bare: a Python kernel started with jupyter_client and left idle, nothing run in it.
Exercise app: the kernel Voila starts (no pool) for ovelse.ipynb?case=…, measured when
the first option is on screen, after one choice. Also checks that the app kernel has not
imported matplotlib (the apps draw nothing; the engine imports neither ipywidgets nor
matplotlib).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    CASE,
    Result,
    compile_cases,
    launch,
    median,
    print_result,
    spread,
    voila,
    wait_quiet,
)

MB = 1024 * 1024


def rss(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / MB


def bare_kernel() -> float:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        time.sleep(2)
        return rss(km.provisioner.process.pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def kernel_modules(kc) -> list[str]:
    """Names of heavy modules the kernel has imported."""
    kc.execute("import sys as _s; print(sorted(m for m in ('matplotlib', 'numpy', 'pandas', 'PIL') if m in _s.modules))")
    while True:
        msg = kc.get_iopub_msg(timeout=30)
        if msg["msg_type"] == "stream":
            return eval(msg["content"]["text"])  # noqa: S307 - our own print of a list of names


def app_kernel(browser, compiled: Path) -> tuple[float, list[str]]:
    import psutil
    from jupyter_client import BlockingKernelClient

    with voila(compiled, 0) as (base, pid):
        wait_quiet(pid)
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/voila/render/ovelse.ipynb?case={CASE}")
        page.locator("button.kurs-option").first.click(timeout=120_000)
        page.locator(".kurs-feedback").wait_for(timeout=60_000)
        time.sleep(2)
        kernels = [p for p in psutil.Process(pid).children(recursive=True)
                   if "ipykernel_launcher" in " ".join(p.cmdline())]
        assert len(kernels) == 1, kernels
        memory = rss(kernels[0].pid)
        connection = next(a for a in kernels[0].cmdline() if a.endswith(".json"))
        kc = BlockingKernelClient(connection_file=connection)
        kc.load_connection_file()
        kc.start_channels()
        try:
            heavy = kernel_modules(kc)
        finally:
            kc.stop_channels()
        page.close(run_before_unload=True)
        context.close()
    return memory, heavy


def run(runs: int = 3) -> Result:
    from playwright.sync_api import sync_playwright

    compiled = compile_cases()
    bare, app, heavy = [], [], set()
    with sync_playwright() as pw:
        browser = launch(pw)
        for _ in range(runs):
            bare.append(bare_kernel())
            memory, modules = app_kernel(browser, compiled)
            app.append(memory)
            heavy.update(modules)
        browser.close()
    return Result("minne", "Minne (RSS): kjerne for øvelsesappen / tom ipykernel", median(app) / median(bare), "×",
                  1.3, [f"tom ipykernel: {spread(bare, 'MB')}",
                        f"øvelsesappen etter ett valg: {spread(app, 'MB')}",
                        "tunge moduler i appkjernen: " + (", ".join(sorted(heavy)) or "ingen (ikke matplotlib)")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = run(args.runs)
    print_result(result)


if __name__ == "__main__":
    main()
