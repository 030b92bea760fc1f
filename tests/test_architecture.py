"""The architecture as README «For utviklere» draws it: one-way layers (import-linter,
[tool.importlinter] in pyproject.toml), and the code style in [tool.ruff]."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    return str(BIN / name) if (BIN / name).exists() else (shutil.which(name) or name)


def test_layers_are_kept():
    done = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_play_imports_nothing_heavy():
    """The runtime contract stays lean: no pydantic, YAML, Sphinx or matplotlib."""
    code = ("import sys, widgets.play.engine, widgets.play.loader, widgets.play.vectors, widgets.play.format;"
            "print(','.join(m for m in ('pydantic', 'yaml', 'sphinx', 'matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_code_style():
    done = subprocess.run([_tool("ruff"), "check", "widgets", "tests", "benchmarks"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
