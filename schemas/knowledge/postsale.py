"""Knowledge models for the 'postsale' area: the customer-success handoff, expansion (upsell) rules, sales
metrics, the win/loss analysis template and the monthly self-review questions.

Each `KnowledgeFile` subclass validates one `knowledge/<stem>.yaml` file (the stem is its key in `SECTIONS`).
`analyze_win_loss` reads the win/loss template, the six process skills and the self-review questions;
metric targets are numbers so reports can compare a rep's activity and outcomes against them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from .base import Code, KnowledgeFile, KnowledgeModel, NonEmpty, Terms, Text, placeholder_names, unique
from .prospecting import IntRange, ToolName


def _exactly(codes: Sequence[str], expected: set[str], what: str) -> None:
    unique(codes, what)
    if set(codes) != expected:
        missing = sorted(expected - set(codes))
        extra = sorted(set(codes) - expected)
        raise ValueError(f"{what}s must be exactly {sorted(expected)} (missing {missing}, unexpected {extra})")


class Choice(KnowledgeModel):
    """One allowed value of a choice field."""

    code: Code
    label: Text


# ----------------------------------------------------------------------------------------------------- handoff

FieldKind = Literal["text", "long_text", "list", "date", "days", "money", "term", "choice"]


class TemplateField(KnowledgeModel):
    """A field of a fill-in template (handoff, win/loss analysis)."""

    key: Code
    label: Text
    prompt: Text
    """What to write here."""
    kind: FieldKind
    choices: list[Choice] = Field(default_factory=list)
    from_deal: NonEmpty | None = None
    """The Deal field (contract shape) that pre-fills this one, when there is one."""

    @model_validator(mode="after")
    def _choices_iff_choice(self) -> TemplateField:
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError(f"field {self.key}: choices are given exactly when kind is 'choice'")
        unique([c.code for c in self.choices], f"choice of {self.key}")
        return self


def _keys(fields: list[TemplateField]) -> list[str]:
    return [f.key for f in fields]


class HandoffContact(KnowledgeModel):
    """A key contact block of the handoff."""

    role: Literal["champion", "executive_sponsor"]
    label: Text
    fields: list[TemplateField]


class DoNotBlock(KnowledgeModel):
    """Things the customer-success team must avoid."""

    label: Text
    prompts: list[Text] = Field(min_length=1)


class HandoffTemplate(KnowledgeFile):
    """The sales-to-customer-success handoff document (knowledge/handoff.yaml)."""

    purpose: Text
    header: list[TemplateField]
    key_contacts: list[HandoffContact]
    context: list[TemplateField]
    implementation: list[TemplateField]
    do_not: DoNotBlock

    @model_validator(mode="after")
    def _complete(self) -> HandoffTemplate:
        _exactly(_keys(self.header), {"company", "closed_date", "contract_value", "contract_term"}, "header field")
        _exactly([c.role for c in self.key_contacts], {"champion", "executive_sponsor"}, "key contact")
        required_contact_fields = {
            "champion": {"name", "title", "communication_preference", "personality"},
            "executive_sponsor": {"name", "title", "engagement_level", "success_metrics"},
        }
        for contact in self.key_contacts:
            _exactly(_keys(contact.fields), required_contact_fields[contact.role], f"{contact.role} field")
        _exactly(
            _keys(self.context),
            {
                "pain_points_solved",
                "promised_outcomes",
                "known_risks",
                "expansion_opportunity",
                "competitor_considered",
            },
            "context field",
        )
        _exactly(
            _keys(self.implementation),
            {"priority_use_cases", "technical_requirements", "timeline_expectations"},
            "implementation field",
        )
        return self

    def contact(self, role: Literal["champion", "executive_sponsor"]) -> HandoffContact:
        return next(c for c in self.key_contacts if c.role == role)


# --------------------------------------------------------------------------------------------------- expansion


class UsageSignal(KnowledgeModel):
    """Usage close to the limit of their current tier."""

    code: Literal["usage_near_limit"]
    label: Text
    min_usage_pct: float = Field(gt=0, le=100)
    """Upsell signal when usage reaches at least this share of the tier or plan limit (percent)."""
    cues: Terms


class CueSignal(KnowledgeModel):
    """An upsell signal found in what the customer says or does."""

    code: Literal["asks_advanced_features", "new_team_wants_in", "milestone_reached"]
    label: Text
    examples: Terms | None = None
    """Example situations (for milestones: headcount growth, a new market)."""
    cues: Terms


class UpsellSignals(KnowledgeModel):
    """When to raise expansion."""

    usage_near_limit: UsageSignal
    asks_advanced_features: CueSignal
    new_team_wants_in: CueSignal
    milestone_reached: CueSignal

    @model_validator(mode="after")
    def _codes_match(self) -> UpsellSignals:
        for name in ("asks_advanced_features", "new_team_wants_in", "milestone_reached"):
            if getattr(self, name).code != name:
                raise ValueError(f"signal {name} must carry code {name!r}")
        return self

    def codes(self) -> list[str]:
        return [
            self.usage_near_limit.code,
            self.asks_advanced_features.code,
            self.new_team_wants_in.code,
            self.milestone_reached.code,
        ]


class OpenIssuesBlocker(KnowledgeModel):
    code: Literal["open_support_issues"]
    label: Text
    why: Text
    max_open_support_issues: int = Field(ge=0)
    """Expansion is off the table while more than this many support issues are unresolved."""
    cues: Terms


class QuietPeriodBlocker(KnowledgeModel):
    code: Literal["first_days_after_close"]
    label: Text
    why: Text
    days_after_close: int = Field(gt=0)
    """No upsell until this many days have passed since the deal closed."""


class ChurnRiskBlocker(KnowledgeModel):
    code: Literal["churn_risk"]
    label: Text
    why: Text
    cues: Terms


class NoValueDataBlocker(KnowledgeModel):
    code: Literal["no_value_data"]
    label: Text
    why: Text
    requires: Text
    """The evidence needed before proposing expansion."""


class UpsellBlockers(KnowledgeModel):
    """When never to upsell."""

    open_support_issues: OpenIssuesBlocker
    first_days_after_close: QuietPeriodBlocker
    churn_risk: ChurnRiskBlocker
    no_value_data: NoValueDataBlocker

    def codes(self) -> list[str]:
        return [
            self.open_support_issues.code,
            self.first_days_after_close.code,
            self.churn_risk.code,
            self.no_value_data.code,
        ]


class ScriptLine(KnowledgeModel):
    """One line of a conversation script."""

    order: int = Field(ge=1)
    code: Code
    say: Text
    purpose: Text


class ExpansionPlaybook(KnowledgeFile):
    """Expansion revenue: signals, blockers and the conversation (knowledge/expansion.yaml)."""

    signals: UpsellSignals
    blockers: UpsellBlockers
    blockers_override_signals: bool
    """Any blocker rules expansion out, whatever the signals say."""
    conversation: list[ScriptLine] = Field(min_length=1)
    conversation_placeholders: list[Code]

    @model_validator(mode="after")
    def _script(self) -> ExpansionPlaybook:
        if [line.order for line in self.conversation] != list(range(1, len(self.conversation) + 1)):
            raise ValueError("conversation lines must be numbered 1..n")
        en: set[str] = set()
        zh: set[str] = set()
        for line in self.conversation:
            en.update(placeholder_names(line.say.en))
            zh.update(placeholder_names(line.say.zh))
        if en != zh or en != set(self.conversation_placeholders):
            raise ValueError(
                f"conversation placeholders differ: en {sorted(en)}, zh {sorted(zh)}, "
                f"declared {sorted(self.conversation_placeholders)}"
            )
        return self


# ----------------------------------------------------------------------------------------------------- metrics

ActivityCode = Literal[
    "emails_per_day",
    "calls_per_day",
    "meetings_booked_per_week",
    "discovery_calls_per_week",
    "proposals_per_week",
    "demos_per_week",
]
OutcomeCode = Literal[
    "win_rate",
    "avg_deal_size",
    "sales_cycle",
    "pipeline_coverage",
    "activity_to_meeting",
    "meeting_to_opportunity",
    "forecast_accuracy",
]


class ActivityMetric(KnowledgeModel):
    """A leading indicator: an activity count with its target range."""

    code: ActivityCode
    label: Text
    per: Literal["day", "week"]
    target: IntRange
    purpose: Literal[
        "pipeline_generation", "pipeline_conversion", "qualified_pipeline", "active_evaluation", "close_to_money"
    ]
    why: Text


class Healthy(KnowledgeModel):
    """What a healthy value looks like: a range, a floor (strictly above), or a direction of travel."""

    kind: Literal["range", "above", "trend"]
    min: float | None = None
    max: float | None = None
    direction: Literal["up", "down"] | None = None
    label: Text

    @model_validator(mode="after")
    def _shape(self) -> Healthy:
        if self.kind == "range" and (self.min is None or self.max is None or self.min > self.max):
            raise ValueError("a range needs min <= max")
        if self.kind == "above" and (self.min is None or self.max is not None):
            raise ValueError("'above' takes only min")
        if self.kind == "trend" and (self.direction is None or self.min is not None or self.max is not None):
            raise ValueError("'trend' takes only direction")
        if self.kind != "trend" and self.direction is not None:
            raise ValueError("direction is only for trends")
        return self

    def is_healthy(self, value: float) -> bool | None:
        """Whether a single value is healthy; None for trends (they need a series)."""
        if self.kind == "range" and self.min is not None and self.max is not None:
            return self.min <= value <= self.max
        if self.kind == "above" and self.min is not None:
            return value > self.min
        return None


class OutcomeMetric(KnowledgeModel):
    """A lagging indicator with its formula and healthy range."""

    code: OutcomeCode
    label: Text
    formula: Text
    numerator: Code | None = None
    denominator: list[Code] = Field(default_factory=list)
    """Terms summed in the denominator; empty for averages and trends."""
    unit: Literal["pct", "ratio", "money", "days"]
    healthy: Healthy
    seed_note: Text | None = None
    """Where the seed's wording of this row differs from what is encoded, and why."""


