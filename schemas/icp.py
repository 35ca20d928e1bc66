"""Input and output of `generate_icp`: the playbook's ideal customer profile, filled from the product and the
best customers. The output's `company` block is also the ICP that `score_accounts` accepts (`IcpIn`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .common import MAX_SHORT_TEXT, Money, Name, ShortText, ToolInput, ToolOutput

MAX_CUSTOMERS = 1000
MAX_TERMS = 50

Terms = Annotated[list[ShortText], Field(max_length=MAX_TERMS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_max_length=MAX_SHORT_TEXT)


class BestCustomer(_Strict):
    company: Name
    industry: ShortText | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    revenue: Money | None = Field(default=None, description="Annual revenue (ARR).")
    geography: ShortText | None = None
    tech_stack: Terms = Field(default_factory=list)
    growth_stage: ShortText | None = None
    deal_value: Money | None = None
    cycle_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    won: bool = True


class IcpInput(ToolInput):
    product: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SHORT_TEXT)] = Field(
        description="What you sell, in a sentence."
    )
    best_customers: Annotated[list[BestCustomer], Field(max_length=MAX_CUSTOMERS)] = Field(default_factory=list)


MAX_EMPLOYEES = 100_000_000
"""More staff than any company has: bounds hostile input."""


class EmployeeRange(_Strict):
    min: Annotated[int, Field(ge=0, le=MAX_EMPLOYEES)]
    max: Annotated[int, Field(ge=0, le=MAX_EMPLOYEES)]

    @model_validator(mode="after")
    def _ordered(self) -> EmployeeRange:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class RevenueRange(_Strict):
    min: Money
    max: Money
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"

    @model_validator(mode="after")
    def _ordered(self) -> RevenueRange:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class IcpCompany(_Strict):
    """Firmographics of the ideal customer; an empty list means 'not a criterion'."""

    industry: Terms = Field(default_factory=list)
    size_employees: EmployeeRange | None = None
    size_revenue: RevenueRange | None = None
    geography: Terms = Field(default_factory=list)
    tech_stack: Terms = Field(default_factory=list)
    growth_stage: Terms = Field(default_factory=list)
    source: ShortText = "template"
    """best_customers (derived from won customers) or template (the playbook's example values)."""
    evidence: Annotated[list[ShortText], Field(max_length=100)] = Field(default_factory=list)
    """The numbers behind each attribute."""


class PainIndicatorOut(_Strict):
    code: str
    label: str
    description: str
    example: str
    look_for: Terms


class PersonaOut(_Strict):
    code: str
    label: str
    role: str
    title_patterns: Terms
    cares_about: Terms
    speaks_in: Terms


class AntiSignalOut(_Strict):
    code: str
    label: str
    why: str
    rule: str


class TierRuleOut(_Strict):
    tier: int | str
    label: str
    criteria: str
    accounts: str
    time_pct: int
    contact: str


class WonBenchmarks(_Strict):
    won: int
    lost: int
    avg_deal_value: float | None
    avg_cycle_days: float | None


class IcpProfile(_Strict):
    product: ShortText | None = None
    company: IcpCompany
    pain_indicators: Annotated[list[PainIndicatorOut], Field(max_length=20)] = Field(default_factory=list)
    buyer_personas: Annotated[list[PersonaOut], Field(max_length=20)] = Field(default_factory=list)
    anti_signals: Annotated[list[AntiSignalOut], Field(max_length=20)] = Field(default_factory=list)
    tiering: Annotated[list[TierRuleOut], Field(max_length=20)] = Field(default_factory=list)
    won_benchmarks: WonBenchmarks | None = None


class IcpIn(IcpProfile):
    """An ICP as generate_icp returns it (its `locale` and `yaml` are accepted and not used)."""

    locale: ShortText | None = None
    yaml: Annotated[str, Field(max_length=100_000)] | None = None


class IcpResult(ToolOutput):
    product: str
    company: IcpCompany
    pain_indicators: list[PainIndicatorOut]
    buyer_personas: list[PersonaOut]
    anti_signals: list[AntiSignalOut]
    tiering: list[TierRuleOut]
    won_benchmarks: WonBenchmarks | None
    yaml: str
    """The same profile as YAML text (loads back to these fields)."""
