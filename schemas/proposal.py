"""Input and output of `draft_proposal` (CONTRACT.md): the playbook's proposal structure, filled from facts."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from .closing import MapItem
from .common import DatedInput, IsoDate, Money, Name, ShortText, ToolOutput
from .deal import Currency

MAX_POINTS = 10
MAX_EXPLANATION_LINES = 20

Point = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ProposalRoi(BaseModel):
    """The figures of a `calculate_roi` result (its whole output may be passed as is)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    locale: str | None = None
    currency: Currency | None = None
    replaced_headcount: float | None = None
    annual_saving: float | None = None
    risk_value: float | None = None
    annual_solution_cost: float | None = None
    annual_net: float | None = None
    payback_months: float | None = None
    roi_pct: float | None = None
    speed_gain_pct: float | None = None
    explanation: Annotated[list[Point], Field(max_length=MAX_EXPLANATION_LINES)] = Field(default_factory=list)
    warnings: Annotated[list[Point], Field(max_length=MAX_EXPLANATION_LINES)] = Field(default_factory=list)


class ProposalInput(DatedInput):
    company: Name
    problem: Point
    cost_of_inaction_per_month: Money
    criteria: Annotated[list[Point], Field(min_length=1, max_length=3, description="The buyer's top 3 criteria.")]
    solution_points: Annotated[
        list[Point], Field(min_length=1, max_length=MAX_POINTS, description="How we meet each criterion, in order.")
    ]
    # Published as a plain object (calculate_roi's output schema lists the fields); validated as ProposalRoi.
    roi: Annotated[
        ProposalRoi | None,
        WithJsonSchema({"type": ["object", "null"], "description": "A calculate_roi result, passed as is."}),
    ] = None
    price: Money
    currency: Currency = "USD"
    target_go_live: IsoDate | None = None
    terms: ShortText | None = Field(default=None, description="Contract term and payment terms.")
    proof: Annotated[list[Point], Field(max_length=MAX_POINTS)] = Field(
        default_factory=list, description="References, case studies, results of similar customers."
    )
    budget_confirmed: bool | None = None
    authority_confirmed: bool | None = Field(default=None, description="The economic buyer is known and engaged.")
    economic_buyer: ShortText | None = None
    our_company: ShortText | None = None
    next_step: ShortText | None = None


class ProposalSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    title: str
    body: str


class ProposalResult(ToolOutput):
    sections: list[ProposalSection]
    markdown: str
    mutual_action_plan: list[MapItem]
    warnings: list[str]
