"""Shared fixtures: a running Voila server for the apps, and Debian's Chromium for Playwright."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import ROOT, free_port, wait_for  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """Voila serving widgets/apps with all cases compiled, on a free port."""
    out = tmp_path_factory.mktemp("saker")
    subprocess.run([sys.executable, "-m", "widgets", "compile", "--ut", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    port = free_port()
    code = ("from pathlib import Path; from widgets.voila_server import make_app;"
            f"make_app({port}, '127.0.0.1', Path(r'{out}'), 1).start()")
    log = open(tmp_path_factory.mktemp("logg") / "voila.log", "w")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", 90)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright cannot download its browsers here: use Debian's chromium."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium mangler: kjør «apt-get install chromium» (make test gjør det som root).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture
def screenshot(page):
    """Save a screenshot of `page` at a given width into test-output/."""
    OUTPUT.mkdir(exist_ok=True)

    def take(name: str, width: int) -> Path:
        page.set_viewport_size({"width": width, "height": 900})
        path = OUTPUT / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
