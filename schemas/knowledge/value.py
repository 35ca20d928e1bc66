"""Knowledge models for the 'value' area: quantifying value and ROI, and selling AI products on value.

Encodes seed 003 (the AI-product sales note): the value-quantification and ROI formulas (as computable
expressions checked against CONTRACT.md `calculate_roi` and the seed's worked examples), the data an ROI
calculator collects, the multi-level decision map, the data-driven funnel, the selling approaches
(solution, value proposition, data-driven, competitive positioning), what is different about selling AI
products, sales enablement (collateral, tools, training), PM–sales collaboration, China-specific selling,
and short summaries of the seed's vendor case studies. SPIN itself lives in the discovery area.
"""

from __future__ import annotations

import ast
import itertools
import math
import operator
from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Code, KnowledgeFile, KnowledgeModel, NonEmpty, Terms, Text, by_code, placeholder_names
from .vocab import ContactRole, StageCode

# --------------------------------------------------------------------------------------------------
# Shared small types
# --------------------------------------------------------------------------------------------------


Unit = Literal[
    "people",
    "money",
    "money_per_year",
    "money_per_person_year",
    "share",
    "percent",
    "ratio",
    "years",
    "months",
    "minutes",
    "count_per_day",
    "count_per_month",
    "tasks_per_hour",
    "same_unit",
    "score_out_of_5",
]
"""Units of formula inputs and results. `share` is a fraction 0–1; `percent` is 0–100 (may exceed 100 for
gains); `same_unit` is any unit, the same for both values of a before/after pair."""

Currency = Literal["CNY", "USD"]

Lever = Literal["cost_saving", "efficiency_gain", "risk_mitigation", "investment"]
"""The seed's three value levers (降本 / 增效 / 避险) plus the investment side of the calculation."""


class ValueRange(KnowledgeModel):
    """An inclusive numeric range."""

    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> ValueRange:
        if self.min > self.max:
            raise ValueError(f"range min {self.min} is above max {self.max}")
        return self


class Metric(KnowledgeModel):
    """A named measure, optionally with a before/after pair or a change in percent."""

    code: Code
    label: Text
    unit: Text | None = None
    before: float | None = None
    after: float | None = None
    change_pct: float | None = None
    """Relative change in percent (+ up, − down) where the seed states one."""


def _same_placeholders(text: Text, where: str) -> set[str]:
    en, zh = set(placeholder_names(text.en)), set(placeholder_names(text.zh))
    if en != zh:
        raise ValueError(f"{where}: placeholders differ between en {sorted(en)} and zh {sorted(zh)}")
    return en


# --------------------------------------------------------------------------------------------------
# Formula evaluation (a tiny, safe arithmetic evaluator over snake_case names)
# --------------------------------------------------------------------------------------------------

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARE: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
}