class SalesMetrics(KnowledgeFile):
    """Activity (leading) and outcome (lagging) metrics (knowledge/metrics.yaml)."""

    activity: list[ActivityMetric]
    outcomes: list[OutcomeMetric]

    @model_validator(mode="after")
    def _complete(self) -> SalesMetrics:
        _exactly([m.code for m in self.activity], set(get_args(ActivityCode)), "activity metric")
        _exactly([m.code for m in self.outcomes], set(get_args(OutcomeCode)), "outcome metric")
        for metric in self.activity:
            if metric.code.endswith("_per_day") != (metric.per == "day"):
                raise ValueError(f"{metric.code}: per must match the code")
        return self

    def activity_metric(self, code: ActivityCode) -> ActivityMetric:
        return next(m for m in self.activity if m.code == code)

    def outcome(self, code: OutcomeCode) -> OutcomeMetric:
        return next(m for m in self.outcomes if m.code == code)


# ------------------------------------------------------------------------------------------- win_loss_template

SkillCode = Literal["prospecting", "discovery", "demo", "objection_handling", "closing", "relationship"]


class ProcessSkill(KnowledgeModel):
    """One of the six self-assessed skills of the process score."""

    code: SkillCode
    label: Text
    covers: Text
    improve: Text
    """What to work on when this is the weakest skill (drawn from the playbook's phases)."""
    tool: ToolName | None = None
    """The tool that helps practise it."""


