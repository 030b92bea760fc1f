"""Old name of the municipality extension, kept for _config.yml files that list it:
use `widgets.book`."""

from .book.municipality import setup  # noqa: F401
