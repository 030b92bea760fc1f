"""Every built page is valid HTML by the Nu Html Checker (vnu, from npm `vnu-jar`; needs
Java 17), with 0 errors. The theme's _static files (macro templates) are not pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu(files: list[Path]) -> list[dict]:
    if not VNU.is_file():
        pytest.fail(f"Nu Html Checker mangler ({VNU.relative_to(ROOT)}): kjør `npm ci` (make test gjør det).")
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java mangler (Nu Html Checker trenger Java 17): sudo apt-get install openjdk-17-jre-headless")
    proc = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=600, check=False)
    try:
        return json.loads(proc.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"Nu Html Checker svarte ikke med JSON (kode {proc.returncode}):\n{proc.stderr[-2000:]}")


def test_the_checker_finds_an_error(tmp_path):
    """The checker runs and reports: a page with a stray end tag is not valid."""
    bad = tmp_path / "feil.html"
    bad.write_text('<!DOCTYPE html><html lang="nb"><head><title>x</title></head><body><p>x</span></body></html>',
                   encoding="utf-8")
    assert any("span" in m["message"] for m in vnu([bad]))


def test_every_page_is_valid_html(book_html):
    pages = sorted(p for p in book_html.rglob("*.html") if "_static" not in p.parts)
    assert len(pages) >= 30
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
              for m in vnu(pages) if m.get("type") == "error"]
    assert errors == []
