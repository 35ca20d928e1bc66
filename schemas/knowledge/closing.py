"""Knowledge models for closing: buying signals, closing techniques, negotiation rules, discounts and urgency.

`close_plan` reads these files to decide whether a deal is ready to close (buying signals seen), which
technique to use and with which script (conditions are coded facts the tool checks on the deal), how to answer a
discount request (a decision tree walked with `has_budget` / `strategic` / `competitive`, never above the 20%
cap), which negotiation rules to remind the rep of, and which urgency levers the deal's facts actually support.
`coach_call` uses the buying-signal cue phrases to spot signals in transcripts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, get_args

from pydantic import Field, model_validator

from .base import Code, KnowledgeFile, KnowledgeModel, Terms, Text, by_code, unique
from .objections import PlaceholderSpec, Template, check_declared, check_placeholders

MAX_DISCOUNT_PCT_CAP = 20.0
"""The playbook's hard rule: no deal is ever discounted by more than 20%."""

MIN_SIGNAL_CUES = 8
"""Each buying signal carries at least this many cue phrases per language."""


# ------------------------------------------------------------------------------------- buying signals

SignalKind = Literal["verbal", "behavioural"]
SignalSource = Literal["transcript", "notes", "activity"]

VERBAL_SIGNALS = ("asks_implementation", "asks_price", "asks_pilot", "asks_contract_terms", "asks_start_date")
BEHAVIOURAL_SIGNALS = (
    "introduces_stakeholders",
    "asks_references",
    "shares_internal_docs",
    "faster_replies",
    "uses_we_and_when",
)


class BuyingSignal(KnowledgeModel):
    """A sign that the buyer is ready to be asked for the close, with the phrases that reveal it."""

    code: Code
    kind: SignalKind
    label: Text
    meaning: Text
    what_to_do: Text
    detect_from: list[SignalSource] = Field(min_length=1)
    """Where a tool can see it: what the buyer says (transcript), the rep's notes, or the activity log."""
    cues: Terms

    @model_validator(mode="after")
    def _enough(self) -> BuyingSignal:
        for lang in ("en", "zh"):
            cues = self.cues.get(lang)
            if len(cues) < MIN_SIGNAL_CUES:
                raise ValueError(f"{self.code}: at least {MIN_SIGNAL_CUES} {lang} cues are needed")
            unique((c.casefold() for c in cues), f"{self.code} {lang} cue")
        return self


class FalseSignal(KnowledgeModel):
    """Something that feels like progress but is not a buying signal (a pleasant call with no commitment)."""

    code: Code
    label: Text
    why: Text
    cues: Terms


class BuyingSignals(KnowledgeFile):
    """When to ask for the close: the verbal and behavioural buying signals, and look-alikes that are not."""

    principle: Text
    signals: list[BuyingSignal]
    not_signals: list[FalseSignal] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> BuyingSignals:
        unique((s.code for s in self.signals), "signal code")
        verbal = {s.code for s in self.signals if s.kind == "verbal"}
        behavioural = {s.code for s in self.signals if s.kind == "behavioural"}
        if verbal != set(VERBAL_SIGNALS):
            raise ValueError(f"verbal signals must be {', '.join(VERBAL_SIGNALS)}")
        if behavioural != set(BEHAVIOURAL_SIGNALS):
            raise ValueError(f"behavioural signals must be {', '.join(BEHAVIOURAL_SIGNALS)}")
        unique((s.code for s in self.not_signals), "not-signal code")
        return self

    def by_code(self, code: str) -> BuyingSignal:
        return by_code(self.signals, code)


# ----------------------------------------------------------------------------------- closing techniques

TechniqueCode = Literal["summary", "next_step", "assumptive", "pilot"]
TECHNIQUE_CODES: tuple[TechniqueCode, ...] = get_args(TechniqueCode)

ClosingFactCode = Literal[
    "pain_known",
    "cost_known",
    "date_known",
    "criteria_known",
    "next_action_known",
    "strong_buying_signals",
    "hesitant_buyer",
    "budget_confirmed",
    "authority_confirmed",
]


class ClosingFact(KnowledgeModel):
    """A fact about the deal that a closing technique or caution depends on, and how a tool checks it.

    Checks combine with AND: a MEDDPICC element at `min_score` or more; every field in `fields_all` present
    (non-empty, or true for booleans; Deal fields or close_plan inputs); buying signals seen within
    `min_buying_signals`..`max_buying_signals`.
    """

    code: ClosingFactCode
    label: Text
    how_checked: Text
    meddpicc_element: Code | None = None
    min_score: int | None = Field(default=None, ge=1, le=3)
    fields_all: list[Code] = Field(default_factory=list)
    min_buying_signals: int | None = Field(default=None, ge=0)
    max_buying_signals: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _check(self) -> ClosingFact:
        if (self.meddpicc_element is None) != (self.min_score is None):
            raise ValueError(f"{self.code}: meddpicc_element and min_score go together")
        if not (self.meddpicc_element or self.fields_all or self.min_buying_signals is not None) and (
            self.max_buying_signals is None
        ):
            raise ValueError(f"{self.code}: needs at least one machine check")
        if (
            self.min_buying_signals is not None
            and self.max_buying_signals is not None
            and self.min_buying_signals > self.max_buying_signals
        ):
            raise ValueError(f"{self.code}: min_buying_signals above max_buying_signals")
        return self


