"""Inputs and outputs of the store tools (`save_deal`, `list_deals`, `log_activity`, `import_deals`) and of
`review_pipeline` (CONTRACT.md "Store tools" and "review_pipeline").

A stored deal is the contract's Deal plus the store's `version` (optimistic concurrency: an update names the
version it read; a stale one is refused) and its stage history.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .common import DatedInput, IsoDate, Money, ShortText, ToolInput, ToolOutput
from .deal import Deal, Stage
from .knowledge.pipeline import RiskLevelCode
from .knowledge.vocab import StageCode

MAX_PIPELINE_DEALS = 10_000
"""Most deals a review, forecast or win/loss call takes inline (and the most a list returns in one page)."""
MAX_CSV_CHARS = 5_000_000
"""Largest CSV text `import_deals` accepts (about 5 MB; a 10,000-deal CRM export is well under it)."""
MAX_IMPORT_ROWS = 20_000
MAX_LIST_LIMIT = 1_000

DealId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ActivityKind = Literal["email", "call", "meeting", "note"]
CrmSource = Literal["auto", "hubspot", "salesforce", "pipedrive", "generic"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class StageChange(_Strict):
    """One stage move of a deal (from_stage None when the deal was created)."""

    from_stage: StageCode | None
    to_stage: StageCode
    changed_on: date
    actor: str


class CloseDateChange(_Strict):
    """One change of a deal's expected close date."""

    old_date: date | None
    new_date: date | None
    changed_on: date
    actor: str


class DealIn(Deal):
    """A Deal to save; `version` is the one you read (required to update a stored deal, omitted for a new one)."""

    version: Annotated[int, Field(ge=1)] | None = None


class StoredDeal(Deal):
    """A deal as the store holds it."""

    id: DealId
    version: int = Field(ge=1)
    external_id: str | None = None
    """The CRM record it was imported from (source:key), when imported."""
    updated_on: date | None = None


# ----------------------------------------------------------------------------------------------- save_deal


class SaveDealInput(DatedInput):
    deal: DealIn


class SaveDealResult(ToolOutput):
    deal: StoredDeal
    created: bool
    stage_changed: bool
    close_date_pushed: bool
    stage_history: list[StageChange]


# ---------------------------------------------------------------------------------------------- list_deals


class ListDealsInput(ToolInput):
    stage: Stage | None = None
    owner: ShortText | None = None
    open_only: bool = False
    text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = Field(
        default=None, description="Case-insensitive match in company, next step and notes."
    )
    limit: Annotated[int, Field(ge=1, le=MAX_LIST_LIMIT)] = 100
    offset: Annotated[int, Field(ge=0, le=MAX_PIPELINE_DEALS * 100)] = 0
    detail: Literal["summary", "full"] = Field(
        default="summary",
        description="summary: no contacts, MEDDPICC/BANT or notes; full: every stored field (to pass a deal on).",
    )


def _is_none(value: object) -> bool:
    return value is None


def _omitted_when_none() -> Any:
    """A list row leaves out what the deal does not record (otherwise about a fifth of a typical row is null)."""
    return Field(default=None, exclude_if=_is_none)


class DealSummary(BaseModel):
    """A stored deal as a list row: every field but its contacts (counted instead), MEDDPICC/BANT scores and notes,
    which can be as long as the rest of the pipeline together (`detail: full` returns them). Fields the deal does
    not record are left out rather than sent as null."""

    id: str
    version: int
    company: str
    value: float
    currency: str
    stage: StageCode
    owner: str | None = _omitted_when_none()
    created: date | None = _omitted_when_none()
    stage_entered: date | None = _omitted_when_none()
    close_date: date | None = _omitted_when_none()
    close_date_changes: int
    last_activity: date | None = _omitted_when_none()
    next_step: str | None = _omitted_when_none()
    next_step_date: date | None = _omitted_when_none()
    verbal_agreement: bool
    contract_signed: bool
    competitors: list[str]
    loss_reason: str | None = _omitted_when_none()
    contacts: int = Field(description="How many contacts the deal has.")
    engaged_contacts: int
    external_id: str | None = _omitted_when_none()
    updated_on: date | None = _omitted_when_none()

    @classmethod
    def of(cls, deal: StoredDeal) -> DealSummary:
        fields = {name: getattr(deal, name) for name in cls.model_fields if name not in _COUNTED}
        return cls(**fields, contacts=len(deal.contacts), engaged_contacts=len(deal.engaged_contacts()))


_COUNTED = ("contacts", "engaged_contacts")


