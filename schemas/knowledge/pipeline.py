"""Knowledge models for the 'pipeline' area: stages, stage rules, red flags, forecast, review and process.

These models validate the YAML files that encode how the playbook manages a pipeline:

- ``stages``: the seven stage codes with probabilities, exit criteria and name aliases (en/zh);
- ``stage_rules``: the stage-management rules (time in stage, next step with a date, 14 days without
  progress, move on the buyer's actions);
- ``pipeline_review_template``: the weekly review's structure, keyed like the playbook's YAML;
- ``forecast_categories``: the playbook's four categories, the contract's mapping and the accuracy rule;
- ``red_flags``: the contract's deal-risk table as evaluable triggers, severities and message templates;
- ``multithreading``: the minimum engaged contacts by deal value;
- ``stall_checklist``: the eight checks for a stalled deal and the deal facts that answer them;
- ``core_rules``, ``pitfalls``, ``forecast_warning_signs``: the B2B skill's rules, traps and warnings;
- ``sales_process`` and ``tracking_tables``: the six-stage process template and its four tracking tables.

Codes (stage codes, contact roles, red-flag codes, MEDDPICC keys) are the ones fixed by CONTRACT.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from functools import cached_property
from itertools import pairwise
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, Field, model_validator

from .base import Code, KnowledgeFile, KnowledgeModel, NonEmpty, Terms, Text, by_code, placeholder_set, unique
from .vocab import STAGE_ORDER, ContactRole, MeddpiccElement, StageCode

# --------------------------------------------------------------------------------------------------
# Contract vocabularies
# --------------------------------------------------------------------------------------------------


CLOSED_STAGES: frozenset[StageCode] = frozenset({"closed_won", "closed_lost"})
OPEN_STAGES: tuple[StageCode, ...] = tuple(code for code in STAGE_ORDER if code not in CLOSED_STAGES)

CONTRACT_PROBABILITIES: Mapping[StageCode, float] = {
    "prospecting": 0.05,
    "discovery": 0.15,
    "evaluation": 0.30,
    "proposal": 0.50,
    "negotiation": 0.75,
    "closed_won": 1.0,
    "closed_lost": 0.0,
}
"""Stage probabilities fixed by the contract (the playbook's)."""

CONTRACT_STAGE_ALIASES: Mapping[str, StageCode] = {
    "客户开发": "prospecting",
    "需求挖掘": "discovery",
    "方案定制": "evaluation",
    "商务谈判": "negotiation",
    "合同签订": "closed_won",
    "售后维护": "closed_won",
    "提案": "proposal",
}
"""Chinese stage names the contract accepts as aliases (process-template names and 提案)."""


RedFlagCode = Literal[
    "no_next_step",
    "next_step_without_date",
    "no_activity_14d",
    "stage_over_60d",
    "single_threaded",
    "below_multithread_minimum",
    "no_champion",
    "no_economic_buyer_access",
    "close_date_pushed",
    "close_date_passed",
    "verbal_only",
]
RED_FLAG_CODES: tuple[RedFlagCode, ...] = get_args(RedFlagCode)

Severity = Literal["high", "medium"]
RiskLevelCode = Literal["red", "yellow", "green"]

DealField = Literal[
    "id",
    "company",
    "value",
    "currency",
    "stage",
    "owner",
    "created",
    "stage_entered",
    "close_date",
    "close_date_changes",
    "last_activity",
    "next_step",
    "next_step_date",
    "verbal_agreement",
    "contract_signed",
    "competitors",
    "loss_reason",
    "contacts",
    "meddpicc",
    "notes",
]
"""Fields of the contract's Deal shape."""

DealFlag = Literal["verbal_agreement", "contract_signed"]
"""Boolean Deal fields a trigger can require to be true or false."""

Metric = Literal[
    "days_since_last_activity",
    "days_in_stage",
    "stage_age_vs_average",
    "engaged_contacts",
    "engaged_champions",
    "engaged_economic_buyers",
    "multithread_shortfall",
    "close_date_changes",
    "days_past_close_date",
    "deal_age_vs_average_cycle",
]
"""Numbers a tool derives from a deal and `as_of` to compare with a threshold:

- ``days_since_last_activity``: as_of - last_activity, in days;
- ``days_in_stage``: as_of - stage_entered, in days;
- ``stage_age_vs_average``: days_in_stage / the average days deals spend in that stage (from history);
- ``engaged_contacts``: contacts with ``engaged`` true;
- ``engaged_champions`` / ``engaged_economic_buyers``: engaged contacts with that role;
- ``multithread_shortfall``: the multithreading minimum for the deal's value minus engaged_contacts;
- ``close_date_changes``: the Deal field as given;
- ``days_past_close_date``: as_of - close_date, in days (positive once the date has passed);
- ``deal_age_vs_average_cycle``: (as_of - created) / the average sales cycle of won deals, in days.
"""

Comparison = Literal["gt", "ge", "lt", "le", "eq"]
Unit = Literal["days", "count", "contacts", "multiple"]

# --------------------------------------------------------------------------------------------------
# Shared building blocks
# --------------------------------------------------------------------------------------------------

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


class MessageTemplate(Text):
    """A bilingual template for `str.format_map`: both languages use the same snake_case placeholders."""

    @model_validator(mode="after")
    def _same_placeholders(self) -> MessageTemplate:
        en, zh = placeholder_set(self.en), placeholder_set(self.zh)
        if en != zh:
            raise ValueError(f"placeholders differ between en {sorted(en)} and zh {sorted(zh)}")
        bad = sorted(name for name in en if not _SNAKE.match(name))
        if bad:
            raise ValueError(f"placeholders must be snake_case names, got {bad}")
        return self

    @property
    def fields(self) -> frozenset[str]:
        return placeholder_set(self.en)

    def render(self, locale: str, values: Mapping[str, object]) -> str:
        """The template in `locale` filled with `values` (every placeholder must be given)."""
        return self.get(locale).format_map(values)


_FACT_KEYS: Mapping[str, frozenset[str] | None] = {
    "contact_role": frozenset(get_args(ContactRole)),
    "meddpicc": frozenset(get_args(MeddpiccElement)),
    "deal": frozenset(get_args(DealField)),
    "flag": frozenset(RED_FLAG_CODES),
    "input": None,
    "notes": None,
}


def _check_fact_ref(value: str) -> str:
    kind, sep, key = value.partition(":")
    if not sep or kind not in _FACT_KEYS or not _SNAKE.match(key):
        raise ValueError(f"fact reference {value!r} must be KIND:snake_key with KIND one of {sorted(_FACT_KEYS)}")
    allowed = _FACT_KEYS[kind]
    if allowed is not None and key not in allowed:
        raise ValueError(f"fact reference {value!r}: {key!r} is not one of {sorted(allowed)}")
    return value


FactRef = Annotated[str, AfterValidator(_check_fact_ref)]
"""Where a tool finds the answer to a check, as ``kind:key``:

``contact_role:<role>`` an engaged contact with that role; ``meddpicc:<element>`` that element's score or
evidence; ``deal:<field>`` a Deal field; ``flag:<code>`` a red flag; ``input:<name>`` a tool input
(e.g. ``input:cost_of_inaction_per_month``); ``notes:<topic>`` the cue terms of the same entry, matched
in the deal's notes.
"""


class LabeledItem(KnowledgeModel):
    """An enumerated item: a code, its label and an optional explanation or question."""

    code: Code
    label: Text
    detail: Text | None = None


class Range(KnowledgeModel):
    """A numeric range; `max` None means open-ended (e.g. '5+')."""

    min: float
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.max is not None and self.max < self.min:
            raise ValueError(f"range max {self.max} is below min {self.min}")
        return self

    def contains(self, value: float) -> bool:
        return value >= self.min and (self.max is None or value <= self.max)


class Threshold(KnowledgeModel):
    """A numeric test on a derived deal metric, e.g. days_since_last_activity gt 14 days."""

    metric: Metric
    op: Comparison
    value: float = Field(ge=0)
    unit: Unit

    def breached(self, observed: float) -> bool:
        """True when the observed number meets the condition (the flag or warning fires)."""
        if self.op == "gt":
            return observed > self.value
        if self.op == "ge":
            return observed >= self.value
        if self.op == "lt":
            return observed < self.value
        if self.op == "le":
            return observed <= self.value
        return observed == self.value


def _check_orders(orders: Sequence[int], what: str) -> None:
    if sorted(orders) != list(range(1, len(orders) + 1)):
        raise ValueError(f"{what} order values must be 1..{len(orders)} with no gaps or repeats, got {orders}")


# --------------------------------------------------------------------------------------------------
# stages
# --------------------------------------------------------------------------------------------------


def normalize_stage_name(name: str) -> str:
    """The form alias keys are stored in: NFKC, case-folded, runs of spaces/_/-// collapsed to one space."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\s_\-/]+", " ", text).strip()


_STAGE_SUFFIXES = (" stage", "阶段", "階段")


class ExitCriterion(KnowledgeModel):
    """One condition that must hold, by the buyer's actions, before a deal leaves the stage."""

    code: Code
    text: Text
    evidence: list[FactRef] = Field(default_factory=list)


class Stage(KnowledgeModel):
    """A pipeline stage: what it means, how a deal leaves it, and its win probability."""

    code: StageCode
    order: int = Field(ge=1)
    label: Text
    definition: Text
    exit_criteria: list[ExitCriterion] = Field(min_length=1)
    probability: float = Field(ge=0.0, le=1.0)
    open: bool


class PipelineStages(KnowledgeFile):
    """The seven stages of the contract, with probabilities and the names users may call them."""

    stages: list[Stage]
    aliases: dict[NonEmpty, StageCode]
    """Other names of a stage, keys in `normalize_stage_name` form."""

    @model_validator(mode="after")
    def _check(self) -> PipelineStages:
        codes = [stage.code for stage in self.stages]
        unique(codes, "stage codes")
        if set(codes) != set(STAGE_ORDER):
            raise ValueError(f"stages must be exactly {list(STAGE_ORDER)}, got {codes}")
        orders = [stage.order for stage in self.stages]
        _check_orders(orders, "stage")
        by_order = [stage.code for stage in sorted(self.stages, key=lambda s: s.order)]
        if by_order != list(STAGE_ORDER):
            raise ValueError(f"stage order must be {list(STAGE_ORDER)}, got {by_order}")
        for stage in self.stages:
            if stage.open != (stage.code not in CLOSED_STAGES):
                raise ValueError(f"stage {stage.code}: open must be {stage.code not in CLOSED_STAGES}")
            expected = CONTRACT_PROBABILITIES[stage.code]
            if abs(stage.probability - expected) > 1e-9:
                raise ValueError(f"stage {stage.code}: probability {stage.probability} != contract {expected}")
        for key in self.aliases:
            if key != normalize_stage_name(key):
                raise ValueError(f"alias {key!r} must be written as {normalize_stage_name(key)!r}")
        for alias, code in CONTRACT_STAGE_ALIASES.items():
            if self.aliases.get(normalize_stage_name(alias)) != code:
                raise ValueError(f"alias {alias!r} must map to {code!r} (contract)")
        return self

    def stage(self, code: str) -> Stage:
        return by_code(self.stages, code)

    def ordered(self) -> list[Stage]:
        return sorted(self.stages, key=lambda s: s.order)

    def probability(self, code: str) -> float:
        return self.stage(code).probability

    @cached_property
    def names(self) -> dict[str, StageCode]:
        """Every name a stage goes by, in `normalize_stage_name` form, with the precedence `resolve` gives them: a
        code, then an alias, then the first stage with that label (en or zh). Built once per loaded file."""
        names: dict[str, StageCode] = {code: code for code in STAGE_ORDER}
        for alias, code in self.aliases.items():
            names.setdefault(alias, code)
        for stage in self.stages:
            for label in (stage.label.en, stage.label.zh):
                names.setdefault(normalize_stage_name(label), stage.code)
        return names

    def resolve(self, name: str) -> StageCode | None:
        """The stage code for a code, alias or label (en/zh), e.g. '商务谈判' or 'Closed-Won'; None if unknown.
        A trailing ' stage' / '阶段' is tried without it ('Discovery stage')."""
        raw = name.strip()
        if raw in STAGE_ORDER:
            return raw
        key = normalize_stage_name(raw)
        found = self.names.get(key)
        if found is not None:
            return found
        for suffix in _STAGE_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                found = self.names.get(key[: -len(suffix)].strip())
                if found is not None:
                    return found
        return None


# --------------------------------------------------------------------------------------------------
# stage_rules
# --------------------------------------------------------------------------------------------------


class StageRule(KnowledgeModel):
    """A stage-management rule with the numbers a tool checks."""

    code: Code
    order: int = Field(ge=1)
    rule: Text
    why: Text
    action: Text
    thresholds: list[Threshold] = Field(default_factory=list)
    fallback: Threshold | None = None
    """Used when a primary threshold cannot be computed (e.g. no stage history to average)."""
    red_flags: list[RedFlagCode] = Field(default_factory=list)
    does_not_count: Terms | None = None
    """Phrases that look like compliance with the rule but are not (e.g. 'I'll follow up')."""


class StageAdvance(KnowledgeModel):
    """The buyer actions that justify moving a deal from one stage to the next."""

    from_stage: StageCode
    to_stage: StageCode
    buyer_actions: list[Text] = Field(min_length=1)
    cues: Terms
    """Phrases in notes showing the buyer did it."""

    @model_validator(mode="after")
    def _forward(self) -> StageAdvance:
        if STAGE_ORDER.index(self.to_stage) <= STAGE_ORDER.index(self.from_stage):
            raise ValueError(f"advance {self.from_stage} -> {self.to_stage} must move forward")
        return self


class StageRules(KnowledgeFile):
    """The playbook's rules for managing deals through stages."""

    rules: list[StageRule]
    advances: list[StageAdvance]
    seller_only_actions: Terms
    """Things the seller did that never move a stage on their own (sending a proposal...)."""

    @model_validator(mode="after")
    def _check(self) -> StageRules:
        unique([r.code for r in self.rules], "rule codes")
        _check_orders([r.order for r in self.rules], "rule")
        pairs = [(a.from_stage, a.to_stage) for a in self.advances]
        unique(pairs, "stage advances")
        return self

    def rule(self, code: str) -> StageRule:
        return by_code(self.rules, code)


# --------------------------------------------------------------------------------------------------
# pipeline_review_template
# --------------------------------------------------------------------------------------------------

FieldKind = Literal[
    "date",
    "money",
    "count",
    "deals_and_money",
    "deals_money_reasons",
    "text",
    "stage",
    "days",
    "ratio",
    "percent",
    "risk",
]


class ReviewField(KnowledgeModel):
    """One key of the weekly review YAML (the playbook's key), with its meaning and how it is computed."""

    key: Code
    label: Text
    kind: FieldKind
    description: Text
    formula: Text | None = None
    output_field: Code | None = None
    """The matching field of review_pipeline's structured output when it is named differently."""
    target: Range | None = None


class StageConversion(KnowledgeModel):
    """A stage-to-stage conversion rate of the review."""

    key: Code
    label: Text
    from_stage: StageCode
    to_stage: StageCode
    formula: Text


class ReviewSection(KnowledgeModel):
    """A block of the review: its YAML key, label and fields."""

    key: Code
    label: Text
    fields: list[ReviewField]


class DealsToReview(KnowledgeModel):
    key: Literal["deals_to_review"]
    label: Text
    description: Text
    limit: int = Field(ge=1)
    sort_by: Code
    descending: bool
    open_only: bool
    fields: list[ReviewField]


class ReviewActions(KnowledgeModel):
    key: Literal["actions"]
    label: Text
    description: Text
    item: MessageTemplate


class PipelineHealth(KnowledgeModel):
    key: Literal["pipeline_health"]
    label: Text
    fields: list[ReviewField]
    stage_conversion_key: Literal["stage_conversion"]
    stage_conversion_label: Text
    stage_conversion: list[StageConversion]


class PipelineReviewTemplate(KnowledgeFile):
    """The weekly pipeline review: its sections and keys in the playbook's order."""

    root_key: Literal["pipeline_review"]
    cadence_days: int = Field(ge=1)
    header: list[ReviewField]
    review_summary: ReviewSection
    deals_to_review: DealsToReview
    actions: ReviewActions
    pipeline_health: PipelineHealth

    @model_validator(mode="after")
    def _check(self) -> PipelineReviewTemplate:
        for what, fields in (
            ("header", self.header),
            ("summary", self.review_summary.fields),
            ("deals_to_review", self.deals_to_review.fields),
            ("pipeline_health", self.pipeline_health.fields),
        ):
            unique([f.key for f in fields], f"{what} keys")
        unique([c.key for c in self.pipeline_health.stage_conversion], "stage_conversion keys")
        for conv in self.pipeline_health.stage_conversion:
            if STAGE_ORDER.index(conv.to_stage) <= STAGE_ORDER.index(conv.from_stage):
                raise ValueError(f"stage conversion {conv.key} must go forward")
        return self

    def health_field(self, key: str) -> ReviewField:
        for f in self.pipeline_health.fields:
            if f.key == key:
                return f
        raise KeyError(key)


# --------------------------------------------------------------------------------------------------
# forecast_categories
# --------------------------------------------------------------------------------------------------

PlaybookForecastCode = Literal["commit", "best_case", "pipeline", "upside"]
ForecastCategoryCode = Literal["commit", "best_case", "pipeline", "omitted"]
FORECAST_ORDER: tuple[ForecastCategoryCode, ...] = get_args(ForecastCategoryCode)
"""The contract's categories from strongest to weakest (the demotion ladder)."""

DealCondition = Literal["verbal_agreement", "contract_signed", "engaged_champion"]


class PlaybookForecastCategory(KnowledgeModel):
    """One of the playbook's four forecast categories and the contract category it becomes."""

    code: PlaybookForecastCode
    order: int = Field(ge=1)
    label: Text
    definition: Text
    rule: Text
    contract_category: ForecastCategoryCode


class ForecastBucket(KnowledgeModel):
    """A category the forecast tool returns."""

    code: ForecastCategoryCode
    rank: int = Field(ge=0)
    label: Text
    rule: Text
    counts_in_forecast: bool


class AssignmentRule(KnowledgeModel):
    """Assigns a category to an in-period open deal; rules are tried by `order`, the first match wins."""

    order: int = Field(ge=1)
    category: ForecastCategoryCode
    stages: list[StageCode] = Field(min_length=1)
    requires_all: list[DealCondition] = Field(default_factory=list)
    requires_any: list[DealCondition] = Field(default_factory=list)
    reason: MessageTemplate

    def matches(self, stage: str, conditions: Collection[str]) -> bool:
        if stage not in self.stages:
            return False
        if any(c not in conditions for c in self.requires_all):
            return False
        return not self.requires_any or any(c in conditions for c in self.requires_any)


class Demotion(KnowledgeModel):
    """High-severity flags drop a deal down the ladder."""

    steps: int = Field(ge=1)
    trigger_severity: Severity
    exempt_flags: list[RedFlagCode]
    ladder: list[ForecastCategoryCode]
    reason: MessageTemplate

    def demote(self, category: ForecastCategoryCode) -> ForecastCategoryCode:
        index = min(self.ladder.index(category) + self.steps, len(self.ladder) - 1)
        return self.ladder[index]


class ForecastScope(KnowledgeModel):
    """Which deals are forecast in a period."""

    open_only: bool
    close_date_in_period: bool
    out_of_scope_category: ForecastCategoryCode
    out_of_scope_reason: MessageTemplate
    closed_won_in_period: Text
    forecast_sums: list[ForecastCategoryCode]
    gap_to_quota: Text


class ForecastAccuracy(KnowledgeModel):
    """How well forecasts match outcomes."""

    max_deviation: float = Field(gt=0, lt=1)
    """Forecast vs actual may differ by at most this share (0.10 = 10%)."""
    accuracy_formula: Text
    target_min: float = Field(gt=0, le=1)
    """accuracy = actual / forecast should be above this."""
    target_exclusive: bool
    persistent_miss: Text

    def accuracy(self, actual: float, forecast: float) -> float | None:
        return None if forecast <= 0 else actual / forecast

    def on_target(self, actual: float, forecast: float) -> bool | None:
        acc = self.accuracy(actual, forecast)
        if acc is None:
            return None
        return acc > self.target_min if self.target_exclusive else acc >= self.target_min

    def within_tolerance(self, actual: float, forecast: float) -> bool:
        if actual <= 0:
            return forecast <= 0
        return abs(forecast - actual) / actual <= self.max_deviation


class ForecastCategories(KnowledgeFile):
    """Forecast categories: the playbook's four, the contract's rules, demotion and accuracy."""

    playbook_categories: list[PlaybookForecastCategory]
    categories: list[ForecastBucket]
    scope: ForecastScope
    assignment: list[AssignmentRule]
    demotion: Demotion
    accuracy: ForecastAccuracy

    @model_validator(mode="after")
    def _check(self) -> ForecastCategories:
        playbook = [c.code for c in self.playbook_categories]
        if sorted(playbook) != sorted(get_args(PlaybookForecastCode)):
            raise ValueError(f"playbook categories must be {get_args(PlaybookForecastCode)}, got {playbook}")
        _check_orders([c.order for c in self.playbook_categories], "playbook category")
        ranked = [c.code for c in sorted(self.categories, key=lambda c: c.rank)]
        if ranked != list(FORECAST_ORDER):
            raise ValueError(f"categories by rank must be {list(FORECAST_ORDER)}, got {ranked}")
        if list(self.demotion.ladder) != list(FORECAST_ORDER):
            raise ValueError(f"demotion ladder must be {list(FORECAST_ORDER)}")
        _check_orders([r.order for r in self.assignment], "assignment rule")
        covered = {s for r in self.assignment for s in r.stages}
        if covered != set(OPEN_STAGES):
            raise ValueError(f"assignment rules must cover every open stage, cover {sorted(covered)}")
        return self

    def assign(self, stage: str, conditions: Collection[str]) -> AssignmentRule:
        """The first assignment rule matching an in-period open deal (before any demotion)."""
        for rule in sorted(self.assignment, key=lambda r: r.order):
            if rule.matches(stage, conditions):
                return rule
        raise KeyError(stage)


# --------------------------------------------------------------------------------------------------
# red_flags
# --------------------------------------------------------------------------------------------------


class Trigger(KnowledgeModel):
    """One way a flag fires: every listed condition must hold (empty lists impose nothing).

    A threshold whose metric cannot be computed (e.g. no `last_activity`) does not fire.
    """

    stages: list[StageCode] = Field(default_factory=list)
    """The deal must be in one of these stages (empty: any stage the flag applies to)."""
    missing: list[DealField] = Field(default_factory=list)
    """Fields that must be empty."""
    present: list[DealField] = Field(default_factory=list)
    """Fields that must be set."""
    flags_true: list[DealFlag] = Field(default_factory=list)
    """Boolean Deal fields that must be true."""
    flags_false: list[DealFlag] = Field(default_factory=list)
    """Boolean Deal fields that must be false (or unset)."""
    thresholds: list[Threshold] = Field(default_factory=list)
    message: MessageTemplate | None = None
    """The flag's message for the stages where this trigger is the one that applies (default: the flag's own),
    when this way of firing needs other words (a verbal yes before negotiation has no days-in-stage limit)."""

    def fires(
        self,
        stage: str,
        present_fields: Collection[str],
        true_flags: Collection[str],
        metrics: Mapping[str, float],
    ) -> bool:
        if self.stages and stage not in self.stages:
            return False
        if any(f in present_fields for f in self.missing) or any(f not in present_fields for f in self.present):
            return False
        if any(f not in true_flags for f in self.flags_true) or any(f in true_flags for f in self.flags_false):
            return False
        for threshold in self.thresholds:
            if threshold.metric not in metrics or not threshold.breached(metrics[threshold.metric]):
                return False
        return True


class Escalation(KnowledgeModel):
    """A severity the flag takes from a stage on (that stage and every later open stage)."""

    severity: Severity
    from_stage: StageCode


class RedFlag(KnowledgeModel):
    """A deal-risk flag of the contract's table."""

    code: RedFlagCode
    label: Text
    severity: Severity
    escalation: Escalation | None = None
    open_deals_only: bool
    when: Text
    triggers: list[Trigger] = Field(min_length=1)
    """The flag fires when any trigger fires."""
    uses: Code | None = None
    """Another knowledge section whose numbers the check needs (e.g. multithreading)."""
    message: MessageTemplate
    fix: Text
    stall_check: Code | None = None

    @model_validator(mode="after")
    def _check(self) -> RedFlag:
        if self.escalation is not None and not (self.severity == "medium" and self.escalation.severity == "high"):
            raise ValueError(f"{self.code}: an escalation must raise medium to high")
        return self

    def severity_at(self, stage: str) -> Severity:
        if (
            self.escalation is not None
            and stage in STAGE_ORDER
            and stage not in CLOSED_STAGES
            and STAGE_ORDER.index(stage) >= STAGE_ORDER.index(self.escalation.from_stage)
        ):
            return self.escalation.severity
        return self.severity

    def fires(
        self,
        stage: str,
        present_fields: Collection[str],
        true_flags: Collection[str],
        metrics: Mapping[str, float],
    ) -> bool:
        if self.open_deals_only and stage in CLOSED_STAGES:
            return False
        return any(t.fires(stage, present_fields, true_flags, metrics) for t in self.triggers)

    def thresholds(self) -> list[Threshold]:
        return [th for trigger in self.triggers for th in trigger.thresholds]


class RiskLevel(KnowledgeModel):
    """The review's red/yellow/green deal risk."""

    code: RiskLevelCode
    label: Text
    rule: Text
    any_severity: Severity | None
    """The level applies when any flag has this severity (None: no flag of a higher level applies)."""


class RedFlagTable(KnowledgeFile):
    """The contract's red flags, in its order, with the placeholders their messages use."""

    flags: list[RedFlag]
    risk_levels: list[RiskLevel]
    placeholders: dict[Code, Text]
    """Every placeholder a message may use, with what it stands for."""

    @model_validator(mode="after")
    def _check(self) -> RedFlagTable:
        codes = [flag.code for flag in self.flags]
        if codes != list(RED_FLAG_CODES):
            raise ValueError(f"flags must be exactly the contract's, in order: {list(RED_FLAG_CODES)}")
        for flag in self.flags:
            unknown = sorted(flag.message.fields - set(self.placeholders))
            if unknown:
                raise ValueError(f"{flag.code}: message placeholders {unknown} are not in `placeholders`")
        levels = [level.code for level in self.risk_levels]
        if levels != ["red", "yellow", "green"]:
            raise ValueError(f"risk levels must be red, yellow, green, got {levels}")
        return self

    def flag(self, code: str) -> RedFlag:
        return by_code(self.flags, code)

    def risk_level(self, severities: Collection[str]) -> RiskLevelCode:
        for level in self.risk_levels:
            if level.any_severity is None or level.any_severity in severities:
                return level.code
        return "green"


# --------------------------------------------------------------------------------------------------
# multithreading
# --------------------------------------------------------------------------------------------------


class ValueBand(KnowledgeModel):
    """Deal values (a half-open or closed interval) and the engaged contacts such a deal needs."""

    code: Code
    label: Text
    lower: float | None
    lower_inclusive: bool
    upper: float | None
    upper_inclusive: bool
    min_contacts: int = Field(ge=1)
    recommended_contacts: Range
    roles: list[ContactRole] = Field(min_length=1)
    """Roles expected among the engaged contacts at this size."""

    def contains(self, value: float) -> bool:
        if self.lower is not None and (value < self.lower or (value == self.lower and not self.lower_inclusive)):
            return False
        return not (
            self.upper is not None and (value > self.upper or (value == self.upper and not self.upper_inclusive))
        )


class MultithreadingRules(KnowledgeFile):
    """Never rely on one contact: the minimum engaged contacts by deal value."""

    currency: Literal["USD"]
    rule: Text
    why: Text
    counts_as_contact: Text
    ask: Text
    bands: list[ValueBand]

    @model_validator(mode="after")
    def _check(self) -> MultithreadingRules:
        bands = self.bands
        if not bands or bands[0].lower not in (None, 0) or bands[-1].upper is not None:
            raise ValueError("bands must start at 0 (or None) and end open-ended")
        for prev, nxt in pairwise(bands):
            if prev.upper is None or prev.upper != nxt.lower:
                raise ValueError(f"band {nxt.code} must start where {prev.code} ends")
            if prev.upper_inclusive == nxt.lower_inclusive:
                raise ValueError(f"boundary {prev.upper} must belong to exactly one of {prev.code}, {nxt.code}")
            if nxt.min_contacts <= prev.min_contacts:
                raise ValueError("min_contacts must grow with deal value")
            if not set(prev.roles) <= set(nxt.roles):
                raise ValueError(f"band {nxt.code} must keep the roles of {prev.code}")
        for band in bands:
            if band.recommended_contacts.min != band.min_contacts:
                raise ValueError(f"band {band.code}: recommended_contacts.min must equal min_contacts")
        return self

    def band_for(self, value: float) -> ValueBand:
        for band in self.bands:
            if band.contains(value):
                return band
        raise ValueError(f"no band for value {value}")

    def minimum_for(self, value: float) -> int:
        return self.band_for(value).min_contacts


# --------------------------------------------------------------------------------------------------
# stall_checklist
# --------------------------------------------------------------------------------------------------


class StallCheck(KnowledgeModel):
    """One question of the stalled-deal checklist."""

    code: Code
    order: int = Field(ge=1)
    question: Text
    fails_when: Literal["yes", "no"]
    """The answer that means trouble (most checks fail on 'no'; objections and competitor on 'yes')."""
    action_code: Code
    action: Text
    evidence: list[FactRef] = Field(min_length=1)
    red_flags: list[RedFlagCode] = Field(default_factory=list)
    pass_cues: Terms | None = None
    fail_cues: Terms | None = None


class StallChecklist(KnowledgeFile):
    """Diagnose a stalled deal: eight checks with the action when one fails."""

    applies_when: Text
    stalled_when: list[Threshold]
    checks: list[StallCheck]

    @model_validator(mode="after")
    def _check(self) -> StallChecklist:
        unique([c.code for c in self.checks], "check codes")
        _check_orders([c.order for c in self.checks], "check")
        return self

    def check(self, code: str) -> StallCheck:
        return by_code(self.checks, code)


# --------------------------------------------------------------------------------------------------
# core_rules, pitfalls, forecast_warning_signs (B2B skill)
# --------------------------------------------------------------------------------------------------


class RulePoint(KnowledgeModel):
    """One instruction within a core rule."""

    code: Code
    text: Text
    items: list[LabeledItem] = Field(default_factory=list)
    minimum: int | None = None
    threshold: Threshold | None = None
    cues: Terms | None = None
    checks: list[FactRef] = Field(default_factory=list)


class CoreRule(KnowledgeModel):
    code: Code
    order: int = Field(ge=1)
    title: Text
    principle: Text
    points: list[RulePoint] = Field(min_length=1)


class CoreRules(KnowledgeFile):
    """The B2B skill's six core rules."""

    rules: list[CoreRule]

    @model_validator(mode="after")
    def _check(self) -> CoreRules:
        unique([r.code for r in self.rules], "rule codes")
        _check_orders([r.order for r in self.rules], "rule")
        unique([p.code for r in self.rules for p in r.points], "point codes")
        return self

    def rule(self, code: str) -> CoreRule:
        return by_code(self.rules, code)


class Pitfall(KnowledgeModel):
    code: Code
    order: int = Field(ge=1)
    pitfall: Text
    reality: Text
    instead: Text
    cues: Terms | None = None
    checks: list[FactRef] = Field(default_factory=list)


class SalesPitfalls(KnowledgeFile):
    """Common B2B selling traps and what to do instead."""

    pitfalls: list[Pitfall]

    @model_validator(mode="after")
    def _check(self) -> SalesPitfalls:
        unique([p.code for p in self.pitfalls], "pitfall codes")
        _check_orders([p.order for p in self.pitfalls], "pitfall")
        return self


class ForecastWarningSign(KnowledgeModel):
    """A sign that a forecast deal will not close as planned, with how a tool detects it."""

    code: Code
    order: int = Field(ge=1)
    sign: Text
    why: Text
    action: Text
    detection: Literal["threshold", "red_flag", "contacts", "cues"]
    red_flag: RedFlagCode | None = None
    threshold: Threshold | None = None
    from_stage: StageCode | None = None
    roles: list[ContactRole] = Field(default_factory=list)
    cues: Terms | None = None

    @model_validator(mode="after")
    def _detectable(self) -> ForecastWarningSign:
        needed = {
            "threshold": self.threshold is not None,
            "red_flag": self.red_flag is not None,
            "contacts": bool(self.roles) and self.from_stage is not None,
            "cues": self.cues is not None,
        }
        if not needed[self.detection]:
            raise ValueError(f"{self.code}: detection {self.detection!r} lacks the data it needs")
        return self


class ForecastWarningSigns(KnowledgeFile):
    """Red flags for a forecast (the B2B skill's list)."""

    signs: list[ForecastWarningSign]

    @model_validator(mode="after")
    def _check(self) -> ForecastWarningSigns:
        unique([s.code for s in self.signs], "sign codes")
        _check_orders([s.order for s in self.signs], "sign")
        return self


# --------------------------------------------------------------------------------------------------
# sales_process and tracking_tables (process template)
# --------------------------------------------------------------------------------------------------

ProcessStageCode = Literal[
    "customer_development",
    "needs_discovery",
    "solution_design",
    "business_negotiation",
    "contract_signing",
    "after_sales",
]
QuantityUnit = Literal["count", "hours", "minutes", "days", "weeks", "percent"]


class Quantity(KnowledgeModel):
    """A number the template gives for an activity (a single value has min == max)."""

    code: Code
    label: Text
    min: float
    max: float
    unit: QuantityUnit
    illustrative: bool = False
    """True when the template gives the number as an example, not a rule."""

    @model_validator(mode="after")
    def _ordered(self) -> Quantity:
        if self.max < self.min:
            raise ValueError(f"{self.code}: max {self.max} is below min {self.min}")
        return self


class ProcessActivity(KnowledgeModel):
    code: Code
    label: Text
    detail: Text
    items: list[LabeledItem] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)


