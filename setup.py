"""The wheel carries the book's sources (modules, cases, theme, _config.yml …) as package
data in widgets/book/source/, so a municipality can build its book with only Python:
`kurs build --kommune fjordvik.yml --ut nettside/`. In an editable install the sources
are the repository itself (widgets/book/sources.py finds them there)."""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithBook(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        spec = importlib.util.spec_from_file_location("_book_sources", HERE / "widgets" / "book" / "sources.py")
        sources = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sources)
        target = Path(self.build_lib) / "widgets" / "book" / "source"
        sources.copy_book(HERE, target)


setup(cmdclass={"build_py": BuildWithBook})
