"""Knowledge models for objection handling: the LAER framework, the objection library and the reverse technique.

`handle_objection` classifies what a buyer said against the library's cue phrases, picks the matching
playbook answer, fills its `{placeholders}` from the deal context (a monthly cost of inaction becomes three
times as much by next quarter) and lists the moves to avoid; `coach_call` uses the same cues to spot objections
in a transcript and the LAER `avoid` cues to spot the rep's mistakes. The `Template` and `PlaceholderSpec`
building blocks defined here are reused by the closing area.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal, get_args

from pydantic import Field, model_validator

from .base import Code, KnowledgeFile, KnowledgeModel, Terms, Text, placeholder_set, unique

ObjectionCategory = Literal["price", "timing", "authority", "status_quo", "brush_off", "other"]
"""The contract's objection categories; `other` is the fallback when nothing in the library matches."""

CATEGORY_CODES: tuple[ObjectionCategory, ...] = get_args(ObjectionCategory)

CallContext = Literal["cold_call", "deal"]
"""Where an objection is heard: on a cold call (a reflex to end the call) or inside a running deal."""

LaerStepCode = Literal["listen", "acknowledge", "explore", "respond"]
LAER_ORDER: tuple[LaerStepCode, ...] = get_args(LaerStepCode)

MIN_CUE_PHRASES = 12
"""Every objection carries at least this many realistic paraphrases per language for the classifier."""

_PLACEHOLDER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class Template(Text):
    """A bilingual text with `{snake_case}` placeholders; the English and Chinese versions use the same names."""

    @model_validator(mode="after")
    def _same_placeholders(self) -> Template:
        en, zh = placeholder_set(self.en), placeholder_set(self.zh)
        if en != zh:
            raise ValueError(f"en and zh use different placeholders: en {sorted(en)} vs zh {sorted(zh)}")
        return self

    @property
    def placeholders(self) -> set[str]:
        return set(placeholder_set(self.en))


PlaceholderSource = Literal["context", "derived", "rep", "constant"]


class PlaceholderSpec(KnowledgeModel):
    """What a template placeholder means and how a tool fills it.

    - `context`: comes from the tool input (e.g. `cost_of_inaction_per_month`, `competitor`, `deal_value`);
    - `derived`: `derived_from` × `factor` (e.g. cost by next quarter = 3 × the monthly cost);
    - `rep`: a fact the rep supplies (a reference customer, a result); `default` is used when it is unknown;
    - `constant`: a playbook number (`value`), e.g. the two-minute promise on a cold call.

    A placeholder with neither `default` nor `value` cannot always be filled, so templates that use it need a
    fallback version without it (checked by the files that use templates).
    """

    name: Code
    meaning: Text
    source: PlaceholderSource
    numeric: bool = False
    """True when the value is a number (money, percentage, count) the tool formats itself."""
    money: bool = False
    """True when the number is an amount in the deal's currency."""
    derived_from: Code | None = None
    factor: float | None = None
    value: float | None = None
    default: Text | None = None
    """Neutral wording used when the fact is unknown (e.g. `{competitor}` → 'the other vendor')."""

    @model_validator(mode="after")
    def _consistent(self) -> PlaceholderSpec:
        if self.source == "derived":
            if self.derived_from is None or self.factor is None or self.factor <= 0:
                raise ValueError(f"derived placeholder {self.name!r} needs derived_from and a positive factor")
        elif self.derived_from is not None or self.factor is not None:
            raise ValueError(f"only derived placeholders take derived_from/factor ({self.name!r})")
        if self.source == "constant":
            if self.value is None:
                raise ValueError(f"constant placeholder {self.name!r} needs a value")
        elif self.value is not None:
            raise ValueError(f"only constant placeholders take a value ({self.name!r})")
        if self.money and not self.numeric:
            raise ValueError(f"money placeholder {self.name!r} must also be numeric")
        return self

    @property
    def always_fillable(self) -> bool:
        """True when a tool can fill it without any input (it has a default wording or a constant value)."""
        return self.default is not None or self.value is not None


