"""Facts from the blue book (seed 002) that score_accounts and the strategy tools rely on."""

from __future__ import annotations

import itertools
import re
import string
from collections import Counter
from collections.abc import Iterator

import pytest
from pydantic import BaseModel
from sales_playbook.knowledge import get, load, names
from sales_playbook.schemas.knowledge.base import Terms, Text
from sales_playbook.schemas.knowledge.strategy import (
    SECTIONS,
    AccountMaintenance,
    AccountPlan,
    BusinessProblems,
    BuyingInfluences,
    IdealCustomerAssessment,
    LoyaltyMatrix,
    MarketSegmentation,
    OpportunityMilestones,
    SalesGrowthPrinciples,
    StrategyMatrix,
    TopBant,
    WinningResources,
)

CONTRACT_QUADRANTS = {
    "grow": "做大做强",
    "small_pond": "经营小鱼塘",
    "net": "撒网",
    "assault": "攻坚",
    "nurture": "培养",
}
CONTRACT_CONTACT_ROLES = {
    "champion",
    "economic_buyer",
    "technical_evaluator",
    "end_user",
    "procurement",
    "legal",
    "executive_sponsor",
    "coach",
    "blocker",
    "other",
}
SCALE = range(1, 6)


def _walk(value: object) -> Iterator[object]:
    yield value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_section_loads_and_is_bilingual(name: str) -> None:
    assert name in names()
    section = load(name)
    assert isinstance(section, SECTIONS[name])
    assert all(src.startswith("002 ") for src in section.sources)
    for node in _walk(section):
        if isinstance(node, Text):
            assert node.en.strip() and node.zh.strip()
            assert re.search(r"[\u4e00-\u9fff]", node.zh), node.zh
            assert _placeholders(node.en) == _placeholders(node.zh), node
        if isinstance(node, Terms):
            assert node.en and node.zh


def test_ideal_customer_dimensions_and_formula() -> None:
    ica = get("ideal_customer_assessment", IdealCustomerAssessment)
    assert [d.code for d in ica.dimensions] == ["buying_power", "buying_habits", "sales_cost"]
    assert [d.higher_means for d in ica.dimensions] == ["better", "better", "costlier"]
    assert all([lv.score for lv in d.levels] == [1, 2, 3, 4, 5] for d in ica.dimensions)
    assert len(ica.dimension("buying_power").indicators) == 7
    assert len(ica.dimension("buying_habits").indicators) == 4
    assert len(ica.dimension("sales_cost").indicators) == 3
    sc = ica.scoring
    assert sc.numerator == ["buying_power", "buying_habits"] and sc.denominator == "sales_cost"
    assert sc.numerator_weights == {"buying_power": 0.5, "buying_habits": 0.5}
    assert (sc.bands.low_max, sc.bands.split_at, sc.bands.high_min) == (0.8, 1.0, 1.25)
    assert sc.default_when_missing == 3 and sc.derived
    assert sc.score({"buying_power": 1, "buying_habits": 1, "sales_cost": 5}) == pytest.approx(sc.score_min)
    assert sc.score({"buying_power": 5, "buying_habits": 5, "sales_cost": 1}) == pytest.approx(sc.score_max)
    assert sc.score({}) == 1.0  # all missing → neutral 3/3
    assert sc.bands.band(sc.score({"buying_power": 4, "buying_habits": 4, "sales_cost": 5})) == "low"
    assert sc.bands.band(sc.score({"buying_power": 5, "buying_habits": 5, "sales_cost": 4})) == "high"
    bands = Counter(
        sc.bands.band(sc.score({"buying_power": p, "buying_habits": h, "sales_cost": c}))
        for p, h, c in itertools.product(SCALE, SCALE, SCALE)
    )
    assert set(bands) == {"low", "medium", "high"}


def test_difficulty_dimensions_and_bands() -> None:
    sm = get("strategy_matrix", StrategyMatrix)
    assert [d.code for d in sm.difficulty_dimensions] == ["acquisition", "competitiveness", "cycle"]
    assert all(d.higher_means == "harder" for d in sm.difficulty_dimensions)
    ds = sm.difficulty_scoring
    assert (ds.total_min, ds.total_max) == (3, 15)
    assert (ds.bands.low_max, ds.bands.split_at, ds.bands.high_min) == (7, 9, 11)
    assert [ds.bands.band(t) for t in (3, 7, 8, 10, 11, 15)] == ["low", "low", "medium", "medium", "high", "high"]
    assert sm.difficulty_total({"acquisition": 5}) == 11  # missing dimensions count 3


