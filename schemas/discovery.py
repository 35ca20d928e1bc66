"""Input and output of `prep_discovery`: agenda, personalised questions, research checklist, MEDDPICC gaps."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import MAX_SHORT_TEXT, Name, ShortText, ToolInput, ToolOutput
from .deal import Deal
from .knowledge.prospecting import PersonaCode

MAX_FACTS = 20
Facts = Annotated[list[ShortText], Field(max_length=MAX_FACTS)]


class KnownFacts(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=MAX_SHORT_TEXT)

    pains: Facts = Field(default_factory=list)
    trigger_events: Facts = Field(default_factory=list)
    tech_stack: Facts = Field(default_factory=list)
    current_solution: ShortText | None = None


class DiscoveryInput(ToolInput):
    company: Name
    industry: ShortText
    persona: PersonaCode
    known: KnownFacts | None = None
    deal: Deal | None = Field(default=None, description="To aim questions at its MEDDPICC gaps.")
    minutes: Annotated[int, Field(ge=6, le=240)] = 30
    methodology: Literal["playbook", "spin"] = "playbook"
    process: ShortText | None = Field(default=None, description="The business process the product changes.")
    metric: ShortText | None = Field(default=None, description="The number the buyer cares about.")


class AgendaItem(BaseModel):
    phase: str
    label: str
    minutes: int
    goal: str


class Questions(BaseModel):
    situation: list[str]
    pain: list[str]
    impact: list[str]
    need_payoff: list[str]
    buying_process: list[str]


class ResearchItemOut(BaseModel):
    code: str
    label: str
    look_for: str
    status: Literal["known", "to_collect"]
    known: list[str]


class Gap(BaseModel):
    element: str
    label: str
    score: int
    status: str
    question: str
    why: str


class TalkBudget(BaseModel):
    max_rep_share: float
    rep_minutes: float
    prospect_minutes: float
    rule: str


class PersonaFocus(BaseModel):
    label: str
    cares_about: list[str]
    speaks_in: list[str]
    influence: str | None
    """Their buying influence (EB, UB, TB, Coach) in the blue book's decision chain."""
    how_to_engage: list[str]


class DiscoveryPrep(ToolOutput):
    company: str
    methodology: Literal["playbook", "spin"]
    agenda: list[AgendaItem]
    questions: Questions
    research_checklist: list[ResearchItemOut]
    gaps_to_close: list[Gap]
    talk_budget: TalkBudget
    persona: PersonaFocus
    personalised_with: list[str]
    """The known facts worked into the questions."""
    next_step_offer: str
    """The next step to propose before hanging up (a demo built on their pains)."""