class ClosingTechnique(KnowledgeModel):
    """A way to ask for the business, when it applies (coded), and its script."""

    code: TechniqueCode
    name: Text
    when: Text
    requires: list[ClosingFactCode] = Field(min_length=1)
    """All of these facts must hold for the technique to apply."""
    priority: int = Field(ge=1)
    """Among applicable techniques, the lowest number wins."""
    script: Template
    pilot_days: int | None = Field(default=None, ge=1)
    first_results_days: int | None = Field(default=None, ge=1)
    next_action_examples: list[Text] = Field(default_factory=list)


class ClosingCaution(KnowledgeModel):
    """A warning raised when closing or sending paper while one of `unless_all` facts is not established."""

    code: Code
    warning: Text
    unless_all: list[ClosingFactCode] = Field(min_length=1)


class ClosingTechniques(KnowledgeFile):
    """The four closing techniques, the deal facts they require, and cautions before asking for the close."""

    when_to_ask: Text
    facts: list[ClosingFact]
    placeholders: list[PlaceholderSpec]
    techniques: list[ClosingTechnique]
    default_technique: TechniqueCode
    """Used when no technique's conditions hold (its placeholders fall back to their defaults)."""
    cautions: list[ClosingCaution] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> ClosingTechniques:
        unique((f.code for f in self.facts), "fact code")
        known = {f.code for f in self.facts}
        codes = [t.code for t in self.techniques]
        unique(codes, "technique")
        if set(codes) != set(TECHNIQUE_CODES):
            raise ValueError(f"techniques must be exactly {', '.join(TECHNIQUE_CODES)}")
        unique((str(t.priority) for t in self.techniques), "technique priority")
        for technique in self.techniques:
            missing = set(technique.requires) - known
            if missing:
                raise ValueError(f"{technique.code}: requires undeclared facts {sorted(missing)}")
        for caution in self.cautions:
            missing = set(caution.unless_all) - known
            if missing:
                raise ValueError(f"caution {caution.code}: undeclared facts {sorted(missing)}")
        pilot = self.technique("pilot")
        if pilot.pilot_days is None or "pilot_days" not in pilot.script.placeholders:
            raise ValueError("the pilot technique needs pilot_days and a {pilot_days} placeholder in its script")
        # Scripts are filled from deal facts; every placeholder must be declared and have a default or value.
        check_placeholders(self.placeholders, {f"{t.code}.script": t.script for t in self.techniques})
        return self

    def technique(self, code: TechniqueCode) -> ClosingTechnique:
        return next(t for t in self.techniques if t.code == code)

    def fact(self, code: ClosingFactCode) -> ClosingFact:
        return next(f for f in self.facts if f.code == code)

    def choose(self, facts_true: Iterable[str]) -> ClosingTechnique:
        """The applicable technique with the lowest priority number, else the default technique."""
        true = set(facts_true)
        applicable = [t for t in self.techniques if set(t.requires) <= true]
        if applicable:
            return min(applicable, key=lambda t: t.priority)
        return self.technique(self.default_technique)


# ----------------------------------------------------------------------------------- negotiation rules

NEGOTIATION_RULE_CODES = (
    "never_negotiate_against_yourself",
    "trade_dont_concede",
    "anchor_high",
    "silence",
    "know_walk_away",
    "add_value_not_discount",
    "deadlines",
)


class NegotiationRule(KnowledgeModel):
    code: Code
    order: int = Field(ge=1)
    title: Text
    explanation: Text
    examples: list[Template] = Field(min_length=1)


class NegotiationRules(KnowledgeFile):
    """The seven negotiation rules, in the playbook's order."""

    rules: list[NegotiationRule]
    placeholders: list[PlaceholderSpec]

    @model_validator(mode="after")
    def _check(self) -> NegotiationRules:
        codes = tuple(r.code for r in self.rules)
        if codes != NEGOTIATION_RULE_CODES:
            raise ValueError(f"rules must be {', '.join(NEGOTIATION_RULE_CODES)} in that order")
        if [r.order for r in self.rules] != list(range(1, len(self.rules) + 1)):
            raise ValueError("rule orders must run 1..7")
        # Examples are phrasings the rep completes, so placeholders need not have defaults.
        templates = {f"{r.code}.examples[{i}]": ex for r in self.rules for i, ex in enumerate(r.examples)}
        check_declared(self.placeholders, templates)
        return self


