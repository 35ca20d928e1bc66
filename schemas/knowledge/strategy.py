"""Knowledge models for the 'strategy' area: choosing segments and accounts, and working key accounts.

Encodes seed 002 (a CRM vendor's sales-growth blue book): segment selection, the Top + BANT screen, the
three-dimension ideal-customer assessment, expansion difficulty and the five-quadrant strategy matrix, the
seven-step key-account plan, buying influences (EB/UB/TB/Coach), business-problem types, the four
opportunity milestones, loyalty, account maintenance and outside resources. `score_accounts` computes with
`ideal_customer_assessment` and `strategy_matrix`; both carry the numbers (scales, formula, thresholds)
as typed fields, and small pure helpers here apply them so every tool reads the rule the same way.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field, model_validator

from .base import Code, KnowledgeFile, KnowledgeModel, Terms, Text, by_code, unique
from .vocab import ContactRole

Band = Literal["low", "medium", "high"]
Side = Literal["low", "high"]
QuadrantCode = Literal["grow", "small_pond", "net", "assault", "nurture"]

IDEAL_DIMENSIONS = ("buying_power", "buying_habits", "sales_cost")
DIFFICULTY_DIMENSIONS = ("acquisition", "competitiveness", "cycle")
QUADRANTS: tuple[QuadrantCode, ...] = get_args(QuadrantCode)


# ---------------------------------------------------------------------------------------------------
# Shared building blocks
# ---------------------------------------------------------------------------------------------------


class Topic(KnowledgeModel):
    """A named point with an explanation (a principle, a tactic, a resource)."""

    code: Code
    name: Text
    description: Text


class ScaleLevel(KnowledgeModel):
    """One level of a 1–5 scale and what it looks like in an account."""

    score: int = Field(ge=1, le=5)
    label: Text
    description: Text


class ScoredDimension(KnowledgeModel):
    """A dimension scored 1–5, with the seed's indicators and the meaning of each level."""

    code: Code
    name: Text
    plain_question: Text
    """The question the dimension answers, in plain words (e.g. 'do they have the money?')."""
    higher_means: Literal["better", "costlier", "harder"]
    """Direction of the scale: 5 is the most money/need, the highest cost, or the hardest to win."""
    indicators: list[Text] = Field(min_length=1)
    levels: list[ScaleLevel] = Field(min_length=5, max_length=5)
    levels_derived: bool
    """True when the seed names the indicators but not the level descriptions (the levels are ours)."""

    @model_validator(mode="after")
    def _levels_one_to_five(self) -> ScoredDimension:
        if [level.score for level in self.levels] != [1, 2, 3, 4, 5]:
            raise ValueError(f"{self.code}: levels must be scores 1, 2, 3, 4, 5 in order")
        return self


class AxisBands(KnowledgeModel):
    """Cuts an axis into low / medium / high, plus the split used for the four corner quadrants.

    low: value <= low_max; high: value >= high_min; medium: strictly between. For the corners a value is on
    the high side when value >= split_at, else on the low side.
    """

    low_max: float
    high_min: float
    split_at: float
    labels: dict[Band, Text]

    @model_validator(mode="after")
    def _ordered(self) -> AxisBands:
        if not self.low_max < self.split_at < self.high_min:
            raise ValueError("bands must satisfy low_max < split_at < high_min")
        if set(self.labels) != {"low", "medium", "high"}:
            raise ValueError("labels must name exactly low, medium and high")
        return self

    def band(self, value: float) -> Band:
        if value <= self.low_max:
            return "low"
        if value >= self.high_min:
            return "high"
        return "medium"

    def side(self, value: float) -> Side:
        return "high" if value >= self.split_at else "low"


class CueSet(KnowledgeModel):
    """Phrases that show (or deny) something in free text such as notes."""

    positive: Terms
    negative: Terms


# ---------------------------------------------------------------------------------------------------
# market_segmentation (002 §1.1)
# ---------------------------------------------------------------------------------------------------


class SegmentationBasis(KnowledgeModel):
    code: Literal["industry", "region"]
    name: Text
    when: Text
    example: Text


