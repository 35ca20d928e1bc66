"""Input and output of `calculate_roi`: the value-quantification formulas of the playbook (CONTRACT.md)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .common import MAX_MONEY, Money, PositiveMoney, Share, ToolInput, ToolOutput

Minutes = Annotated[float, Field(gt=0, le=1e7)]


class RiskInput(BaseModel):
    """A risk the solution reduces: expected yearly loss avoided = potential_loss × probability × reduction."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    potential_loss: Money = Field(description="Loss if the risk happens, per year.")
    probability: Share = Field(description="Yearly probability of the risk, 0–1.")
    reduction: Share = Field(description="Share of the risk the solution removes, 0–1.")


class SpeedInput(BaseModel):
    """Time per task before and after the solution."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    before_minutes: Minutes
    after_minutes: Minutes


class RoiInput(ToolInput):
    headcount: Annotated[float, Field(ge=0, le=10_000_000, description="People doing the work today.")]
    cost_per_head: Money = Field(description="Annual fully loaded cost per person.")
    automatable_share: Share = Field(description="Share of the work that can be automated, 0–1.")
    efficiency_factor: Share = Field(
        default=1.0, description="Share of the automatable work the solution really absorbs, 0–1."
    )
    solution_cost: PositiveMoney = Field(description="Total cost of the solution over `years`.")
    years: Annotated[float, Field(gt=0, le=50, description="Amortisation period in years.")] = 3
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")] = "USD"
    risk: RiskInput | None = None
    speed: SpeedInput | None = None

    @model_validator(mode="after")
    def _saving_fits(self) -> RoiInput:
        if self.headcount * self.cost_per_head > MAX_MONEY:
            raise ValueError(f"headcount × cost_per_head must not exceed {MAX_MONEY:,.0f}")
        return self


class RoiResult(ToolOutput):
    currency: str
    replaced_headcount: float
    annual_saving: float
    risk_value: float | None
    annual_solution_cost: float
    annual_net: float
    payback_months: float | None
    roi_pct: float
    speed_gain_pct: float | None
    explanation: list[str]
    warnings: list[str]
