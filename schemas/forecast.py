"""Input and output of `forecast` (CONTRACT.md): categories with reasons, totals, gap to quota, and the
accuracy of earlier forecasts (actual / forecast, target above 90%) from saved snapshots.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .common import DatedInput, IsoDate, Money, ShortText, ToolOutput
from .deal import Deal
from .knowledge.pipeline import ForecastCategoryCode
from .knowledge.vocab import StageCode
from .pipeline import MAX_PIPELINE_DEALS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ForecastInput(DatedInput):
    deals: Annotated[list[Deal], Field(max_length=MAX_PIPELINE_DEALS)] | None = Field(
        default=None, description="Omit to forecast your stored deals (the run is then saved as a snapshot)."
    )
    period_start: IsoDate | None = Field(default=None, description="Default: first day of as_of's quarter.")
    period_end: IsoDate | None = Field(default=None, description="Default: last day of as_of's quarter.")
    quota: Money | None = None
    owner: ShortText | None = Field(default=None, description="Only this owner's stored deals.")


class ForecastDeal(_Strict):
    id: str | None
    company: str
    value: float
    currency: str
    stage: StageCode
    close_date: date | None
    category: ForecastCategoryCode
    reasons: list[str]


class ForecastTotals(_Strict):
    commit: float
    best_case: float
    pipeline: float
    omitted: float
    closed: float
    """closed_won deals with a close date in the period."""


class SnapshotAccuracy(_Strict):
    """How an earlier forecast of a finished period compares with what was actually won."""

    taken_on: date
    period_start: date
    period_end: date
    forecast: float
    actual: float
    accuracy: float | None
    """actual / forecast (None when the forecast was 0)."""
    on_target: bool | None
    within_tolerance: bool


class ForecastSnapshot(_Strict):
    """A saved forecast run (what the store keeps)."""

    taken_on: date
    period_start: date
    period_end: date
    quota: float | None
    commit: float
    best_case: float
    pipeline: float
    closed: float
    forecast: float
    deal_count: int


class ForecastResult(ToolOutput):
    as_of: date
    period_start: date
    period_end: date
    source: str
    deals: list[ForecastDeal]
    totals: ForecastTotals
    forecast: float
    """commit + best_case."""
    quota: float | None
    gap_to_quota: float | None
    """quota − closed − forecast (negative: above quota)."""
    warnings: list[str]
    accuracy: list[SnapshotAccuracy]
    accuracy_target: float
    snapshot_saved: bool