# ------------------------------------------------------------------------------------- discount policy

DiscountDecision = Literal["hold_firm", "trade", "walk_away", "defer"]
DISCOUNT_DECISIONS: tuple[DiscountDecision, ...] = get_args(DiscountDecision)
DiscountQuestionCode = Literal["has_budget", "strategic", "competitive"]


class DiscountQuestion(KnowledgeModel):
    code: DiscountQuestionCode
    question: Text
    help: Text
    examples: list[Text] = Field(default_factory=list)


class DiscountBranch(KnowledgeModel):
    """Where an answer leads: another node (`next`) or an outcome (`outcome`), exactly one."""

    next: Code | None = None
    outcome: Code | None = None

    @model_validator(mode="after")
    def _one(self) -> DiscountBranch:
        if (self.next is None) == (self.outcome is None):
            raise ValueError("a branch leads to exactly one of next or outcome")
        return self


class DiscountNode(KnowledgeModel):
    id: Code
    question: DiscountQuestionCode
    if_yes: DiscountBranch
    if_no: DiscountBranch
    if_unknown: DiscountBranch
    """Taken when the caller did not answer the question."""


class DiscountOutcome(KnowledgeModel):
    """A leaf of the tree: the contract decision code, the advice and what may be offered."""

    code: Code
    decision: DiscountDecision
    alternative: DiscountDecision | None = None
    alternative_when: ClosingFactCode | None = None
    """Use `alternative` instead of `decision` when this deal fact holds (see closing_techniques facts)."""
    advice: Text
    script: Template
    max_pct: float = Field(ge=0)
    offer_trades: bool = False
    offer_value_adds: bool = False

    @model_validator(mode="after")
    def _check(self) -> DiscountOutcome:
        if (self.alternative is None) != (self.alternative_when is None):
            raise ValueError(f"{self.code}: alternative and alternative_when go together")
        if self.decision != "trade" and self.max_pct > 0:
            raise ValueError(f"{self.code}: only a trade may carry a discount (max_pct must be 0)")
        return self


class Concession(KnowledgeModel):
    """Something to ask for in return for a discount (a trade) or to give instead of one (a value-add)."""

    code: Code
    label: Text
    phrasing: Template


class DiscountPolicy(KnowledgeFile):
    """The discount decision tree, what to trade for, what to add instead of cutting price, and the 20% cap."""

    trigger: Text
    questions: list[DiscountQuestion]
    root: Code
    nodes: list[DiscountNode]
    outcomes: list[DiscountOutcome]
    trades: list[Concession] = Field(min_length=1)
    value_adds: list[Concession] = Field(min_length=1)
    max_discount_pct: float = Field(gt=0, le=MAX_DISCOUNT_PCT_CAP)
    cap_reason: Text
    placeholders: list[PlaceholderSpec]

    @model_validator(mode="after")
    def _check(self) -> DiscountPolicy:
        unique((q.code for q in self.questions), "question")
        if {q.code for q in self.questions} != {"has_budget", "strategic", "competitive"}:
            raise ValueError("questions must be has_budget, strategic and competitive")
        unique((n.id for n in self.nodes), "node id")
        unique((o.code for o in self.outcomes), "outcome code")
        unique((t.code for t in self.trades), "trade code")
        unique((v.code for v in self.value_adds), "value-add code")
        nodes = {n.id: n for n in self.nodes}
        outcomes = {o.code for o in self.outcomes}
        if self.root not in nodes:
            raise ValueError(f"root {self.root!r} is not a node")
        reached_nodes: set[str] = set()
        reached_outcomes: set[str] = set()

        def visit(node_id: str, path: tuple[str, ...]) -> None:
            if node_id in path:
                raise ValueError(f"the discount tree has a cycle through {node_id!r}")
            reached_nodes.add(node_id)
            for branch in (nodes[node_id].if_yes, nodes[node_id].if_no, nodes[node_id].if_unknown):
                if branch.next is not None:
                    if branch.next not in nodes:
                        raise ValueError(f"node {node_id!r} points to unknown node {branch.next!r}")
                    visit(branch.next, (*path, node_id))
                elif branch.outcome is not None:
                    if branch.outcome not in outcomes:
                        raise ValueError(f"node {node_id!r} points to unknown outcome {branch.outcome!r}")
                    reached_outcomes.add(branch.outcome)

        visit(self.root, ())
        if reached_nodes != set(nodes):
            raise ValueError(f"unreachable nodes: {sorted(set(nodes) - reached_nodes)}")
        if reached_outcomes != outcomes:
            raise ValueError(f"unreachable outcomes: {sorted(outcomes - reached_outcomes)}")
        used = {o.decision for o in self.outcomes} | {o.alternative for o in self.outcomes if o.alternative}
        if used != set(DISCOUNT_DECISIONS):
            raise ValueError(f"the tree must be able to reach every decision: {', '.join(DISCOUNT_DECISIONS)}")
        for outcome in self.outcomes:
            if outcome.max_pct > self.max_discount_pct:
                raise ValueError(f"{outcome.code}: max_pct {outcome.max_pct} is above the cap")
        templates = {f"{o.code}.script": o.script for o in self.outcomes}
        templates.update({f"trades.{t.code}": t.phrasing for t in self.trades})
        templates.update({f"value_adds.{v.code}": v.phrasing for v in self.value_adds})
        check_placeholders(self.placeholders, templates)
        return self

    def walk(self, answers: Mapping[str, bool | None]) -> tuple[DiscountOutcome, list[str]]:
        """Follow the tree with the caller's answers (missing or None = unknown); returns the outcome and path.

        The path lists `node_id=yes|no|unknown` steps so a tool can explain the decision.
        """
        nodes = {n.id: n for n in self.nodes}
        node = nodes[self.root]
        path: list[str] = []
        while True:
            answer = answers.get(node.question)
            label = "unknown" if answer is None else ("yes" if answer else "no")
            branch = node.if_unknown if answer is None else (node.if_yes if answer else node.if_no)
            path.append(f"{node.id}={label}")
            if branch.outcome is not None:
                return next(o for o in self.outcomes if o.code == branch.outcome), path
            assert branch.next is not None
            node = nodes[branch.next]


