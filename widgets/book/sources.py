"""The book's sources: where they are, and copying them.

An installed package (a wheel) carries the book in `widgets/book/source/` (setup.py's
build step copies the parts listed here). In the repository (`pip install -e .`) the
sources are the repository itself. This module uses only the standard library: setup.py
loads it by path while the wheel is built.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# What a book build needs, relative to the project root. Folders are copied whole,
# without the names in SKIP. tests/test_kommune_settings.py checks that every page in
# _toc.yml and every folder _config.yml names is here.
BOOK_PARTS = ("_config.yml", "_toc.yml", "intro.md", "kilder.md", "kursbevis.md", "tilgjengelighet.md",
              "tilgjengelighet", "modules", "verktoy", "om", "cases", "_theme", "_extra")
SKIP = {"__pycache__", ".ipynb_checkpoints", "_build", "ovelser", "node_modules", ".git", ".installed"}
PACKAGED = Path(__file__).resolve().parent / "source"


def is_book(folder: Path) -> bool:
    return (folder / "_toc.yml").is_file() and (folder / "cases" / "_modell.yml").is_file()


def book_source() -> Path:
    """The folder with the book's sources: in the package, or the repository."""
    if is_book(PACKAGED):
        return PACKAGED
    repo = Path(__file__).resolve().parents[2]
    if is_book(repo):
        return repo
    raise FileNotFoundError(
        "Kursets kildefiler mangler i pakken (widgets/book/source). Installer pakken på nytt.")


def _files(root: Path):
    """(relative path, absolute path) of every file of the book under `root`."""
    for part in BOOK_PARTS:
        top = root / part
        if top.is_file():
            yield Path(part), top
        elif top.is_dir():
            for folder, dirs, names in os.walk(top):
                dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
                for name in sorted(names):
                    if name in SKIP or name.endswith((".pyc", ".mo", "~")):
                        continue
                    path = Path(folder) / name
                    yield path.relative_to(root), path


def sync_tree(files: dict[Path, Path], target: Path, keep=("ovelser",)) -> int:
    """Make `target` hold exactly `files` ({relative: source}), copying only what differs
    (size or modification time), so Sphinx sees unchanged pages as unchanged. Files under
    the top-level names in `keep` are left alone. Returns the number of files copied."""
    copied = 0
    for rel, src in files.items():
        dst = target / rel
        st = src.stat()
        if dst.is_file():
            dt = dst.stat()
            if dt.st_size == st.st_size and int(dt.st_mtime) == int(st.st_mtime):
                continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        copied += 1
    wanted = {target / rel for rel in files}
    if target.is_dir():
        for folder, _dirs, names in os.walk(target, topdown=False):
            here = Path(folder)
            rel_parts = here.relative_to(target).parts
            if rel_parts and rel_parts[0] in keep:
                continue
            for name in names:
                if here / name not in wanted and not (not rel_parts and name in keep):
                    (here / name).unlink()
            if rel_parts and not any(here.iterdir()):
                here.rmdir()
    return copied


def book_files(root: Path) -> dict[Path, Path]:
    return dict(_files(root))


def copy_book(root: Path, target: Path) -> int:
    """Copy the book's sources from the project `root` into `target` (the wheel's data)."""
    return sync_tree(book_files(root), target, keep=())
