"""Knowledge models for the 'prospecting' area: ICP template, territory tiers, outreach cadences, cold-email and
follow-up templates, the cold-call opener, and the twelve automation commands.

Each `KnowledgeFile` subclass validates one `knowledge/<stem>.yaml` file (the stem is its key in `SECTIONS`).
Tools such as `generate_icp`, `score_accounts`, `build_cadence` and `draft_email` read these models; the
validators here keep the numbers they compute with consistent (ranges ordered, time split = 100%, one email per
day in a cadence, template placeholders declared and identical in both languages, emails within the length cap).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Code, KnowledgeFile, KnowledgeModel, NonEmpty, Terms, Text, placeholder_names, unique

# --------------------------------------------------------------------------------------------- shared pieces

PersonaCode = Literal["economic_buyer", "champion", "technical_evaluator", "end_user"]
"""The four buyer personas of the ICP template (the `persona` input of prep_discovery)."""

Channel = Literal["email", "linkedin", "phone"]
"""Outreach channels of a cadence step."""

TierNumber = Literal[1, 2, 3]
"""Account tiers that get an outbound cadence (score_accounts/build_cadence `tier`)."""

TerritoryTier = Literal[1, 2, 3, "new"]
"""Territory tiers, including the 'new' (inbound) bucket."""

EmailKind = Literal["trigger", "peer_referral", "breakup", "follow_up", "recap", "value_add", "voicemail_follow_up"]
"""Email template kinds: the draft_email kinds of the contract plus the two cadence-only emails."""

MeetingType = Literal["discovery", "demo", "proposal", "negotiation"]
"""Meeting types a follow-up email can be written for."""

ToolName = Literal[
    "generate_icp",
    "build_cadence",
    "prep_discovery",
    "qualify_deal",
    "handle_objection",
    "review_pipeline",
    "analyze_win_loss",
    "forecast",
    "draft_proposal",
    "draft_email",
    "coach_call",
    "close_plan",
]
"""The tools that implement the playbook's twelve automation commands."""