class ProcessStage(KnowledgeModel):
    code: ProcessStageCode
    order: int = Field(ge=1)
    name: Text
    """The stage name as the template's flow writes it (客户开发 ...)."""
    heading: Text
    goal: Text
    maps_to: StageCode
    activities: list[ProcessActivity] = Field(min_length=1)
    outputs: list[LabeledItem] = Field(min_length=1)
    tables: list[Code] = Field(default_factory=list)


class ProcessTip(KnowledgeModel):
    code: Code
    title: Text
    text: Text
    items: list[LabeledItem] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)


class SalesProcess(KnowledgeFile):
    """The six-stage closed-loop sales process template."""

    use_cases: list[LabeledItem]
    closed_loop: bool
    stages: list[ProcessStage]
    tips: list[ProcessTip]

    @model_validator(mode="after")
    def _check(self) -> SalesProcess:
        codes = [s.code for s in sorted(self.stages, key=lambda s: s.order)]
        if codes != list(get_args(ProcessStageCode)):
            raise ValueError(f"process stages must be {get_args(ProcessStageCode)} in order, got {codes}")
        _check_orders([s.order for s in self.stages], "process stage")
        for stage in self.stages:
            alias = CONTRACT_STAGE_ALIASES.get(stage.name.zh)
            if alias is not None and alias != stage.maps_to:
                raise ValueError(f"process stage {stage.name.zh} must map to {alias} (contract)")
        return self

    def stage(self, code: str) -> ProcessStage:
        return by_code(self.stages, code)


