"""The municipality's settings: one `kommune` block in _config.yml.

Used by the book (Sphinx extension: the `{{ kommune }}` substitution and the directives
of module 9: `{kommune-tjenester}`, `{kommune-rutiner}`, `{kommune-lenker}`,
`{kommune-akutt}` and `{kommune-sjekkliste}`, which say only what the settings have) and
by the compiler (`{{ kommune }}` in case texts). Nothing about a municipality is written
in code. E-mail addresses and phone numbers in a service's `kontakt` become
`mailto:` / `tel:` links.
"""

from __future__ import annotations

import re

from ..authoring.placeholders import municipality_name
from .escape import md_escape, safe_url

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_NUMBER = re.compile(r"(?<![\w+])(\+47[ ]?)?\d(?:[ ]?\d){2,9}(?![\w])")
EMERGENCY_WORDS = ("barnevernvakt", "barnevernsvakt")


def phone_target(text: str) -> str | None:
    """«22 22 22 22» -> «+4722222222»; «112» and «02800» as they are; None for what is
    no phone number (a time, a year)."""
    digits = re.sub(r"\D", "", text)
    if text.startswith("+47"):
        return "+" + digits if len(digits) == 10 else None
    if len(digits) == 8:
        return "+47" + digits
    if len(digits) in (5, 6) or (len(digits) == 3 and digits.startswith("11")):
        return digits
    return None


def contact_nodes(text: str) -> list:
    """The contact text with e-mail addresses and phone numbers as links."""
    from docutils import nodes

    out, pos = [], 0
    found = sorted([(m.start(), m.end(), "mailto:" + m.group()) for m in _EMAIL.finditer(text)]
                   + [(m.start(), m.end(), "tel:" + t) for m in _NUMBER.finditer(text)
                      if (t := phone_target(m.group()))])
    for start, end, uri in found:
        if start < pos:
            continue  # a number inside an e-mail address
        if start > pos:
            out.append(nodes.Text(text[pos:start]))
        out.append(nodes.reference("", text[start:end], refuri=uri))
        pos = end
    if pos < len(text):
        out.append(nodes.Text(text[pos:]))
    return out


def emergency_services(settings: dict) -> list[dict]:
    """The services that answer outside office hours (barnevernvakten)."""
    return [s for s in settings.get("tjenester") or []
            if any(w in str(s.get("navn", "")).lower() for w in EMERGENCY_WORDS)]



def emergency_markdown(settings: dict) -> str:
    text = "Er et barn i akutt fare, ring politiet på 112. Du kan alltid ringe selv om du ikke er helt sikker."
    on_call = emergency_services(settings)
    if on_call:
        names = " eller ".join(f"{md_escape(s['navn']).lower()}" + (f" ({md_escape(s['kontakt'])})" if s.get("kontakt") else "")
                               for s in on_call)
        text += f"\n\nUtenfor kontortid når du {names}."
    else:
        text += "\n\nUtenfor kontortid ringer du politiet hvis det ikke kan vente til neste arbeidsdag."
    return text


def checklist_markdown(settings: dict) -> str:
    services = [s["navn"] for s in settings.get("tjenester") or [] if "barnevern" in str(s.get("navn", "")).lower()]
    items = []
    if services:
        joined = " og ".join(md_escape(n).lower() for n in services)
        items.append(f"Jeg vet hvor jeg finner kontaktinformasjonen til {joined}.")
    elif settings.get("tjenester"):
        items.append("Jeg vet hvor jeg finner kontaktinformasjonen til tjenestene i tabellen.")
    if settings.get("rutiner"):
        items.append("Jeg vet hvilken rutine jeg skal følge når jeg er bekymret.")
    items.append("Jeg vet at jeg kan drøfte en sak anonymt, uten detaljer som avslører familien.")
    items.append("Jeg vet at jeg ringer 112 når et barn er i akutt fare.")
    return "\n".join(f"- [ ] {item}" for item in items)


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
    items = settings.get("tjenester") or []
    if not items:
        return [nodes.paragraph(text="Kommunen har ikke lagt inn tjenestene sine ennå. Spør lederen din.")]
    for item in items:
        row = nodes.row()
        name = str(item.get("navn", ""))
        row += nodes.entry("", nodes.paragraph("", "", link_or_text(name, item.get("url"), "tjenester.url")
                                               if item.get("url") else nodes.Text(name)))
        row += nodes.entry("", nodes.paragraph("", "", *contact_nodes(str(item.get("kontakt", "")))))
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

    class FromMarkdown(SphinxDirective):
        make = staticmethod(lambda settings: "")

        def run(self):
            from docutils import nodes
            from docutils.statemachine import StringList

            holder = nodes.container()
            self.state.nested_parse(StringList(self.make(self.config.kommune).splitlines(), self.get_source_info()[0]),
                                    self.content_offset, holder)
            return list(holder.children)

    class Akutt(FromMarkdown):
        make = staticmethod(emergency_markdown)

    class Sjekkliste(FromMarkdown):
        make = staticmethod(checklist_markdown)

    def add_substitution(app, config):
        subs = dict(config.myst_substitutions or {})
        # MyST reads a substitution as Markdown: the name is escaped, so that it is shown as
        # the text the web editor wrote, never as HTML, a role or another substitution.
        subs.setdefault("kommune", md_escape(municipality_name(config.kommune)))
        config.myst_substitutions = subs

    app.add_directive("kommune-tjenester", Tjenester)
    app.add_directive("kommune-rutiner", Rutiner)
    app.add_directive("kommune-lenker", Lenker)
    app.add_directive("kommune-akutt", Akutt)
    app.add_directive("kommune-sjekkliste", Sjekkliste)
    app.connect("config-inited", add_substitution, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