def check_placeholders(
    specs: Iterable[PlaceholderSpec],
    templates: Mapping[str, Template],
    fallbacks: Mapping[str, Template | None] | None = None,
) -> None:
    """Validate templates against the declared placeholders.

    Every placeholder must be declared; derived placeholders must derive from declared ones. A template in
    `fallbacks` (key → its fallback) may use placeholders that are not always fillable only if it has a
    fallback that uses none of those; every other template must be fillable with defaults alone.
    """
    by_name: dict[str, PlaceholderSpec] = {}
    for spec in specs:
        if spec.name in by_name:
            raise ValueError(f"placeholder {spec.name!r} is declared twice")
        by_name[spec.name] = spec
    for spec in by_name.values():
        if spec.derived_from is not None and spec.derived_from not in by_name:
            raise ValueError(f"placeholder {spec.name!r} derives from undeclared {spec.derived_from!r}")
    fallbacks = fallbacks or {}
    for where, template in templates.items():
        used = template.placeholders
        unknown = used - by_name.keys()
        if unknown:
            raise ValueError(f"{where}: undeclared placeholders {sorted(unknown)}")
        needs_input = {name for name in used if not by_name[name].always_fillable}
        if not needs_input:
            continue
        if where not in fallbacks:
            raise ValueError(f"{where}: uses {sorted(needs_input)}, which have no default; use it in respond only")
        fallback = fallbacks[where]
        if fallback is None:
            raise ValueError(f"{where}: uses {sorted(needs_input)} (no default) but has no fallback version")
        bad = {name for name in fallback.placeholders if name not in by_name or not by_name[name].always_fillable}
        if bad:
            raise ValueError(f"{where} fallback: must not use placeholders without a default: {sorted(bad)}")


def check_declared(specs: Iterable[PlaceholderSpec], templates: Mapping[str, Template]) -> None:
    """Validate that templates only use declared placeholders (for scripts the rep completes, or that a tool
    offers only once the facts behind their placeholders are known)."""
    specs = list(specs)
    check_placeholders(specs, {})
    declared = {spec.name for spec in specs}
    for where, template in templates.items():
        unknown = template.placeholders - declared
        if unknown:
            raise ValueError(f"{where}: undeclared placeholders {sorted(unknown)}")


# --------------------------------------------------------------------------------------------- LAER


class LaerStep(KnowledgeModel):
    """One step of LAER: what the rep does, why, and phrasings to use."""

    code: LaerStepCode
    order: int = Field(ge=1, le=4)
    name: Text
    what_to_do: Text
    why: Text
    phrasings: list[Template] = Field(min_length=1)


class AvoidMove(KnowledgeModel):
    """A move that makes an objection worse; `cues` are what a rep says when making it (for call coaching)."""

    code: Code
    label: Text
    why: Text
    instead: Text
    cues: Terms | None = None


class LaerFramework(KnowledgeFile):
    """The LAER pattern every objection answer follows, plus the moves to avoid."""

    principle: Text
    steps: list[LaerStep]
    never_say: Code
    """Code (in `avoid`) of the phrase never to use when acknowledging: 'I understand, but...'."""
    avoid: list[AvoidMove] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> LaerFramework:
        codes = tuple(step.code for step in self.steps)
        if codes != LAER_ORDER:
            raise ValueError(f"steps must be {', '.join(LAER_ORDER)} in that order, got {', '.join(codes)}")
        if [step.order for step in self.steps] != [1, 2, 3, 4]:
            raise ValueError("step orders must be 1, 2, 3, 4")
        unique((move.code for move in self.avoid), "avoid code")
        never = [move for move in self.avoid if move.code == self.never_say]
        if not never:
            raise ValueError(f"never_say {self.never_say!r} is not one of the avoid codes")
        if never[0].cues is None:
            raise ValueError("the never_say move needs cues so call coaching can detect it")
        for step in self.steps:
            for phrasing in step.phrasings:
                if phrasing.placeholders:
                    raise ValueError(f"LAER {step.code} phrasings are generic: no placeholders ({phrasing.en!r})")
        return self

    def step(self, code: LaerStepCode) -> LaerStep:
        return next(step for step in self.steps if step.code == code)


# --------------------------------------------------------------------------------- objection library


class ObjectionCues(KnowledgeModel):
    """How buyers actually voice an objection: many full paraphrases plus optional short keyword cues."""

    phrases: Terms
    keywords: Terms = Field(default_factory=lambda: Terms(en=[], zh=[]))

    @model_validator(mode="after")
    def _enough(self) -> ObjectionCues:
        for lang in ("en", "zh"):
            phrases = self.phrases.get(lang)
            if len(phrases) < MIN_CUE_PHRASES:
                raise ValueError(f"at least {MIN_CUE_PHRASES} {lang} phrases are needed, got {len(phrases)}")
            unique((p.casefold() for p in phrases), f"{lang} cue phrase")
            unique((k.casefold() for k in self.keywords.get(lang)), f"{lang} keyword")
        return self


class CategoryInfo(KnowledgeModel):
    """An objection category: label, description and category-level keywords (used when no entry matches well)."""

    code: ObjectionCategory
    label: Text
    description: Text
    keywords: Terms


class ObjectionAnswer(KnowledgeModel):
    """A LAER answer: what to listen for, how to acknowledge, the exploring question, the response."""

    real_meaning: Text
    listen_for: Text
    acknowledge: Template
    explore: Template
    respond: Template
    respond_fallback: Template | None = None
    """The response without the numbers/facts that may be missing (used when `respond` cannot be filled)."""
    follow_up_questions: list[Template] = Field(min_length=1)
    avoid: list[Text] = Field(min_length=1)

    def templates(self, prefix: str) -> dict[str, Template]:
        found = {
            f"{prefix}.acknowledge": self.acknowledge,
            f"{prefix}.explore": self.explore,
            f"{prefix}.respond": self.respond,
        }
        for index, question in enumerate(self.follow_up_questions):
            found[f"{prefix}.follow_up_questions[{index}]"] = question
        return found


