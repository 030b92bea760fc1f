"""Builds in the repository: a variant (`kurs build --config`) gets its own folder and its
own storage namespace; hidden folders and virtual environments never become content; the
source files are not published unless the municipality asks for them."""

from __future__ import annotations

import shutil

import pytest
import yaml
from helpers import ROOT, run_kurs

pytestmark = pytest.mark.slow


def test_a_variant_has_its_own_folder_and_namespace_and_leaves_out_venvs(tmp_path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["sphinx"]["config"]["kommune"] = {"navn": "Bydel Sentrum", "voila_url": ""}
    variant = ROOT / "_test_bydel.yml"
    venv = ROOT / "testvenv2"
    hidden = ROOT / "modules" / ".test-skjult"
    made = [variant, venv, hidden]
    try:
        variant.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        (venv / "lib" / "site-packages" / "pakke").mkdir(parents=True)
        (venv / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
        for name in ("README.md", "eksempel.ipynb", "data.txt"):
            (venv / "lib" / "site-packages" / "pakke" / name).write_text("# Pakke\n", encoding="utf-8")
        shutil.copy(ROOT / "_theme" / "static" / "print.css", venv / "lib" / "site-packages" / "pakke" / "stil.css")
        hidden.mkdir()
        (hidden / "utkast.md").write_text("# Utkast\n", encoding="utf-8")
        result = run_kurs("build", "--config", variant.name, cwd=ROOT)
        assert result.returncode == 0, result.stdout + result.stderr
        html = ROOT / "_build" / "varianter" / "test-bydel" / "_build" / "html"
        page = (html / "modules" / "09-var-kommune" / "index.html").read_text(encoding="utf-8")
        assert "Bydel Sentrum" in page
        assert 'name="kurs-lagring" content="bydel-sentrum-test-bydel"' in page
        built = [p.relative_to(html).as_posix() for p in html.rglob("*")]
        assert [p for p in built if "testvenv2" in p or "pakke" in p or "test-skjult" in p or "utkast" in p] == []
        assert not (html / "_sources").exists()
        assert "Bydel Sentrum" not in (ROOT / "_build" / "html" / "intro.html").read_text(encoding="utf-8") \
            if (ROOT / "_build" / "html" / "intro.html").is_file() else True
    finally:
        for path in made:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
