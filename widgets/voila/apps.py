"""The Voila apps: the list of cases (index) and one exercise (`?case=<id>`).

The notebooks in widgets/apps/ are one line each; the apps live here so they can
be tested without a browser. Kernels import only the engine and ipywidgets.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs, quote

import ipywidgets as w

from ..settings import EXERCISE_NOTEBOOK, INDEX_NOTEBOOK, PARTICIPANT_NOTEBOOK
from ..strings import t

INDEX_URL = INDEX_NOTEBOOK
EXERCISE_URL = EXERCISE_NOTEBOOK
_ALL = "Alle"


def exercise_url(case_id: str) -> str:
    return f"{EXERCISE_URL}?case={quote(case_id)}"


def query_case_id(query: str | None = None) -> str | None:
    """The case id from the page's query string. Works with and without Voila's
    preheated kernels (then the notebook runs before the request arrives)."""
    if query is None:
        from .query import query_string  # not voila.utils: 44 MB lighter kernels

        query = query_string()
    values = parse_qs(query or "").get("case")
    return values[0] if values else None


def _message(text: str) -> w.HTML:
    return w.HTML(f'<div role="alert"><p>{html.escape(text)}</p>'
                  f'<p><a href="{INDEX_URL}">{html.escape(t("back_to_list"))}</a></p></div>')


def exercise_app(query: str | None = None) -> w.Widget:
    """The exercise app: the case named in the URL, or a friendly message."""
    from ..play.exercise import CaseExercise
    from ..play.loader import load_compiled
    from ..problems import CaseNotFound, ProblemsFound

    case_id = query_case_id(query)
    if not case_id:
        return _message(t("case_missing", id=""))
    try:
        compiled = load_compiled(case_id)
    except CaseNotFound:
        return _message(t("case_missing", id=case_id))
    except ProblemsFound:
        return _message(t("case_broken", id=case_id))
    back = w.HTML(f'<p><a href="{INDEX_URL}">← {html.escape(t("back_to_list"))}</a></p>')
    return w.VBox([back, CaseExercise(compiled)])


class CaseIndex(w.VBox):
    """Every case with title, summary, services, age and topics; filters for topic,
    service and age; each links to the exercise app."""

    def __init__(self, cases: list[dict], **kwargs):
        super().__init__(**kwargs)
        self.cases = cases
        self.filters = {
            "topics": self._dropdown("Tema", "topics"),
            "services": self._dropdown("Tjeneste", "services"),
            "age_groups": self._dropdown("Alder", "age_groups"),
        }
        self.listing = w.HTML()
        for dd in self.filters.values():
            dd.observe(lambda _c: self._update(), names="value")
        intro = w.HTML("<h1>Øvelser</h1><p>Alle sakene er oppdiktet. Velg en sak for å øve. "
                       "Du kan filtrere på tema, tjeneste og alder.</p>"
                       f'<p><a href="{PARTICIPANT_NOTEBOOK}">{html.escape(t("workshop_index_participant"))}</a></p>')
        self.children = [intro, w.HBox(list(self.filters.values()), layout=w.Layout(flex_flow="row wrap")),
                         self.listing]
        self._update()

    def _dropdown(self, label: str, field: str) -> w.Dropdown:
        names: dict[str, str] = {}
        for case in self.cases:
            names.update(case["labels"][field])
        options = [(_ALL, _ALL)] + sorted(((n, k) for k, n in names.items()), key=lambda x: x[0])
        return w.Dropdown(options=options, value=_ALL, description=label)

    def visible(self) -> list[dict]:
        return [c for c in self.cases
                if all(dd.value == _ALL or dd.value in c[field] for field, dd in self.filters.items())]

    def _update(self) -> None:
        shown = self.visible()
        items = []
        for c in shown:
            meta = " · ".join(", ".join(c["labels"][f].values()) for f in ("topics", "services", "age_groups"))
            items.append(f'<li><h2><a href="{html.escape(exercise_url(c["id"]))}">{html.escape(c["title"])}</a></h2>'
                         f'<p>{html.escape(c["summary"])}</p><p><small>{html.escape(meta)}</small></p></li>')
        count = f'<p role="status">{len(shown)} av {len(self.cases)} saker</p>'
        self.listing.value = count + (f'<ul class="kurs-index">{"".join(items)}</ul>' if items else
                                      "<p>Ingen saker passer filteret.</p>")


def index_app() -> w.Widget:
    return CaseIndex(all_cases())


def all_cases() -> list[dict]:
    """Every compiled case: from the server's compiled folder, else compiled now."""
    from ..play.loader import all_compiled
    from ..settings import compiled_dir

    folder = compiled_dir()
    if folder is not None:
        return all_compiled(folder)
    from ..authoring.compiler import compile_case
    from ..authoring.kommune import municipality
    from ..authoring.library import check
    from ..settings import CONFIG_FILE

    result = check()
    settings = municipality(result.catalog.directory.parent / CONFIG_FILE)
    return [compile_case(c, result.catalog, settings) for _, c in sorted(result.cases.items())]