class MarketSegmentation(KnowledgeFile):
    """How to pick the customer segments to work: be the big fish in a small pond."""

    definition: Text
    why_segments: Text
    defining_traits: list[Text] = Field(min_length=3)
    bases: list[SegmentationBasis] = Field(min_length=2, max_length=2)
    hierarchy: list[Text] = Field(min_length=2)
    big_fish_small_pond: Text
    assessment: Text
    screening_steps: list[Topic] = Field(min_length=2)
    outlook_years: int = Field(ge=1)
    """How far ahead the industry outlook is read (this year plus this many years)."""
    outcomes: list[Text] = Field(min_length=1)
    tooling_note: Text


# ---------------------------------------------------------------------------------------------------
# top_bant (002 §1.2)
# ---------------------------------------------------------------------------------------------------


class TopExample(KnowledgeModel):
    scenario: Text
    lists: list[Text] = Field(min_length=1)
    list_sizes: list[int] = Field(default_factory=list)
    """Sizes of the lists that are crossed (empty when the approach does not cross lists)."""
    result_count: int = Field(ge=1)
    result: Text

    @model_validator(mode="after")
    def _result_fits(self) -> TopExample:
        if self.list_sizes and self.result_count > min(self.list_sizes):
            raise ValueError("the intersection cannot be larger than the smallest list")
        return self


class TopApproach(KnowledgeModel):
    code: Literal["hunter", "farmer"]
    name: Text
    who: Text
    method: Text
    steps: list[Text] = Field(min_length=1)
    example: TopExample


class BantLevel(KnowledgeModel):
    score: int = Field(ge=1, le=3)
    status: Literal["unknown", "partial", "confirmed"]
    description: Text


class BantElement(KnowledgeModel):
    code: Literal["budget", "authority", "need", "timeline"]
    letter: Literal["B", "A", "N", "T"]
    name: Text
    seed_term: Text
    """How the seed names the element (A is the decision chain, T the purchase cycle)."""
    what_to_establish: Text
    questions: list[Text] = Field(min_length=2)
    levels: list[BantLevel] = Field(min_length=3, max_length=3)
    cues: CueSet

    @model_validator(mode="after")
    def _levels(self) -> BantElement:
        if [(lv.score, lv.status) for lv in self.levels] != [(1, "unknown"), (2, "partial"), (3, "confirmed")]:
            raise ValueError(f"{self.code}: levels must be 1 unknown, 2 partial, 3 confirmed")
        return self


class BantPriorityRule(KnowledgeModel):
    code: Literal["follow_up_now", "qualify_further", "deprioritise"]
    label: Text
    min_total: int = Field(ge=4, le=12)
    min_each: int = Field(ge=1, le=3)
    """Every element must score at least this much for the rule to apply."""
    action: Text


class BantScreen(KnowledgeModel):
    purpose: Text
    elements: list[BantElement] = Field(min_length=4, max_length=4)
    max_total: int
    priority_rules: list[BantPriorityRule] = Field(min_length=3)
    """Checked in order; the first rule whose thresholds hold applies (the last one always holds)."""
    scoring_derived: bool
    scoring_note: Text

    @model_validator(mode="after")
    def _check(self) -> BantScreen:
        if [e.code for e in self.elements] != ["budget", "authority", "need", "timeline"]:
            raise ValueError("BANT elements must be budget, authority, need, timeline in that order")
        if self.max_total != 3 * len(self.elements):
            raise ValueError("max_total must be 3 per element")
        last = self.priority_rules[-1]
        if last.min_total != 4 or last.min_each != 1:
            raise ValueError("the last priority rule must be the catch-all (min_total 4, min_each 1)")
        return self

    def priority(self, scores: dict[str, int]) -> str:
        total = sum(scores.values())
        lowest = min(scores.values())
        for rule in self.priority_rules:
            if total >= rule.min_total and lowest >= rule.min_each:
                return rule.code
        return self.priority_rules[-1].code