def test_value_axis_matches_ideal_bands() -> None:
    sm = get("strategy_matrix", StrategyMatrix)
    ica = get("ideal_customer_assessment", IdealCustomerAssessment)
    assert sm.value_axis == ica.scoring.bands


def test_quadrants_match_contract() -> None:
    sm = get("strategy_matrix", StrategyMatrix)
    assert {q.code: q.name.zh for q in sm.quadrants} == CONTRACT_QUADRANTS
    positions = {q.code: (q.value, q.difficulty) for q in sm.quadrants}
    assert positions == {
        "grow": ("high", "low"),
        "small_pond": ("high", "high"),
        "net": ("low", "low"),
        "assault": ("low", "high"),
        "nurture": ("medium", "medium"),
    }
    assert sm.quadrant("assault").seed_note is not None
    assert sm.quadrant("nurture").seed_note is not None


def test_placement_examples_and_every_account_gets_one_quadrant() -> None:
    sm = get("strategy_matrix", StrategyMatrix)
    sc = get("ideal_customer_assessment", IdealCustomerAssessment).scoring
    for ex in sm.examples:
        assert sm.place(sc.score(ex.ideal), sm.difficulty_total(ex.difficulty)) == ex.quadrant
    assert {ex.quadrant for ex in sm.examples} == set(CONTRACT_QUADRANTS)
    seen: Counter[str] = Counter()
    for p, h, c in itertools.product(SCALE, SCALE, SCALE):
        ideal = sc.score({"buying_power": p, "buying_habits": h, "sales_cost": c})
        for total in range(3, 16):
            quadrant = sm.place(ideal, total)
            seen[quadrant] += 1
            both_medium = 0.8 < ideal < 1.25 and 8 <= total <= 10
            assert (quadrant == "nurture") == both_medium
            if not both_medium:
                value_high, hard = ideal >= 1.0, total >= 9
                expected = {
                    (True, False): "grow",
                    (True, True): "small_pond",
                    (False, False): "net",
                    (False, True): "assault",
                }[(value_high, hard)]
                assert quadrant == expected
    assert set(seen) == set(CONTRACT_QUADRANTS)


def test_top_bant() -> None:
    tb = get("top_bant", TopBant)
    hunter, farmer = tb.top_approaches
    assert (hunter.code, hunter.example.list_sizes, hunter.example.result_count) == ("hunter", [100, 20], 8)
    assert (farmer.code, farmer.example.result_count) == ("farmer", 6)
    bant = tb.bant
    assert [e.code for e in bant.elements] == ["budget", "authority", "need", "timeline"]
    assert [e.letter for e in bant.elements] == ["B", "A", "N", "T"]
    assert bant.elements[1].seed_term.zh == "决策链" and bant.elements[3].seed_term.zh == "采购周期"
    assert bant.max_total == 12
    keys = ["budget", "authority", "need", "timeline"]
    assert bant.priority(dict(zip(keys, [3, 3, 2, 2], strict=True))) == "follow_up_now"
    assert bant.priority(dict(zip(keys, [3, 3, 3, 1], strict=True))) == "qualify_further"
    assert bant.priority(dict(zip(keys, [2, 2, 2, 2], strict=True))) == "qualify_further"
    assert bant.priority(dict(zip(keys, [2, 2, 2, 1], strict=True))) == "deprioritise"
    assert [r.min_total for r in bant.priority_rules] == [10, 8, 4]
    for element in bant.elements:
        assert element.cues.positive.en and element.cues.positive.zh
        assert element.cues.negative.en and element.cues.negative.zh


def test_account_plan() -> None:
    ap = get("account_plan", AccountPlan)
    assert [s.number for s in ap.steps] == [1, 2, 3, 4, 5, 6, 7]
    assert [c.code for c in ap.steps[0].criteria] == ["relationship_closeness", "potential_value", "win_probability"]
    assert "".join(p.letter for p in ap.steps[2].framework) == "SMART"
    assert all(s.outputs for s in ap.steps)
    assert ap.impact.sales_growth_pct == 10 and ap.impact.sales_return_gain_pct == 5
    assert (ap.impact.profit_margin_gain_pct_min, ap.impact.profit_margin_gain_pct_max) == (1, 2)
    assert [lens.code for lens in ap.key_account_lenses] == [
        "contribution",
        "strategic_significance",
        "industry_value",
    ]
    assert [c.code for c in ap.challenges] == ["unclear_vision", "complex_decision_chain"]
    assert len(ap.challenges[0].principles) == 4
    for challenge in ap.challenges:
        assert all(ref in names() for ref in challenge.see_also)


