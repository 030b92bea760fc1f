"""The municipality's own versions of the printable tools (verktoy/).

Each tool page starts with

    ```{kommune-verktoy} samtykkeskjema
    ```

If the `kommune` block of _config.yml has `verktoy: {samtykkeskjema: https://…}`, the page
shows a link to the municipality's own version at the top; otherwise nothing. Only https
links are accepted: anything else is a build warning (the book is built with -W).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..authoring.placeholders import FALLBACK_NAME

logger = logging.getLogger(__name__)

SETTING = "verktoy"


def own_version(settings: dict, tool: str) -> str | None:
    """The municipality's URL for `tool`, or None."""
    tools = (settings or {}).get(SETTING) or {}
    if not isinstance(tools, dict):
        return None
    url = tools.get(tool)
    return str(url).strip() if url else None


class KommuneVerktoy(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        tool = self.arguments[0].strip()
        settings = self.config.kommune or {}
        url = own_version(settings, tool)
        if url is None:
            return []
        if not url.startswith("https://"):
            logger.warning(f"kommune.{SETTING}.{tool}: lenken «{url}» må starte med https:// — "
                           "bruk den sikre adressen til kommunens egen versjon",
                           location=(self.env.docname, self.lineno))
            return []
        name = str(settings.get("navn") or FALLBACK_NAME)
        box = nodes.container(classes=["kommune-verktoy"])
        para = nodes.paragraph()
        para += nodes.strong(text=f"{name} har en egen versjon av dette verktøyet. ")
        para += nodes.Text("Bruk den: ")
        para += nodes.reference("", f"Åpne versjonen fra {name}", refuri=url)
        box += para
        return [box]


def setup(app):
    app.add_directive("kommune-verktoy", KommuneVerktoy)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
