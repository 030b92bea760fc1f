"""A municipality with only Python and a settings file publishes its adapted course:
the wheel is installed into a fresh virtual environment that cannot see the repository,
and `kurs` is run in an empty folder, as a web editor would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import ROOT

pytestmark = pytest.mark.slow


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KURS_PROSJEKT", "VIRTUAL_ENV")}
    return env


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> dict:
    """The wheel, built from the repository and installed into a fresh venv: {kurs, wheel}."""
    top = tmp_path_factory.mktemp("hjul")
    wheels = top / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(wheels)],
                   check=True, cwd=top, env=_env(), timeout=600)
    wheel = next(wheels.glob("tidlig_og_sammen-*.whl"))
    venv = top / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, cwd=top, timeout=300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, cwd=top, env=_env(), timeout=1200)
    return {"kurs": str(bindir / "kurs"), "python": str(bindir / "python"), "wheel": wheel}


def kurs(installed, *args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([installed["kurs"], *args], cwd=cwd, env=_env(), capture_output=True,
                          text=True, timeout=900)


class _Requests(HTMLParser):
    """Every address the browser fetches by itself: scripts, styles, icons, images, frames."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel", "") not in ("canonical",):
            self.urls.append(a["href"])
        if a.get("srcset"):
            self.urls += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])


def outside_requests(site: Path) -> list[str]:
    found = []
    for page in site.rglob("*.html"):
        parser = _Requests()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(site)}: {u}" for u in parser.urls if re.match(r"^(?:[a-z]+:)?//", u, re.I)]
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        found += [f"{css.relative_to(site)}: {u}" for u in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", text)]
        found += [f"{css.relative_to(site)}: {u}" for u in re.findall(r"@import\s+['\"]((?:https?:)?//[^'\"]+)", text)]
    return found


def article(page: Path) -> str:
    """The page's own text, without the sidebar."""
    text = page.read_text(encoding="utf-8")
    return text[text.index("<article"):text.index("</article>")]


def test_a_municipality_publishes_its_course_from_an_empty_folder(installed, tmp_path):
    folder = tmp_path / "fjordvik-kurs"
    folder.mkdir()
    started = time.monotonic()
    assert kurs(installed, "new-kommune", "fjordvik.yml", cwd=folder).returncode == 0
    settings = folder / "fjordvik.yml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace("navn: Min kommune", "navn: Fjordvik kommune")
    text = text.replace("  - navn: Barnevernstjenesten\n",
                        "  - navn: Familiens hus\n    kontakt: \"Telefon 98 76 54 32, e-post familie@fjordvik.example\"\n"
                        "  - navn: Barnevernstjenesten\n")
    text = text.replace("lenker:\n", "lenker:\n  - navn: Fjordvik på nett\n    url: https://fjordvik.example/\n")
    settings.write_text(text, encoding="utf-8")
    result = kurs(installed, "build", "--kommune", "fjordvik.yml", "--ut", "nettside/", cwd=folder)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"\nHjulet: {installed['wheel'].stat().st_size / 1e6:.1f} MB; fra tom mappe til bygget bok: {seconds:.1f} s")
    site = folder / "nettside"
    assert (site / "index.html").is_file() and (site / "intro.html").is_file()
    module9 = (site / "modules" / "09-var-kommune" / "index.html").read_text(encoding="utf-8")
    assert "Fjordvik kommune" in module9 and "Familiens hus" in module9
    assert 'href="tel:+4798765432"' in module9 and 'href="https://fjordvik.example/"' in module9
    others = [p.parent.name for p in sorted((site / "modules").glob("*/index.html"))
              if p.parent.name != "09-var-kommune" and "Fjordvik kommune" in article(p)]
    # {{ kommune }} in the other modules' text, also in a notebook's markdown cell (module 6)
    assert {"01-hvorfor-tidlig-og-sammen", "06-rus", "08-taushetsplikt-og-samtykke"} <= set(others), others
    everything = " ".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "Eksempel kommune" not in everything
    assert 'name="kurs-lagring" content="fjordvik-kommune"' in module9
    assert outside_requests(site) == []
    # Only what is to be published.
    assert not (site / ".buildinfo").exists() and not (site / "_sources").exists()
    assert not list(site.rglob("*.ipynb")) and not list(site.rglob("*.md"))
    assert (site / "utskrift" / "skolegutt-forteller-arbeidsark.html").is_file()
    assert "btn-download-source-button" not in module9
    # The municipality asks for the source files: they are published, with the button.
    settings.write_text(text + "kildefiler: true\n", encoding="utf-8")
    assert kurs(installed, "build", "--kommune", "fjordvik.yml", "--ut", "nettside/", cwd=folder).returncode == 0
    assert (site / "_sources" / "intro.md").is_file()
    assert "btn-download-source-button" in (site / "intro.html").read_text(encoding="utf-8")


def test_a_settings_typo_stops_the_build_with_field_and_line(installed, tmp_path):
    (tmp_path / "fjordvik.yml").write_text(
        "navn: Fjordvik kommune\ntjenester:\n  - navn: PPT\n    telefon: \"Telefon 12 34 56 78\"\n"
        "lenker:\n  - tittel: Fjordvik på nett\n    url: https://fjordvik.example/\n", encoding="utf-8")
    for command in (["check", "--kommune", "fjordvik.yml"], ["build", "--kommune", "fjordvik.yml", "--ut", "nettside"]):
        result = kurs(installed, *command, cwd=tmp_path)
        assert result.returncode == 1, result.stdout
        assert "fjordvik.yml:4: tjenester[0].telefon: ukjent felt «telefon» — mente du «kontakt»?" in result.stdout
        assert "fjordvik.yml:6: lenker[0].tittel: ukjent felt «tittel» — mente du «navn»?" in result.stdout
        assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "nettside").exists()


def test_a_failed_build_fails_again_until_it_is_fixed(installed, tmp_path):
    (tmp_path / "fjordvik.yml").write_text("navn: Fjordvik kommune\n", encoding="utf-8")
    (tmp_path / "sider").mkdir()
    page = tmp_path / "sider" / "rutiner.md"
    page.write_text("# Våre rutiner\n\nRutinene i {{ kommune }}.\n", encoding="utf-8")
    build = ["build", "--kommune", "fjordvik.yml", "--ut", "nettside"]
    first = kurs(installed, *build, cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Rutinene i Fjordvik kommune" in (tmp_path / "nettside" / "lokalt" / "rutiner.html").read_text(encoding="utf-8")
    page.write_text("# Våre rutiner\n\nSe [skjemaet](skjema-som-mangler.md).\n", encoding="utf-8")
    for _ in range(2):   # the second time nothing has changed: it must still fail
        broken = kurs(installed, *build, cwd=tmp_path)
        assert broken.returncode != 0, broken.stdout + broken.stderr
        assert "sider/rutiner.md:3" in broken.stdout + broken.stderr
        assert "Boka er bygget" not in broken.stdout + broken.stderr
    page.write_text("# Våre rutiner\n\nSkjemaet får du av lederen din.\n", encoding="utf-8")
    fixed = kurs(installed, *build, cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Fra Fjordvik kommune" in (tmp_path / "nettside" / "intro.html").read_text(encoding="utf-8")
    page.unlink()   # a page the municipality removes is gone from the site and every sidebar
    assert kurs(installed, *build, cwd=tmp_path).returncode == 0
    assert not (tmp_path / "nettside" / "lokalt" / "rutiner.html").exists()
    assert [p.name for p in (tmp_path / "nettside").rglob("*.html")
            if "Fra Fjordvik kommune" in p.read_text(encoding="utf-8")] == []
