"""Shared test helpers: a throwaway copy of the case folder, and running `kurs`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"


def make_project(tmp_path: Path) -> Path:
    """A minimal project in tmp_path: cases/ with the real catalogue files."""
    (tmp_path / "cases").mkdir()
    for name in ("_modell.yml", "_referanser.yml"):
        shutil.copy(CASES / name, tmp_path / "cases" / name)
    return tmp_path


def run_kurs(*args: str, cwd: Path, input_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(input_env or {})}
    env.pop("KURS_PROSJEKT", None)
    return subprocess.run([sys.executable, "-m", "widgets", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
