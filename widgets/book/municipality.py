"""The municipality's settings: one `kommune` block in _config.yml.

Used by the book (Sphinx extension: the `{{ kommune }}` substitution and the
`{kommune-tjenester}` / `{kommune-rutiner}` directives of module 9) and by the compiler
(`{{ kommune }}` in case texts). Nothing about a municipality is written in code.
"""

from __future__ import annotations

from ..authoring.placeholders import municipality_name
from .escape import md_escape, safe_url

# -- Sphinx ------------------------------------------------------------------------------

def _services(settings: dict):
    from docutils import nodes

    table = nodes.table(classes=["kommune-tjenester"])
    group = nodes.tgroup(cols=2)
    table += group
    group += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=2)]
    head = nodes.thead()
    group += head
    row = nodes.row()
    for title in ("Tjeneste", "Kontakt"):
        row += nodes.entry("", nodes.paragraph(text=title))
    head += row
    body = nodes.tbody()
    group += body
    for item in settings.get("tjenester") or []:
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph(text=str(item.get("navn", ""))))
        row += nodes.entry("", nodes.paragraph(text=str(item.get("kontakt", ""))))
        body += row
    return [table]


def link_or_text(name: str, url, where: str, directive=None):
    """A link to `url` if it is https, mailto or tel; otherwise `name` as plain text and a
    build warning (a `javascript:` address must never become a link)."""
    from docutils import nodes

    if not url:
        return nodes.strong(text=name)
    safe = safe_url(url)
    if safe is None:
        from sphinx.util import logging

        location = (directive.env.docname, directive.lineno) if directive is not None else None
        logging.getLogger(__name__).warning(
            "kommune: %s: «%s» er ikke en trygg lenke: bare https-, mailto- og tel-lenker er tillatt "
            "— skriv en adresse som begynner med https://; lenken vises som tekst", where, str(url)[:200],
            location=location, type="kommune", subtype="url")
        return nodes.strong(text=name)
    return nodes.reference("", name, refuri=safe)


def _list(items, with_description: bool, key: str, directive=None):
    from docutils import nodes

    out = nodes.bullet_list()
    for i, item in enumerate(items or []):
        para = nodes.paragraph()
        name, url = str(item.get("navn", "")), item.get("url")
        para += link_or_text(name, url, f"{key}[{i}].url", directive)
        if with_description and item.get("beskrivelse"):
            para += nodes.Text(f": {item['beskrivelse']}")
        out += nodes.list_item("", para)
    return [out]


def setup(app):
    from sphinx.util.docutils import SphinxDirective

    app.add_config_value("kommune", {}, "env")

    class Tjenester(SphinxDirective):
        def run(self):
            return _services(self.config.kommune)

    class Rutiner(SphinxDirective):
        def run(self):
            return _list(self.config.kommune.get("rutiner"), True, "rutiner", self)

    class Lenker(SphinxDirective):
        def run(self):
            return _list(self.config.kommune.get("lenker"), False, "lenker", self)

    def add_substitution(app, config):
        subs = dict(config.myst_substitutions or {})
        # MyST reads a substitution as Markdown: the name is escaped, so that it is shown as
        # the text the web editor wrote, never as HTML, a role or another substitution.
        subs.setdefault("kommune", md_escape(municipality_name(config.kommune)))
        config.myst_substitutions = subs

    app.add_directive("kommune-tjenester", Tjenester)
    app.add_directive("kommune-rutiner", Rutiner)
    app.add_directive("kommune-lenker", Lenker)
    app.connect("config-inited", add_substitution, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