class Objection(ObjectionAnswer):
    """One playbook objection with its answer and classification cues."""

    id: Code
    category: ObjectionCategory
    contexts: list[CallContext] = Field(min_length=1)
    use_instead: dict[CallContext, Code] = Field(default_factory=dict)
    """In a context this objection does not cover, the library entry to use instead."""
    objection: Text
    """The canonical wording of the objection."""
    cues: ObjectionCues

    @model_validator(mode="after")
    def _check(self) -> Objection:
        if self.category == "other":
            raise ValueError(f"{self.id}: 'other' is the fallback, not a library category")
        unique(self.contexts, f"{self.id} context")
        overlap = set(self.use_instead) & set(self.contexts)
        if overlap:
            raise ValueError(f"{self.id}: use_instead names contexts it already covers: {sorted(overlap)}")
        return self


class ObjectionLibrary(KnowledgeFile):
    """Every playbook objection (price, timing, authority, status quo, cold-call brush-offs) with its answer."""

    categories: list[CategoryInfo]
    placeholders: list[PlaceholderSpec]
    objections: list[Objection]
    fallback: ObjectionAnswer
    """The generic LAER answer for category `other` (nothing in the library matched)."""

    @model_validator(mode="after")
    def _check(self) -> ObjectionLibrary:
        cats = [c.code for c in self.categories]
        unique(cats, "category")
        if set(cats) != set(CATEGORY_CODES):
            raise ValueError(f"categories must be exactly {', '.join(CATEGORY_CODES)}")
        unique((o.id for o in self.objections), "objection id")
        ids = {o.id: o for o in self.objections}
        for code in CATEGORY_CODES:
            if code != "other" and not any(o.category == code for o in self.objections):
                raise ValueError(f"category {code!r} has no objection")
        for obj in self.objections:
            for context, target in obj.use_instead.items():
                if target not in ids:
                    raise ValueError(f"{obj.id}: use_instead.{context} names unknown objection {target!r}")
                if context not in ids[target].contexts:
                    raise ValueError(f"{obj.id}: {target!r} does not cover context {context!r}")
        templates: dict[str, Template] = {}
        fallbacks: dict[str, Template | None] = {}
        for obj in self.objections:
            templates.update(obj.templates(obj.id))
            fallbacks[f"{obj.id}.respond"] = obj.respond_fallback
            if obj.respond_fallback is not None:
                templates[f"{obj.id}.respond_fallback"] = obj.respond_fallback
        templates.update(self.fallback.templates("fallback"))
        fallbacks["fallback.respond"] = self.fallback.respond_fallback
        check_placeholders(self.placeholders, templates, fallbacks)
        return self

    def by_id(self, objection_id: str) -> Objection:
        for obj in self.objections:
            if obj.id == objection_id:
                return obj
        raise KeyError(objection_id)

    def in_category(self, category: ObjectionCategory) -> list[Objection]:
        return [obj for obj in self.objections if obj.category == category]

    def placeholder(self, name: str) -> PlaceholderSpec:
        for spec in self.placeholders:
            if spec.name == name:
                return spec
        raise KeyError(name)


# --------------------------------------------------------------------------------- reverse technique


class ReverseEffect(KnowledgeModel):
    code: Code
    effect: Text


class ReverseOutcome(KnowledgeModel):
    """What the buyer may do after the reverse question, and the rep's next move."""

    code: Code
    buyer_response: Text
    next_move: Text


class ReverseTechnique(KnowledgeFile):
    """The 'reverse' question offered after repeated objections: suggest stopping, and let the buyer choose."""

    min_times_objected: int = Field(ge=2)
    """Offer the reverse option once the buyer has objected at least this many times."""
    when_to_use: Text
    script: Template
    variants: list[Template] = Field(default_factory=list)
    effects: list[ReverseEffect] = Field(min_length=2, max_length=2)
    outcomes: list[ReverseOutcome] = Field(min_length=2)
    delivery: list[Text] = Field(min_length=1)
    """How to say it (tone, silence afterwards)."""

    @model_validator(mode="after")
    def _check(self) -> ReverseTechnique:
        unique((e.code for e in self.effects), "effect code")
        unique((o.code for o in self.outcomes), "outcome code")
        for template in (self.script, *self.variants):
            if template.placeholders:
                raise ValueError("reverse scripts must work without placeholders")
        return self


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "laer": LaerFramework,
    "objection_library": ObjectionLibrary,
    "reverse_technique": ReverseTechnique,
}