class ScoreScale(KnowledgeModel):
    """The 1..5 self-assessment scale."""

    min: int
    max: int
    low_label: Text
    high_label: Text

    @model_validator(mode="after")
    def _ordered(self) -> ScoreScale:
        if self.min >= self.max:
            raise ValueError("scale min must be below max")
        return self


class WinLossTemplate(KnowledgeFile):
    """The deal analysis filled in after every closed deal (knowledge/win_loss_template.yaml)."""

    when: Text
    fields: list[TemplateField]
    reasons_key: dict[Literal["won", "lost"], Code]
    """Which reasons field applies to each outcome (won_because / lost_because)."""
    scale: ScoreScale
    skills: list[ProcessSkill]

    @model_validator(mode="after")
    def _complete(self) -> WinLossTemplate:
        keys = _keys(self.fields)
        _exactly(
            keys,
            {
                "company",
                "outcome",
                "value",
                "cycle_days",
                "won_because",
                "lost_because",
                "competitor",
                "what_worked",
                "what_didnt",
                "lesson",
            },
            "win/loss field",
        )
        if set(self.reasons_key) != {"won", "lost"} or not set(self.reasons_key.values()) <= set(keys):
            raise ValueError("reasons_key maps won and lost to fields of the template")
        _exactly([s.code for s in self.skills], set(get_args(SkillCode)), "process skill")
        return self

    def skill(self, code: SkillCode) -> ProcessSkill:
        return next(s for s in self.skills if s.code == code)