class TopBant(KnowledgeFile):
    """Narrow a large pool: cross Top lists (Top principle), then BANT to find who to follow up now."""

    when_to_use: Text
    top_meaning: Text
    """What 'Top' means in the seed (ranked top-N lists, not an acronym)."""
    top_approaches: list[TopApproach] = Field(min_length=2, max_length=2)
    bant: BantScreen
    sequence: list[Text] = Field(min_length=2)


# ---------------------------------------------------------------------------------------------------
# ideal_customer_assessment (002 §1.3)
# ---------------------------------------------------------------------------------------------------


class IdealExample(KnowledgeModel):
    scores: dict[Code, int]
    score: float
    band: Band


class IdealScoring(KnowledgeModel):
    """How the three dimensions combine into the ideal-customer score (value axis of the matrix)."""

    numerator: list[Code] = Field(min_length=1)
    numerator_weights: dict[Code, float]
    denominator: Code
    formula: Text
    score_min: float
    score_max: float
    bands: AxisBands
    default_when_missing: int = Field(ge=1, le=5)
    derived: bool
    note: Text
    worked_examples: list[IdealExample] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> IdealScoring:
        if set(self.numerator_weights) != set(self.numerator):
            raise ValueError("numerator_weights must give one weight per numerator dimension")
        if abs(sum(self.numerator_weights.values()) - 1.0) > 1e-9:
            raise ValueError("numerator weights must sum to 1")
        if self.denominator in self.numerator:
            raise ValueError("the denominator cannot also be in the numerator")
        if not self.score_min < self.bands.low_max < self.bands.high_min < self.score_max:
            raise ValueError("bands must lie inside the score range")
        for ex in self.worked_examples:
            got = self.score(ex.scores)
            if abs(got - ex.score) > 0.005:
                raise ValueError(f"worked example {ex.scores}: score is {got:.4f}, not {ex.score}")
            if self.bands.band(got) != ex.band:
                raise ValueError(f"worked example {ex.scores}: band is {self.bands.band(got)}, not {ex.band}")
        return self

    def score(self, scores: dict[str, int]) -> float:
        """The ideal-customer score: weighted benefit (numerator) divided by the sales cost (denominator)."""

        def value(code: str) -> int:
            return scores.get(code, self.default_when_missing)

        benefit = sum(weight * value(code) for code, weight in self.numerator_weights.items())
        return benefit / value(self.denominator)


class IdealCustomerAssessment(KnowledgeFile):
    """Three dimensions (buying power, buying habits, sales cost) that rate how ideal an account is."""

    purpose: Text
    dimensions: list[ScoredDimension] = Field(min_length=3, max_length=3)
    benefit_over_cost: Text
    """The seed's framing: power and habits are the return (numerator), cost is the denominator."""
    scoring: IdealScoring
    target_list: Text
    portrait_note: Text

    @model_validator(mode="after")
    def _check(self) -> IdealCustomerAssessment:
        codes = tuple(d.code for d in self.dimensions)
        if codes != IDEAL_DIMENSIONS:
            raise ValueError(f"dimensions must be {IDEAL_DIMENSIONS} in order")
        if set(self.scoring.numerator) | {self.scoring.denominator} != set(codes):
            raise ValueError("scoring must use exactly the three dimensions")
        return self

    def dimension(self, code: str) -> ScoredDimension:
        return by_code(self.dimensions, code)


# ---------------------------------------------------------------------------------------------------
# strategy_matrix (002 §1.4)
# ---------------------------------------------------------------------------------------------------


class DifficultyScoring(KnowledgeModel):
    """Expansion difficulty = the sum of the three dimensions (3–15); higher is harder."""

    method: Literal["sum"]
    total_min: int
    total_max: int
    bands: AxisBands
    default_when_missing: int = Field(ge=1, le=5)
    derived: bool
    note: Text

    @model_validator(mode="after")
    def _check(self) -> DifficultyScoring:
        if not self.total_min < self.bands.low_max < self.bands.high_min < self.total_max:
            raise ValueError("difficulty bands must lie inside the total range")
        return self


