"""Facts the prospecting and post-sale tools rely on, checked against the knowledge files."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from pydantic import ValidationError
from sales_playbook.knowledge import get, raw_text
from sales_playbook.schemas.knowledge.catalog import CATALOG
from sales_playbook.schemas.knowledge.postsale import (
    ExpansionPlaybook,
    HandoffTemplate,
    SalesMetrics,
    SelfReview,
    WinLossTemplate,
)
from sales_playbook.schemas.knowledge.prospecting import (
    AutomationCommands,
    CadenceLibrary,
    CallScripts,
    EmailTemplates,
    IcpTemplate,
    Territory,
    count_words,
)

CONTRACT_TOOLS = {
    "generate_icp",
    "build_cadence",
    "prep_discovery",
    "qualify_deal",
    "handle_objection",
    "review_pipeline",
    "analyze_win_loss",
    "forecast",
    "draft_proposal",
    "draft_email",
    "coach_call",
    "close_plan",
}


def _filled(template: str, values: dict[str, str]) -> str:
    return template.format_map(values)


# ------------------------------------------------------------------------------------------------- ICP


def test_icp_company_defaults_and_examples() -> None:
    icp = get("icp_template", IcpTemplate)
    assert (icp.company.size_employees.default.min, icp.company.size_employees.default.max) == (50, 500)
    revenue = icp.company.size_revenue.default
    assert (revenue.min, revenue.max, revenue.currency) == (5_000_000, 50_000_000, "USD")
    assert icp.company.size_revenue.basis == "arr"
    assert {"SaaS", "Fintech", "Healthcare"} <= set(icp.company.industry.examples.en)
    assert {"US", "UK", "DACH"} <= set(icp.company.geography.examples.en)
    assert {"Series A-C", "post-PMF", "scaling"} <= set(icp.company.growth_stage.examples.en)


def test_icp_pain_indicators_and_personas() -> None:
    icp = get("icp_template", IcpTemplate)
    assert [p.code for p in icp.pain_indicators] == [
        "hiring_for",
        "tech_adoption",
        "org_changes",
        "regulatory",
        "public_statements",
    ]
    for indicator in icp.pain_indicators:
        assert indicator.cues.en and indicator.cues.zh
    assert {p.code for p in icp.buyer_personas} == {
        "economic_buyer",
        "champion",
        "technical_evaluator",
        "end_user",
    }
    assert {"VP Sales", "CRO", "CEO"} <= set(icp.persona("economic_buyer").title_patterns.en)
    assert {"Director", "Head of", "Senior Manager"} <= set(icp.persona("champion").title_patterns.en)
    assert {"Engineering Manager", "Architect", "IT Director"} <= set(
        icp.persona("technical_evaluator").title_patterns.en
    )
    assert icp.persona("technical_evaluator").speaks_in.en == ["APIs", "uptime", "migration effort"]
    assert icp.persona("end_user").derived_fields == ["speaks_in"]


def test_icp_anti_signals_are_typed_rules() -> None:
    anti = get("icp_template", IcpTemplate).anti_signals
    assert anti.company_size.employees_under == 20
    assert anti.no_budget.recent_layoffs.layoffs_pct_over == 30
    assert anti.no_budget.pre_revenue.code == "pre_revenue_startup"
    assert {i.code for i in anti.tech_mismatch.indicators} == {"on_prem_only", "legacy_stack_incompatible"}
    assert anti.cultural.stakeholders_at_least == 6
    assert anti.cultural.low_acv_under == 25_000
    assert anti.codes() == ["company_size_under", "no_budget_indicator", "tech_mismatch", "committee_at_low_acv"]


# ------------------------------------------------------------------------------------------- territory


def test_territory_tiers() -> None:
    territory = get("territory", Territory)
    rows = {t.tier: t for t in territory.tiers}
    ranges = {k: (v.accounts.min, v.accounts.max) for k, v in rows.items() if v.accounts is not None}
    assert ranges == {1: (20, 30), 2: (50, 80), 3: (100, 200)}
    assert rows["new"].accounts is None
    assert [t.time_pct for t in territory.tiers] == [50, 30, 15, 5]
    assert sum(t.time_pct for t in territory.tiers) == 100
    t1, t2, t3, new = rows[1].contact, rows[2].contact, rows[3].contact, rows["new"].contact
    assert (t1.touches and (t1.touches.min, t1.touches.max), t1.per) == ((2, 3), "week")
    assert (t2.touches and (t2.touches.min, t2.touches.max), t2.per) == ((1, 1), "week")
    assert (t3.touches and (t3.touches.min, t3.touches.max), t3.per) == ((2, 2), "month")
    assert new.reply_within_hours == 1 and new.per_week() is None
    assert (rows[1].rule.icp_fit, rows[1].rule.visible_pain) == ("full", True)
    assert (rows[2].rule.icp_fit, rows[2].rule.visible_pain) == ("full", False)
    assert rows[3].rule.icp_fit == "partial"


def test_territory_review() -> None:
    territory = get("territory", Territory)
    assert len(territory.review_steps) == 5
    assert territory.tier3_remove_after_days_without_engagement == 90
    assert territory.tier1_coverage_must_exceed_pct == 80


def test_time_split_must_sum_to_100() -> None:
    territory = get("territory", Territory)
    data = territory.model_dump(mode="python")
    data["tiers"][0]["time_pct"] = 40
    with pytest.raises(ValidationError, match="sum to 100"):
        Territory.model_validate(data)


# -------------------------------------------------------------------------------------------- cadences


def test_tier1_sequence_is_the_playbooks() -> None:
    tier1 = get("cadences", CadenceLibrary).for_tier(1)
    assert not tier1.derived and tier1.length_days == 14
    assert [(s.day, s.channel) for s in tier1.steps] == [
        (1, "email"),
        (1, "linkedin"),
        (3, "email"),
        (5, "linkedin"),
        (7, "phone"),
        (7, "email"),
        (10, "linkedin"),
        (14, "phone"),
    ]
    assert [s.template for s in tier1.steps if s.channel != "linkedin"] == [
        "trigger",
        "value_add",
        "cold_call_opener",
        "voicemail_follow_up",
        "cold_call_opener",
    ]


def test_derived_tiers_follow_contact_frequency() -> None:
    library = get("cadences", CadenceLibrary)
    territory = get("territory", Territory)
    for tier in (1, 2, 3):
        cadence = library.for_tier(tier)  # type: ignore[arg-type]
        assert cadence.derived == (tier != 1)
        frequency = territory.tier(tier).contact.per_week()  # type: ignore[arg-type]
        assert frequency is not None
        weeks = (cadence.length_days + 6) // 7  # calendar weeks the sequence spans
        per_week = len(cadence.touch_days()) / weeks
        low, high = frequency
        assert low * 0.8 <= per_week <= high * 1.25, (tier, per_week, frequency)
    days2, days3 = library.for_tier(2).touch_days(), library.for_tier(3).touch_days()
    gaps2 = {b - a for a, b in pairwise(days2)}
    gaps3 = {b - a for a, b in pairwise(days3)}
    assert gaps2 == {7}  # once a week
    assert gaps3 == {14}  # twice a month


def test_cadence_templates_exist_for_their_channel() -> None:
    library = get("cadences", CadenceLibrary)
    emails = {t.id for t in get("email_templates", EmailTemplates).templates}
    scripts = {s.id for s in get("call_scripts", CallScripts).scripts}
    for cadence in library.cadences:
        for step in cadence.steps:
            for template in (step.template, step.fallback_template):
                if template is None:
                    continue
                assert template in (emails if step.channel == "email" else scripts), (cadence.tier, step.day)


def test_sequence_rules() -> None:
    rules = get("cadences", CadenceLibrary).rules
    assert set(rules.stop_on_reply.stop_on) == {"positive_reply", "negative_reply"}
    assert rules.max_one_email_per_day.max_emails_per_contact_per_day == 1
    assert set(rules.specific_personalisation.must_reference_one_of) == {"company", "role", "recent_news"}
    assert (rules.opens_without_reply.opens_without_reply, rules.opens_without_reply.switch_to) == (3, "phone")
    assert (rules.no_engagement.move_to_tier, rules.no_engagement.retry_after_days) == (3, 90)
    assert len({r.code for r in rules.all()}) == 5


# -------------------------------------------------------------------------------------- email templates


def test_email_template_set() -> None:
    library = get("email_templates", EmailTemplates)
    by_id = {t.id: t for t in library.templates}
    assert {"trigger", "peer_referral", "breakup"} <= set(by_id)
    assert not any(by_id[i].derived for i in ("trigger", "peer_referral", "breakup"))
    for meeting in ("discovery", "demo", "proposal", "negotiation"):
        template = library.follow_up(meeting)  # type: ignore[arg-type]
        assert "next_step_date" in template.required
    assert library.template("recap").kind == "recap"
    assert "roi" in library.follow_up("demo").required


def test_templates_fill_cleanly_and_pass_the_checks() -> None:
    library = get("email_templates", EmailTemplates)
    guidance = library.guidance
    for locale in ("en", "zh"):
        examples = {p.name: p.example.get(locale) for p in library.placeholders}
        generic = [cue.lower() for cue in guidance.generic_personalisation.get(locale)]
        vague = [cue.lower() for cue in guidance.vague_next_step_cues.get(locale)]
        for template in library.templates:
            subject = _filled(template.subject.get(locale), examples)
            body = _filled(template.body.get(locale), examples)
            assert "{" not in subject + body
            assert count_words(template.body.get(locale)) <= guidance.max_words
            text = (subject + "\n" + body).lower()
            assert not [cue for cue in generic if cue in text], (template.id, locale)
            assert not [cue for cue in vague if cue in text], (template.id, locale)
            if "next_step_date" in template.placeholders:
                dated = any(cue.lower() in text for cue in guidance.specific_next_step_cues.get(locale)) or any(
                    re.search(p, text, re.IGNORECASE) for p in guidance.specific_next_step_patterns
                )
                assert dated, (template.id, locale)


def test_email_guidance_facts() -> None:
    library = get("email_templates", EmailTemplates)
    assert library.guidance.max_words == 150
    assert (library.breakup.reply_rate.min, library.breakup.reply_rate.max) == (0.30, 0.40)
    assert library.breakup.mechanism == "loss_aversion"
    generic = library.guidance.generic_personalisation.en
    for phrase in (
        "I see you work at",
        "I came across your profile",
        "hope this email finds you well",
        "I noticed your company",
    ):
        assert phrase in generic
    assert library.guidance.generic_personalisation.zh


def test_word_count_follows_the_contract() -> None:
    assert count_words("Don't stop at 3 emails") == 5
    assert count_words("你好 world") == 3


# -------------------------------------------------------------------------------------------- call script


def test_cold_call_opener() -> None:
    opener = get("call_scripts", CallScripts).script("cold_call_opener")
    assert [s.code for s in opener.steps] == ["permission", "trigger_problem", "cost", "proof_meeting_ask"]
    assert opener.critical_seconds == 10
    assert (opener.meeting_ask_minutes, opener.meeting_ask_window) == (20, "this_week")
    assert "20" in opener.steps[-1].say.en and "20" in opener.steps[-1].say.zh
    assert not opener.derived and get("call_scripts", CallScripts).script("voicemail").derived


# ---------------------------------------------------------------------------------- automation commands


def test_twelve_commands_map_to_contract_tools() -> None:
    commands = get("automation_commands", AutomationCommands).commands
    assert len(commands) == 12
    assert {c.tool for c in commands} == CONTRACT_TOOLS
    for command in commands:
        assert set(command.uses_knowledge) <= set(CATALOG)
        assert command.phrasings.en and command.phrasings.zh


# --------------------------------------------------------------------------------------------- post-sale


def test_handoff_structure() -> None:
    handoff = get("handoff", HandoffTemplate)
    assert [f.key for f in handoff.header] == ["company", "closed_date", "contract_value", "contract_term"]
    champion = {f.key: f for f in handoff.contact("champion").fields}
    assert [c.code for c in champion["communication_preference"].choices] == ["email", "slack", "phone"]
    assert [c.code for c in champion["personality"].choices] == ["detail_oriented", "big_picture", "hands_on"]
    sponsor = {f.key: f for f in handoff.contact("executive_sponsor").fields}
    assert [c.code for c in sponsor["engagement_level"].choices] == ["high", "medium", "low"]
    assert len(handoff.context) == 5 and len(handoff.implementation) == 3
    assert len(handoff.do_not.prompts) == 2


def test_expansion_numbers() -> None:
    expansion = get("expansion", ExpansionPlaybook)
    assert expansion.signals.usage_near_limit.min_usage_pct == 80
    assert expansion.blockers.first_days_after_close.days_after_close == 60
    assert expansion.blockers.open_support_issues.max_open_support_issues == 0
    assert expansion.blockers_override_signals
    assert len(expansion.signals.codes()) == 4 and len(expansion.blockers.codes()) == 4
    assert len(expansion.conversation) == 4


def test_activity_metric_targets() -> None:
    metrics = get("metrics", SalesMetrics)
    targets = {m.code: (m.target.min, m.target.max, m.per) for m in metrics.activity}
    assert targets == {
        "emails_per_day": (30, 50, "day"),
        "calls_per_day": (15, 25, "day"),
        "meetings_booked_per_week": (8, 12, "week"),
        "discovery_calls_per_week": (5, 8, "week"),
        "proposals_per_week": (2, 3, "week"),
        "demos_per_week": (3, 5, "week"),
    }


def test_outcome_metrics() -> None:
    metrics = get("metrics", SalesMetrics)
    assert len(metrics.outcomes) == 7
    win_rate = metrics.outcome("win_rate")
    assert (win_rate.healthy.min, win_rate.healthy.max) == (20, 35)
    assert win_rate.denominator == ["won_deals", "lost_deals"]
    assert win_rate.healthy.is_healthy(25) and not win_rate.healthy.is_healthy(40)
    accuracy = metrics.outcome("forecast_accuracy").healthy
    assert (accuracy.kind, accuracy.min) == ("above", 90)
    assert accuracy.is_healthy(95) and not accuracy.is_healthy(90)
    coverage = metrics.outcome("pipeline_coverage").healthy
    assert (coverage.min, coverage.max) == (3, 4)
    assert metrics.outcome("avg_deal_size").healthy.direction == "up"
    assert metrics.outcome("sales_cycle").healthy.direction == "down"
    assert metrics.outcome("meeting_to_opportunity").healthy.min == 50


def test_win_loss_template() -> None:
    template = get("win_loss_template", WinLossTemplate)
    assert [s.code for s in template.skills] == [
        "prospecting",
        "discovery",
        "demo",
        "objection_handling",
        "closing",
        "relationship",
    ]
    assert (template.scale.min, template.scale.max) == (1, 5)
    assert template.reasons_key == {"won": "won_because", "lost": "lost_because"}
    assert {s.tool for s in template.skills} <= CONTRACT_TOOLS


def test_self_review_questions() -> None:
    review = get("self_review", SelfReview)
    assert [q.code for q in review.questions] == [
        "win_rate_trend",
        "loss_stage",
        "right_people",
        "deal_size_trend",
        "weakest_objection",
        "best_channel",
        "right_accounts",
        "last_loss_lesson",
    ]
    assert (review.pareto.results_pct, review.pareto.accounts_pct) == (80, 20)
    assert [t.code for t in review.trend_values] == ["improving", "flat", "declining"]
    assert not review.question("best_channel").answerable_from_deals


@pytest.mark.parametrize(
    "name",
    [
        "icp_template",
        "territory",
        "cadences",
        "email_templates",
        "call_scripts",
        "automation_commands",
        "handoff",
        "expansion",
        "metrics",
        "win_loss_template",
        "self_review",
    ],
)
def test_files_cite_seed_000(name: str) -> None:
    assert raw_text(name).startswith("title:")
    assert "000 " in raw_text(name)