def expression_names(expression: str) -> set[str]:
    """The variable names an arithmetic expression uses; raises ValueError on anything but + − × ÷ and
    comparisons of names and numbers."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"not an arithmetic expression: {expression!r}") from exc
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise ValueError(f"operator {type(node.op).__name__} not allowed in {expression!r}")
        elif isinstance(node, ast.Compare):
            if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
                raise ValueError(f"only one >, >=, <, <= comparison allowed in {expression!r}")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub):
                raise ValueError(f"unary operator not allowed in {expression!r}")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise ValueError(f"only numeric constants allowed in {expression!r}")
        elif not isinstance(node, ast.Expression | ast.Load | ast.operator | ast.cmpop | ast.unaryop):
            raise ValueError(f"{type(node).__name__} not allowed in {expression!r}")
    return names


def _evaluate(node: ast.expr, env: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, env)
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, env), _evaluate(node.right, env))
    if isinstance(node, ast.Compare):
        result = _COMPARE[type(node.ops[0])](_evaluate(node.left, env), _evaluate(node.comparators[0], env))
        return 1.0 if result else 0.0
    raise ValueError(f"cannot evaluate {ast.dump(node)}")


def evaluate_expression(expression: str, env: Mapping[str, float]) -> float:
    """Evaluate an expression accepted by `expression_names` (comparisons give 1.0 / 0.0)."""
    expression_names(expression)
    return _evaluate(ast.parse(expression, mode="eval").body, env)


# --------------------------------------------------------------------------------------------------
# value_formulas
# --------------------------------------------------------------------------------------------------


class FormulaInput(KnowledgeModel):
    """One input variable of the value formulas."""

    code: Code
    label: Text
    unit: Unit
    min: float | None = None
    max: float | None = None
    default: float | None = None
    """Used when the caller gives no value (e.g. efficiency_factor 1, years 3)."""
    contract_input: bool
    """True when `calculate_roi` takes this input (CONTRACT.md)."""
    description: Text
    cues: Terms | None = None
    """Words that introduce this figure in notes or transcripts (for extraction)."""

    @model_validator(mode="after")
    def _bounds(self) -> FormulaInput:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"input {self.code}: min above max")
        if self.default is not None:
            if self.min is not None and self.default < self.min:
                raise ValueError(f"input {self.code}: default below min")
            if self.max is not None and self.default > self.max:
                raise ValueError(f"input {self.code}: default above max")
        return self


class Formula(KnowledgeModel):
    """One value or ROI formula: human-readable expression, computable expression, explanation template."""

    code: Code
    """Name of the result (for contract formulas: the `calculate_roi` output field)."""
    label: Text
    lever: Lever
    expression: Text
    """The formula as people read it, e.g. `replaced_headcount = headcount × automatable_share × ...`."""
    compute: NonEmpty
    """The right-hand side as an arithmetic expression over input and earlier formula codes."""
    defined_when: NonEmpty | None = None
    """A comparison that must hold for a result (else the result is null), e.g. `annual_net > 0`."""
    when_missing: float | None = None
    """Value used when an input is not supplied (e.g. risk_value 0 when no risk is given); else null."""
    unit: Unit
    in_contract: bool
    """True when CONTRACT.md `calculate_roi` defines this formula."""
    seed_expression: Text | None = None
    """The seed's own statement of the formula (paraphrased), where it has one."""
    explanation: Text
    """Template for one explanation line; placeholders are input/formula codes."""
    notes: list[Text] = Field(default_factory=list)

    @field_validator("compute", "defined_when")
    @classmethod
    def _arithmetic(cls, value: str | None) -> str | None:
        if value is not None:
            expression_names(value)
        return value


class ValueLever(KnowledgeModel):
    """One of the seed's three value levers (降本 / 增效 / 避险) with its sub-items and formula."""

    code: Lever
    label: Text
    items: list[Text]
    formulas: list[Code]
    application: Text
    """The AI application the seed gives as the typical use of this lever."""


class RoiWorkedExample(KnowledgeModel):
    """A worked example: the inputs, what the seed states, and what this file's formulas compute."""

    code: Code
    title: Text
    source: NonEmpty
    currency: Currency
    inputs: dict[Code, float]
    seed_stated: dict[Code, float]
    """Results as the seed states them (full currency units, not 万)."""
    computed: dict[Code, float | None]
    """What the formulas of this file give from `inputs` (checked at load)."""
    status: Literal["agrees", "differs", "derived_only"]
    """agrees: every stated figure is reproduced; differs: at least one is not; derived_only: the seed
    states no result that the formulas compute."""
    context: list[Text] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)


class ContractDiscrepancy(KnowledgeModel):
    """A place where the seed's formula or numbers differ from CONTRACT.md `calculate_roi`."""

    code: Code
    formulas: list[Code]
    seed: Text
    contract: Text
    resolution: Text


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


