"""Input and output of `analyze_win_loss` (CONTRACT.md; knowledge/win_loss_template.yaml, self_review.yaml)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import IsoDate, ShortText, ToolInput, ToolOutput
from .deal import Deal, Stage
from .knowledge.postsale import ReviewCode, SkillCode
from .knowledge.vocab import StageCode
from .pipeline import MAX_PIPELINE_DEALS

MAX_REASONS = 20
Score = Annotated[int, Field(ge=1, le=5)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ClosedDeal(Deal):
    """A closed deal with the win/loss template's answers (all optional)."""

    won_because: Annotated[list[ShortText], Field(max_length=MAX_REASONS)] = Field(default_factory=list)
    lost_because: Annotated[list[ShortText], Field(max_length=MAX_REASONS)] = Field(default_factory=list)
    competitor: ShortText | None = None
    cycle_days: Annotated[int, Field(ge=0, le=10_000)] | None = Field(
        default=None, description="Default: close_date − created."
    )
    lost_at_stage: Stage | None = Field(default=None, description="Stage reached before the loss.")
    process_score: dict[SkillCode, Score] = Field(default_factory=dict)
    what_worked: Annotated[list[ShortText], Field(max_length=MAX_REASONS)] = Field(default_factory=list)
    what_didnt: Annotated[list[ShortText], Field(max_length=MAX_REASONS)] = Field(default_factory=list)
    lesson: ShortText | None = None


class WinLossInput(ToolInput):
    deals: Annotated[list[ClosedDeal], Field(max_length=MAX_PIPELINE_DEALS)] | None = Field(
        default=None, description="Closed deals; omit to analyse your stored closed deals."
    )
    period_start: IsoDate | None = Field(default=None, description="Only deals closed on or after this date.")
    period_end: IsoDate | None = None
    owner: ShortText | None = Field(default=None, description="Only this owner's stored deals.")


class ReasonStat(_Strict):
    outcome: Literal["won", "lost"]
    reason: str
    count: int
    value: float


class CompetitorStat(_Strict):
    name: str
    won: int
    lost: int
    win_rate: float | None


class SkillScore(_Strict):
    skill: SkillCode
    label: str
    average: float
    deals: int


class WeakestSkill(SkillScore):
    improve: str
    tool: str | None


class CycleDays(_Strict):
    won: float | None
    lost: float | None


class SelfReviewAnswer(_Strict):
    order: int
    code: ReviewCode
    question: str
    answered: bool
    answer: str
    value: float | str | None = None
    """The number, code or trend behind the answer (None when the data cannot answer)."""


class WinLossResult(ToolOutput):
    source: Literal["inline", "store"]
    deals_analysed: int
    won: int
    lost: int
    win_rate: float | None
    by_reason: list[ReasonStat]
    lost_at_stage: dict[StageCode, int]
    weakest_skill: WeakestSkill | None
    skills: list[SkillScore]
    competitors: list[CompetitorStat]
    avg_cycle_days: CycleDays
    lessons: list[str]
    self_review: list[SelfReviewAnswer]
    warnings: list[str]
