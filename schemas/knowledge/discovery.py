"""Knowledge models for discovery and demos: the question bank, SPIN, the discovery call, the demo, the MAP.

- `discovery_questions`: the playbook's 22 discovery questions in five categories, as fill-in templates.
- `spin`: the four SPIN question types, their samples and the cue phrases that classify a rep's question
  (coach_call's question mix), mapped onto the playbook's categories.
- `discovery_call`: the 30-minute call structure, the talk-time rule and the research to do before the call.
- `demo`: the problem-solution-proof demo flow and its don'ts.
- `mutual_action_plan`: the seven MAP steps with owners and default back-scheduling offsets.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal, get_args

from pydantic import Field, model_validator

from .base import Code, KnowledgeFile, KnowledgeModel, Terms, Text, by_code
from .qualification import MeddpiccKey, TemplateText

QuestionCategory = Literal["situation", "pain", "impact", "need_payoff", "buying_process"]
QUESTION_CATEGORIES: tuple[QuestionCategory, ...] = get_args(QuestionCategory)

SpinType = Literal["situation", "problem", "implication", "need_payoff"]
SPIN_TYPES: tuple[SpinType, ...] = get_args(SpinType)

BantKey = Literal["budget", "authority", "need", "timeline"]

CallPhaseCode = Literal["opening", "current_state", "pain", "future_vision", "process", "next_steps"]
CALL_PHASES: tuple[CallPhaseCode, ...] = get_args(CallPhaseCode)

KnownField = Literal["pains", "trigger_events", "tech_stack", "current_solution"]
"""Fields of prep_discovery's `known` input that a research item fills."""

MapOwner = Literal[
    "prospect_technical", "rep", "champion_and_rep", "prospect_legal", "economic_buyer", "customer_success"
]
MapStatus = Literal["pending", "in_progress", "done", "blocked"]


class PlaceholderSpec(KnowledgeModel):
    """A `{name}` used in this file's templates, with the wording to use when the caller has no value."""

    code: Code
    meaning: Text
    default: Text


def _check_placeholders(specs: list[PlaceholderSpec], templates: list[TemplateText], where: str) -> None:
    declared = {spec.code for spec in specs}
    if len(declared) != len(specs):
        raise ValueError(f"{where}: duplicate placeholder declarations")
    used: set[str] = set()
    for template in templates:
        used |= template.placeholders()
    if used - declared:
        raise ValueError(f"{where}: undeclared placeholders {sorted(used - declared)}")
    if declared - used:
        raise ValueError(f"{where}: declared but unused placeholders {sorted(declared - used)}")


# --- discovery_questions ----------------------------------------------------------------------------------


class QuestionCategoryInfo(KnowledgeModel):
    code: QuestionCategory
    label: Text
    purpose: Text


class DiscoveryQuestion(KnowledgeModel):
    """One playbook discovery question."""

    id: Code
    number: int = Field(ge=1)
    """Its number in the playbook (1-22)."""
    category: QuestionCategory
    text: TemplateText
    forces_quantification: bool = False
    """True when the question makes the buyer put a number on it (the playbook marks these)."""
    meddpicc: list[MeddpiccKey] = Field(default_factory=list)
    """MEDDPICC elements the answer helps confirm (used to target a deal's gaps)."""
    bant: list[BantKey] = Field(default_factory=list)
    """BANT letters the answer helps confirm."""