class ValueFormulas(KnowledgeFile):
    """value_formulas.yaml: the value-quantification and ROI formulas, levers, worked examples, discrepancies."""

    principle: Text
    levers: list[ValueLever]
    inputs: list[FormulaInput]
    formulas: list[Formula]
    """In evaluation order: a formula may use only inputs and formulas listed before it."""
    examples: list[RoiWorkedExample]
    notes: list[ContractDiscrepancy]
    """Every place where the seed's formula or numbers differ from CONTRACT.md."""

    def input(self, code: str) -> FormulaInput:
        return by_code(self.inputs, code)

    def formula(self, code: str) -> Formula:
        return by_code(self.formulas, code)

    def evaluate(self, values: Mapping[str, float]) -> dict[str, float | None]:
        """Apply every formula in order to the given input values (defaults fill the gaps).

        A formula whose inputs are missing gets its `when_missing` value (or null); one whose `defined_when`
        does not hold is null (e.g. payback when the annual net is not positive).
        """
        env: dict[str, float] = {i.code: i.default for i in self.inputs if i.default is not None}
        env.update(values)
        results: dict[str, float | None] = {}
        for formula in self.formulas:
            needed = expression_names(formula.compute)
            if formula.defined_when is not None:
                needed |= expression_names(formula.defined_when)
            value: float | None
            if not needed <= env.keys():
                value = formula.when_missing
            elif formula.defined_when is not None and not evaluate_expression(formula.defined_when, env):
                value = None
            else:
                value = evaluate_expression(formula.compute, env)
            results[formula.code] = value
            if value is not None:
                env[formula.code] = value
        return results

    @model_validator(mode="after")
    def _consistent(self) -> ValueFormulas:
        input_codes = [i.code for i in self.inputs]
        formula_codes = [f.code for f in self.formulas]
        for codes, what in ((input_codes, "input"), (formula_codes, "formula")):
            if len(set(codes)) != len(codes):
                raise ValueError(f"duplicate {what} codes")
        if set(input_codes) & set(formula_codes):
            raise ValueError("a code is both an input and a formula")
        known = set(input_codes)
        for formula in self.formulas:
            used = expression_names(formula.compute)
            if formula.defined_when is not None:
                used |= expression_names(formula.defined_when)
            unknown = used - known
            if unknown:
                raise ValueError(f"formula {formula.code} uses unknown or later names {sorted(unknown)}")
            known.add(formula.code)
            allowed = known | set(input_codes)
            names = _same_placeholders(formula.explanation, f"formula {formula.code} explanation")
            if not names <= allowed:
                raise ValueError(f"formula {formula.code} explanation uses unknown {sorted(names - allowed)}")
        for lever in self.levers:
            missing = set(lever.formulas) - set(formula_codes)
            if missing:
                raise ValueError(f"lever {lever.code} names unknown formulas {sorted(missing)}")
        for note in self.notes:
            missing = set(note.formulas) - set(formula_codes) - set(input_codes)
            if missing:
                raise ValueError(f"note {note.code} names unknown formulas {sorted(missing)}")
        for example in self.examples:
            self._check_example(example, set(input_codes), set(formula_codes))
        return self

    def _check_example(self, example: RoiWorkedExample, inputs: set[str], formulas: set[str]) -> None:
        where = f"example {example.code}"
        if not set(example.inputs) <= inputs:
            raise ValueError(f"{where}: unknown inputs {sorted(set(example.inputs) - inputs)}")
        for key in (*example.seed_stated, *example.computed):
            if key not in formulas:
                raise ValueError(f"{where}: {key!r} is not a formula code")
        results = self.evaluate(example.inputs)
        for key, expected in example.computed.items():
            got = results[key]
            if (expected is None) != (got is None) or (
                expected is not None and got is not None and not _close(expected, got)
            ):
                raise ValueError(f"{where}: computed {key} is {expected}, formulas give {got}")
        overlap = [key for key in example.seed_stated if key in example.computed]
        mismatches = []
        for key in overlap:
            value = example.computed[key]
            if value is None or not _close(example.seed_stated[key], value):
                mismatches.append(key)
        status = "derived_only" if not overlap else ("differs" if mismatches else "agrees")
        if status != example.status:
            raise ValueError(f"{where}: status should be {status!r} (mismatches: {mismatches})")


# --------------------------------------------------------------------------------------------------
# roi_calculator_inputs
# --------------------------------------------------------------------------------------------------