def test_buying_influences_map_to_contract_roles() -> None:
    bi = get("buying_influences", BuyingInfluences)
    assert [i.abbreviation for i in bi.influences] == ["EB", "UB", "TB", "Coach"]
    assert bi.chain_size_example == 40
    mapped = {role for i in bi.influences for role in i.contact_roles}
    assert mapped <= CONTRACT_CONTACT_ROLES
    assert CONTRACT_CONTACT_ROLES - mapped == {"blocker", "other"}
    expect = {"economic_buyer": "EB", "end_user": "UB", "technical_evaluator": "TB", "coach": "Coach"}
    for role, abbreviation in expect.items():
        found = bi.influence_for_role(role)
        assert found is not None and found.abbreviation == abbreviation
    champion = bi.influence_for_role("champion")
    assert champion is not None and champion.abbreviation == "Coach"
    assert bi.influence_for_role("blocker") is None
    assert [i.derived for i in bi.influences] == [False, False, False, True]
    assert [d.offering for d in bi.purchase_drivers] == ["differentiated", "in_between", "commodity"]
    assert len(bi.typical_kpis) == 4


def test_business_problems() -> None:
    bp = get("business_problems", BusinessProblems)
    assert [e.code for e in bp.elements] == ["decision_maker", "business_problem", "purchase_need"]
    assert [p.code for p in bp.problem_types] == ["restore", "prevent", "aspire"]
    assert [p.emotion for p in bp.problem_types] == ["anxiety", "anxiety", "expectation"]
    assert all(len(p.diagnosis) == 3 for p in bp.problem_types)
    serves = {lv.code: set(lv.serves) for lv in bp.strategy_levels}
    assert serves == {
        "financial": set(),
        "customer": {"financial"},
        "operations": {"financial", "customer"},
        "learning_growth": {"operations"},
    }


def test_opportunity_milestones() -> None:
    om = get("opportunity_milestones", OpportunityMilestones)
    assert [m.code for m in om.milestones] == [
        "break_the_ice",
        "develop_informants",
        "become_best_choice",
        "drive_exclusive_preference",
    ]
    assert om.milestones[0].warning_signals is not None
    assert len(om.milestones[2].tactics) == 4
    assert all(m.cues is not None for m in om.milestones)


def test_loyalty_matrix() -> None:
    lm = get("loyalty_matrix", LoyaltyMatrix)
    vp = lm.value_positioning
    assert [c.code for c in sorted(vp.cells, key=lambda c: c.rank)] == [
        "strategic_partnership",
        "risk_hedging",
        "price_negotiation",
        "streamlined_management",
    ]
    assert vp.cell(irreplaceability="high", importance="low").code == "risk_hedging"
    lt = lm.loyalty_types
    assert lt.cell(repurchase="high", referral="high").code == "staunch_advocate"
    assert lt.cell(repurchase="high", referral="low").code == "habitual_buyer"
    assert lt.cell(repurchase="low", referral="high").code == "referral_promoter"
    assert lt.cell(repurchase="low", referral="low").code == "drifter"


def test_maintenance_resources_and_segments() -> None:
    am = get("account_maintenance", AccountMaintenance)
    assert [a.code for a in am.activities] == [
        "loyalty_management",
        "referrals",
        "market_intelligence",
        "end_lifecycle",
    ]
    assert [e.code for e in am.lifecycle_events] == ["deregister", "merge", "blacklist", "remove_from_blacklist"]
    assert {r.code for r in am.blacklist_reasons} == {"no_profit", "arrears", "excessive_service_cost"}
    wr = get("winning_resources", WinningResources)
    assert len(wr.resources) == 5
    ms = get("market_segmentation", MarketSegmentation)
    assert [b.code for b in ms.bases] == ["industry", "region"] and ms.outlook_years == 3


def test_growth_principles_cover_every_strategy_section() -> None:
    sg = get("sales_growth_principles", SalesGrowthPrinciples)
    referenced = {name for stage in sg.full_chain for name in stage.sections}
    assert referenced <= set(names())
    assert referenced | {"sales_growth_principles"} == set(SECTIONS)
    assert [stage.chapter for stage in sg.full_chain] == [1, 2, 3, 4]
