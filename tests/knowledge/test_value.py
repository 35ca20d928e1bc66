"""Facts from the AI-product sales note (seed 003) that calculate_roi, proposals and coaching rely on."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from sales_playbook.knowledge import get, load, path_of
from sales_playbook.schemas.knowledge.value import (
    SECTIONS,
    AiSalesCaseStudies,
    AiSelling,
    ChinaSelling,
    DecisionLevels,
    FunnelBenchmarks,
    PmSalesCollaboration,
    RoiCalculatorInputs,
    SalesEnablement,
    SellingApproaches,
    ValueFormulas,
    evaluate_expression,
    expression_names,
)
from sales_playbook.schemas.roi import RoiInput
from sales_playbook.tools.roi import calculate_roi

CONTRACT_ROI_OUTPUTS = {
    "replaced_headcount",
    "annual_saving",
    "annual_solution_cost",
    "annual_net",
    "payback_months",
    "roi_pct",
    "risk_value",
    "speed_gain_pct",
}
CONTRACT_ROI_INPUTS = {
    "headcount",
    "cost_per_head",
    "automatable_share",
    "efficiency_factor",
    "solution_cost",
    "years",
    "potential_loss",
    "probability",
    "reduction",
    "before_minutes",
    "after_minutes",
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
CONTRACT_STAGES = ["prospecting", "discovery", "evaluation", "proposal", "negotiation", "closed_won"]


def formulas() -> ValueFormulas:
    return get("value_formulas", ValueFormulas)


def test_every_section_of_the_area_loads_as_its_model() -> None:
    for name, model in SECTIONS.items():
        assert isinstance(load(name), model)
        assert any(source.startswith("003") for source in load(name).sources), name


# --- value_formulas -------------------------------------------------------------------------------


def test_contract_formulas_and_inputs_are_all_encoded() -> None:
    vf = formulas()
    in_contract = {f.code for f in vf.formulas if f.in_contract}
    assert in_contract >= CONTRACT_ROI_OUTPUTS
    assert {i.code for i in vf.inputs if i.contract_input} == CONTRACT_ROI_INPUTS
    assert vf.input("efficiency_factor").default == 1
    assert (vf.input("efficiency_factor").min, vf.input("efficiency_factor").max) == (0, 1)
    assert vf.input("years").default == 3
    assert vf.formula("payback_months").defined_when == "annual_net > 0"


def test_contract_worked_example_holds() -> None:
    out = formulas().evaluate(
        {
            "headcount": 400,
            "automatable_share": 0.6,
            "efficiency_factor": 1,
            "cost_per_head": 150_000,
            "solution_cost": 12_000_000,
            "years": 3,
        }
    )
    assert out["replaced_headcount"] == pytest.approx(240)
    assert out["annual_saving"] == pytest.approx(36_000_000)
    assert out["annual_solution_cost"] == pytest.approx(4_000_000)
    assert out["annual_net"] == pytest.approx(32_000_000)
    assert out["payback_months"] == pytest.approx(4.5)
    assert out["roi_pct"] == pytest.approx(800)
    assert out["seed_net_annual_saving"] == pytest.approx(32_000_000)


def test_defaults_risk_speed_and_no_payback() -> None:
    vf = formulas()
    base = {"headcount": 400, "automatable_share": 0.6, "cost_per_head": 150_000, "solution_cost": 12_000_000}
    assert vf.evaluate(base)["payback_months"] == pytest.approx(4.5)  # efficiency 1 and 3 years by default
    risky = vf.evaluate({**base, "potential_loss": 1_000_000, "probability": 0.5, "reduction": 0.4})
    assert risky["risk_value"] == pytest.approx(200_000)
    assert risky["annual_saving"] == pytest.approx(36_200_000)
    speed = vf.evaluate({**base, "before_minutes": 5, "after_minutes": 0.5})
    assert speed["speed_gain_pct"] == pytest.approx(900)
    assert vf.evaluate(base)["speed_gain_pct"] is None
    losing = vf.evaluate({**base, "headcount": 1, "solution_cost": 90_000_000})
    assert losing["annual_net"] is not None and losing["annual_net"] < 0
    assert losing["payback_months"] is None


def test_seed_speed_form_equals_contract_time_form() -> None:
    vf = formulas()
    for before, after in [(120, 1), (5, 0.5), (30, 2), (3, 4)]:
        by_time = vf.evaluate({"before_minutes": before, "after_minutes": after})["speed_gain_pct"]
        ai_speed, human_speed = 1 / after, 1 / before
        by_speed = (ai_speed - human_speed) / human_speed * 100
        assert by_time == pytest.approx(by_speed)


def test_worked_examples_and_their_status() -> None:
    examples = {e.code: e for e in formulas().examples}
    assert examples["customer_service_400_agents"].status == "agrees"
    assert examples["bank_card_center_customer_service"].status == "differs"
    assert examples["bank_card_center_customer_service"].computed["labor_saving"] == 36_000_000
    assert examples["bank_card_center_customer_service"].seed_stated["labor_saving"] == 24_000_000
    assert examples["bank_fraud_risk_control"].computed["risk_value"] == 80_000_000
    assert examples["bank_fraud_risk_control"].seed_stated["payback_months"] == 3
    assert examples["bank_fraud_risk_control"].computed["seed_payback_gross_months"] == 3
    assert examples["internal_knowledge_base"].computed["reduction_pct"] == 70
    assert examples["article_generation"].computed["speed_gain_pct"] == 11_900


def test_example_titles_keep_each_language_apart() -> None:
    """An English title writes 150,000, not 15万 (the zh title keeps the 万)."""
    for example in formulas().examples:
        assert not any("\u4e00" <= char <= "\u9fff" for char in example.title.en), example.title.en
    titles = {e.code: e.title for e in formulas().examples}
    assert "(150,000 CNY per head)" in titles["bank_card_center_customer_service"].en
    assert "人均 15 万" in titles["bank_card_center_customer_service"].zh


def test_every_discrepancy_with_the_contract_is_noted() -> None:
    codes = {note.code for note in formulas().notes}
    assert {
        "payback_expression_omits_12",
        "efficiency_factor_definition",
        "annual_saving_scope",
        "payback_on_gross_value",
        "bank_customer_service_arithmetic",
        "roi_horizon",
        "speed_vs_time_form",
    } <= codes


def _roi_input(inputs: dict[str, float]) -> RoiInput | None:
    if "solution_cost" not in inputs:
        return None
    data: dict[str, Any] = {
        "headcount": inputs.get("headcount", 0),
        "cost_per_head": inputs.get("cost_per_head", 0),
        "automatable_share": inputs.get("automatable_share", 0),
        "solution_cost": inputs["solution_cost"],
    }
    for key in ("efficiency_factor", "years"):
        if key in inputs:
            data[key] = inputs[key]
    if "potential_loss" in inputs:
        data["risk"] = {k: inputs[k] for k in ("potential_loss", "probability", "reduction")}
    if "before_minutes" in inputs:
        data["speed"] = {k: inputs[k] for k in ("before_minutes", "after_minutes")}
    return RoiInput.model_validate(data)


@pytest.mark.parametrize("code", [e.code for e in formulas().examples])
def test_knowledge_formulas_agree_with_the_roi_tool(code: str) -> None:
    vf = formulas()
    example = next(e for e in vf.examples if e.code == code)
    inp = _roi_input(example.inputs)
    if inp is None:
        pytest.skip("no solution cost: not a calculate_roi case")
    tool = calculate_roi(inp, "en").model_dump()
    ours = vf.evaluate(example.inputs)
    for field in ("annual_saving", "annual_solution_cost", "annual_net", "payback_months", "roi_pct"):
        value = ours[field]
        assert tool[field] == (None if value is None else round(value, 2)), field


def test_evaluator_refuses_anything_but_arithmetic() -> None:
    assert expression_names("(a - b) / b * 100") == {"a", "b"}
    assert evaluate_expression("x > 0", {"x": 1}) == 1.0
    for bad in ("__import__('os')", "a ** 2", "a.b", "[a]", "a if b else c", "'x'"):
        with pytest.raises(ValueError):
            expression_names(bad)


def test_a_wrong_worked_figure_fails_validation() -> None:
    data = yaml.safe_load(path_of("value_formulas").read_text(encoding="utf-8"))
    data["examples"][0]["computed"]["payback_months"] = 5
    with pytest.raises(ValidationError, match="payback_months"):
        ValueFormulas.model_validate(data)
    data = yaml.safe_load(path_of("value_formulas").read_text(encoding="utf-8"))
    data["examples"][1]["status"] = "agrees"
    with pytest.raises(ValidationError, match="status"):
        ValueFormulas.model_validate(data)


def test_levers_are_the_three_of_the_playbook() -> None:
    levers = {lever.code: lever for lever in formulas().levers}
    assert list(levers) == ["cost_saving", "efficiency_gain", "risk_mitigation"]
    assert all(len(lever.items) == 3 for lever in levers.values())
    assert "risk_value" in levers["risk_mitigation"].formulas


# --- roi_calculator_inputs ------------------------------------------------------------------------


def test_calculator_fields_feed_known_formulas_and_contract_inputs() -> None:
    vf = formulas()
    known = {i.code for i in vf.inputs} | {f.code for f in vf.formulas}
    calc = get("roi_calculator_inputs", RoiCalculatorInputs)
    fields = calc.all_fields()
    for field in fields:
        assert set(field.feeds) <= known, field.code
        assert field.contract_input is None or field.contract_input in CONTRACT_ROI_INPUTS
    mapped = {f.contract_input for f in fields if f.contract_input}
    assert {"headcount", "cost_per_head", "automatable_share", "solution_cost", "years"} <= mapped
    assert [g.code for g in calc.groups] == ["staff_cost", "business_volume", "running_cost"]
    assert [len(g.fields) for g in calc.groups] == [4, 4, 3]  # the self-test's 4 + 4 + 3 data points


# --- decision_levels ------------------------------------------------------------------------------


def test_four_decision_levels_with_one_veto() -> None:
    dl = get("decision_levels", DecisionLevels)
    assert [lv.code for lv in dl.levels] == [
        "technical_selection",
        "business_decision",
        "compliance_review",
        "executive_strategy",
    ]
    assert [lv.code for lv in dl.levels if lv.has_veto] == ["compliance_review"]
    for level in dl.levels:
        assert set(level.contact_roles) <= CONTRACT_CONTACT_ROLES
        assert level.evidence and level.strategy and level.concerns
    assert (dl.level("executive_strategy").duration_months.min, dl.total_duration_months.max) == (0.5, 6)
    assert dl.total_duration_months.min == 3.5


# --- funnel_benchmarks ----------------------------------------------------------------------------


def test_funnel_counts_and_conversions() -> None:
    fb = get("funnel_benchmarks", FunnelBenchmarks)
    assert [s.count for s in fb.stages] == [1000, 300, 100, 40, 15, 10]
    assert [s.conversion_to_next_pct for s in fb.stages] == [30, 33, 40, 38, 67, None]
    assert fb.overall_conversion_pct == 1.0
    order = [CONTRACT_STAGES.index(s.contract_stage) for s in fb.stages]
    assert order == sorted(order)
    assert [f.accuracy_gain_pct for f in fb.forecasting] == [25, 30, 40, 35]
    assert {r.code: r.value_pct for r in fb.reported_results} == {
        "ai_channel_leads": 180,
        "high_quality_lead_share": 40,
        "cost_per_lead": -35,
    }


# --- the other sections ---------------------------------------------------------------------------


def test_selling_approaches() -> None:
    sa = get("selling_approaches", SellingApproaches)
    assert [a.code for a in sa.approaches] == [
        "solution_selling",
        "value_proposition_selling",
        "data_driven_selling",
        "competitive_positioning",
    ]
    poc = next(step for step in sa.solution_selling_flow if step.code == "poc")
    assert poc.duration_weeks is not None and (poc.duration_weeks.min, poc.duration_weeks.max) == (2, 4)
    assert len(sa.solution_selling_flow) == 6
    assert len(sa.market_players) == 5
    assert len(sa.comparison_dimensions) == 7
    claims = {vp.code: [c.change_pct for c in vp.claims] for vp in sa.value_propositions}
    assert claims["ai_customer_service"] == [-60]
    assert claims["ai_risk_control"] == [40]
    assert claims["ai_code_generation"] == [30]


def test_ai_selling_differences_and_cycles() -> None:
    ai = get("ai_selling", AiSelling)
    assert [c.code for c in ai.challenges][:3] == [
        "technical_complexity",
        "hard_to_prove_value",
        "long_decision_cycle",
    ]
    assert all(c.responses for c in ai.challenges)
    cycle = ai.cycle_months
    assert (cycle.traditional.min, cycle.traditional.max) == (1, 3)
    assert (cycle.ai_product.min, cycle.ai_product.max, cycle.ai_large_account_max) == (3, 12, 18)
    assert len(ai.comparison) == 6
    assert len(ai.glossary) == 14
    assert len(ai.key_points) == 8


def test_training_programme() -> None:
    se = get("sales_enablement", SalesEnablement)
    levels = {lv.code: lv for lv in se.training_levels}
    assert list(levels) == ["l1_product_basics", "l2_technical", "l3_industry", "l4_objection_handling"]
    assert [lv.days for lv in levels.values()] == [2, 3, 2, 1]
    assert sum(lv.days for lv in levels.values()) == 8
    l1, l4 = levels["l1_product_basics"].pass_threshold, levels["l4_objection_handling"].pass_threshold
    assert l1 is not None and l1.after == 80
    assert l4 is not None and l4.after == 100
    # "80分以上" includes 80: the criterion must not read as strictly above 80.
    assert "80 or more" in levels["l1_product_basics"].pass_criterion.en
    assert len(se.collateral) == 6
    assert len(se.ai_agents) == 6


def test_pm_sales_collaboration_targets() -> None:
    pm = get("pm_sales_collaboration", PmSalesCollaboration)
    assert pm.presales_response_hours_max == 4
    targets = {r.code: r.success_metric.after for r in pm.roles if r.success_metric}
    assert targets == {"poc": 90, "delivery": 4.5}
    freq = {m.code: m.frequency for m in pm.meetings}
    assert freq["product_update_sync"] == "weekly"
    assert freq["requirement_review"] == "biweekly"
    assert freq["market_feedback_review"] == "monthly"
    assert freq["key_account_presales"] == "on_demand"
    assert [s.code for s in pm.case_cocreation] == [
        "customer_selection",
        "case_collection",
        "case_writing",
        "case_distribution",
    ]
    assert len(pm.case_elements) == 5


def test_china_selling_process() -> None:
    cs = get("china_selling", ChinaSelling)
    assert [s.code for s in cs.procurement_steps] == ["tendering", "security_compliance_review", "on_premise_review"]
    assert {p.code for p in cs.practices} >= {"relationship_selling", "multi_level_penetration"}


def test_case_studies_contracts_and_timelines() -> None:
    cases = {c.code: c for c in get("ai_sales_case_studies", AiSalesCaseStudies).cases}
    values = {code: case.contract_value_cny for code, case in cases.items()}
    assert values == {
        "alibaba_auto_cockpit": 50_000_000,
        "baidu_bank_fraud_control": 60_000_000,
        "baidu_bank_customer_service": 18_000_000,
        "tencent_manufacturing_knowledge_base": 15_000_000,
        "alibaba_ecommerce_customer_service": 28_000_000,
    }
    assert all(case.contract_years == 3 for case in cases.values())
    auto = sum(n.duration_months or 0 for n in cases["alibaba_auto_cockpit"].nodes)
    bank = sum(n.duration_months or 0 for n in cases["baidu_bank_fraud_control"].nodes)
    assert math.isclose(auto, 9) and math.isclose(bank, 8.5)