class CalculatorField(KnowledgeModel):
    """One figure the ROI calculator asks the customer (or the vendor) for."""

    code: Code
    label: Text
    unit: Unit
    feeds: list[Code]
    """Codes in value_formulas (inputs or formulas) this figure feeds; empty = context only."""
    contract_input: Code | None = None
    """The `calculate_roi` input it maps to, if any."""
    how_used: Text
    ask: Text
    """A question that collects the figure."""
    cues: Terms


class CalculatorFieldGroup(KnowledgeModel):
    code: Code
    label: Text
    fields: list[CalculatorField]


class CalculatorVariant(KnowledgeModel):
    """A variant of the ROI calculator the seed mentions (by product or by channel)."""

    code: Code
    label: Text
    inputs: list[Text]
    outputs: list[Text]
    when_used: Text


class PracticeScenario(KnowledgeModel):
    """A practice case with customer figures (no vendor price given)."""

    code: Code
    title: Text
    customer: Text
    figures: list[Metric]
    concern: Text
    tasks: list[Text]


class RoiCalculatorInputs(KnowledgeFile):
    """roi_calculator_inputs.yaml: what to collect from a customer to quantify value."""

    purpose: Text
    groups: list[CalculatorFieldGroup]
    vendor_side: list[CalculatorField]
    calculation_steps: list[Text]
    outputs: list[Text]
    variants: list[CalculatorVariant]
    practice: list[PracticeScenario]
    notes: list[Text]

    @model_validator(mode="after")
    def _unique(self) -> RoiCalculatorInputs:
        codes = [f.code for g in self.groups for f in g.fields] + [f.code for f in self.vendor_side]
        if len(set(codes)) != len(codes):
            raise ValueError("duplicate calculator field codes")
        return self

    def all_fields(self) -> list[CalculatorField]:
        return [f for g in self.groups for f in g.fields] + list(self.vendor_side)


# --------------------------------------------------------------------------------------------------
# decision_levels
# --------------------------------------------------------------------------------------------------


class DecisionLevel(KnowledgeModel):
    """One layer of the buying committee in a Chinese mid/large enterprise buying an AI product."""

    code: Code
    order: int = Field(ge=1)
    label: Text
    aliases: Terms
    typical_titles: Terms
    contact_roles: list[ContactRole]
    """Closest CONTRACT.md contact roles (an interpretation: the seed names titles, not roles)."""
    concerns: list[Text]
    typical_questions: list[Text]
    decision_power: Text
    has_veto: bool
    evidence: list[Text]
    """Materials that persuade this layer."""
    strategy: list[Text]
    activities: list[Text]
    """What happens while this layer is being worked."""
    duration_months: ValueRange
    concern_cues: Terms
    """Phrases in notes that show this layer's concern is in play."""
    bank_case: Text
    """How the seed's bank case handled this layer."""


class DecisionLayerVariant(KnowledgeModel):
    """Another grouping of the layers used elsewhere in the seed, mapped to the four codes."""

    code: Code
    label: Text
    layers: list[Text]
    maps_to: list[list[Code]]
    source: NonEmpty


class DecisionLevels(KnowledgeFile):
    """decision_levels.yaml: the multi-level decision map (多层决策)."""

    definition: Text
    levels: list[DecisionLevel]
    principle: Text
    team: list[Text]
    variants: list[DecisionLayerVariant]
    total_duration_months: ValueRange
    """Sum of the layers' durations."""

    @model_validator(mode="after")
    def _consistent(self) -> DecisionLevels:
        orders = [level.order for level in self.levels]
        if orders != list(range(1, len(self.levels) + 1)):
            raise ValueError("decision levels must be ordered 1..n")
        codes = {level.code for level in self.levels}
        if len(codes) != len(self.levels):
            raise ValueError("duplicate decision level codes")
        low = sum(level.duration_months.min for level in self.levels)
        high = sum(level.duration_months.max for level in self.levels)
        if not (_close(low, self.total_duration_months.min) and _close(high, self.total_duration_months.max)):
            raise ValueError(f"total_duration_months should be {low}..{high}")
        for variant in self.variants:
            if len(variant.maps_to) != len(variant.layers):
                raise ValueError(f"variant {variant.code}: one mapping per layer")
            for group in variant.maps_to:
                if not set(group) <= codes:
                    raise ValueError(f"variant {variant.code} maps to unknown levels {sorted(set(group) - codes)}")
        return self

    def level(self, code: str) -> DecisionLevel:
        return by_code(self.levels, code)


