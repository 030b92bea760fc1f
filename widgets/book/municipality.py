"""The municipality's settings: one `kommune` block in _config.yml.

Used by the book (Sphinx extension: the `{{ kommune }}` substitution and the
`{kommune-tjenester}` / `{kommune-rutiner}` directives of module 9) and by the compiler
(`{{ kommune }}` in case texts). Nothing about a municipality is written in code.
"""

from __future__ import annotations

from ..authoring.placeholders import municipality_name

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


def _list(items, with_description: bool):
    from docutils import nodes

    out = nodes.bullet_list()
    for item in items or []:
        para = nodes.paragraph()
        name, url = str(item.get("navn", "")), item.get("url")
        para += nodes.reference("", name, refuri=url) if url else nodes.strong(text=name)
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
            return _list(self.config.kommune.get("rutiner"), True)

    class Lenker(SphinxDirective):
        def run(self):
            return _list(self.config.kommune.get("lenker"), False)

    def add_substitution(app, config):
        subs = dict(config.myst_substitutions or {})
        subs.setdefault("kommune", municipality_name(config.kommune))
        config.myst_substitutions = subs

    app.add_directive("kommune-tjenester", Tjenester)
    app.add_directive("kommune-rutiner", Rutiner)
    app.add_directive("kommune-lenker", Lenker)
    app.connect("config-inited", add_substitution, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
