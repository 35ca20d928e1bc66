"""Facts of the pipeline knowledge that tools rely on: stages, rules, red flags, forecast, review, process."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

import pytest
from sales_playbook.knowledge import get
from sales_playbook.schemas.knowledge.pipeline import (
    CONTRACT_STAGE_ALIASES,
    RED_FLAG_CODES,
    CoreRules,
    ForecastCategories,
    ForecastWarningSigns,
    MultithreadingRules,
    PipelineReviewTemplate,
    PipelineStages,
    RedFlagTable,
    SalesPitfalls,
    SalesProcess,
    StageRules,
    StallChecklist,
    TrackingTables,
)
from sales_playbook.schemas.knowledge.vocab import STAGE_ORDER

AS_OF = date(2026, 11, 24)


def stages() -> PipelineStages:
    return get("stages", PipelineStages)


def flags() -> RedFlagTable:
    return get("red_flags", RedFlagTable)


# --- stages -----------------------------------------------------------------------------------------


def test_stage_codes_order_and_probabilities() -> None:
    s = stages()
    assert [st.code for st in s.ordered()] == [
        "prospecting",
        "discovery",
        "evaluation",
        "proposal",
        "negotiation",
        "closed_won",
        "closed_lost",
    ]
    probs = {st.code: st.probability for st in s.stages}
    assert probs == {
        "prospecting": 0.05,
        "discovery": 0.15,
        "evaluation": 0.30,
        "proposal": 0.50,
        "negotiation": 0.75,
        "closed_won": 1.0,
        "closed_lost": 0.0,
    }
    assert sum(probs.values()) == pytest.approx(2.75)
    assert [st.code for st in s.stages if st.open] == list(STAGE_ORDER[:5])
    assert all(st.exit_criteria for st in s.stages)


def test_stage_aliases_resolve() -> None:
    s = stages()
    for alias, code in CONTRACT_STAGE_ALIASES.items():
        assert s.resolve(alias) == code
    assert CONTRACT_STAGE_ALIASES["售后维护"] == "closed_won"
    cases = {
        "Closed-Won": "closed_won",
        "closed_won": "closed_won",
        "WON": "closed_won",
        "赢单": "closed_won",
        "成交": "closed_won",
        "lost": "closed_lost",
        "输单": "closed_lost",
        "丢单": "closed_lost",
        "提案阶段": "proposal",
        "方案定制阶段": "evaluation",
        "Negotiation stage": "negotiation",
        "Proposal/Price Quote": "proposal",
        "客戶開發": "prospecting",
        "Evaluation": "evaluation",
        "潜在客户开发": "prospecting",
    }
    for name, code in cases.items():
        assert s.resolve(name) == code, name
    assert s.resolve("banana") is None


# --- stage rules --------------------------------------------------------------------------------------


def test_stage_rules_numbers() -> None:
    r = get("stage_rules", StageRules)
    assert [x.code for x in r.rules] == [
        "max_time_in_stage",
        "next_step_with_date",
        "reevaluate_after_no_progress",
        "advance_on_buyer_action",
    ]
    time_rule = r.rule("max_time_in_stage")
    assert time_rule.thresholds[0].metric == "stage_age_vs_average"
    assert time_rule.thresholds[0].value == 2
    assert time_rule.fallback is not None and time_rule.fallback.value == 60
    assert not time_rule.thresholds[0].breached(2.0) and time_rule.thresholds[0].breached(2.01)
    idle = r.rule("reevaluate_after_no_progress").thresholds[0]
    assert (idle.metric, idle.op, idle.value) == ("days_since_last_activity", "gt", 14)
    step = r.rule("next_step_with_date")
    assert set(step.red_flags) == {"no_next_step", "next_step_without_date"}
    assert step.does_not_count is not None and "I'll follow up" in step.does_not_count.en
    assert "我会跟进" in step.does_not_count.zh
    assert "sent the proposal" in r.seller_only_actions.en
    assert [(a.from_stage, a.to_stage) for a in r.advances] == list(pairwise(STAGE_ORDER[:6]))


# --- review template ----------------------------------------------------------------------------------


def test_pipeline_review_template_keys() -> None:
    t = get("pipeline_review_template", PipelineReviewTemplate)
    assert t.root_key == "pipeline_review" and t.cadence_days == 7
    assert [f.key for f in t.header] == ["date"]
    assert t.review_summary.key == "summary"
    assert [f.key for f in t.review_summary.fields] == [
        "total_pipeline",
        "weighted_pipeline",
        "new_this_week",
        "advanced_this_week",
        "closed_won",
        "closed_lost",
        "slipped",
    ]
    d = t.deals_to_review
    assert (d.limit, d.sort_by, d.descending, d.open_only) == (10, "value", True, True)
    assert [f.key for f in d.fields] == [
        "company",
        "value",
        "stage",
        "age_in_stage",
        "next_step",
        "risk",
        "risk_reason",
    ]
    outputs = {f.key: f.output_field for f in d.fields if f.output_field}
    assert outputs == {"age_in_stage": "age_in_stage_days", "risk_reason": "risk_reasons"}
    assert t.actions.item.render("en", {"deal": "Acme", "action": "call"}) == "Acme: call"
    h = t.pipeline_health
    assert [f.key for f in h.fields] == ["coverage_ratio", "avg_deal_size", "avg_sales_cycle", "win_rate"]
    target = t.health_field("coverage_ratio").target
    assert target is not None and (target.min, target.max) == (3, 4)
    assert target.contains(3.5) and not target.contains(2.9)
    conv = {c.key: (c.from_stage, c.to_stage) for c in h.stage_conversion}
    assert conv == {
        "discovery_to_eval": ("discovery", "evaluation"),
        "eval_to_proposal": ("evaluation", "proposal"),
        "proposal_to_closed": ("proposal", "closed_won"),
    }


# --- forecast -----------------------------------------------------------------------------------------


def test_forecast_categories_and_assignment() -> None:
    f = get("forecast_categories", ForecastCategories)
    mapping = {c.code: c.contract_category for c in f.playbook_categories}
    assert mapping == {
        "commit": "commit",
        "best_case": "best_case",
        "pipeline": "pipeline",
        "upside": "omitted",
    }
    assert [c.code for c in sorted(f.categories, key=lambda c: c.rank)] == [
        "commit",
        "best_case",
        "pipeline",
        "omitted",
    ]
    assert f.scope.forecast_sums == ["commit", "best_case"]
    assert f.assign("negotiation", {"verbal_agreement"}).category == "commit"
    assert f.assign("negotiation", {"contract_signed"}).category == "commit"
    assert f.assign("negotiation", {"engaged_champion"}).category == "best_case"
    assert f.assign("proposal", {"engaged_champion", "verbal_agreement"}).category == "best_case"
    assert f.assign("proposal", set()).category == "pipeline"
    assert f.assign("negotiation", set()).category == "pipeline"
    assert f.assign("evaluation", {"engaged_champion"}).category == "pipeline"
    assert f.assign("discovery", set()).category == "omitted"
    assert f.assign("prospecting", {"verbal_agreement"}).category == "omitted"
    d = f.demotion
    assert d.steps == 1 and d.trigger_severity == "high" and d.exempt_flags == ["no_champion"]
    assert [d.demote(c) for c in ("commit", "best_case", "pipeline", "omitted")] == [
        "best_case",
        "pipeline",
        "omitted",
        "omitted",
    ]
    text = d.reason.render("zh", {"flag": "no_activity_14d", "from_category": "c", "to_category": "b"})
    assert "no_activity_14d" in text


def test_forecast_accuracy_rule() -> None:
    a = get("forecast_categories", ForecastCategories).accuracy
    assert a.max_deviation == 0.10 and a.target_min == 0.90 and a.target_exclusive
    assert a.accuracy(95, 100) == pytest.approx(0.95)
    assert a.on_target(95, 100) is True
    assert a.on_target(90, 100) is False
    assert a.accuracy(10, 0) is None
    assert a.within_tolerance(actual=100, forecast=110)
    assert not a.within_tolerance(actual=100, forecast=111)


# --- red flags ----------------------------------------------------------------------------------------


def test_red_flag_table_matches_contract() -> None:
    t = flags()
    assert [f.code for f in t.flags] == list(RED_FLAG_CODES)
    severities = {f.code: f.severity for f in t.flags}
    assert severities == {
        "no_next_step": "high",
        "next_step_without_date": "medium",
        "no_activity_14d": "high",
        "stage_over_60d": "medium",
        "single_threaded": "high",
        "below_multithread_minimum": "medium",
        "no_champion": "medium",
        "no_economic_buyer_access": "medium",
        "close_date_pushed": "medium",
        "close_date_passed": "high",
        "verbal_only": "medium",
    }
    escalated = {f.code for f in t.flags if f.escalation is not None}
    assert escalated == {"no_champion", "no_economic_buyer_access"}
    champion = t.flag("no_champion")
    assert [champion.severity_at(s) for s in STAGE_ORDER[:5]] == ["medium", "medium", "medium", "high", "high"]
    assert t.flag("single_threaded").severity_at("proposal") == "high"
    numbers = {f.code: [(th.metric, th.op, th.value) for th in f.thresholds()] for f in t.flags}
    assert numbers["no_activity_14d"] == [("days_since_last_activity", "gt", 14)]
    assert numbers["stage_over_60d"] == [("days_in_stage", "gt", 60)]
    assert numbers["single_threaded"] == [("engaged_contacts", "lt", 2)]
    assert numbers["close_date_pushed"] == [("close_date_changes", "ge", 2)]
    assert numbers["verbal_only"] == [("days_in_stage", "gt", 30)]
    assert t.flag("below_multithread_minimum").uses == "multithreading"
    assert t.risk_level({"high", "medium"}) == "red"
    assert t.risk_level({"medium"}) == "yellow"
    assert t.risk_level(set()) == "green"


def _facts(deal: dict[str, Any]) -> tuple[str, set[str], set[str], dict[str, float]]:
    """What a tool derives from a deal (a small reference implementation for the test)."""
    mt = get("multithreading", MultithreadingRules)
    present = {k for k, v in deal.items() if v not in (None, "", [])}
    true_flags = {k for k in ("verbal_agreement", "contract_signed") if deal.get(k)}
    contacts = [c for c in deal.get("contacts", []) if c.get("engaged")]
    metrics: dict[str, float] = {
        "engaged_contacts": len(contacts),
        "engaged_champions": sum(c["role"] == "champion" for c in contacts),
        "engaged_economic_buyers": sum(c["role"] == "economic_buyer" for c in contacts),
        "multithread_shortfall": mt.minimum_for(deal["value"]) - len(contacts),
        "close_date_changes": deal.get("close_date_changes", 0),
    }
    if deal.get("last_activity"):
        metrics["days_since_last_activity"] = (AS_OF - deal["last_activity"]).days
    if deal.get("stage_entered"):
        metrics["days_in_stage"] = (AS_OF - deal["stage_entered"]).days
    if deal.get("close_date"):
        metrics["days_past_close_date"] = (AS_OF - deal["close_date"]).days
    return deal["stage"], present, true_flags, metrics


def _raised(deal: dict[str, Any]) -> set[str]:
    stage, present, true_flags, metrics = _facts(deal)
    return {f.code for f in flags().flags if f.fires(stage, present, true_flags, metrics)}


def _healthy(**changes: Any) -> dict[str, Any]:
    deal: dict[str, Any] = {
        "company": "Acme",
        "value": 48000,
        "stage": "proposal",
        "stage_entered": date(2026, 11, 1),
        "close_date": date(2026, 12, 15),
        "close_date_changes": 1,
        "last_activity": date(2026, 11, 10),
        "next_step": "Security review",
        "next_step_date": date(2026, 11, 26),
        "verbal_agreement": False,
        "contract_signed": False,
        "contacts": [
            {"role": "champion", "engaged": True},
            {"role": "economic_buyer", "engaged": True},
            {"role": "technical_evaluator", "engaged": True},
        ],
    }
    deal.update(changes)
    return deal


def test_red_flag_triggers_on_sample_deals() -> None:
    assert _raised(_healthy()) == set()
    assert _raised(_healthy(next_step="", next_step_date=None)) == {"no_next_step"}
    assert _raised(_healthy(next_step_date=None)) == {"next_step_without_date"}
    assert _raised(_healthy(last_activity=date(2026, 11, 10))) == set()  # exactly 14 days
    assert _raised(_healthy(last_activity=date(2026, 11, 9))) == {"no_activity_14d"}
    assert _raised(_healthy(stage_entered=date(2026, 9, 25))) == set()  # exactly 60 days
    assert _raised(_healthy(stage_entered=date(2026, 9, 24))) == {"stage_over_60d"}
    assert _raised(_healthy(close_date_changes=2)) == {"close_date_pushed"}
    assert _raised(_healthy(close_date=date(2026, 11, 23))) == {"close_date_passed"}
    assert _raised(_healthy(close_date=AS_OF)) == set()
    one = [{"role": "champion", "engaged": True}, {"role": "economic_buyer", "engaged": False}]
    assert _raised(_healthy(contacts=one)) == {
        "single_threaded",
        "below_multithread_minimum",
        "no_economic_buyer_access",
    }
    assert "below_multithread_minimum" in _raised(_healthy(value=100001))
    assert "below_multithread_minimum" not in _raised(_healthy(value=100000))
    assert _raised(_healthy(verbal_agreement=True)) == {"verbal_only"}
    nego = {"stage": "negotiation", "verbal_agreement": True}
    assert _raised(_healthy(stage_entered=date(2026, 10, 25), **nego)) == set()  # 30 days
    assert _raised(_healthy(stage_entered=date(2026, 10, 24), **nego)) == {"verbal_only"}
    signed = _healthy(stage_entered=date(2026, 10, 1), contract_signed=True, **nego)
    assert _raised(signed) == set()
    closed = _healthy(stage="closed_won", next_step="", last_activity=date(2026, 1, 1))
    assert _raised(closed) == set()


def test_red_flag_messages_fill_in_both_languages() -> None:
    t = flags()
    values = {name: "X" for name in t.placeholders}
    for flag in t.flags:
        messages = [flag.message, *(trigger.message for trigger in flag.triggers if trigger.message is not None)]
        for message in messages:
            assert message.fields <= set(t.placeholders)
            assert message.en.format_map(values)
            assert message.zh.format_map(values)
        assert flag.fix.en and flag.fix.zh


# --- multithreading -----------------------------------------------------------------------------------


def test_multithreading_boundaries() -> None:
    m = get("multithreading", MultithreadingRules)
    assert m.currency == "USD"
    assert [m.minimum_for(v) for v in (0, 24999.99, 25000, 60000, 100000, 100000.01, 2_000_000)] == [
        2,
        2,
        3,
        3,
        3,
        5,
        5,
    ]
    mid = m.band_for(50000)
    assert (mid.recommended_contacts.min, mid.recommended_contacts.max) == (3, 4)
    assert set(m.band_for(10000).roles) == {"champion", "economic_buyer"}
    assert set(mid.roles) == {"champion", "economic_buyer", "technical_evaluator", "end_user"}
    assert {"procurement", "legal", "executive_sponsor"} <= set(m.band_for(500000).roles)
    assert m.band_for(500000).recommended_contacts.max is None


# --- stall checklist ----------------------------------------------------------------------------------


def test_stall_checklist() -> None:
    c = get("stall_checklist", StallChecklist)
    assert [x.code for x in c.checks] == [
        "champion",
        "economic_buyer_access",
        "compelling_event",
        "cost_of_inaction",
        "unresolved_objections",
        "competitor_blocking",
        "champion_engaged",
        "multithreaded",
    ]
    fail_on_yes = {x.code for x in c.checks if x.fails_when == "yes"}
    assert fail_on_yes == {"unresolved_objections", "competitor_blocking"}
    assert "contact_role:champion" in c.check("champion").evidence
    assert "meddpicc:economic_buyer" in c.check("economic_buyer_access").evidence
    assert "input:cost_of_inaction_per_month" in c.check("cost_of_inaction").evidence
    assert "deal:competitors" in c.check("competitor_blocking").evidence
    assert c.check("champion").action_code == "find_champion_or_walk_away"
    assert {(t.metric, t.value) for t in c.stalled_when} == {
        ("days_since_last_activity", 14),
        ("stage_age_vs_average", 2),
        ("days_in_stage", 60),
    }
    t = flags()
    for flag in t.flags:
        if flag.stall_check is not None:
            c.check(flag.stall_check)


# --- B2B skill: core rules, pitfalls, warnings --------------------------------------------------------


def test_core_rules_pitfalls_and_warnings() -> None:
    r = get("core_rules", CoreRules)
    assert [x.code for x in r.rules] == [
        "research_before_outreach",
        "qualify_with_meddic",
        "multithread_every_deal",
        "dated_next_step",
        "verify_crm_stages",
        "build_champions",
    ]
    facts = r.rule("research_before_outreach").points[0]
    assert facts.minimum == 3 and len(facts.items) == 4
    meddic = r.rule("qualify_with_meddic").points[0]
    assert [i.code for i in meddic.items] == [
        "metrics",
        "economic_buyer",
        "decision_criteria",
        "decision_process",
        "identified_pain",
        "champion",
    ]
    crm = {p.code: p for p in r.rule("verify_crm_stages").points}
    th = crm["long_stage_is_red_flag"].threshold
    assert th is not None and th.value == 60

    p = get("pitfalls", SalesPitfalls)
    assert len(p.pitfalls) == 8
    assert "premature_pricing" in {x.code for x in p.pitfalls}

    w = get("forecast_warning_signs", ForecastWarningSigns)
    assert len(w.signs) == 7
    by_code = {s.code: s for s in w.signs}
    age = by_code["deal_age_over_3x_cycle"].threshold
    assert age is not None and (age.metric, age.value) == ("deal_age_vs_average_cycle", 3)
    assert by_code["no_progress_14d"].red_flag == "no_activity_14d"
    assert by_code["single_contact"].red_flag == "single_threaded"
    assert by_code["verbal_without_paper"].red_flag == "verbal_only"
    assert by_code["committed_dates_slipping"].red_flag == "close_date_pushed"
    busy = by_code["champion_too_busy"].cues
    assert busy is not None and "too busy" in busy.en and "太忙" in busy.zh
    late = by_code["procurement_legal_absent_late"]
    assert late.from_stage == "negotiation" and set(late.roles) == {"procurement", "legal"}


# --- process template ---------------------------------------------------------------------------------


def test_sales_process_maps_to_contract_stages() -> None:
    p = get("sales_process", SalesProcess)
    s = stages()
    assert [(st.name.zh, st.maps_to) for st in p.stages] == [
        ("客户开发", "prospecting"),
        ("需求挖掘", "discovery"),
        ("方案定制", "evaluation"),
        ("商务谈判", "negotiation"),
        ("合同签订", "closed_won"),
        ("售后维护", "closed_won"),
    ]
    for st in p.stages:
        assert s.resolve(st.name.zh) == st.maps_to
        assert st.activities and st.outputs
    assert len(p.use_cases) == 4 and len(p.tips) == 3
    quantities = {q.code: (q.min, q.max, q.unit) for st in p.stages for a in st.activities for q in a.quantities}
    assert quantities["open_questions"] == (3, 5, "count")
    assert quantities["summary_within"] == (24, 24, "hours")
    assert quantities["qa_time"] == (10, 15, "minutes")
    assert quantities["survey_within"] == (1, 1, "weeks")
    interview = next(a for a in p.stage("needs_discovery").activities if a.code == "needs_interview")
    assert [i.code for i in interview.items] == ["current_pain", "goals", "budget_range", "decision_process"]


def test_tracking_tables() -> None:
    t = get("tracking_tables", TrackingTables)
    p = get("sales_process", SalesProcess)
    assert t.update_within_hours == 24
    assert [(x.code, len(x.columns)) for x in t.tables] == [
        ("customer_info_tracking", 12),
        ("stage_progress", 8),
        ("requirements_record", 8),
        ("contract_key_info", 9),
    ]
    codes = {x.code for x in t.tables}
    for st in p.stages:
        assert set(st.tables) <= codes
    progress = t.table("stage_progress")
    assert {c.code: c.deal_field for c in progress.columns if c.deal_field} == {
        "company": "company",
        "current_stage": "stage",
        "stage_start_date": "stage_entered",
        "to_do": "next_step",
        "owner": "owner",
    }
    contract = t.table("contract_key_info")
    assert [row["amount"] for row in contract.examples] == [85, 120]
    assert contract.examples[0]["signing_date"] == date(2024, 5, 20)
    s = stages()
    for row in t.table("customer_info_tracking").examples:
        stage_name = row["development_stage"]
        assert not isinstance(stage_name, (date, float))
        assert s.resolve(stage_name.zh) in {"evaluation", "discovery"}
