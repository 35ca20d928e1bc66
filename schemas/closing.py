"""Input and output of `close_plan` (CONTRACT.md), and the mutual-action-plan step shared with draft_proposal."""

from __future__ import annotations

from datetime import date as Date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .common import DatedInput, IsoDate, Money, ShortText, ToolOutput
from .deal import Deal, RedFlag
from .knowledge.closing import DiscountDecision, SignalKind, TechniqueCode, UrgencyLeverCode
from .knowledge.discovery import MapOwner, MapStatus

MAX_ACTIVITIES = 200
MAX_CRITERIA = 10

Readiness = Literal["ready", "almost", "not_ready"]
CheckResult = Literal["pass", "fail"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class MapItem(_Out):
    """One step of the mutual action plan, back-scheduled from the go-live date."""

    order: int
    code: str
    step: str
    owner: MapOwner
    owner_label: str
    date: Date | None
    status: MapStatus
    days_before_go_live: int
    moved_from_weekend: Date | None = Field(description="The weekend date the step was moved back from.")
    past_due: bool = Field(description="True when the date is before as_of: the plan cannot hold as dated.")


class Activity(_In):
    """A logged interaction (as from log_activity) in which buying signals are looked for."""

    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    date: IsoDate | None = None
    kind: Literal["email", "call", "meeting", "note"] | None = None


class ClosePlanInput(DatedInput):
    deal: Deal
    target_go_live: IsoDate | None = None
    discount_requested_pct: Annotated[float, Field(gt=0, le=100)] | None = None
    has_budget: bool | None = None
    strategic: bool | None = None
    competitive: bool | None = None
    activities: Annotated[list[Activity], Field(max_length=MAX_ACTIVITIES)] = Field(default_factory=list)
    cost_of_inaction_per_month: Money | None = None
    problem: ShortText | None = Field(default=None, description="The buyer's problem in their words.")
    reason: ShortText | None = Field(default=None, description="Why the go-live date matters to the buyer.")
    product: ShortText | None = None
    our_company: ShortText | None = None
    top_criteria: Annotated[list[ShortText], Field(max_length=MAX_CRITERIA)] = Field(default_factory=list)
    capacity_limit_true: bool | None = Field(default=None, description="Onboarding capacity really is limited.")
    onboarding_slots: Annotated[int, Field(ge=0, le=100_000)] | None = None
    next_slot_date: IsoDate | None = None
    price_change_date: IsoDate | None = Field(default=None, description="A decided, dated price change.")
    competitor_signed: ShortText | None = Field(
        default=None, description="A competitor of the buyer that signed with us and may be named."
    )
    regulation: ShortText | None = None
    regulatory_deadline: IsoDate | None = None
    prep_weeks: Annotated[int, Field(ge=1, le=520)] | None = None


class SignalSeen(_Out):
    code: str
    kind: SignalKind
    label: str
    quote: str
    source: Literal["notes", "activity"]
    what_to_do: str


class DiscountAdvice(_Out):
    requested_pct: float | None
    decision: DiscountDecision
    max_pct: float = Field(ge=0, le=20)
    trade_for: list[str]
    value_adds: list[str]
    path: list[str] = Field(description="The decision-tree steps taken, e.g. budget=no, strategic_value=yes.")
    advice: str
    script: str


class NegotiationRuleOut(_Out):
    code: str
    title: str
    explanation: str
    example: str | None


class StallCheckOut(_Out):
    code: str
    question: str
    result: CheckResult
    evidence: list[str]
    action: str | None


class UrgencyOption(_Out):
    code: UrgencyLeverCode
    name: str
    script: str
    caution: str
    placeholders_left: list[str]


class ClosePlanResult(ToolOutput):
    company: str
    readiness: Readiness
    readiness_reasons: list[str]
    buying_signals_seen: list[SignalSeen]
    technique: TechniqueCode
    technique_name: str
    technique_reason: str
    script: str
    discount: DiscountAdvice
    negotiation_rules: list[NegotiationRuleOut]
    mutual_action_plan: list[MapItem]
    stall_checklist: list[StallCheckOut]
    stalled: bool = Field(description="True when the checklist applies: no activity > 14 days or > 60 days in stage.")
    urgency_options: list[UrgencyOption]
    red_flags: list[RedFlag]
    warnings: list[str]
