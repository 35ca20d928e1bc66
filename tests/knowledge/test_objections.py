"""Facts of the objection and closing knowledge that tools rely on: LAER, the objection library and its cues,
the reverse technique, buying signals, closing techniques, negotiation rules, the discount tree, urgency levers."""

from __future__ import annotations

import pytest
from sales_playbook.knowledge import get
from sales_playbook.schemas.knowledge.closing import (
    BuyingSignals,
    ClosingTechniques,
    DiscountPolicy,
    NegotiationRules,
    UrgencyTactics,
)
from sales_playbook.schemas.knowledge.objections import (
    LaerFramework,
    ObjectionLibrary,
    ReverseTechnique,
    Template,
)

CONTRACT_CATEGORIES = {"price", "timing", "authority", "status_quo", "brush_off", "other"}
CONTRACT_TECHNIQUES = {"summary", "next_step", "assumptive", "pilot"}
CONTRACT_DISCOUNT_DECISIONS = {"hold_firm", "trade", "walk_away", "defer"}


def library() -> ObjectionLibrary:
    return get("objection_library", ObjectionLibrary)


def fill(template: Template, locale: str, values: dict[str, object]) -> str:
    return template.get(locale).format_map(values)


# --- LAER -------------------------------------------------------------------------------------------


def test_laer_has_four_steps_in_order_and_bans_i_understand_but() -> None:
    laer = get("laer", LaerFramework)
    assert [s.code for s in laer.steps] == ["listen", "acknowledge", "explore", "respond"]
    never = next(m for m in laer.avoid if m.code == laer.never_say)
    assert never.cues is not None
    assert any(c.lower().startswith("i understand, but") for c in never.cues.en)
    assert any("我理解" in c and "但是" in c for c in never.cues.zh)
    codes = {m.code for m in laer.avoid}
    assert {"argue", "discount_on_the_spot", "badmouth_competitor"} <= codes


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_no_answer_repeats_the_never_say_move(locale: str) -> None:
    """handle_objection appends LAER's never-say move to every answer's `avoid`, so no answer lists it itself."""
    laer = get("laer", LaerFramework)
    never = next(m for m in laer.avoid if m.code == laer.never_say)
    assert never.cues is not None
    cues = never.cues.get(locale)
    answers = [*library().objections, library().fallback]
    for answer in answers:
        for item in answer.avoid:
            assert not any(cue.lower() in item.get(locale).lower() for cue in cues), item.get(locale)


# --- objection library ------------------------------------------------------------------------------


def test_categories_are_the_contract_codes() -> None:
    lib = library()
    assert {c.code for c in lib.categories} == CONTRACT_CATEGORIES
    assert {o.category for o in lib.objections} == CONTRACT_CATEGORIES - {"other"}


def test_every_seed_objection_is_present() -> None:
    by_category = {
        cat: {o.id for o in library().in_category(cat)}
        for cat in ("price", "timing", "authority", "status_quo", "brush_off")
    }
    assert by_category == {
        "price": {"price_too_expensive", "price_discount_request", "price_no_budget", "price_competitor_cheaper"},
        "timing": {"timing_not_now", "timing_other_project", "timing_think_about_it"},
        "authority": {"authority_ask_boss", "authority_committee"},
        "status_quo": {"status_quo_current_fine", "status_quo_built_in_house"},
        "brush_off": {
            "brush_off_not_interested",
            "brush_off_send_email",
            "brush_off_already_have_solution",
            "brush_off_bad_time",
            "brush_off_how_got_number",
        },
    }


def test_each_objection_has_many_cues_in_both_languages() -> None:
    for obj in library().objections:
        assert len(obj.cues.phrases.en) >= 12, obj.id
        assert len(obj.cues.phrases.zh) >= 12, obj.id
        assert obj.follow_up_questions and obj.avoid


def test_brush_offs_are_cold_call_and_have_deal_counterparts() -> None:
    lib = library()
    for obj in lib.in_category("brush_off"):
        assert obj.contexts == ["cold_call"], obj.id
    assert lib.by_id("brush_off_already_have_solution").use_instead["deal"] == "status_quo_current_fine"
    assert lib.by_id("status_quo_current_fine").use_instead["cold_call"] == "brush_off_already_have_solution"


def test_cost_by_next_quarter_is_three_months_and_fills_the_answer() -> None:
    lib = library()
    quarter = lib.placeholder("cost_by_next_quarter")
    assert (quarter.derived_from, quarter.factor) == ("cost_of_inaction_per_month", 3)
    assert lib.placeholder("cost_over_12_months").factor == 12
    assert lib.placeholder("call_minutes").value == 2
    not_now = lib.by_id("timing_not_now")
    assert {"cost_of_inaction_per_month", "cost_by_next_quarter"} <= not_now.respond.placeholders
    text = fill(
        not_now.respond,
        "en",
        {"problem": "manual reporting", "cost_of_inaction_per_month": "$10,000", "cost_by_next_quarter": "$30,000"},
    )
    assert "$10,000" in text and "$30,000" in text


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_every_answer_fills_with_defaults_alone(locale: str) -> None:
    """Without any context, the fallback (or the respond itself) must fill from placeholder defaults."""
    lib = library()
    defaults: dict[str, object] = {}
    for spec in lib.placeholders:
        if spec.default is not None:
            defaults[spec.name] = spec.default.get(locale)
        elif spec.value is not None:
            defaults[spec.name] = int(spec.value)
    for obj in lib.objections:
        answer = obj.respond_fallback or obj.respond
        for template in (obj.acknowledge, obj.explore, answer, *obj.follow_up_questions):
            assert "{" not in fill(template, locale, defaults), obj.id


