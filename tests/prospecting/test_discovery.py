"""prep_discovery: scaled agenda, personalised questions, research checklist, MEDDPICC gaps, talk budget."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from sales_playbook.schemas.discovery import DiscoveryInput, DiscoveryPrep
from sales_playbook.tools.discovery import discovery_markdown, prep_discovery

KNOWN = {
    "pains": ["slow customer onboarding"],
    "trigger_events": ["your Series B announcement"],
    "tech_stack": ["Salesforce", "Zendesk"],
    "current_solution": "a shared spreadsheet",
}


def _prep(locale: str = "en", **kwargs: Any) -> DiscoveryPrep:
    data = {"company": "Acme Robotics", "industry": "SaaS", "persona": "champion", **kwargs}
    return prep_discovery(DiscoveryInput.model_validate(data), locale)  # type: ignore[arg-type]


def test_thirty_minutes_is_the_playbook_structure() -> None:
    prep = _prep()
    assert [(a.phase, a.minutes) for a in prep.agenda] == [
        ("opening", 2),
        ("current_state", 5),
        ("pain", 10),
        ("future_vision", 5),
        ("process", 5),
        ("next_steps", 3),
    ]


@pytest.mark.parametrize("minutes", [6, 15, 20, 45, 60, 90, 240])
def test_agenda_scales_to_the_call_length(minutes: int) -> None:
    prep = _prep(minutes=minutes)
    assert sum(a.minutes for a in prep.agenda) == minutes
    assert all(a.minutes >= 1 for a in prep.agenda)
    pain = next(a for a in prep.agenda if a.phase == "pain")
    assert pain.minutes == max(a.minutes for a in prep.agenda)  # the pain phase stays the longest
    assert prep.talk_budget.rep_minutes <= 0.3 * minutes + 1e-9
    assert prep.talk_budget.rep_minutes + prep.talk_budget.prospect_minutes == pytest.approx(minutes)


@pytest.mark.parametrize("minutes", [5, 241])
def test_minutes_out_of_range_is_refused(minutes: int) -> None:
    with pytest.raises(ValidationError, match="minutes"):
        DiscoveryInput.model_validate({"company": "A", "industry": "x", "persona": "champion", "minutes": minutes})


def test_questions_are_personalised_with_known_facts() -> None:
    prep = _prep(known=KNOWN, process="customer onboarding", metric="time to first value")
    q = prep.questions
    assert "your Series B announcement" in q.situation[0] and "customer onboarding" in q.situation[0]
    assert any("Salesforce" in s and "Zendesk" in s for s in q.situation)
    assert "a shared spreadsheet" in q.pain[0]
    assert any("slow customer onboarding" in s for s in q.pain)
    assert any("slow customer onboarding" in s for s in q.need_payoff)  # bank question 15 with {problem}
    assert any("time to first value" in s for s in q.need_payoff)  # bank question 16 with {metric}
    assert "team productivity" in q.need_payoff[0]  # the champion cares about team productivity
    assert len(q.buying_process) == 5
    for items in (q.situation, q.pain, q.impact, q.need_payoff, q.buying_process):
        assert items and not any("{" in s for s in items)
    assert set(prep.personalised_with) >= {"slow customer onboarding", "Salesforce", "a shared spreadsheet"}


def test_without_facts_the_default_wording_fills_the_bank() -> None:
    prep = _prep()
    assert (
        prep.questions.situation[0] == "Could you walk me through how this process works today, from start to finish?"
    )
    assert prep.personalised_with == []


@pytest.mark.parametrize(
    "known",
    [
        {"trigger_events": [""]},  # used to ask "I saw . What has that changed ..."
        {"pains": ["", "  "], "tech_stack": [""], "current_solution": " "},
    ],
)
def test_blank_known_facts_are_no_facts(known: dict[str, Any]) -> None:
    """A blank entry is not a known fact: no question is written from it, the checklist does not mark it known,
    and the prep is the same as without it."""
    prep, plain = _prep(known=known), _prep()
    assert prep.questions == plain.questions
    assert prep.research_checklist == plain.research_checklist
    assert prep.gaps_to_close == plain.gaps_to_close
    assert prep.personalised_with == []


def test_persona_changes_the_focus() -> None:
    eb = _prep(persona="economic_buyer")
    assert eb.persona.label == "Economic buyer" and "revenue growth" in eb.questions.need_payoff[0]
    assert eb.persona.influence == "EB" and eb.persona.how_to_engage
    tech = _prep(persona="technical_evaluator")
    assert "integration" in tech.questions.need_payoff[0]
    assert tech.persona.influence == "TB"
    assert "27-minute demo" in tech.next_step_offer


def test_spin_methodology_uses_spin_samples() -> None:
    playbook, spin = _prep(known=KNOWN), _prep(known=KNOWN, methodology="spin")
    assert spin.methodology == "spin"
    assert spin.questions.impact != playbook.questions.impact
    assert any("a shared spreadsheet" in s for s in spin.questions.pain)  # SPIN's {tool}
    assert spin.questions.buying_process == playbook.questions.buying_process  # not a SPIN type: the bank's


def test_research_checklist_marks_what_is_known() -> None:
    prep = _prep(known=KNOWN)
    status = {r.code: r.status for r in prep.research_checklist}
    assert status["recent_news"] == "known" and status["tech_stack"] == "known"
    assert status["competitor_trouble"] == "known"
    to_collect = [r for r in prep.research_checklist if r.status == "to_collect"]
    assert len(to_collect) >= 3
    empty = _prep()
    assert all(r.status == "to_collect" for r in empty.research_checklist)


def test_gaps_come_from_the_deal_weakest_first() -> None:
    deal = {
        "company": "Acme Robotics",
        "stage": "discovery",
        "meddpicc": {
            "metrics": {"score": 3},
            "economic_buyer": {"score": 2},
            "identified_pain": {"score": 3},
            "champion": {"score": 2},
        },
    }
    prep = _prep(deal=deal)
    codes = [g.element for g in prep.gaps_to_close]
    # unknown (1) first in MEDDPICC order, then partial (2); confirmed elements are not gaps
    assert codes == [
        "decision_criteria",
        "decision_process",
        "paper_process",
        "competition",
        "economic_buyer",
        "champion",
    ]
    assert prep.gaps_to_close[0].score == 1 and prep.gaps_to_close[-1].status == "partial"
    assert all(g.question.endswith("?") for g in prep.gaps_to_close)


def test_gaps_without_a_deal_count_known_pains() -> None:
    codes = {g.element: g.score for g in _prep(known=KNOWN).gaps_to_close}
    assert codes["identified_pain"] == 2 and codes["metrics"] == 1


def test_zh_prep() -> None:
    prep = _prep("zh", company="艾克美", industry="物流", known={"pains": ["客户上线太慢"]})
    assert prep.agenda[0].label == "开场"
    assert any("客户上线太慢" in s for s in prep.questions.pain)
    assert "30%" in prep.talk_budget.rule


@pytest.mark.parametrize(
    ("locale", "headings"),
    [
        ("en", ["Current situation", "Pain", "Impact", "Need-payoff", "Buying process"]),
        ("zh", ["了解现状", "发现痛点", "分析影响", "需求与收益", "购买流程"]),
    ],
)
def test_markdown_question_headings_are_the_category_labels(locale: str, headings: list[str]) -> None:
    """The question groups are headed by the playbook's category labels in the locale, not the codes."""
    text = discovery_markdown(_prep(locale, methodology="spin"))
    for heading in headings:
        assert f"\n**{heading}**\n" in text
    assert "**situation**" not in text and "**need_payoff**" not in text
