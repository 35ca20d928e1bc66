"""Input and output of `qualify_deal` (CONTRACT.md): MEDDPICC, MEDDIC or BANT scoring with quoted evidence."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import DatedInput, ToolOutput
from .deal import Deal, RedFlag
from .knowledge.pipeline import ForecastCategoryCode
from .knowledge.qualification import BandCode, ElementStatus, Framework

EvidenceSource = Literal["given", "inferred", "missing"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QualifyInput(DatedInput):
    deal: Deal
    framework: Framework = "meddpicc"


class ElementResult(_Out):
    key: str
    label: str
    score: int = Field(ge=1, le=3)
    status: ElementStatus
    source: EvidenceSource
    evidence: str | None = Field(description="The rep's evidence, or the first quote the inference used.")
    quotes: list[str] = Field(description="Up to 5 note/contact quotes behind an inferred score.")
    gap_question: str | None = Field(description="The question that closes the gap (None when confirmed).")


class NextAction(_Out):
    element: str | None = Field(description="Element the move strengthens (None for a red-flag fix).")
    action: str
    ask: str | None = Field(description="The gap question to ask.")


class QualifyResult(ToolOutput):
    company: str
    framework: Framework
    total: int
    max: int
    ratio: float = Field(description="total / max, rounded to 4 decimals.")
    band: BandCode
    band_label: str
    band_advice: str
    elements: list[ElementResult]
    red_flags: list[RedFlag]
    next_actions: list[NextAction]
    forecast_category: ForecastCategoryCode
    forecast_reasons: list[str]
    stage_probability: float
