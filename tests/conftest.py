"""Shared fixtures: a running Voila server for the apps, and Debian's Chromium for Playwright."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import ROOT, free_port, make_project, wait_for  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = ROOT / "test-output"

# A test is "slow" (left out by `make test-fast`) when it needs a browser, a server, a
# database server or a book build: by the fixtures it uses, or by its module's own mark.
SLOW_FIXTURES = {"page", "browser", "context", "book_build", "book_html", "book_pages", "book_server",
                 "book", "voila_server", "postgres_url", "other_book"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def compiled(tmp_path):
    """The branching test case tests/data/forgreining.yml, compiled (not course content)."""
    from widgets.authoring.library import compiled_case

    project = make_project(tmp_path)
    shutil.copy(Path(__file__).parent / "data" / "forgreining.yml", project / "cases")
    return compiled_case("forgreining", project / "cases")


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """Voila serving widgets/voila/notebooks with all cases compiled, on a free port."""
    out = tmp_path_factory.mktemp("saker")
    subprocess.run([sys.executable, "-m", "widgets", "compile", "--ut", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    port = free_port()
    code = ("from pathlib import Path; from widgets.voila.server import make_app;"
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
def book_build(tmp_path_factory):
    """The book, built once per test run into a temporary folder: (process, html folder)."""
    from widgets.book.build import build_command

    out = tmp_path_factory.mktemp("book")
    proc = subprocess.run(build_command(ROOT, out), cwd=ROOT, capture_output=True,
                          text=True, timeout=900, check=False)
    return proc, out / "_build" / "html"


@pytest.fixture(scope="session")
def book_html(book_build):
    proc, html_dir = book_build
    assert proc.returncode == 0, ("Boka kunne ikke bygges (har du kjørt `npm ci`?):\n"
                                  + proc.stdout + proc.stderr)
    return html_dir


@pytest.fixture(scope="session")
def book_server(book_html):
    """The built book over plain HTTP on localhost, as static hosting serves it."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(book_html))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


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
    """Save what the screen of `on` (default: the test's page) shows into
    test-output/<name>-<width>.png, with `focus` (a locator) scrolled into view."""
    OUTPUT.mkdir(exist_ok=True)

    def take(name: str, focus=None, on=None) -> Path:
        target = on or page
        if focus is not None:
            focus.scroll_into_view_if_needed()
        path = OUTPUT / f"{name}-{target.viewport_size['width']}.png"
        target.screenshot(path=str(path))
        return path

    return take


def _as_postgres(*args: str, port: str) -> str:
    cmd = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else ["sudo", "-u", "postgres"]
    done = subprocess.run(cmd + ["psql", "-p", port, "-v", "ON_ERROR_STOP=1", "-tA", *args],
                          capture_output=True, text=True, timeout=60)
    if done.returncode:
        pytest.fail(f"psql som postgres feilet: {done.stderr.strip()}")
    return done.stdout.strip()


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL database for the workshop store: $KURS_TEST_PG_URL if set, else the
    local Debian cluster (started if it is down, stopped again afterwards) with a
    database of its own owned by user `kurs_test`. Fails, never skips: `make test` and .ci/run install
    PostgreSQL, so a missing server is an error."""
    import os

    if os.environ.get("KURS_TEST_PG_URL"):
        yield os.environ["KURS_TEST_PG_URL"]
        return
    if not shutil.which("pg_lsclusters"):
        pytest.fail("PostgreSQL mangler: kjør «apt-get install postgresql» (make test gjør det som root), "
                    "eller sett KURS_TEST_PG_URL.")
    if os.geteuid() != 0:
        pytest.fail("PostgreSQL-testene trenger root for å starte databasen, eller KURS_TEST_PG_URL.")
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout
    clusters = [line.split() for line in listing.splitlines() if line.strip()]
    started = []
    if not clusters:
        version = sorted(os.listdir("/usr/lib/postgresql"), key=int)[-1]
        subprocess.run(["pg_createcluster", version, "main", "--start"], check=True, capture_output=True)
        started.append((version, "main"))
        clusters = [line.split() for line in subprocess.run(
            ["pg_lsclusters", "--no-header"], capture_output=True, text=True).stdout.splitlines() if line.strip()]
    version, name, port, status = clusters[0][:4]
    if status != "online":
        done = subprocess.run(["pg_ctlcluster", version, name, "start"], capture_output=True, text=True)
        if done.returncode:
            pytest.fail(f"Fikk ikke startet PostgreSQL {version}/{name}: {done.stderr.strip()}")
        started.append((version, name))
    _as_postgres("-c", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kurs_test') THEN "
                 "CREATE ROLE kurs_test LOGIN PASSWORD 'kurs_test'; END IF; END $$;", port=port)
    # A database of its own for this test run: two runs at once (two checkouts, CI next to a
    # developer) must not drop each other's tables.
    database = f"kurs_test_{os.getpid()}"
    _as_postgres("-c", f"DROP DATABASE IF EXISTS {database}", port=port)
    _as_postgres("-c", f"CREATE DATABASE {database} OWNER kurs_test", port=port)
    yield f"postgresql+psycopg://kurs_test:kurs_test@127.0.0.1:{port}/{database}"
    _as_postgres("-c", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", port=port)
    for version, name in started:
        subprocess.run(["pg_ctlcluster", version, name, "stop"], capture_output=True)


# -- the date of the last accessibility test run (tilgjengelighet/sist-testet.txt) ----------
# Tests marked with @checks(...) (tests/test_accessibility.py) are the automatic checks of
# tilgjengelighet/kriterier.yml. When every check ran in this session and all passed, the
# date is written for the «Tilgjengelighet» page (only when it changes: commit the file).

ACCESSIBILITY_RESULTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    checks = getattr(getattr(item, "function", None), "kurs_checks", ())
    if checks and (report.when == "call" or report.failed or report.skipped):
        results = item.config.stash.setdefault(ACCESSIBILITY_RESULTS, {})
        for check in checks:
            results[check] = results.get(check, True) and report.passed
    return report


def pytest_sessionfinish(session, exitstatus):
    import datetime as dt

    import yaml

    results = session.config.stash.get(ACCESSIBILITY_RESULTS, None)
    if not results or not all(results.values()):
        return
    data = yaml.safe_load((ROOT / "tilgjengelighet" / "kriterier.yml").read_text(encoding="utf-8"))
    if not set(data["kontroller"]) <= set(results):
        return
    path, today = ROOT / "tilgjengelighet" / "sist-testet.txt", dt.date.today().isoformat()
    if not path.is_file() or path.read_text(encoding="utf-8").strip() != today:
        path.write_text(today + "\n", encoding="utf-8")