def test_reverse_technique_threshold_is_three_with_two_effects() -> None:
    reverse = get("reverse_technique", ReverseTechnique)
    assert reverse.min_times_objected == 3
    # The seed says only "keeps objecting"; the count of three must be marked as the project's.
    assert "this project's threshold" in reverse.summary.en and "本项目" in reverse.summary.zh
    assert len(reverse.effects) == 2
    assert not reverse.script.placeholders


# --- closing ----------------------------------------------------------------------------------------


def test_buying_signals_cover_verbal_and_behavioural() -> None:
    signals = get("buying_signals", BuyingSignals)
    verbal = {s.code for s in signals.signals if s.kind == "verbal"}
    behavioural = {s.code for s in signals.signals if s.kind == "behavioural"}
    assert len(verbal) == 5 and len(behavioural) == 5
    assert "what would implementation look like" in signals.by_code("asks_implementation").cues.en


def test_closing_techniques_are_the_contract_codes_with_a_14_day_pilot() -> None:
    closing = get("closing_techniques", ClosingTechniques)
    assert {t.code for t in closing.techniques} == CONTRACT_TECHNIQUES
    assert set(closing.technique("summary").requires) == {
        "pain_known",
        "cost_known",
        "date_known",
        "criteria_known",
    }
    pilot = closing.technique("pilot")
    assert pilot.pilot_days == 14 and pilot.first_results_days == 7
    assert closing.choose(["pain_known", "cost_known", "date_known", "criteria_known"]).code == "summary"
    assert closing.choose(["strong_buying_signals"]).code == "assumptive"
    assert closing.choose(["hesitant_buyer", "next_action_known"]).code == "pilot"
    assert closing.choose([]).code == closing.default_technique == "next_step"
    assert closing.fact("strong_buying_signals").min_buying_signals == 3
    # The seed gives no signal counts or precedence: the summary must say they are the project's own.
    assert "this project's own choices" in closing.summary.en and "本项目" in closing.summary.zh


def test_seven_negotiation_rules() -> None:
    rules = get("negotiation_rules", NegotiationRules)
    assert [r.order for r in rules.rules] == list(range(1, 8))
    assert rules.rules[0].code == "never_negotiate_against_yourself"


def test_discount_tree_decisions_and_cap() -> None:
    policy = get("discount_policy", DiscountPolicy)
    assert policy.max_discount_pct == 20
    assert all(o.max_pct <= 20 for o in policy.outcomes)
    assert {o.decision for o in policy.outcomes} | {o.alternative for o in policy.outcomes if o.alternative} == (
        CONTRACT_DISCOUNT_DECISIONS
    )
    cases: list[tuple[dict[str, bool | None], str]] = [
        ({"has_budget": True}, "hold_firm"),
        ({"has_budget": True, "competitive": True}, "hold_firm"),
        ({"has_budget": False, "strategic": True}, "trade"),
        ({"has_budget": False, "strategic": False}, "walk_away"),
        ({}, "hold_firm"),
    ]
    for answers, decision in cases:
        outcome, path = policy.walk(answers)
        assert outcome.decision == decision, answers
        assert path
    trade, _ = policy.walk({"has_budget": False, "strategic": True})
    assert trade.max_pct == 20 and trade.offer_trades
    walk, _ = policy.walk({"has_budget": False, "strategic": False})
    assert (walk.alternative, walk.alternative_when) == ("defer", "pain_known")
    assert {"annual_commitment", "case_study", "referral", "faster_signature", "longer_term"} <= {
        t.code for t in policy.trades
    }
    assert {v.code for v in policy.value_adds} == {"free_month", "extra_training", "premium_support"}


def test_urgency_levers_require_true_facts() -> None:
    urgency = get("urgency_tactics", UrgencyTactics)
    assert urgency.quarter_multiplier == 3
    requires = {lever.code: set(lever.requires) for lever in urgency.levers}
    assert requires == {
        "cost_of_delay": {"cost_of_inaction_known", "no_firm_timeline"},
        "resource_constraint": {"capacity_limit_true"},
        "price_deadline": {"price_change_planned"},
        "competitor_move": {"competitor_signed"},
        "regulatory_deadline": {"regulatory_deadline_known"},
    }
    assert urgency.usable([]) == []
    assert [lever.code for lever in urgency.usable(["price_change_planned"])] == ["price_deadline"]