# --------------------------------------------------------------------------------------------------
# funnel_benchmarks
# --------------------------------------------------------------------------------------------------


class FunnelStage(KnowledgeModel):
    code: Code
    label: Text
    count: int = Field(gt=0)
    contract_stage: StageCode
    """Closest CONTRACT.md stage (an interpretation)."""
    conversion_to_next_pct: float | None = Field(default=None, ge=0, le=100)
    """Conversion to the next stage as the seed states it (rounded); null for the last stage."""
    win_rate_from_here_pct: float = Field(ge=0, le=100)
    """Final count / this stage's count × 100 (derived, rounded to 0.1)."""


class ForecastDimension(KnowledgeModel):
    code: Code
    label: Text
    traditional: Text
    ai_driven: Text
    accuracy_gain_pct: float
    """Improvement in accuracy in percentage points as stated ("+25%")."""


class ReportedResult(KnowledgeModel):
    """A publicly reported result the seed quotes."""

    code: Code
    label: Text
    kind: Literal["change", "share"]
    """change: relative change in percent (+ up, − down); share: a proportion in percent."""
    value_pct: float
    qualifier: Literal["exact", "over"] = "exact"
    """`over` when the seed says "more than"."""
    source: Text


class FunnelBenchmarks(KnowledgeFile):
    """funnel_benchmarks.yaml: the data-driven selling funnel, its conversion benchmarks and forecasting."""

    principle: Text
    stages: list[FunnelStage] = Field(min_length=2)
    overall_conversion_pct: float
    practices: list[Text]
    metrics: list[Metric]
    forecasting: list[ForecastDimension]
    reported_results: list[ReportedResult]
    notes: list[Text]

    @model_validator(mode="after")
    def _consistent(self) -> FunnelBenchmarks:
        stages = self.stages
        for current, following in itertools.pairwise(stages):
            if following.count > current.count:
                raise ValueError(f"funnel widens after {current.code}")
            if current.conversion_to_next_pct is None:
                raise ValueError(f"stage {current.code} needs conversion_to_next_pct")
            actual = following.count / current.count * 100
            if abs(actual - current.conversion_to_next_pct) > 1.0:
                raise ValueError(
                    f"stage {current.code}: stated conversion {current.conversion_to_next_pct}% "
                    f"but counts give {actual:.1f}%"
                )
        if stages and stages[-1].conversion_to_next_pct is not None:
            raise ValueError("the last funnel stage has no conversion to next")
        final = stages[-1].count
        for stage in stages:
            if abs(final / stage.count * 100 - stage.win_rate_from_here_pct) > 0.05:
                raise ValueError(f"stage {stage.code}: win_rate_from_here_pct should be {final / stage.count:.3%}")
        if abs(final / stages[0].count * 100 - self.overall_conversion_pct) > 0.05:
            raise ValueError("overall_conversion_pct does not match the counts")
        return self


# --------------------------------------------------------------------------------------------------
# selling_approaches
# --------------------------------------------------------------------------------------------------


class ProcessStep(KnowledgeModel):
    code: Code
    label: Text
    method: Text | None = None
    sub_steps: list[Text] = Field(default_factory=list)
    duration_weeks: ValueRange | None = None


class ValueProposition(KnowledgeModel):
    """A standard value proposition for an AI product type."""

    code: Code
    product: Text
    proposition: Text
    claims: list[Metric]
    """The quantified claims (e.g. cost −60%)."""
    kpis: list[Text]
    typical_customers: Terms


class PositioningPillar(KnowledgeModel):
    code: Code
    label: Text
    items: list[Text]


class MarketPlayer(KnowledgeModel):
    code: Code
    vendor: Text
    product: Text
    strengths: list[Text]
    target_industries: Terms


