"""Facts the qualification and discovery tools rely on: MEDDPICC/MEDDIC/BANT rubrics, questions, call, demo, MAP."""

from __future__ import annotations

import pytest
from sales_playbook.knowledge import get
from sales_playbook.schemas.knowledge.discovery import (
    DemoFramework,
    DiscoveryCallPlan,
    DiscoveryQuestionBank,
    MutualActionPlanTemplate,
    SpinMethod,
)
from sales_playbook.schemas.knowledge.qualification import (
    MEDDPICC_ORDER,
    BantRubric,
    MeddicRubric,
    MeddpiccRubric,
)

CONTACT_ROLES = {
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


def meddpicc() -> MeddpiccRubric:
    return get("meddpicc", MeddpiccRubric)


def test_meddpicc_elements_in_order_with_three_levels() -> None:
    rubric = meddpicc()
    assert tuple(rubric.keys()) == MEDDPICC_ORDER
    assert [e.letter for e in rubric.elements] == list("MEDDPICC")
    for element in rubric.elements:
        assert [level.status for level in element.levels] == ["unknown", "partial", "confirmed"]
        assert element.gap_questions
        assert element.evidence is not None
        assert len(element.evidence.phrases.en) >= 8
        assert len(element.evidence.phrases.zh) >= 8
        assert set(element.evidence.contact_roles) <= CONTACT_ROLES
    assert [d.code for d in rubric.element("economic_buyer").details] == ["name", "access", "priority"]
    assert [d.code for d in rubric.element("champion").details] == ["name", "motivation", "power", "coached"]


def test_meddpicc_evidence_roles_and_negation() -> None:
    rubric = meddpicc()
    eb = rubric.element("economic_buyer").evidence
    champ = rubric.element("champion").evidence
    paper = rubric.element("paper_process").evidence
    assert eb is not None and champ is not None and paper is not None
    assert "economic_buyer" in eb.contact_roles
    assert "champion" in champ.contact_roles
    assert {"procurement", "legal"} <= set(paper.contact_roles)
    assert "预算已批" in eb.phrases.zh
    for cue in ("not", "haven't", "never", "yet to"):
        assert cue in rubric.negation_cues.en
    for cue in ("还没", "没有", "未", "尚未", "不清楚"):
        assert cue in rubric.negation_cues.zh


def test_meddpicc_scoring_and_bands() -> None:
    rubric = meddpicc()
    assert rubric.max_total == rubric.max_points == 24
    assert rubric.min_total == 8
    assert rubric.scoring.default_score == 1
    assert rubric.scoring.max_inferred_score == 2
    assert [(b.code, b.min_total, b.max_total) for b in rubric.bands] == [
        ("strong", 20, 24),
        ("gaps", 15, 19),
        ("at_risk", 10, 14),
        ("unqualified", 8, 9),
    ]
    expected = {24: "strong", 20: "strong", 19: "gaps", 15: "gaps", 14: "at_risk", 10: "at_risk", 9: "unqualified"}
    for total, code in expected.items():
        assert rubric.band_for(total).code == code
    with pytest.raises(ValueError):
        rubric.band_for(7)


def test_meddic_shares_meddpicc_codes_and_scales_bands() -> None:
    rubric = get("meddic", MeddicRubric)
    assert rubric.keys() == [
        "metrics",
        "economic_buyer",
        "decision_criteria",
        "decision_process",
        "identified_pain",
        "champion",
    ]
    assert set(rubric.keys()) <= set(MEDDPICC_ORDER)
    assert rubric.evidence_from == "meddpicc"
    assert rubric.max_total == 18
    assert [b.min_ratio for b in rubric.bands] == [0.8333, 0.625, 0.4167, 0.0]
    expected = {18: "strong", 15: "strong", 14: "gaps", 12: "gaps", 11: "at_risk", 8: "at_risk", 7: "unqualified"}
    for total, code in expected.items():
        assert rubric.band_for(total).code == code
    # The seed gives MEDDIC no scale or bands: the summary must say they are the project's.
    assert "this project's" in rubric.summary.en and "本项目" in rubric.summary.zh


def test_bant_rubric() -> None:
    rubric = get("bant", BantRubric)
    assert rubric.keys() == ["budget", "authority", "need", "timeline"]
    assert rubric.max_total == 12
    expected = {12: "strong", 10: "strong", 9: "gaps", 8: "gaps", 7: "at_risk", 5: "at_risk", 4: "unqualified"}
    for total, code in expected.items():
        assert rubric.band_for(total).code == code
    authority = rubric.element("authority").evidence
    assert authority is not None and "economic_buyer" in authority.contact_roles


def test_ratio_bands_agree_with_meddpicc_points() -> None:
    points = meddpicc()
    ratio_bands = get("bant", BantRubric).bands
    for total in range(8, 25):
        by_ratio = next(
            b for b in ratio_bands if total * b.min_ratio_exact.denominator >= 24 * b.min_ratio_exact.numerator
        )
        assert by_ratio.code == points.band_for(total).code


def test_discovery_questions() -> None:
    bank = get("discovery_questions", DiscoveryQuestionBank)
    assert len(bank.questions) == 22
    counts = {c.code: len(bank.by_category(c.code)) for c in bank.categories}
    assert counts == {"situation": 4, "pain": 5, "impact": 4, "need_payoff": 4, "buying_process": 5}
    assert [q.number for q in bank.questions if q.forces_quantification] == [6, 12]
    for locale in ("en", "zh"):
        values = bank.defaults(locale)
        for question in bank.questions:
            filled = question.text.get(locale).format_map(values)
            assert "{" not in filled and "}" not in filled
    assert {q.number for q in bank.for_element("economic_buyer")} >= {18, 20}
    assert "{process}" in bank.questions[0].text.en


def test_spin_maps_onto_playbook_categories() -> None:
    spin = get("spin", SpinMethod)
    assert [s.code for s in spin.stages] == ["situation", "problem", "implication", "need_payoff"]
    mapping = {c: spin.spin_type_of(c) for c in ("situation", "pain", "impact", "need_payoff", "buying_process")}
    assert mapping == {
        "situation": "situation",
        "pain": "problem",
        "impact": "implication",
        "need_payoff": "need_payoff",
        "buying_process": "process",
    }
    for stage in spin.stages:
        assert len(stage.sample_questions) >= 4


def test_discovery_call_structure() -> None:
    plan = get("discovery_call", DiscoveryCallPlan)
    assert [(p.code, p.minutes) for p in plan.phases] == [
        ("opening", 2),
        ("current_state", 5),
        ("pain", 10),
        ("future_vision", 5),
        ("process", 5),
        ("next_steps", 3),
    ]
    assert sum(p.minutes for p in plan.phases) == plan.total_minutes == 30
    assert plan.golden_rule.max_rep_talk_share == pytest.approx(0.30)
    # "30%以内" allows exactly 30%, as coach_call's "target ≤ 30%" does.
    assert "30% of the call or less" in plan.golden_rule.statement.en
    assert plan.min_research_facts == 3
    assert len(plan.research_checklist) >= 6
    assert sum(item.kind == "key_fact" for item in plan.research_checklist) >= 3
    assert plan.scaled_minutes(30) == {p.code: p.minutes for p in plan.phases}
    assert plan.scaled_minutes(60) == {p.code: 2 * p.minutes for p in plan.phases}
    for minutes in (6, 15, 20, 45, 90):
        scaled = plan.scaled_minutes(minutes)
        assert sum(scaled.values()) == minutes and min(scaled.values()) >= 1


def test_demo_framework() -> None:
    demo = get("demo", DemoFramework)
    assert [s.minutes for s in demo.steps] == [2, 15, 5, 3, 2]
    assert demo.total_minutes == 27
    assert len(demo.donts) == 6
    assert demo.finish_early_minutes == 5


def test_mutual_action_plan() -> None:
    plan = get("mutual_action_plan", MutualActionPlanTemplate)
    assert [(s.code, s.owner) for s in plan.steps] == [
        ("technical_deep_dive", "prospect_technical"),
        ("security_review", "rep"),
        ("business_case", "champion_and_rep"),
        ("proposal_review", "rep"),
        ("legal_review", "prospect_legal"),
        ("signature", "economic_buyer"),
        ("kickoff", "customer_success"),
    ]
    offsets = [s.days_before_go_live for s in plan.steps]
    assert offsets == sorted(offsets, reverse=True) and len(set(offsets)) == 7
    assert 0 < offsets[-1] <= 7
    assert all(s.initial_status == "pending" for s in plan.steps)
    assert "{economic_buyer}" in plan.steps[2].step.en
    assert len(plan.why_it_works) >= 3