ColumnKind = Literal["text", "date", "number", "money", "enum", "stage", "person", "contact", "days"]
ExampleValue = Text | date | float


class TrackingColumn(KnowledgeModel):
    code: Code
    label: Text
    kind: ColumnKind
    unit: Text | None = None
    deal_field: DealField | None = None
    """The contract Deal field this column fills or reads, when there is one."""
    values: list[LabeledItem] = Field(default_factory=list)
    """The allowed values of an enum column."""

    @model_validator(mode="after")
    def _enum_values(self) -> TrackingColumn:
        if (self.kind == "enum") != bool(self.values):
            raise ValueError(f"column {self.code}: enum columns (and only they) list values")
        return self


class TrackingTable(KnowledgeModel):
    code: Code
    order: int = Field(ge=1)
    label: Text
    purpose: Text
    filled_in: list[ProcessStageCode] = Field(min_length=1)
    columns: list[TrackingColumn] = Field(min_length=1)
    examples: list[dict[Code, ExampleValue]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> TrackingTable:
        codes = [c.code for c in self.columns]
        unique(codes, f"{self.code} column codes")
        for row in self.examples:
            unknown = sorted(set(row) - set(codes))
            if unknown:
                raise ValueError(f"{self.code}: example row has unknown columns {unknown}")
        return self


class TrackingTables(KnowledgeFile):
    """The process template's four tracking tables."""

    update_within_hours: int = Field(ge=1)
    tables: list[TrackingTable]

    @model_validator(mode="after")
    def _check(self) -> TrackingTables:
        unique([t.code for t in self.tables], "table codes")
        _check_orders([t.order for t in self.tables], "table")
        return self

    def table(self, code: str) -> TrackingTable:
        return by_code(self.tables, code)


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "stages": PipelineStages,
    "stage_rules": StageRules,
    "pipeline_review_template": PipelineReviewTemplate,
    "forecast_categories": ForecastCategories,
    "red_flags": RedFlagTable,
    "multithreading": MultithreadingRules,
    "stall_checklist": StallChecklist,
    "core_rules": CoreRules,
    "pitfalls": SalesPitfalls,
    "forecast_warning_signs": ForecastWarningSigns,
    "sales_process": SalesProcess,
    "tracking_tables": TrackingTables,
}