class Quadrant(KnowledgeModel):
    code: QuadrantCode
    name: Text
    seed_position: Text
    """The position exactly as the seed states it (ideal-customer condition, expansion difficulty)."""
    value: Band
    difficulty: Band
    summary: Text
    strategy: Text
    actions: list[Text] = Field(min_length=1)
    seed_note: Text | None = None
    """Present where the seed's own wording about this quadrant is inconsistent."""


class CornerRule(KnowledgeModel):
    value_side: Side
    difficulty_side: Side
    quadrant: QuadrantCode


class PlacementRule(KnowledgeModel):
    """Centre first (both axes medium → centre quadrant), else the corner given by the two split sides."""

    description: Text
    centre: QuadrantCode
    centre_requires: Band
    corners: list[CornerRule] = Field(min_length=4, max_length=4)
    derived: bool
    note: Text

    @model_validator(mode="after")
    def _check(self) -> PlacementRule:
        pairs = {(c.value_side, c.difficulty_side) for c in self.corners}
        if len(pairs) != 4:
            raise ValueError("corners must cover each (value_side, difficulty_side) pair exactly once")
        used = [c.quadrant for c in self.corners] + [self.centre]
        if sorted(used) != sorted(QUADRANTS):
            raise ValueError("the centre and the four corners must use the five quadrant codes once each")
        return self


class PlacementExample(KnowledgeModel):
    ideal: dict[Code, int]
    difficulty: dict[Code, int]
    quadrant: QuadrantCode


class StrategyMatrix(KnowledgeFile):
    """Expansion difficulty (3 dimensions) and the value × difficulty matrix with five strategies."""

    purpose: Text
    difficulty_dimensions: list[ScoredDimension] = Field(min_length=3, max_length=3)
    difficulty_scoring: DifficultyScoring
    value_axis: AxisBands
    """Same thresholds as ideal_customer_assessment.scoring.bands (the value axis is the ideal score)."""
    quadrants: list[Quadrant] = Field(min_length=5, max_length=5)
    placement: PlacementRule
    examples: list[PlacementExample] = Field(min_length=1)
    tagging_note: Text

    @model_validator(mode="after")
    def _check(self) -> StrategyMatrix:
        codes = tuple(d.code for d in self.difficulty_dimensions)
        if codes != DIFFICULTY_DIMENSIONS:
            raise ValueError(f"difficulty dimensions must be {DIFFICULTY_DIMENSIONS} in order")
        if any(d.higher_means != "harder" for d in self.difficulty_dimensions):
            raise ValueError("every difficulty dimension is scored so that 5 is hardest")
        if tuple(q.code for q in self.quadrants) != QUADRANTS:
            raise ValueError(f"quadrants must be {QUADRANTS} in order")
        quadrant_of = {q.code: q for q in self.quadrants}
        centre = quadrant_of[self.placement.centre]
        if (centre.value, centre.difficulty) != (self.placement.centre_requires,) * 2:
            raise ValueError("the centre quadrant must sit at the centre band on both axes")
        for corner in self.placement.corners:
            q = quadrant_of[corner.quadrant]
            if (q.value, q.difficulty) != (corner.value_side, corner.difficulty_side):
                raise ValueError(f"corner {corner.quadrant} disagrees with its quadrant's position")
        return self

    def difficulty_total(self, scores: dict[str, int]) -> int:
        default = self.difficulty_scoring.default_when_missing
        return sum(scores.get(code, default) for code in DIFFICULTY_DIMENSIONS)

    def place(self, ideal_score: float, difficulty_total: int) -> QuadrantCode:
        """The quadrant for an ideal-customer score and a difficulty total, by the placement rule."""
        centre = self.placement.centre_requires
        dif = self.difficulty_scoring.bands
        if self.value_axis.band(ideal_score) == centre and dif.band(difficulty_total) == centre:
            return self.placement.centre
        key = (self.value_axis.side(ideal_score), dif.side(difficulty_total))
        for corner in self.placement.corners:
            if (corner.value_side, corner.difficulty_side) == key:
                return corner.quadrant
        raise AssertionError("unreachable: corners cover every pair")

    def quadrant(self, code: str) -> Quadrant:
        return by_code(self.quadrants, code)