class DiscoveryQuestionBank(KnowledgeFile):
    """The 22 playbook discovery questions, grouped in five categories."""

    placeholders: list[PlaceholderSpec]
    categories: list[QuestionCategoryInfo]
    questions: list[DiscoveryQuestion]

    @model_validator(mode="after")
    def _check(self) -> DiscoveryQuestionBank:
        if tuple(category.code for category in self.categories) != QUESTION_CATEGORIES:
            raise ValueError(f"categories must be {list(QUESTION_CATEGORIES)} in that order")
        if [question.number for question in self.questions] != list(range(1, 23)):
            raise ValueError("questions must be numbered 1..22 in order")
        ids = [question.id for question in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        positions = [QUESTION_CATEGORIES.index(question.category) for question in self.questions]
        if positions != sorted(positions):
            raise ValueError("questions must be grouped by category in category order")
        if set(positions) != set(range(len(QUESTION_CATEGORIES))):
            raise ValueError("every category needs at least one question")
        _check_placeholders(self.placeholders, [q.text for q in self.questions], "discovery_questions")
        return self

    def by_category(self, category: QuestionCategory) -> list[DiscoveryQuestion]:
        return [question for question in self.questions if question.category == category]

    def for_element(self, key: str) -> list[DiscoveryQuestion]:
        return [question for question in self.questions if key in question.meddpicc]

    def defaults(self, locale: str) -> dict[str, str]:
        return {spec.code: spec.default.get(locale) for spec in self.placeholders}


# --- spin ---------------------------------------------------------------------------------------------------


class SpinStage(KnowledgeModel):
    """One SPIN question type."""

    code: SpinType
    label: Text
    definition: Text
    purpose: Text
    playbook_categories: list[QuestionCategory] = Field(min_length=1)
    sample_questions: list[TemplateText] = Field(min_length=4)
    question_cues: Terms
    """Phrases that mark a question of this type in a transcript."""


class ProcessBucket(KnowledgeModel):
    """The fifth bucket of coach_call's question mix: questions about the buying process (not a SPIN type)."""

    code: Literal["process"]
    label: Text
    definition: Text
    playbook_categories: list[QuestionCategory] = Field(min_length=1)
    question_cues: Terms


class SpinMethod(KnowledgeFile):
    """SPIN questioning: situation, problem, implication, need-payoff, mapped onto the playbook's categories."""

    when_to_use: Text
    placeholders: list[PlaceholderSpec]
    stages: list[SpinStage]
    process_bucket: ProcessBucket
    tie_break_order: list[Literal["situation", "problem", "implication", "need_payoff", "process"]]
    """When a question matches cues of several buckets, the first bucket in this order wins."""

    @model_validator(mode="after")
    def _check(self) -> SpinMethod:
        if tuple(stage.code for stage in self.stages) != SPIN_TYPES:
            raise ValueError(f"stages must be {list(SPIN_TYPES)} in that order")
        mapped = [c for stage in self.stages for c in stage.playbook_categories]
        mapped += list(self.process_bucket.playbook_categories)
        if sorted(mapped) != sorted(QUESTION_CATEGORIES):
            raise ValueError("every playbook category must be mapped to exactly one SPIN type or the process bucket")
        if sorted(self.tie_break_order) != sorted([*SPIN_TYPES, "process"]):
            raise ValueError("tie_break_order must list the four SPIN types and process once each")
        for stage in self.stages:
            if len(stage.question_cues.en) < 8 or len(stage.question_cues.zh) < 8:
                raise ValueError(f"{stage.code}: give at least 8 cue phrases per language")
        templates = [q for stage in self.stages for q in stage.sample_questions]
        _check_placeholders(self.placeholders, templates, "spin")
        return self

    def stage(self, code: str) -> SpinStage:
        return by_code(self.stages, code)

    def spin_type_of(self, category: QuestionCategory) -> str:
        """The SPIN type (or 'process') a playbook question category corresponds to."""
        for stage in self.stages:
            if category in stage.playbook_categories:
                return stage.code
        return self.process_bucket.code


# --- discovery_call -------------------------------------------------------------------------------------------


class CallPhase(KnowledgeModel):
    code: CallPhaseCode
    label: Text
    minutes: int = Field(gt=0)
    goal: Text
    question_categories: list[QuestionCategory] = Field(default_factory=list)
    """Which question-bank categories are asked in this phase."""


class TalkRule(KnowledgeModel):
    """The golden rule of discovery: the rep talks at most this share of the time."""

    max_rep_talk_share: float = Field(gt=0, le=1)
    statement: Text
    why: Text


class ResearchItem(KnowledgeModel):
    """A fact to collect before reaching out or calling."""

    code: Code
    kind: Literal["key_fact", "stakeholders", "buying_signal", "pain_indicator"]
    label: Text
    look_for: Text
    known_field: KnownField | None = None
    """The prep_discovery `known` field that already holds this fact, if any."""


class DiscoveryCallPlan(KnowledgeFile):
    """The 30-minute discovery call, its talk-time rule, and the research checklist for before it."""

    total_minutes: int = Field(gt=0)
    phases: list[CallPhase]
    golden_rule: TalkRule
    min_research_facts: int = Field(ge=1)
    """At least this many key facts per prospect before outreach."""
    research_checklist: list[ResearchItem] = Field(min_length=6)
    research_rules: list[Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> DiscoveryCallPlan:
        if tuple(phase.code for phase in self.phases) != CALL_PHASES:
            raise ValueError(f"phases must be {list(CALL_PHASES)} in that order")
        if sum(phase.minutes for phase in self.phases) != self.total_minutes:
            raise ValueError(f"phase minutes must add up to {self.total_minutes}")
        codes = [item.code for item in self.research_checklist]
        if len(set(codes)) != len(codes):
            raise ValueError("research item codes must be unique")
        if sum(item.kind == "key_fact" for item in self.research_checklist) < self.min_research_facts:
            raise ValueError("the checklist needs at least min_research_facts key facts")
        return self

    def scaled_minutes(self, minutes: int) -> dict[str, int]:
        """Phase minutes scaled to a call of `minutes` (largest remainder; each phase keeps at least 1 minute)."""
        if minutes < len(self.phases):
            raise ValueError(f"a call needs at least {len(self.phases)} minutes")
        exact = [phase.minutes * minutes / self.total_minutes for phase in self.phases]
        result = [max(1, int(value)) for value in exact]
        order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - int(exact[i])), i))
        step = 0
        while sum(result) < minutes:
            result[order[step % len(order)]] += 1
            step += 1
        while sum(result) > minutes:
            biggest = max(range(len(result)), key=lambda i: (result[i], -i))
            result[biggest] -= 1
        return {phase.code: value for phase, value in zip(self.phases, result, strict=True)}