_WORD = re.compile(r"[A-Za-z0-9']+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Words as the contract counts them: runs of Latin letters/digits/apostrophes, plus one per CJK character."""
    return len(_WORD.findall(text))


class IntRange(KnowledgeModel):
    """An inclusive whole-number range (min <= max)."""

    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> IntRange:
        if self.min > self.max:
            raise ValueError(f"range min {self.min} is above max {self.max}")
        return self

    def contains(self, value: float) -> bool:
        return self.min <= value <= self.max


class MoneyRange(KnowledgeModel):
    """An inclusive money range in one currency (min <= max)."""

    min: float = Field(ge=0)
    max: float = Field(ge=0)
    currency: Literal["USD"] = "USD"

    @model_validator(mode="after")
    def _ordered(self) -> MoneyRange:
        if self.min > self.max:
            raise ValueError(f"range min {self.min} is above max {self.max}")
        return self


class Labelled(KnowledgeModel):
    """A code with its bilingual label."""

    code: Code
    label: Text


# ------------------------------------------------------------------------------------------------ icp_template


class ListAttribute(KnowledgeModel):
    """An ICP company attribute described by example values (an open list: the seed ends it with 'etc.')."""

    label: Text
    description: Text
    examples: Terms


class EmployeeRangeAttribute(KnowledgeModel):
    """Company headcount band of the ICP."""

    label: Text
    description: Text
    default: IntRange


class RevenueRangeAttribute(KnowledgeModel):
    """Company revenue band of the ICP (annual recurring revenue)."""

    label: Text
    description: Text
    basis: Literal["arr"]
    default: MoneyRange


class IcpCompany(KnowledgeModel):
    """Firmographic attributes of the ideal customer, with the seed's example values as defaults."""

    industry: ListAttribute
    size_employees: EmployeeRangeAttribute
    size_revenue: RevenueRangeAttribute
    geography: ListAttribute
    tech_stack: ListAttribute
    growth_stage: ListAttribute


class PainIndicator(KnowledgeModel):
    """An observable sign that the account has the pain the product solves."""

    code: Literal["hiring_for", "tech_adoption", "org_changes", "regulatory", "public_statements"]
    label: Text
    description: Text
    example: Text
    """The seed's example of the inference (e.g. new VP of X -> budget for initiatives)."""
    cues: Terms
    """Phrases that reveal this indicator in notes, news or job posts."""


class BuyerPersona(KnowledgeModel):
    """One of the four people in a buying group."""

    code: PersonaCode
    label: Text
    role: Text
    """What this person does in the purchase (signs, champions, validates, uses)."""
    title_patterns: Terms
    """Job-title fragments that identify the persona; the seed's examples come first."""
    cares_about: Terms
    speaks_in: Terms
    """Vocabulary to use with this persona."""
    derived_fields: list[Literal["speaks_in"]] = Field(default_factory=list)
    """Fields the seed leaves blank for this persona and that were filled in from its other fields."""


class CueIndicator(KnowledgeModel):
    """A named indicator detected from free-text cues."""

    code: Code
    label: Text
    cues: Terms


class CompanySizeAntiSignal(KnowledgeModel):
    """Too small to pursue: a long cycle for a low contract value."""

    code: Literal["company_size_under"]
    label: Text
    why: Text
    employees_under: int = Field(gt=0)
    """Drop the account when its headcount is strictly below this."""


class LayoffIndicator(KnowledgeModel):
    """Recent layoffs above a share of staff: a no-budget indicator."""

    code: Literal["recent_layoffs"]
    label: Text
    layoffs_pct_over: float = Field(gt=0, lt=100)
    """Drop the account when recent layoffs exceed this share of headcount (percent)."""
    cues: Terms


class NoBudgetAntiSignal(KnowledgeModel):
    """The account cannot pay: pre-revenue, or it has just cut deeply."""

    code: Literal["no_budget_indicator"]
    label: Text
    why: Text
    pre_revenue: CueIndicator
    recent_layoffs: LayoffIndicator


class TechMismatchAntiSignal(KnowledgeModel):
    """The product cannot run in their environment."""

    code: Literal["tech_mismatch"]
    label: Text
    why: Text
    indicators: list[CueIndicator] = Field(min_length=1)


class CommitteeAntiSignal(KnowledgeModel):
    """Cultural misfit: decisions by a large committee on a small deal."""

    code: Literal["committee_at_low_acv"]
    label: Text
    why: Text
    stakeholders_at_least: int = Field(gt=1)
    low_acv_under: float = Field(gt=0)
    """Annual contract value below which a deal counts as low-ACV (interpretation, see `low_acv_note`)."""
    currency: Literal["USD"] = "USD"
    low_acv_note: Text
    cues: Terms


class AntiSignals(KnowledgeModel):
    """Signals that an account must not be pursued (score_accounts tier `drop`)."""

    company_size: CompanySizeAntiSignal
    no_budget: NoBudgetAntiSignal
    tech_mismatch: TechMismatchAntiSignal
    cultural: CommitteeAntiSignal

    def codes(self) -> list[str]:
        return [self.company_size.code, self.no_budget.code, self.tech_mismatch.code, self.cultural.code]


class IcpTemplate(KnowledgeFile):
    """The ideal customer profile template (knowledge/icp_template.yaml)."""

    company: IcpCompany
    pain_principle: Text
    """Pain indicators must be observed, not assumed."""
    pain_indicators: list[PainIndicator]
    buyer_personas: list[BuyerPersona]
    anti_signals: AntiSignals

    @field_validator("pain_indicators")
    @classmethod
    def _all_pain_kinds(cls, value: list[PainIndicator]) -> list[PainIndicator]:
        codes = [item.code for item in value]
        unique(codes, "pain indicator")
        expected = {"hiring_for", "tech_adoption", "org_changes", "regulatory", "public_statements"}
        if set(codes) != expected:
            raise ValueError(f"pain indicators must be exactly {sorted(expected)}")
        return value

    @field_validator("buyer_personas")
    @classmethod
    def _all_personas(cls, value: list[BuyerPersona]) -> list[BuyerPersona]:
        codes = [item.code for item in value]
        unique(codes, "persona")
        expected = {"economic_buyer", "champion", "technical_evaluator", "end_user"}
        if set(codes) != expected:
            raise ValueError(f"buyer personas must be exactly {sorted(expected)}")
        return value

    def persona(self, code: PersonaCode) -> BuyerPersona:
        return next(item for item in self.buyer_personas if item.code == code)

    def pain_indicator(self, code: str) -> PainIndicator:
        return next(item for item in self.pain_indicators if item.code == code)


# --------------------------------------------------------------------------------------------------- territory


class TierCriteria(KnowledgeModel):
    """Machine form of a tier's criteria (how score_accounts assigns it)."""

    icp_fit: Literal["full", "partial", "any"]
    visible_pain: bool | None
    """True: active pain signals required; False: none visible yet; None: not considered."""
    inbound: bool = False
    """The tier is for inbound leads that qualify, whatever their fit score."""


class ContactFrequency(KnowledgeModel):
    """How often to touch an account: a number of touches per week or month, or a response time for inbound."""

    touches: IntRange | None = None
    per: Literal["week", "month"] | None = None
    reply_within_hours: float | None = Field(default=None, gt=0)
    label: Text

    @model_validator(mode="after")
    def _one_mode(self) -> ContactFrequency:
        periodic = self.touches is not None and self.per is not None
        if periodic == (self.reply_within_hours is not None):
            raise ValueError("give either touches + per, or reply_within_hours")
        if (self.touches is None) != (self.per is None):
            raise ValueError("touches and per go together")
        return self

    def per_week(self) -> tuple[float, float] | None:
        """(min, max) touches per week; months count as 52/12 weeks. None for a response-time rule."""
        if self.touches is None or self.per is None:
            return None
        factor = 1.0 if self.per == "week" else 12 / 52
        return (self.touches.min * factor, self.touches.max * factor)


class Tier(KnowledgeModel):
    """One row of the account-tiering table."""

    tier: TerritoryTier
    label: Text
    criteria: Text
    rule: TierCriteria
    accounts: IntRange | None
    """How many accounts to hold in this tier; None when it varies (inbound)."""
    accounts_label: Text
    time_pct: int = Field(ge=0, le=100)
    contact: ContactFrequency


class ReviewStep(KnowledgeModel):
    """One step of the monthly territory review."""

    order: int = Field(ge=1)
    code: Code
    action: Text
    question: Text


class Territory(KnowledgeFile):
    """Territory planning: tiers, time split, contact frequency and the monthly review (knowledge/territory.yaml)."""

    tiers: list[Tier]
    drop_rule: Text
    """Accounts showing any ICP anti-signal are not placed in a tier at all."""
    review_frequency: Literal["monthly"]
    review_steps: list[ReviewStep]
    tier3_remove_after_days_without_engagement: int = Field(gt=0)
    tier1_coverage_must_exceed_pct: float = Field(gt=0, le=100)
    coverage_formula: Text

    @field_validator("tiers")
    @classmethod
    def _tiers_complete(cls, value: list[Tier]) -> list[Tier]:
        order = [item.tier for item in value]
        if order != [1, 2, 3, "new"]:
            raise ValueError(f"tiers must be listed as 1, 2, 3, new (got {order})")
        total = sum(item.time_pct for item in value)
        if total != 100:
            raise ValueError(f"tier time split must sum to 100% (got {total}%)")
        for item in value:
            if item.tier != "new" and item.accounts is None:
                raise ValueError(f"tier {item.tier} needs an account range")
        return value

    @field_validator("review_steps")
    @classmethod
    def _steps_numbered(cls, value: list[ReviewStep]) -> list[ReviewStep]:
        if [step.order for step in value] != list(range(1, len(value) + 1)):
            raise ValueError("review steps must be numbered 1..n in order")
        unique([step.code for step in value], "review step")
        return value

    def tier(self, tier: TerritoryTier) -> Tier:
        return next(item for item in self.tiers if item.tier == tier)


# ---------------------------------------------------------------------------------------------------- cadences


class CadenceStep(KnowledgeModel):
    """One touch of an outreach sequence. Day 1 is the start date."""

    day: int = Field(ge=1)
    channel: Channel
    action: Text
    goal: Text
    template: Code | None = None
    """Email template id (email steps) or call script id (phone steps); None for LinkedIn touches."""
    fallback_template: Code | None = None
    """Template to use when the preferred one cannot be: its facts are missing (no trigger known -> peer_referral)
    or the call is not answered (-> voicemail)."""
    no_pitch: bool = False
    """The touch must not sell (LinkedIn connection note, comments)."""

    @model_validator(mode="after")
    def _template_matches_channel(self) -> CadenceStep:
        if self.channel in ("email", "phone") and self.template is None:
            raise ValueError(f"day {self.day} {self.channel} step must name the template or script it uses")
        if self.channel == "linkedin" and (self.template or self.fallback_template):
            raise ValueError(f"day {self.day} linkedin step takes no template")
        return self


class Cadence(KnowledgeModel):
    """The outreach sequence for one account tier."""

    tier: TierNumber
    name: Text
    length_days: int = Field(ge=1)
    derived: bool
    """True when the playbook gives only a contact frequency and the steps were designed from it."""
    derivation: Text | None = None
    steps: list[CadenceStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _well_formed(self) -> Cadence:
        days = [step.day for step in self.steps]
        if days != sorted(days):
            raise ValueError(f"tier {self.tier} steps must be in day order")
        if days[0] != 1:
            raise ValueError(f"tier {self.tier} sequence must start on day 1")
        if days[-1] != self.length_days:
            raise ValueError(f"tier {self.tier} length_days must equal the last step's day ({days[-1]})")
        email_days = [step.day for step in self.steps if step.channel == "email"]
        if len(email_days) != len(set(email_days)):
            raise ValueError(f"tier {self.tier}: more than one email on the same day")
        if self.derived and self.derivation is None:
            raise ValueError(f"tier {self.tier} is derived, so it must explain its derivation")
        return self

    def touch_days(self) -> list[int]:
        return sorted({step.day for step in self.steps})


class SequenceRule(KnowledgeModel):
    """A sequence rule: a code, its bilingual statement, and (in subclasses) its parameters."""

    code: Code
    rule: Text


class StopOnReplyRule(SequenceRule):
    code: Literal["stop_on_reply"]
    stop_on: list[Literal["positive_reply", "negative_reply"]] = Field(min_length=1)


class MaxEmailsPerDayRule(SequenceRule):
    code: Literal["max_one_email_per_day"]
    max_emails_per_contact_per_day: int = Field(ge=1)


class SpecificPersonalisationRule(SequenceRule):
    code: Literal["specific_personalisation"]
    must_reference_one_of: list[Literal["company", "role", "recent_news"]] = Field(min_length=1)


class OpensWithoutReplyRule(SequenceRule):
    code: Literal["opens_without_reply_call"]
    opens_without_reply: int = Field(ge=1)
    switch_to: Channel


class NoEngagementRule(SequenceRule):
    code: Literal["no_engagement_move_to_tier3"]
    move_to_tier: TierNumber
    retry_after_days: int = Field(gt=0)


class SequenceRules(KnowledgeModel):
    """The five rules every sequence follows."""

    stop_on_reply: StopOnReplyRule
    max_one_email_per_day: MaxEmailsPerDayRule
    specific_personalisation: SpecificPersonalisationRule
    opens_without_reply: OpensWithoutReplyRule
    no_engagement: NoEngagementRule

    def all(self) -> list[SequenceRule]:
        return [
            self.stop_on_reply,
            self.max_one_email_per_day,
            self.specific_personalisation,
            self.opens_without_reply,
            self.no_engagement,
        ]


class CadenceLibrary(KnowledgeFile):
    """Multi-channel outreach sequences per tier and their rules (knowledge/cadences.yaml)."""

    principle: Text
    cadences: list[Cadence]
    rules: SequenceRules

    @model_validator(mode="after")
    def _one_per_tier(self) -> CadenceLibrary:
        tiers = sorted(item.tier for item in self.cadences)
        if tiers != [1, 2, 3]:
            raise ValueError(f"need exactly one cadence for each of tiers 1, 2, 3 (got {tiers})")
        cap = self.rules.max_one_email_per_day.max_emails_per_contact_per_day
        for cadence in self.cadences:
            for day in cadence.touch_days():
                emails = sum(1 for s in cadence.steps if s.day == day and s.channel == "email")
                if emails > cap:
                    raise ValueError(f"tier {cadence.tier} day {day}: {emails} emails, cap is {cap}")
        return self

    def for_tier(self, tier: TierNumber) -> Cadence:
        return next(item for item in self.cadences if item.tier == tier)


# --------------------------------------------------------------------------------------------- email_templates


class Placeholder(KnowledgeModel):
    """A `{name}` a template may use, with what it stands for."""

    name: Code
    label: Text
    example: Text


class EmailTemplate(KnowledgeModel):
    """One email template; subject and body are `str.format_map` templates with the same fields in en and zh."""

    id: Code
    kind: EmailKind
    meeting_type: MeetingType | None = None
    title: Text
    when_to_use: Text
    derived: bool
    """True when the playbook has no text for this email and it was written from the playbook's principles."""
    subject: Text
    body: Text
    placeholders: list[Code]
    required: list[Code]
    """Facts the draft is meaningless without; the others may be left for the rep (placeholders_left)."""

    @model_validator(mode="after")
    def _placeholders_declared(self) -> EmailTemplate:
        en = placeholder_names(self.subject.en + "\n" + self.body.en)
        zh = placeholder_names(self.subject.zh + "\n" + self.body.zh)
        if set(en) != set(zh):
            raise ValueError(f"template {self.id}: en uses {sorted(en)} but zh uses {sorted(zh)}")
        if set(en) != set(self.placeholders):
            raise ValueError(f"template {self.id}: placeholders must list exactly {sorted(en)}")
        missing = set(self.required) - set(self.placeholders)
        if missing:
            raise ValueError(f"template {self.id}: required {sorted(missing)} not among its placeholders")
        if self.kind == "follow_up" and self.meeting_type is None:
            raise ValueError(f"template {self.id}: a follow_up template names its meeting_type")
        return self


class ShareRange(KnowledgeModel):
    """An inclusive range of shares in 0..1 (min <= max)."""

    min: float = Field(ge=0, le=1)
    max: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> ShareRange:
        if self.min > self.max:
            raise ValueError(f"range min {self.min} is above max {self.max}")
        return self


class BreakupFact(KnowledgeModel):
    """Why the breakup email works."""

    reply_rate: ShareRange
    mechanism: Literal["loss_aversion"]
    why: Text
    key_line: Text


class EmailGuidance(KnowledgeModel):
    """Checks draft_email applies to every draft."""

    max_words: int = Field(gt=0)
    max_words_note: Text
    personalisation_rule: Text
    generic_personalisation: Terms
    """Openers that sound personal but say nothing specific: a draft containing one gets a warning."""
    next_step_rule: Text
    specific_next_step_cues: Terms
    """Day/time phrases showing a next step is dated."""
    specific_next_step_patterns: list[NonEmpty]
    """Regular expressions (case-insensitive) for numeric dates and times, in either language."""
    vague_next_step_cues: Terms
    """Phrases of an undated, non-committal next step."""
    demo_follow_up_rule: Text

    @field_validator("specific_next_step_patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad pattern {pattern!r}: {exc}") from exc
        return value


class EmailTemplates(KnowledgeFile):
    """Cold emails, cadence emails, meeting follow-ups and the recap (knowledge/email_templates.yaml)."""

    placeholders: list[Placeholder]
    templates: list[EmailTemplate]
    guidance: EmailGuidance
    breakup: BreakupFact

    @model_validator(mode="after")
    def _consistent(self) -> EmailTemplates:
        unique([p.name for p in self.placeholders], "placeholder")
        unique([t.id for t in self.templates], "template id")
        known = {p.name for p in self.placeholders}
        for template in self.templates:
            unknown = set(template.placeholders) - known
            if unknown:
                raise ValueError(f"template {template.id}: undeclared placeholders {sorted(unknown)}")
            for locale in ("en", "zh"):
                words = count_words(template.body.get(locale))
                if words > self.guidance.max_words:
                    raise ValueError(
                        f"template {template.id} ({locale}) body has {words} words, "
                        f"over the {self.guidance.max_words}-word cap"
                    )
        kinds = {t.kind for t in self.templates}
        for kind in ("trigger", "peer_referral", "breakup", "follow_up", "recap"):
            if kind not in kinds:
                raise ValueError(f"no template of kind {kind!r}")
        meetings = {t.meeting_type for t in self.templates if t.kind == "follow_up"}
        if meetings != {"discovery", "demo", "proposal", "negotiation"}:
            raise ValueError("need one follow_up template per meeting type")
        return self

    def template(self, template_id: str) -> EmailTemplate:
        return next(t for t in self.templates if t.id == template_id)

    def follow_up(self, meeting_type: MeetingType) -> EmailTemplate:
        return next(t for t in self.templates if t.kind == "follow_up" and t.meeting_type == meeting_type)


# ------------------------------------------------------------------------------------------------ call_scripts


class CallStep(KnowledgeModel):
    """One move of a call script."""

    order: int = Field(ge=1)
    code: Code
    when: Text | None = None
    """The condition to reach this move (e.g. they said yes); None for the opening move."""
    say: Text
    then: Text | None = None
    """What to do after saying it (listen, take notes...)."""
    goal: Text


class CallScript(KnowledgeModel):
    """A phone script with `{placeholders}` filled like the email templates."""

    id: Code
    kind: Literal["cold_call_opener", "voicemail"]
    title: Text
    derived: bool
    critical_seconds: int | None = Field(default=None, gt=0)
    """The opening window that decides the call."""
    meeting_ask_minutes: int | None = Field(default=None, gt=0)
    meeting_ask_window: Literal["this_week"] | None = None
    steps: list[CallStep] = Field(min_length=1)
    placeholders: list[Code]
    required: list[Code]
    brush_offs: Text | None = None
    """Where the answers to cold-call brush-offs live (handle_objection, category brush_off)."""

    @model_validator(mode="after")
    def _consistent(self) -> CallScript:
        if [s.order for s in self.steps] != list(range(1, len(self.steps) + 1)):
            raise ValueError(f"script {self.id}: steps must be numbered 1..n")
        unique([s.code for s in self.steps], "call step")
        en: list[str] = []
        zh: list[str] = []
        for step in self.steps:
            en += placeholder_names(step.say.en)
            zh += placeholder_names(step.say.zh)
        if set(en) != set(zh):
            raise ValueError(f"script {self.id}: en uses {sorted(set(en))} but zh uses {sorted(set(zh))}")
        if set(en) != set(self.placeholders):
            raise ValueError(f"script {self.id}: placeholders must list exactly {sorted(set(en))}")
        if not set(self.required) <= set(self.placeholders):
            raise ValueError(f"script {self.id}: required must be a subset of placeholders")
        return self


class CallScripts(KnowledgeFile):
    """Phone scripts used by cadences (knowledge/call_scripts.yaml)."""

    scripts: list[CallScript]

    @field_validator("scripts")
    @classmethod
    def _unique_ids(cls, value: list[CallScript]) -> list[CallScript]:
        unique([s.id for s in value], "script id")
        if "cold_call_opener" not in {s.kind for s in value}:
            raise ValueError("the cold-call opener is required")
        return value

    def script(self, script_id: str) -> CallScript:
        return next(s for s in self.scripts if s.id == script_id)


# ---------------------------------------------------------------------------------------- automation_commands


class AutomationCommand(KnowledgeModel):
    """A natural-language command of the playbook and the tool that carries it out."""

    order: int = Field(ge=1)
    tool: ToolName
    command: Text
    """The playbook's phrasing; `{company}`-style slots mark what the user fills in."""
    does: Text
    phrasings: Terms
    """Other ways users ask for the same thing (for intent matching)."""
    uses_knowledge: list[Code] = Field(default_factory=list)
    """Knowledge sections of this area the tool draws on (file stems; other areas may add theirs)."""

    @model_validator(mode="after")
    def _same_slots(self) -> AutomationCommand:
        en, zh = placeholder_names(self.command.en), placeholder_names(self.command.zh)
        if set(en) != set(zh):
            raise ValueError(f"command for {self.tool}: en slots {en} differ from zh slots {zh}")
        return self


class AutomationCommands(KnowledgeFile):
    """The twelve automation commands (knowledge/automation_commands.yaml)."""

    commands: list[AutomationCommand]

    @field_validator("commands")
    @classmethod
    def _twelve(cls, value: list[AutomationCommand]) -> list[AutomationCommand]:
        if [c.order for c in value] != list(range(1, len(value) + 1)):
            raise ValueError("commands must be numbered 1..n")
        unique([c.tool for c in value], "tool")
        if len(value) != 12:
            raise ValueError(f"the playbook has twelve commands (got {len(value)})")
        return value

    def for_tool(self, tool: ToolName) -> AutomationCommand:
        return next(c for c in self.commands if c.tool == tool)


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "icp_template": IcpTemplate,
    "territory": Territory,
    "cadences": CadenceLibrary,
    "email_templates": EmailTemplates,
    "call_scripts": CallScripts,
    "automation_commands": AutomationCommands,
}