# ---------------------------------------------------------------------------------------------------
# account_plan (002 ch.2)
# ---------------------------------------------------------------------------------------------------


class Criterion(KnowledgeModel):
    code: Code
    name: Text
    factors: list[Text] = Field(min_length=1)


class AcronymPart(KnowledgeModel):
    letter: str = Field(min_length=1, max_length=1)
    name: Text
    meaning: Text


class PlanStep(KnowledgeModel):
    number: int = Field(ge=1, le=7)
    code: Code
    title: Text
    purpose: Text
    actions: list[Text] = Field(min_length=1)
    outputs: list[Text] = Field(min_length=1)
    criteria: list[Criterion] = Field(default_factory=list)
    framework: list[AcronymPart] = Field(default_factory=list)


class PlanChallenge(KnowledgeModel):
    code: Code
    problem: Text
    symptom: Text
    solution: Text
    principles: list[Topic] = Field(default_factory=list)
    see_also: list[Code] = Field(default_factory=list)
    """Knowledge sections that treat the challenge in depth."""


class PlanningImpact(KnowledgeModel):
    """The research figures the seed quotes for effective key-account planning."""

    sales_growth_pct: float
    sales_return_gain_pct: float
    profit_margin_gain_pct_min: float
    profit_margin_gain_pct_max: float
    note: Text


class AccountPlan(KnowledgeFile):
    """The seven-step key-account plan, its two hard parts, and where AI helps."""

    key_account_definition: Text
    key_account_lenses: list[Topic] = Field(min_length=3)
    why_it_matters: Text
    impact: PlanningImpact
    metaphor: Text
    steps: list[PlanStep] = Field(min_length=7, max_length=7)
    challenges: list[PlanChallenge] = Field(min_length=2)
    ai_assists: list[Topic] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> AccountPlan:
        if [s.number for s in self.steps] != list(range(1, 8)):
            raise ValueError("steps must be numbered 1..7 in order")
        unique([s.code for s in self.steps], "step")
        return self


# ---------------------------------------------------------------------------------------------------
# buying_influences (002 §2.2, §3.1)
# ---------------------------------------------------------------------------------------------------


class BuyingInfluence(KnowledgeModel):
    code: Literal["economic_buyer", "user_buyer", "technical_buyer", "coach"]
    abbreviation: Literal["EB", "UB", "TB", "Coach"]
    name: Text
    role: Text
    cares_about: list[Text] = Field(min_length=1)
    how_to_find: list[Text] = Field(min_length=1)
    how_to_engage: list[Text] = Field(min_length=1)
    risk_signals: list[Text] = Field(min_length=1)
    contact_roles: list[ContactRole] = Field(min_length=1)
    """The contract's Deal contact roles that count as this influence."""
    title_cues: Terms
    """Job titles and phrases that suggest a contact plays this role."""
    evidence_cues: Terms
    """Phrases in notes that show this influence is engaged on our side."""
    derived: bool
    note: Text | None = None


class PurchaseDriver(KnowledgeModel):
    offering: Literal["differentiated", "in_between", "commodity"]
    name: Text
    driver: Text


