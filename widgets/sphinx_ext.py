"""Old name of the Sphinx extension, kept for _config.yml files that list it:
use `widgets.book` (case exercises, municipality settings)."""

from .book.exercises import setup  # noqa: F401