# ------------------------------------------------------------------------------------------------- self_review

ReviewCode = Literal[
    "win_rate_trend",
    "loss_stage",
    "right_people",
    "deal_size_trend",
    "weakest_objection",
    "best_channel",
    "right_accounts",
    "last_loss_lesson",
]


class SelfReviewQuestion(KnowledgeModel):
    """A monthly self-review question and how a tool can answer it."""

    order: int = Field(ge=1)
    code: ReviewCode
    question: Text
    hint: Text | None = None
    answer: Literal["trend", "stage", "rate", "category", "share", "text"]
    """Shape of the answer: a trend (improving/flat/declining), a stage code, a rate, a category, a share, text."""
    data: list[NonEmpty]
    """Inputs needed (analyze_win_loss deal fields or logged activities)."""
    method: Text
    """How the answer is computed from the data."""
    answerable_from_deals: bool
    """False when closed-deal records alone cannot answer it (the tool then asks the rep)."""


class Pareto(KnowledgeModel):
    """The 80/20 check of question 7."""

    results_pct: float = Field(gt=0, lt=100)
    accounts_pct: float = Field(gt=0, lt=100)


class SelfReview(KnowledgeFile):
    """The eight monthly self-review questions (knowledge/self_review.yaml)."""

    frequency: Literal["monthly"]
    questions: list[SelfReviewQuestion]
    trend_values: list[Choice]
    pareto: Pareto
    losses_to_review: int = Field(ge=1)
    """How many of the latest losses question 8 looks at."""

    @field_validator("questions")
    @classmethod
    def _eight(cls, value: list[SelfReviewQuestion]) -> list[SelfReviewQuestion]:
        if [q.order for q in value] != list(range(1, len(value) + 1)):
            raise ValueError("questions must be numbered 1..n")
        _exactly([q.code for q in value], set(get_args(ReviewCode)), "self-review question")
        return value

    @field_validator("trend_values")
    @classmethod
    def _trends(cls, value: list[Choice]) -> list[Choice]:
        _exactly([c.code for c in value], {"improving", "flat", "declining"}, "trend value")
        return value

    def question(self, code: ReviewCode) -> SelfReviewQuestion:
        return next(q for q in self.questions if q.code == code)


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "handoff": HandoffTemplate,
    "expansion": ExpansionPlaybook,
    "metrics": SalesMetrics,
    "win_loss_template": WinLossTemplate,
    "self_review": SelfReview,
}