# --- demo ---------------------------------------------------------------------------------------------------


class DemoStep(KnowledgeModel):
    order: int = Field(ge=1)
    code: Code
    label: Text
    minutes: int = Field(gt=0)
    action: Text
    script: TemplateText


class DemoDont(KnowledgeModel):
    code: Code
    dont: Text
    do_instead: Text


class DemoFramework(KnowledgeFile):
    """Problem-solution-proof: demo outcomes, not features."""

    principle: Text
    total_minutes: int = Field(gt=0)
    placeholders: list[PlaceholderSpec]
    steps: list[DemoStep] = Field(min_length=5, max_length=5)
    donts: list[DemoDont] = Field(min_length=6, max_length=6)
    finish_early_minutes: int = Field(ge=0)
    """End the demo this many minutes before the slot ends."""

    @model_validator(mode="after")
    def _check(self) -> DemoFramework:
        if [step.order for step in self.steps] != list(range(1, len(self.steps) + 1)):
            raise ValueError("demo steps must be ordered 1..n")
        if sum(step.minutes for step in self.steps) != self.total_minutes:
            raise ValueError(f"demo step minutes must add up to {self.total_minutes}")
        for items, name in (([s.code for s in self.steps], "step"), ([d.code for d in self.donts], "don't")):
            if len(set(items)) != len(items):
                raise ValueError(f"duplicate {name} codes")
        _check_placeholders(self.placeholders, [step.script for step in self.steps], "demo")
        return self


# --- mutual_action_plan ----------------------------------------------------------------------------------------


class OwnerInfo(KnowledgeModel):
    code: MapOwner
    label: Text


class StatusInfo(KnowledgeModel):
    code: MapStatus
    label: Text


class MapStep(KnowledgeModel):
    order: int = Field(ge=1)
    code: Code
    step: TemplateText
    owner: MapOwner
    days_before_go_live: int = Field(ge=0)
    """Default offset for back-scheduling from the target go-live date (the project's default, not the seed's)."""
    initial_status: MapStatus = "pending"


class MutualActionPlanTemplate(KnowledgeFile):
    """The mutual action plan built with the prospect after the demo, with default back-scheduling offsets."""

    when: Text
    deal_title: TemplateText
    placeholders: list[PlaceholderSpec]
    owners: list[OwnerInfo]
    statuses: list[StatusInfo]
    steps: list[MapStep] = Field(min_length=7, max_length=7)
    offsets_note: Text
    why_it_works: list[Text] = Field(min_length=3)

    @model_validator(mode="after")
    def _check(self) -> MutualActionPlanTemplate:
        if [step.order for step in self.steps] != list(range(1, len(self.steps) + 1)):
            raise ValueError("MAP steps must be ordered 1..n")
        codes = [step.code for step in self.steps]
        if len(set(codes)) != len(codes):
            raise ValueError("MAP step codes must be unique")
        offsets = [step.days_before_go_live for step in self.steps]
        if any(later >= earlier for earlier, later in pairwise(offsets)):
            raise ValueError("days_before_go_live must strictly decrease from the first step to the last")
        owner_codes = [owner.code for owner in self.owners]
        if len(set(owner_codes)) != len(owner_codes) or {s.owner for s in self.steps} - set(owner_codes):
            raise ValueError("every step owner needs exactly one label in owners")
        status_codes = [status.code for status in self.statuses]
        if len(set(status_codes)) != len(status_codes):
            raise ValueError("duplicate status codes")
        if {s.initial_status for s in self.steps} - set(status_codes):
            raise ValueError("every initial_status needs a label in statuses")
        templates = [self.deal_title, *(step.step for step in self.steps)]
        _check_placeholders(self.placeholders, templates, "mutual_action_plan")
        return self

    def owner_label(self, code: str) -> Text:
        for owner in self.owners:
            if owner.code == code:
                return owner.label
        raise KeyError(code)


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "discovery_questions": DiscoveryQuestionBank,
    "spin": SpinMethod,
    "discovery_call": DiscoveryCallPlan,
    "demo": DemoFramework,
    "mutual_action_plan": MutualActionPlanTemplate,
}
