"""Input and output of `score_accounts`: ICP fit, tier, BANT, the strategy-matrix quadrant, and the territory."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from .common import MAX_SHORT_TEXT, Money, Name, ShortText, ToolInput, ToolOutput
from .icp import IcpIn

MAX_ACCOUNTS = 2000
MAX_SIGNALS = 30

Dim = Annotated[int, Field(ge=1, le=5)] | None
BantScore = Annotated[int, Field(ge=1, le=3)] | None
TierCode = Literal[1, 2, 3, "drop"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_max_length=MAX_SHORT_TEXT)


class BantFacts(_Strict):
    """Each element 1 unknown, 2 partial, 3 confirmed; omitted = 1."""

    budget: BantScore = None
    authority: BantScore = None
    need: BantScore = None
    timeline: BantScore = None


class Account(_Strict):
    name: Name
    industry: ShortText | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    revenue: Money | None = None
    geography: ShortText | None = None
    tech_stack: Annotated[list[ShortText], Field(max_length=MAX_SIGNALS)] = Field(default_factory=list)
    growth_stage: ShortText | None = None
    pain_signals: Annotated[list[ShortText], Field(max_length=MAX_SIGNALS)] = Field(
        default_factory=list, description="Observed pain signals (news, job posts, statements)."
    )
    notes: ShortText | None = Field(default=None, description="Free text checked for anti-signals.")
    layoffs_pct: Annotated[float, Field(ge=0, le=100)] | None = None
    stakeholders: Annotated[int, Field(ge=0, le=1000)] | None = Field(
        default=None, description="People who must agree on the purchase."
    )
    expected_acv: Money | None = Field(default=None, description="Expected annual contract value.")
    engaged: bool = Field(default=False, description="Had activity with us this month.")
    bant: BantFacts | None = None
    buying_power: Dim = None
    buying_habits: Dim = None
    sales_cost: Dim = None
    acquisition: Dim = None
    competitiveness: Dim = None
    cycle: Dim = None


class AccountsInput(ToolInput):
    accounts: Annotated[list[Account], Field(min_length=1, max_length=MAX_ACCOUNTS)]
    # Published as a plain object: the caller passes generate_icp's result through, and that tool's output schema
    # already lists its fields. It is still validated field by field as IcpIn.
    icp: Annotated[
        IcpIn | None,
        WithJsonSchema(
            {"type": ["object", "null"], "description": "An ICP as from generate_icp; default the playbook's."}
        ),
    ] = None


class BantResult(BaseModel):
    scores: dict[str, int]
    total: int
    max: int
    priority: Literal["follow_up_now", "qualify_further", "deprioritise"]
    """Top + BANT priority rule; its label and action are in the result's `bant_priorities`."""


QuadrantCode = Literal["grow", "small_pond", "net", "assault", "nurture"]


class QuadrantResult(BaseModel):
    """Where the account sits in the strategy matrix; the quadrant's strategy is in the result's `quadrants`."""

    code: QuadrantCode
    name: str
    ideal_score: float
    value_band: str
    difficulty_total: int
    difficulty_band: str
    assumed: list[str]
    """Dimensions not given, taken as 3 (neutral)."""


class QuadrantStrategy(BaseModel):
    name: str
    strategy: str
    actions: list[str]


class PriorityRule(BaseModel):
    label: str
    action: str


class ScoredAccount(BaseModel):
    name: str
    fit: int
    icp_fit: Literal["full", "partial", "none"]
    tier: TierCode
    visible_pain: list[str]
    """Pain indicator codes the signals point to (other = a signal matching no indicator)."""
    anti_signals: list[str]
    attributes: dict[str, Literal["match", "miss", "unknown"]]
    """Each ICP attribute scored; the reasons explain the misses and unknowns."""
    bant: BantResult
    quadrant: QuadrantResult
    reasons: list[str]


class TierLoad(BaseModel):
    tier: Literal[1, 2, 3]
    count: int
    recommended_min: int
    recommended_max: int
    status: Literal["under", "within", "over"]
    time_pct: int
    contact: str
    engaged: int
    coverage_pct: float | None


class TerritoryResult(BaseModel):
    tiers: list[TierLoad]
    dropped: int
    time_split: dict[str, int]
    tier1_coverage_ok: bool | None
    advice: list[str]


class AccountsResult(ToolOutput):
    accounts: list[ScoredAccount]
    territory: TerritoryResult
    quadrants: dict[str, QuadrantStrategy]
    """The strategy of each quadrant an account landed in (grow, small_pond, net, assault, nurture)."""
    bant_priorities: dict[str, PriorityRule]
    rules: list[str]
    """How fit, tier and quadrant were decided."""