class ComparisonDimension(KnowledgeModel):
    """A row of the competitor comparison table (battle-card dimension) with the seed's example values."""

    code: Code
    label: Text
    values: dict[Code, Text]
    """Example value per product code in `comparison_products`."""


class Approach(KnowledgeModel):
    """One selling approach: what it is, its principles and its parts."""

    code: Code
    label: Text
    definition: Text
    principles: list[Text]
    components: list[PositioningPillar]
    """Named parts of the approach (from the seed's mind map)."""


class SellingApproaches(KnowledgeFile):
    """selling_approaches.yaml: solution selling, value-proposition selling, data-driven selling, positioning."""

    approaches: list[Approach]
    solution_selling_flow: list[ProcessStep]
    value_propositions: list[ValueProposition]
    positioning_pillars: list[PositioningPillar]
    market_players: list[MarketPlayer]
    comparison_products: dict[Code, Text]
    comparison_dimensions: list[ComparisonDimension]
    competitive_intel: list[Text]
    """What the competitor-intelligence library holds."""
    notes: list[Text]

    @model_validator(mode="after")
    def _consistent(self) -> SellingApproaches:
        products = set(self.comparison_products)
        for row in self.comparison_dimensions:
            if set(row.values) != products:
                raise ValueError(f"comparison row {row.code} must give a value for each of {sorted(products)}")
        codes = [a.code for a in self.approaches]
        if len(set(codes)) != len(codes):
            raise ValueError("duplicate approach codes")
        return self


# --------------------------------------------------------------------------------------------------
# ai_selling
# --------------------------------------------------------------------------------------------------


class Challenge(KnowledgeModel):
    code: Code
    label: Text
    aspects: list[Text]
    difference: Text
    responses: list[Text]


class ComparisonRow(KnowledgeModel):
    code: Code
    dimension: Text
    traditional: Text
    ai_product: Text


class CycleMonths(KnowledgeModel):
    traditional: ValueRange
    ai_product: ValueRange
    ai_large_account_max: float
    ai_multi_department: ValueRange
    """The range given where multi-department decisions are discussed (self-test answer)."""


class GlossaryTerm(KnowledgeModel):
    code: Code
    term: Text
    definition: Text


class AiSelling(KnowledgeFile):
    """ai_selling.yaml: AI-product vs traditional software selling, responses, key points, glossary."""

    challenges: list[Challenge]
    comparison: list[ComparisonRow]
    cycle_months: CycleMonths
    explanation_layers: list[PositioningPillar]
    """What a rep must cover for a typical AI purchase (technical / effect / value / security)."""
    key_points: list[Text]
    glossary: list[GlossaryTerm]
    notes: list[Text]


# --------------------------------------------------------------------------------------------------
# sales_enablement
# --------------------------------------------------------------------------------------------------


class CollateralItem(KnowledgeModel):
    code: Code
    label: Text
    contents: list[Text]
    example: Text


class SalesTool(KnowledgeModel):
    code: Code
    label: Text
    functions: list[Text]
    use_case: Text | None = None
    platforms: list[Text] = Field(default_factory=list)


class TrainingLevel(KnowledgeModel):
    code: Code
    label: Text
    audience: Text
    content: list[Text]
    pass_criterion: Text
    pass_threshold: Metric | None = None
    days: float = Field(gt=0)


class Feature(KnowledgeModel):
    code: Code
    label: Text
    function: Text
    effect: Text
    effect_metric: Metric | None = None


class DesignExercise(KnowledgeModel):
    code: Code
    title: Text
    scenario: Text
    deliverables: list[Text]
    requirements: list[Text]