class BuyingInfluences(KnowledgeFile):
    """The decision chain: EB, UB, TB and Coach, how to map them, and who drives which purchase."""

    challenge: Text
    chain_size_example: int = Field(ge=1)
    """The seed's example of how many people a decision chain can involve (more than this many)."""
    mapping_steps: list[Text] = Field(min_length=2)
    influences: list[BuyingInfluence] = Field(min_length=4, max_length=4)
    principles: list[Topic] = Field(min_length=1)
    purchase_drivers: list[PurchaseDriver] = Field(min_length=3, max_length=3)
    finance_role: Text
    kpi_lens: Text
    typical_kpis: list[Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> BuyingInfluences:
        if [i.abbreviation for i in self.influences] != ["EB", "UB", "TB", "Coach"]:
            raise ValueError("influences must be EB, UB, TB, Coach in order")
        return self

    def influence_for_role(self, role: str) -> BuyingInfluence | None:
        for item in self.influences:
            if role in item.contact_roles:
                return item
        return None


# ---------------------------------------------------------------------------------------------------
# business_problems (002 §3.1)
# ---------------------------------------------------------------------------------------------------


class ProblemType(KnowledgeModel):
    code: Literal["restore", "prevent", "aspire"]
    name: Text
    definition: Text
    emotion: Literal["anxiety", "expectation"]
    """What the rep sets off in the decision maker to surface this problem."""
    diagnosis: list[Text] = Field(min_length=1)
    approach: list[Text] = Field(min_length=1)
    questions: list[Text] = Field(min_length=2)
    examples: list[Text] = Field(min_length=1)
    examples_derived: bool
    cues: Terms


class StrategyLevel(KnowledgeModel):
    code: Literal["financial", "customer", "operations", "learning_growth"]
    name: Text
    covers: list[Text] = Field(min_length=1)
    serves: list[Literal["financial", "customer", "operations", "learning_growth"]]


class BusinessProblems(KnowledgeFile):
    """Latent need = decision maker × business problem × purchase need; problem types and diagnosis."""

    principle: Text
    elements: list[Topic] = Field(min_length=3, max_length=3)
    problem_source: Text
    problem_types: list[ProblemType] = Field(min_length=3)
    type_count_note: Text
    """The seed announces four types but names and diagnoses three; this records how that was handled."""
    surfacing: Text
    reverse_path: Text
    senior_strategy: Text
    strategy_levels: list[StrategyLevel] = Field(min_length=4, max_length=4)
    nesting_rule: Text
    exit_milestone: Text
    next_paths: list[Text] = Field(min_length=2)

    @model_validator(mode="after")
    def _check(self) -> BusinessProblems:
        unique([p.code for p in self.problem_types], "problem type")
        codes = [lv.code for lv in self.strategy_levels]
        if codes != ["financial", "customer", "operations", "learning_growth"]:
            raise ValueError("strategy levels must be financial, customer, operations, learning_growth")
        for lv in self.strategy_levels:
            if lv.code in lv.serves:
                raise ValueError(f"strategy level {lv.code} cannot serve itself")
        return self


# ---------------------------------------------------------------------------------------------------
# opportunity_milestones (002 §3.2)
# ---------------------------------------------------------------------------------------------------


class Milestone(KnowledgeModel):
    number: int = Field(ge=1, le=4)
    code: Code
    title: Text
    goal: Text
    tactics: list[Topic] = Field(min_length=1)
    exit_criteria: list[Text] = Field(min_length=1)
    criteria_derived: bool
    cues: Terms | None = None
    """Phrases in notes that show the milestone is reached."""
    warning_signals: Terms | None = None
    """Phrases that show trouble at this milestone (e.g. the seed's 'opposition signals')."""


class OpportunityMilestones(KnowledgeFile):
    """The four milestone events on the win map and how to push each one."""

    entry: Text
    win_map: Text
    milestones: list[Milestone] = Field(min_length=4, max_length=4)
    measurement: Text

    @model_validator(mode="after")
    def _check(self) -> OpportunityMilestones:
        if [m.number for m in self.milestones] != [1, 2, 3, 4]:
            raise ValueError("milestones must be numbered 1..4 in order")
        unique([m.code for m in self.milestones], "milestone")
        return self


# ---------------------------------------------------------------------------------------------------
# loyalty_matrix (002 §4.1)
# ---------------------------------------------------------------------------------------------------


class Axis(KnowledgeModel):
    code: Code
    name: Text
    high: Text
    low: Text


class MatrixCell(KnowledgeModel):
    code: Code
    name: Text
    rank: int = Field(ge=1, le=4)
    """1 is the highest (the seed orders value positions from high to low)."""
    position: dict[Code, Side]
    """Side on each axis, keyed by axis code."""
    description: Text
    strategy: list[Text] = Field(min_length=1)
    strategy_derived: bool


class TwoByTwo(KnowledgeModel):
    name: Text
    axes: list[Axis] = Field(min_length=2, max_length=2)
    cells: list[MatrixCell] = Field(min_length=4, max_length=4)

    @model_validator(mode="after")
    def _check(self) -> TwoByTwo:
        axis_codes = {a.code for a in self.axes}
        seen: set[tuple[Side, Side]] = set()
        for cell in self.cells:
            if set(cell.position) != axis_codes:
                raise ValueError(f"cell {cell.code} must give a side on each axis")
            key = (cell.position[self.axes[0].code], cell.position[self.axes[1].code])
            if key in seen:
                raise ValueError(f"two cells share the position {key}")
            seen.add(key)
        if sorted(c.rank for c in self.cells) != [1, 2, 3, 4]:
            raise ValueError("cells must be ranked 1..4")
        return self

    def cell(self, **sides: Side) -> MatrixCell:
        for item in self.cells:
            if item.position == sides:
                return item
        raise KeyError(str(sides))


class LoyaltyMatrix(KnowledgeFile):
    """Loyalty types (repurchase × referral) and the customer's value positioning of the supplier."""

    satisfaction_vs_loyalty: Text
    value_positioning: TwoByTwo
    loyalty_types: TwoByTwo
    link: Text
    link_derived: bool


# ---------------------------------------------------------------------------------------------------
# account_maintenance (002 §4.1)
# ---------------------------------------------------------------------------------------------------


class AccountMaintenance(KnowledgeFile):
    """Keeping accounts after the sale: the four activities, referrals, market intelligence, lifecycle end."""

    principle: Text
    endless_unless: list[Text] = Field(min_length=2)
    common_mistake: Text
    activities: list[Topic] = Field(min_length=4, max_length=4)
    key_account_value: Text
    market_intelligence: list[Text] = Field(min_length=1)
    referral_forms: list[Topic] = Field(min_length=2)
    lifecycle_events: list[Topic] = Field(min_length=4)
    blacklist_rule: Text
    blacklist_reasons: list[Topic] = Field(min_length=1)
    tiering_dimensions: list[Text] = Field(min_length=1)


# ---------------------------------------------------------------------------------------------------
# winning_resources (002 §4.2)
# ---------------------------------------------------------------------------------------------------


class Resource(KnowledgeModel):
    code: Code
    name: Text
    why: Text
    how: list[Text] = Field(min_length=1)


class WinningResources(KnowledgeFile):
    """Inner strength plus outside help: the five resources that speed up winning."""

    principle: Text
    resources: list[Resource] = Field(min_length=5, max_length=5)

    @model_validator(mode="after")
    def _check(self) -> WinningResources:
        unique([r.code for r in self.resources], "resource")
        return self


# ---------------------------------------------------------------------------------------------------
# sales_growth_principles (002 preface, expert views)
# ---------------------------------------------------------------------------------------------------


class FlowStage(KnowledgeModel):
    code: Code
    name: Text
    chapter: int = Field(ge=1, le=4)
    sections: list[Code] = Field(min_length=1)
    """Knowledge sections that encode this stage."""


class SalesGrowthPrinciples(KnowledgeFile):
    """The blue book's frame: customer-centric, full-chain management, and five experts' principles."""

    shift: Text
    full_chain: list[FlowStage] = Field(min_length=4)
    principles: list[Topic] = Field(min_length=5)
    funnel_management: list[Text] = Field(min_length=1)


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "market_segmentation": MarketSegmentation,
    "top_bant": TopBant,
    "ideal_customer_assessment": IdealCustomerAssessment,
    "strategy_matrix": StrategyMatrix,
    "account_plan": AccountPlan,
    "buying_influences": BuyingInfluences,
    "business_problems": BusinessProblems,
    "opportunity_milestones": OpportunityMilestones,
    "loyalty_matrix": LoyaltyMatrix,
    "account_maintenance": AccountMaintenance,
    "winning_resources": WinningResources,
    "sales_growth_principles": SalesGrowthPrinciples,
}