class ListDealsResult(ToolOutput):
    deals: list[StoredDeal] | list[DealSummary]
    total: int
    """Deals matching the filters (the page may hold fewer)."""
    open_value: float


# -------------------------------------------------------------------------------------------- log_activity


class LogActivityInput(DatedInput):
    deal_id: DealId
    kind: ActivityKind
    date: IsoDate | None = Field(default=None, description="Default: as_of.")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


class Activity(_Strict):
    id: int
    deal_id: str
    kind: ActivityKind
    date: dt.date
    summary: str
    actor: str


class LogActivityResult(ToolOutput):
    activity: Activity
    deal: StoredDeal
    last_activity_updated: bool


# ------------------------------------------------------------------------------------------- import_deals


class ImportDealsInput(DatedInput):
    csv: Annotated[str, StringConstraints(max_length=MAX_CSV_CHARS)] = Field(
        description="The CSV text of a HubSpot, Salesforce or Pipedrive deal export (header row first)."
    )
    source: CrmSource = "auto"
    dry_run: bool = Field(default=False, description="Report the mapping and rejected rows; write nothing.")
    skip_invalid_rows: bool = Field(
        default=False, description="Import the valid rows even when some are rejected (default: all or nothing)."
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(
        default="USD", description="Used when a row has no currency column."
    )


class ColumnMapping(_Strict):
    column: str
    field: str | None
    """The Deal field it fills; None = ignored."""


class RejectedRow(_Strict):
    row: int
    """Line number in the file (the header is line 1)."""
    field: str | None
    reason: str


class ImportDealsResult(ToolOutput):
    source: Literal["hubspot", "salesforce", "pipedrive", "generic"]
    dry_run: bool
    written: bool
    """True when the accepted rows were saved (one transaction)."""
    mapping: list[ColumnMapping]
    rows: int
    accepted: int
    rejected: list[RejectedRow]
    created: int
    updated: int
    unchanged: int
    deal_ids: list[str]
    warnings: list[str]


# ---------------------------------------------------------------------------------------- review_pipeline


class ReviewPipelineInput(DatedInput):
    deals: Annotated[list[Deal], Field(max_length=MAX_PIPELINE_DEALS)] | None = Field(
        default=None, description="Omit to review your stored deals."
    )
    quota: Money | None = Field(default=None, description="Target for the period.")
    period_start: IsoDate | None = Field(default=None, description="Default: first day of as_of's quarter.")
    period_end: IsoDate | None = Field(default=None, description="Default: last day of as_of's quarter.")
    owner: ShortText | None = Field(default=None, description="Only this owner's stored deals.")


class DealsAndMoney(_Strict):
    count: int
    value: float


class ReasonCount(_Strict):
    reason: str
    count: int
    value: float


class LostSummary(DealsAndMoney):
    reasons: list[ReasonCount]


class ReviewSummary(_Strict):
    total_pipeline: float
    weighted_pipeline: float
    new_this_week: DealsAndMoney
    advanced_this_week: int
    closed_won: DealsAndMoney
    closed_lost: LostSummary
    slipped: int
    slipped_basis: Literal["history", "close_date_changes"]
    """history: close-date pushes recorded this week; close_date_changes: inline deals, any recorded push."""


class DealToReview(_Strict):
    id: str | None
    company: str
    value: float
    currency: str
    stage: StageCode
    age_in_stage_days: int | None
    next_step: str | None
    risk: RiskLevelCode
    risk_reasons: list[str]


class StageConversionRate(_Strict):
    key: str
    from_stage: StageCode
    to_stage: StageCode
    reached_from: int
    reached_to: int
    rate: float | None


class PipelineHealthOut(_Strict):
    coverage_ratio: float | None
    coverage_target: tuple[float, float]
    coverage_ok: bool | None
    avg_deal_size: float | None
    avg_sales_cycle_days: float | None
    win_rate: float | None
    win_rate_healthy: tuple[float, float]
    stage_conversion: list[StageConversionRate]


class StageFunnel(_Strict):
    stage: StageCode
    count: int
    value: float
    probability: float
    weighted: float


class ReviewPipelineResult(ToolOutput):
    as_of: date
    period_start: date
    period_end: date
    source: Literal["inline", "store"]
    deal_count: int
    summary: ReviewSummary
    deals_to_review: list[DealToReview]
    actions: list[str]
    pipeline_health: PipelineHealthOut
    yaml: str
    funnel: list[StageFunnel] = Field(default_factory=list, description="Open deals per stage, in stage order.")