class SalesEnablement(KnowledgeFile):
    """sales_enablement.yaml: collateral pack, sales tools, training system, AI assistants."""

    collateral_layers: list[Text]
    collateral: list[CollateralItem]
    collateral_trends: list[Text]
    toolbox: list[SalesTool]
    china_tools: list[SalesTool]
    vendor_tool_example: list[SalesTool]
    training_levels: list[TrainingLevel]
    training_topics: list[Text]
    training_modes: list[Text]
    ai_assistant_features: list[Feature]
    ai_agents: list[Feature]
    reported_gains: list[Metric]
    exercise: DesignExercise
    learning_tips: list[Text]
    notes: list[Text]

    @model_validator(mode="after")
    def _levels(self) -> SalesEnablement:
        codes = [level.code for level in self.training_levels]
        if len(set(codes)) != len(codes):
            raise ValueError("duplicate training level codes")
        return self


# --------------------------------------------------------------------------------------------------
# pm_sales_collaboration
# --------------------------------------------------------------------------------------------------

Frequency = Literal["weekly", "biweekly", "monthly", "quarterly", "on_demand"]


class Meeting(KnowledgeModel):
    code: Code
    label: Text
    frequency: Frequency
    participants: list[Text]
    outputs: list[Text]
    tools: list[Text]


class PmRole(KnowledgeModel):
    code: Code
    phase: Text
    role: Text
    tasks: list[Text]
    success: Text
    success_metric: Metric | None = None


class NodeSupport(KnowledgeModel):
    code: Code
    node: Text
    pm_action: Text
    effect: Text


class CaseElement(KnowledgeModel):
    code: Code
    label: Text
    requirement: Text
    example: Text


class PmSalesCollaboration(KnowledgeFile):
    """pm_sales_collaboration.yaml: how product managers and sales work together."""

    mechanisms: list[PositioningPillar]
    meetings: list[Meeting]
    tool_stack: list[SalesTool]
    participation: list[PositioningPillar]
    """PM involvement by phase (pre-sale / in-sale / post-sale)."""
    roles: list[PmRole]
    node_support_example: list[NodeSupport]
    pm_contributions: list[Text]
    lesson: Text
    case_cocreation: list[ProcessStep]
    case_elements: list[CaseElement]
    case_channels: list[Text]
    presales_response_hours_max: float = Field(gt=0)
    """Target response time of a PM to a customer's technical question in pre-sales (practice brief)."""
    exercise: DesignExercise
    notes: list[Text] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# china_selling
# --------------------------------------------------------------------------------------------------


class ChinaPractice(KnowledgeModel):
    code: Code
    label: Text
    description: Text
    practices: list[Text]
    examples: list[Text]


class ChinaSelling(KnowledgeFile):
    """china_selling.yaml: relationship selling, multi-level decisions, government/enterprise process."""

    practices: list[ChinaPractice]
    procurement_steps: list[ProcessStep]
    security_commitments: list[Text]
    lesson: Text
    notes: list[Text] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# ai_sales_case_studies
# --------------------------------------------------------------------------------------------------


class CaseNode(KnowledgeModel):
    node: Literal[
        "lead_generation",
        "ecosystem_entry",
        "relationship_building",
        "discovery",
        "solution_design",
        "poc",
        "bidding",
        "negotiation",
        "contract",
        "delivery",
    ]
    approach: Text | None = None
    """The selling approach applied at this node, where the seed names one."""
    done: Text
    duration_months: float | None = Field(default=None, gt=0)


class CaseStudy(KnowledgeModel):
    code: Code
    vendor: Text
    customer: Text
    industry: Code
    nodes: list[CaseNode]
    results: list[Metric]
    contract_years: int | None = None
    contract_value_cny: float | None = None
    takeaway: Text


class AiSalesCaseStudies(KnowledgeFile):
    """ai_sales_case_studies.yaml: short factual summaries of the seed's vendor cases by sales node."""

    cases: list[CaseStudy]
    public_reports: list[Text]


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "value_formulas": ValueFormulas,
    "roi_calculator_inputs": RoiCalculatorInputs,
    "decision_levels": DecisionLevels,
    "funnel_benchmarks": FunnelBenchmarks,
    "selling_approaches": SellingApproaches,
    "ai_selling": AiSelling,
    "sales_enablement": SalesEnablement,
    "pm_sales_collaboration": PmSalesCollaboration,
    "china_selling": ChinaSelling,
    "ai_sales_case_studies": AiSalesCaseStudies,
}
