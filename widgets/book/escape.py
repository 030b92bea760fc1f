"""Text from cases and settings into the book as plain text, never as markup.

`md_escape` makes any text literal in MyST Markdown (HTML tags, roles, directives, links,
`{{ }}` substitutions). `safe_url` keeps only the link kinds a course may publish; any
other address (`javascript:`, `data:`, `http:`, a relative path) is shown as text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# ASCII punctuation: CommonMark lets a backslash make each of them literal.
_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
SAFE_SCHEMES = ("https", "mailto", "tel")


def md_escape(text: object) -> str:
    """One line of plain text, safe to put anywhere in MyST Markdown."""
    return "".join("\\" + c if c in _PUNCTUATION else c for c in " ".join(str(text).split()))


def safe_url(url: object) -> str | None:
    """The address, if it is an https, mailto or tel link; otherwise None."""
    text = str(url or "").strip()
    if not text or any(ord(c) < 32 or c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() == "https" and not parts.netloc:
        return None
    return text
