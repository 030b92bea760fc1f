"""The case format: a typed model of one fictional case file (cases/<id>.yml).

The model describes structure only. What the values mean (is this a known topic,
does `next` point to a scene, can an ending be reached) is checked in
`widgets.validate`, against the definitions in cases/_modell.yml.
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from ..play.format import SLUG

DecisionKind = Literal["tier", "level", "action", "reflection"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Option(_Strict):
    """One answer the learner can choose."""

    id: Union[str, int] = Field(
        description="For trinn: universell, selektiv eller indikativ. For nivå: 0, 1, 2 eller 3. "
                    "For handling: et kort id med små bokstaver og bindestrek, f.eks. snakke-med-barnet.")
    label: Optional[str] = Field(
        None, description="Teksten på knappen. Kan sløyfes for trinn og nivå (da brukes definisjonen).")
    verdict: str = Field(description="Vurdering: best, acceptable eller not_advised.")
    feedback: str = Field(description="Tilbakemelding som forklarer hvorfor (barnets behov, lov, modell).")
    refs: list[str] = Field(default_factory=list,
                            description="Nøkler i referansekatalogen (cases/_referanser.yml).")
    next: Optional[str] = Field(
        None, description="Scenen som kommer etter dette valget. Ellers brukes scenens next.")


class Decision(_Strict):
    """What the learner is asked at a scene."""

    kind: DecisionKind = Field(
        description="tier (trinn i Liermodellen), level (nivå i BTI), action (handling) "
                    "eller reflection (fritekst).")
    prompt: str = Field(description="Spørsmålet til den som tar kurset.")
    options: list[Option] = Field(
        default_factory=list, description="Svaralternativer (3–5). Ingen for reflection.")
    services: list[str] = Field(
        default_factory=list, description="For nivå: tjenestene som samarbeider om barnet her "
                                          "(id-er fra tjenester i cases/_modell.yml). Vises ikke.")
    level_note: Optional[str] = Field(
        None, description="For nivå: hvorfor anbefalt nivå avviker fra nivåregelen. Bare for "
                          "forfattere, kompileres ikke.")


class Scene(_Strict):
    """One step of the story."""

    id: str = Field(pattern=SLUG, description="Kort id, små bokstaver og bindestrek.")
    title: Optional[str] = Field(None, description="Overskrift for scenen.")
    text: str = Field(description="Fortellingen i denne scenen.")
    decision: Optional[Decision] = Field(None, description="Valget i scenen, om det er ett.")
    next: Optional[str] = Field(None, description="Neste scene (id).")
    ending: bool = Field(False, description="true for en avslutning av saken.")


class Case(_Strict):
    """One fictional case."""

    id: str = Field(pattern=SLUG, description="Samme som filnavnet uten .yml.")
    title: str = Field(description="Tittel på saken.")
    summary: str = Field(description="Én eller to setninger om hva saken handler om.")
    fictional: bool = Field(description="Må være true: alle saker er oppdiktet.")
    topics: list[str] = Field(min_length=1, description="Temaer fra cases/_modell.yml.")
    services: list[str] = Field(min_length=1, description="Tjenester fra cases/_modell.yml.")
    age_groups: list[str] = Field(min_length=1, description="Aldersgrupper fra cases/_modell.yml.")
    names: list[str] = Field(default_factory=list,
                             description="Fornavnene i saken. Et fornavn kan bare brukes i én sak.")
    start: Optional[str] = Field(None, description="Første scene. Standard: den første i listen.")
    scenes: list[Scene] = Field(min_length=1, description="Scenene i saken.")
