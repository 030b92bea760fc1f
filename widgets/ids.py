"""The shape of every id (cases, scenes, options): lowercase a–z, digits and hyphens."""

import re

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def is_slug(value: object) -> bool:
    return isinstance(value, str) and re.match(SLUG, value) is not None
