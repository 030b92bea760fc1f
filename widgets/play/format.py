"""The compiled case format: its identity and the shape of ids. The runtime contract
shared by the compiler (widgets.authoring) and every player; documented for
contributors in the book (`om/kompilert-format.md`) and as a JSON Schema
(`widgets/play/compiled.schema.json`)."""

import re

FORMAT = "tidlig-og-sammen/sak"
FORMAT_VERSION = 2

# The shape of every id (cases, scenes, options): lowercase a–z, digits and hyphens.
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def is_slug(value: object) -> bool:
    return isinstance(value, str) and re.match(SLUG, value) is not None
