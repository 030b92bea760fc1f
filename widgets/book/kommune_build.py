"""A municipality's own book from one settings file:

    kurs build --kommune fjordvik.yml --ut nettside/

in a folder that holds only that file (and, if it likes, `saker/*.yml` with its own
cases and `sider/*.md` with its own pages). The book's sources come from the package
(widgets.book.sources); they are put together with the settings in a hidden work folder
next to the settings file (`.kurs/<fil>/`), built there, and the finished site is copied
to `--ut`: only what is to be published (no `.buildinfo`, no `_sources` unless
`kildefiler: true`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..authoring.kommune import municipality
from ..problems import Problem, ProblemsFound, display_path
from .output import slug
from .sources import book_files, book_source, sync_tree

WORK_DIR = ".kurs"
LOCAL_CASES = "saker"
LOCAL_PAGES = "sider"
LOCAL_PAGES_IN_BOOK = "lokalt"
STARTER = Path(__file__).resolve().parent / "ny-kommune.yml"
NOT_PUBLISHED = {".buildinfo", ".doctrees"}


@dataclass
class Variant:
    settings_file: Path
    settings: dict
    source: Path   # the book's sources with the municipality's settings
    builddir: Path  # --path-output: the HTML is in builddir/_build/html

    @property
    def html(self) -> Path:
        return self.builddir / "_build" / "html"


def starter_text(name: str) -> str:
    return STARTER.read_text(encoding="utf-8").replace("{fil}", name)


def _write_if_changed(path: Path, text: str) -> bool:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return True
    return False


def check_local_cases(home: Path, book: Path) -> list[Problem]:
    """The municipality's own cases (saker/*.yml), checked against the course's catalogue."""
    from ..authoring.library import check

    files = sorted((home / LOCAL_CASES).glob("*.yml"))
    if not files:
        return []
    return check(files, book / "cases").problems


def prepare(settings_file: Path) -> Variant:
    """Check the settings and the local cases, and put the book's sources together."""
    settings_file = Path(settings_file).resolve()
    if not settings_file.is_file():
        raise ProblemsFound([Problem(display_path(settings_file), 1, "", "filen finnes ikke",
                                     f"lag den med «kurs new-kommune {settings_file.name}»")])
    settings = municipality(settings_file, top_level=True)
    home, book = settings_file.parent, book_source()
    problems = check_local_cases(home, book)
    if problems:
        raise ProblemsFound(problems)
    work = home / WORK_DIR / slug(settings_file.stem)
    source = work / "kilde"

    files = book_files(book)
    config_text, toc_text = files.pop(Path("_config.yml")), files.pop(Path("_toc.yml"))
    for path in sorted((home / LOCAL_CASES).glob("*.yml")):
        files[Path("cases") / path.name] = path
    pages = sorted((home / LOCAL_PAGES).glob("*.md"))
    for path in pages:
        files[Path(LOCAL_PAGES_IN_BOOK) / path.name] = path
    sync_tree(files, source, keep=("ovelser", "_config.yml", "_toc.yml"))

    config = yaml.safe_load(config_text.read_text(encoding="utf-8"))
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["kommune"] = settings
    # _vendor/ (ipywidgets' JavaScript) is there only if the package was built after `npm ci`.
    sphinx_config["html_static_path"] = [p for p in sphinx_config.get("html_static_path", [])
                                         if (source / p).exists()]
    _write_if_changed(source / "_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))

    toc = yaml.safe_load(toc_text.read_text(encoding="utf-8"))
    if pages:
        part = {"caption": f"Fra {settings['navn']}",
                "chapters": [{"file": f"{LOCAL_PAGES_IN_BOOK}/{p.stem}"} for p in pages]}
        toc["parts"].insert(len(toc["parts"]) - 1, part)
    toc_text = yaml.safe_dump(toc, allow_unicode=True, sort_keys=False)
    _write_if_changed(source / "_toc.yml", toc_text)
    # Every page shows the table of contents in its sidebar, but Sphinx writes only the pages
    # that changed: a new or removed local page or case means every page is written again.
    shape = toc_text + "\n".join(sorted(str(rel) for rel in files if rel.parts[0] == "cases"))
    if _write_if_changed(work / "innholdsfortegnelse.txt", shape):
        shutil.rmtree(work / "_build", ignore_errors=True)
    return Variant(settings_file, settings, source, work)


def _looks_like_ours(folder: Path) -> bool:
    return (folder / "intro.html").is_file() or (folder / "index.html").is_file()


SPECIAL_PAGES = {"index.html", "genindex.html", "search.html", "py-modindex.html"}


def is_current(rel: Path, source: Path | None) -> bool:
    """Is this built page still a page of the book? Sphinx leaves the HTML of a removed
    page (a local page or case deleted since the last build) in its output."""
    if source is None or rel.suffix != ".html" or rel.parts[0] in ("_static", "_images"):
        return True
    if rel.as_posix() in SPECIAL_PAGES:
        return True
    if rel.parts[0] == "utskrift":
        case_id = rel.stem.rsplit("-", 1)[0]
        return (source / "cases" / f"{case_id}.yml").is_file()
    return any((source / rel).with_suffix(suffix).is_file() for suffix in (".md", ".ipynb"))


def publish(html: Path, target: Path, settings: dict, source: Path | None = None) -> int:
    """Copy the built site to `target`, leaving out what is not to be published (and,
    with `source`, pages whose source is gone).
    Files in `target` from an earlier build that are gone now are removed; a folder that
    holds something else is never emptied. Returns the number of files."""
    target = Path(target).resolve()
    if target.exists() and any(target.iterdir()) and not _looks_like_ours(target):
        raise ProblemsFound([Problem(display_path(target), 1, "", "mappen er ikke tom, og den er ikke et bygget kurs",
                                     "velg en tom mappe med --ut, f.eks. --ut nettside/")])
    skip = set(NOT_PUBLISHED) | (set() if settings.get("kildefiler") else {"_sources"})
    files = {}
    for path in html.rglob("*"):
        rel = path.relative_to(html)
        if path.is_file() and not (set(rel.parts) & skip) and is_current(rel, source):
            files[rel] = path
    sync_tree(files, target, keep=())
    return len(files)


def copy_starter(target: Path) -> Path:
    target = Path(target)
    if target.exists():
        raise ProblemsFound([Problem(display_path(target), 1, "", "filen finnes allerede",
                                     "velg et annet navn, eller rediger filen du har")])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(starter_text(target.name), encoding="utf-8")
    return target


def remove_work(variant: Variant) -> None:
    shutil.rmtree(variant.builddir, ignore_errors=True)