# ------------------------------------------------------------------------------------- urgency tactics

UrgencyLeverCode = Literal[
    "cost_of_delay", "resource_constraint", "price_deadline", "competitor_move", "regulatory_deadline"
]
URGENCY_LEVER_CODES: tuple[UrgencyLeverCode, ...] = get_args(UrgencyLeverCode)

UrgencyFactCode = Literal[
    "cost_of_inaction_known",
    "no_firm_timeline",
    "capacity_limit_true",
    "price_change_planned",
    "competitor_signed",
    "regulatory_deadline_known",
]


class UrgencyFact(KnowledgeModel):
    """A fact that must be true before a lever may be used, and the input that establishes it."""

    code: UrgencyFactCode
    label: Text
    how_checked: Text
    inputs: list[Code] = Field(min_length=1)
    """Input fields (close_plan input or Deal) that establish the fact; all must be present / true."""
    negated: bool = False
    """True when the fact holds if the inputs are absent (e.g. no firm timeline = no target date given)."""


class UrgencyLever(KnowledgeModel):
    """An ethical way to create urgency, usable only when every fact in `requires` is true."""

    code: UrgencyLeverCode
    name: Text
    when: Text
    requires: list[UrgencyFactCode] = Field(min_length=1)
    script: Template
    caution: Text


class UrgencyTactics(KnowledgeFile):
    """The five ethical urgency levers, the facts each needs, and the rule never to invent them."""

    principle: Text
    never_lie_rule: Text
    quarter_multiplier: int = Field(ge=1)
    """Cost of delay: a monthly cost of inaction × this = what waiting until next quarter costs."""
    facts: list[UrgencyFact]
    levers: list[UrgencyLever]
    placeholders: list[PlaceholderSpec]

    @model_validator(mode="after")
    def _check(self) -> UrgencyTactics:
        unique((f.code for f in self.facts), "fact code")
        codes = tuple(lever.code for lever in self.levers)
        if codes != URGENCY_LEVER_CODES:
            raise ValueError(f"levers must be {', '.join(URGENCY_LEVER_CODES)} in that order")
        known = {f.code for f in self.facts}
        for lever in self.levers:
            missing = set(lever.requires) - known
            if missing:
                raise ValueError(f"{lever.code}: requires undeclared facts {sorted(missing)}")
        # Lever scripts may use placeholders without a default: a lever is offered only when its facts are known.
        check_declared(self.placeholders, {f"{lever.code}.script": lever.script for lever in self.levers})
        for spec in self.placeholders:
            if spec.source == "derived" and spec.factor != self.quarter_multiplier:
                raise ValueError(f"{spec.name}: derived factor must equal quarter_multiplier")
        return self

    def lever(self, code: UrgencyLeverCode) -> UrgencyLever:
        return next(lever for lever in self.levers if lever.code == code)

    def usable(self, facts_true: Iterable[str]) -> list[UrgencyLever]:
        """The levers whose required facts are all true (only these may be offered)."""
        true = set(facts_true)
        return [lever for lever in self.levers if set(lever.requires) <= true]


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "buying_signals": BuyingSignals,
    "closing_techniques": ClosingTechniques,
    "negotiation_rules": NegotiationRules,
    "discount_policy": DiscountPolicy,
    "urgency_tactics": UrgencyTactics,
}
