"""close_plan: discount tree, technique choice, readiness, urgency levers, stall checklist."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sales_playbook.schemas.closing import ClosePlanInput, ClosePlanResult
from sales_playbook.tools.closing import close_plan, close_plan_markdown
from sales_playbook.tools.errors import PlaybookInputError

AS_OF = date(2026, 11, 23)
TEAM = [
    {"name": "Dana", "role": "champion", "engaged": True, "last_contact": str(AS_OF - timedelta(days=2))},
    {"name": "Sam", "title": "CFO", "role": "economic_buyer", "engaged": True},
    {"name": "Kim", "role": "technical_evaluator", "engaged": True},
]
THREE_SIGNALS = "They asked how much does it cost. Can we do a trial? Asked what would implementation look like."


def plan(deal: dict[str, Any] | None = None, locale: str = "en", **inputs: Any) -> ClosePlanResult:
    base = {
        "company": "Acme",
        "stage": "negotiation",
        "value": 20_000,
        "contacts": TEAM,
        "last_activity": str(AS_OF - timedelta(days=1)),
        "stage_entered": str(AS_OF - timedelta(days=10)),
        "next_step": "Contract review",
        "next_step_date": str(AS_OF + timedelta(days=3)),
    }
    inp = ClosePlanInput.model_validate({"deal": {**base, **(deal or {})}, **inputs})
    return close_plan(inp, AS_OF, locale)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- discount tree

PAIN = {"meddpicc": {"identified_pain": {"score": 2}}}


@pytest.mark.parametrize(
    ("deal", "answers", "decision", "max_pct", "path"),
    [
        ({}, {"has_budget": None}, "hold_firm", 0, ["budget=unknown"]),
        ({}, {"has_budget": True, "competitive": True}, "hold_firm", 0, ["budget=yes", "competition=yes"]),
        ({}, {"has_budget": True, "competitive": False}, "hold_firm", 0, ["budget=yes", "competition=no"]),
        ({}, {"has_budget": True}, "hold_firm", 0, ["budget=yes", "competition=unknown"]),
        ({}, {"has_budget": False, "strategic": True}, "trade", 10, ["budget=no", "strategic_value=yes"]),
        ({}, {"has_budget": False, "strategic": False}, "walk_away", 0, ["budget=no", "strategic_value=no"]),
        (PAIN, {"has_budget": False, "strategic": False}, "defer", 0, ["budget=no", "strategic_value=no"]),
        ({}, {"has_budget": False}, "hold_firm", 0, ["budget=no", "strategic_value=unknown"]),
    ],
)
def test_every_branch_of_the_discount_tree(
    deal: dict[str, Any], answers: dict[str, Any], decision: str, max_pct: float, path: list[str]
) -> None:
    out = plan(deal, discount_requested_pct=10, **answers).discount
    assert (out.decision, out.max_pct, out.path) == (decision, max_pct, path)
    assert out.requested_pct == 10 and out.script and out.advice
    assert bool(out.trade_for) is (decision == "trade")
    assert bool(out.value_adds) is (path == ["budget=yes", "competition=yes"])


def test_no_discount_requested() -> None:
    out = plan(has_budget=False, strategic=True).discount
    assert (out.decision, out.max_pct, out.path, out.requested_pct) == ("hold_firm", 0, [], None)


@pytest.mark.parametrize(("requested", "max_pct"), [(5, 5), (20, 20), (20.5, 20), (35, 20), (100, 20)])
def test_never_above_twenty_percent(requested: float, max_pct: float) -> None:
    out = plan(discount_requested_pct=requested, has_budget=False, strategic=True)
    assert out.discount.max_pct == max_pct
    assert any("cap" in w for w in out.warnings) is (requested > 20)


def test_competitive_strategic_trade_asks_for_commitment_first() -> None:
    out = plan(discount_requested_pct=15, has_budget=False, strategic=True, competitive=True).discount
    assert out.decision == "trade"
    assert out.trade_for[0].startswith("Annual commitment") and out.trade_for[1].startswith("Longer")


# ------------------------------------------------------------------------------------- technique and readiness


def test_summary_close_when_pain_cost_date_and_criteria_are_known() -> None:
    scores = {k: {"score": 2} for k in ("identified_pain", "metrics", "decision_criteria")}
    out = plan(
        {"meddpicc": scores},
        target_go_live="2027-03-01",
        cost_of_inaction_per_month=20_000,
        problem="manual invoicing",
        top_criteria=["SSO", "speed", "support"],
    )
    assert out.technique == "summary"
    assert "manual invoicing" in out.script and "20,000 USD" in out.script and "2027-03-01" in out.script
    assert "SSO, speed, support" in out.script


def test_assumptive_close_with_three_signals() -> None:
    out = plan({"notes": THREE_SIGNALS})
    assert out.technique == "assumptive"
    assert {s.code for s in out.buying_signals_seen} == {"asks_price", "asks_pilot", "asks_implementation"}
    assert out.readiness == "ready"


def test_pilot_close_for_one_or_two_signals() -> None:
    out = plan({"notes": "Can we do a trial?"})
    assert out.technique == "pilot" and "14" in out.script and out.readiness == "almost"


def test_next_step_close_and_default() -> None:
    out = plan()
    assert out.technique == "next_step" and "Contract review" in out.script
    bare = plan({"next_step": None, "next_step_date": None})
    assert bare.technique == "next_step" and "contract review with your team" in bare.script
    assert "No technique" in bare.technique_reason
    assert bare.readiness == "not_ready"


def test_ready_needs_the_economic_buyer_and_no_high_flag() -> None:
    without_eb = plan({"notes": THREE_SIGNALS, "contacts": [TEAM[0], TEAM[2]]})
    assert without_eb.readiness == "almost"
    assert any("economic buyer" in r for r in without_eb.readiness_reasons)
    stale = plan({"notes": THREE_SIGNALS, "last_activity": str(AS_OF - timedelta(days=20))})
    assert stale.readiness == "almost" and any("no_activity_14d" in r for r in stale.readiness_reasons)


def test_negated_signals_and_activities() -> None:
    out = plan(
        {"notes": "They never asked how much does it cost."},
        activities=[{"summary": "Call: could we test it with one team first?", "kind": "call"}],
    )
    assert [(s.code, s.source) for s in out.buying_signals_seen] == [("asks_pilot", "activity")]


def test_quote_caution_until_budget_and_authority() -> None:
    assert any("quote" in w for w in plan().warnings)
    assert not any("Don't send a quote" in w for w in plan(has_budget=True).warnings)  # EB engaged → authority


# ------------------------------------------------------------------------------------- urgency levers


def test_no_urgency_lever_without_facts() -> None:
    assert plan().urgency_options == []
    assert plan(target_go_live="2027-03-01").urgency_options == []


def test_cost_of_delay_only_without_a_firm_timeline() -> None:
    out = plan(cost_of_inaction_per_month=20_000, problem="manual invoicing")
    assert [u.code for u in out.urgency_options] == ["cost_of_delay"]
    assert "60,000 USD" in out.urgency_options[0].script
    assert plan(cost_of_inaction_per_month=20_000, target_go_live="2027-03-01").urgency_options == []


@pytest.mark.parametrize("cost", [0, 0.0])
def test_a_zero_cost_of_inaction_is_no_cost_of_delay_lever(cost: float) -> None:
    """The lever needs 'the monthly cost of inaction is known'; a cost of 0 used to offer it with its figures
    left as [placeholders], while the stall checklist counted the same cost as not given."""
    out = plan(cost_of_inaction_per_month=cost, problem="manual invoicing")
    assert out.urgency_options == []
    assert next(c for c in out.stall_checklist if c.code == "cost_of_inaction").result == "fail"


def test_each_fact_backed_lever() -> None:
    out = plan(
        capacity_limit_true=True,
        price_change_date="2027-01-01",
        competitor_signed="Globex Retail",
        regulation="EU AI Act",
        regulatory_deadline="2027-08-02",
        target_go_live="2027-03-01",
    )
    by = {u.code: u for u in out.urgency_options}
    assert set(by) == {"resource_constraint", "price_deadline", "competitor_move", "regulatory_deadline"}
    assert set(by["resource_constraint"].placeholders_left) == {"onboarding_slots", "next_slot_date"}
    assert "2026-12-31" in by["price_deadline"].script
    assert "Globex Retail" in by["competitor_move"].script
    assert by["regulatory_deadline"].placeholders_left == ["prep_weeks"]


def test_past_deadlines_are_not_levers() -> None:
    out = plan(price_change_date="2026-11-01", regulation="X", regulatory_deadline="2026-10-01")
    assert out.urgency_options == []


# ------------------------------------------------------------------------------------- stall checklist


def test_a_healthy_deal_passes_every_check() -> None:
    out = plan(target_go_live="2027-03-01", cost_of_inaction_per_month=5_000)
    assert [c.result for c in out.stall_checklist] == ["pass"] * 8
    assert all(c.action is None for c in out.stall_checklist) and not out.stalled


def test_a_stalled_deal_fails_every_check() -> None:
    out = plan(
        {
            "contacts": [{"name": "Kim", "role": "technical_evaluator", "engaged": True}],
            "competitors": ["Globex"],
            "notes": "Too expensive, they said. Nobody owns this internally.",
            "last_activity": str(AS_OF - timedelta(days=30)),
            "stage_entered": str(AS_OF - timedelta(days=90)),
            "close_date_changes": 2,
        }
    )
    assert [c.code for c in out.stall_checklist] == [
        "champion",
        "economic_buyer_access",
        "compelling_event",
        "cost_of_inaction",
        "unresolved_objections",
        "competitor_blocking",
        "champion_engaged",
        "multithreaded",
    ]
    assert [c.result for c in out.stall_checklist] == ["fail"] * 8
    assert all(c.action for c in out.stall_checklist)
    assert out.stalled and any("30 days" in w for w in out.warnings)


def test_a_resolved_objection_passes() -> None:
    out = plan({"notes": "Too expensive at first; concern resolved after the ROI review."})
    check = next(c for c in out.stall_checklist if c.code == "unresolved_objections")
    assert check.result == "pass" and len(check.evidence) == 2


def test_a_quiet_champion_fails_the_engagement_check() -> None:
    quiet = {**TEAM[0], "last_contact": str(AS_OF - timedelta(days=20))}
    out = plan({"contacts": [quiet, TEAM[1], TEAM[2]]})
    check = next(c for c in out.stall_checklist if c.code == "champion_engaged")
    assert check.result == "fail" and "20 days" in check.evidence[0]


# ------------------------------------------------------------------------------------- the rest


def test_negotiation_rules_are_the_seven_in_order() -> None:
    rules = plan().negotiation_rules
    assert len(rules) == 7 and rules[0].code == "never_negotiate_against_yourself"
    assert rules[-1].code == "deadlines" and rules[-1].example is None  # no real deadline known
    with_deadline = plan(price_change_date="2027-01-01").negotiation_rules[-1]
    assert with_deadline.example is not None and "2026-12-31" in with_deadline.example


def test_map_is_back_scheduled_from_go_live() -> None:
    out = plan(target_go_live="2027-03-03")
    assert len(out.mutual_action_plan) == 7
    assert out.mutual_action_plan[-1].date == date(2027, 2, 26)
    assert "Sam (CFO)" in out.mutual_action_plan[2].step


def test_closed_deal_is_refused() -> None:
    with pytest.raises(PlaybookInputError) as info:
        plan({"stage": "closed_lost"})
    assert info.value.field == "deal.stage"


def test_chinese_plan() -> None:
    out = plan({"company": "星辰科技", "notes": "客户问：能试用吗？"}, locale="zh", discount_requested_pct=10)
    assert out.technique == "pilot"
    text = close_plan_markdown(out)
    assert "成交计划" in text and "星辰科技" in text
    assert "[pass]" not in text and "[fail]" not in text  # the stall checks read 通过 / 未通过 in Chinese
    assert all(line.startswith(("- [通过] ", "- [未通过] ")) for line in _stall_lines(text))
    assert all(line.startswith(("- [pass] ", "- [fail] ")) for line in _stall_lines(close_plan_markdown(plan())))


def _stall_lines(text: str) -> list[str]:
    after = text.split("停滞检查清单：" if "停滞检查清单：" in text else "Stall checklist:", 1)[1]
    lines = after.strip("\n").split("\n\n", 1)[0].splitlines()
    assert len(lines) == 8
    return lines
