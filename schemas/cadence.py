"""Input and output of `build_cadence`: a tier's outreach sequence with real dates and drafted touches."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from .common import IsoDate, Name, ShortText, ToolInput, ToolOutput
from .emails import PersonIn
from .knowledge.prospecting import Channel


class CadenceInput(ToolInput):
    company: Name
    contact: PersonIn
    tier: Literal[1, 2, 3]
    start_date: IsoDate = Field(description="Day 1 of the sequence.")
    trigger: ShortText | None = Field(default=None, description="Specific event at the account.")
    similar_customer: ShortText | None = Field(default=None, description="A similar company you helped.")
    problem: ShortText | None = None
    result: ShortText | None = Field(default=None, description="What the similar customer achieved.")
    proof_point: ShortText | None = None
    industry: ShortText | None = None
    peer_group: ShortText | None = Field(default=None, description="Companies in the same situation.")
    solution_line: ShortText | None = Field(default=None, description="One sentence on how you solve it.")
    cost_figure: ShortText | None = Field(default=None, description="What the problem cost the similar customer.")
    resource: ShortText | None = Field(default=None, description="Article, insight or data for the value-add email.")
    key_insight: ShortText | None = None
    sender_name: ShortText | None = None
    sender_company: ShortText | None = None


class CadenceStepOut(BaseModel):
    day: int
    date: date
    channel: Channel
    action: str
    goal: str
    template: str | None
    """Email template or call script id."""
    subject: str | None = None
    draft: str | None
    """The email body, or the call opener (with the voicemail if nobody answers)."""
    placeholders_left: list[str]
    moved: str | None = None
    """Why the date differs from start_date + (day - 1), if it does."""


class CadenceRule(BaseModel):
    code: str
    rule: str


class CadenceResult(ToolOutput):
    company: str
    tier: Literal[1, 2, 3]
    name: str
    derived: bool
    derivation: str | None
    contact_frequency: str
    steps: list[CadenceStepOut]
    rules: list[CadenceRule]
    end_date: date
    placeholders_left: list[str]
    """Every field left unfilled in any draft (fill them to finish the sequence)."""
