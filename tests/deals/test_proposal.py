"""draft_proposal: the playbook's section order, computed numbers, and the 'pricing too early' warning."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from sales_playbook.schemas.proposal import ProposalInput, ProposalResult
from sales_playbook.schemas.roi import RoiInput
from sales_playbook.tools.proposal import draft_proposal, proposal_markdown
from sales_playbook.tools.roi import calculate_roi

AS_OF = date(2026, 11, 23)
FULL: dict[str, Any] = {
    "company": "Acme",
    "problem": "Onboarding a new client takes six weeks.",
    "cost_of_inaction_per_month": 20_000,
    "criteria": ["SSO", "Time to value", "Support"],
    "solution_points": ["Okta SSO out of the box", "Live in 30 days", "24/7 support"],
    "price": 48_000,
    "target_go_live": "2027-03-01",  # a Monday: no step lands on a weekend
    "terms": "Annual, paid up front",
    "proof": ["Globex cut onboarding from 6 to 2 weeks"],
    "budget_confirmed": True,
    "authority_confirmed": True,
    "economic_buyer": "Sam Ortiz (CFO)",
}


def draft(locale: str = "en", **changes: Any) -> ProposalResult:
    return draft_proposal(ProposalInput.model_validate({**FULL, **changes}), AS_OF, locale)  # type: ignore[arg-type]


def test_sections_follow_the_playbook_order() -> None:
    out = draft()
    assert [s.code for s in out.sections] == ["problem", "cost", "solution", "proof", "roi", "price", "map", "next"]
    assert out.markdown.startswith("# Proposal for Acme")
    assert len(out.warnings) == 1 and "calculate_roi" in out.warnings[0]  # only the missing ROI is left


def test_cost_of_inaction_is_computed() -> None:
    cost = next(s for s in draft().sections if s.code == "cost").body
    assert "20,000 USD every month" in cost and "60,000 USD by next quarter" in cost and "240,000 USD" in cost


def test_solution_maps_criteria_in_order() -> None:
    body = next(s for s in draft().sections if s.code == "solution").body
    assert body.splitlines()[0] == "- **SSO** — Okta SSO out of the box"
    short = draft(solution_points=["Okta SSO out of the box"])
    assert any("Time to value" in w for w in short.warnings)
    assert "[how we meet this criterion]" in next(s for s in short.sections if s.code == "solution").body


@pytest.mark.parametrize(
    ("budget", "authority", "warned"),
    [(True, True, False), (False, True, True), (True, None, True), (None, None, True)],
)
def test_pricing_too_early_warning(budget: bool | None, authority: bool | None, warned: bool) -> None:
    out = draft(budget_confirmed=budget, authority_confirmed=authority)
    first = out.warnings[0] if out.warnings else ""
    assert ("Sending pricing too early" in first) is warned
    if warned:
        assert ("Budget is not confirmed" in first) is (budget is not True)
        assert ("Authority is not confirmed" in first) is (authority is not True)


def test_roi_from_calculate_roi_is_quoted() -> None:
    roi = calculate_roi(
        RoiInput(headcount=400, cost_per_head=150_000, automatable_share=0.6, solution_cost=12_000_000), "en"
    ).model_dump(mode="json")
    out = draft(roi=roi)
    body = next(s for s in out.sections if s.code == "roi").body
    assert "Payback: 4.5 months." in body and "ROI: 800%." in body
    assert "400 × 0.6 × 1 = 240" in body
    assert "48,000 USD / 20,000 USD per month = 2.4 months" in body
    assert not any("calculate_roi" in w for w in out.warnings)


def test_roi_without_payback_is_said_plainly() -> None:
    out = draft(roi={"annual_net": -5, "payback_months": None, "warnings": ["no payback"]})
    body = next(s for s in out.sections if s.code == "roi").body
    assert "No payback" in body and any("no payback" in w for w in out.warnings)


def test_missing_facts_stay_visible_placeholders() -> None:
    out = draft(proof=[], terms=None, criteria=["SSO"], solution_points=["Okta"])
    text = out.markdown
    assert "[a comparable customer" in text and "[contract term and payment terms]" in text
    assert any("Only 1 decision criteria" in w for w in out.warnings)


def test_map_and_next_step() -> None:
    out = draft()
    assert len(out.mutual_action_plan) == 7
    assert "Sam Ortiz (CFO)" in out.mutual_action_plan[2].step
    review = next(i for i in out.mutual_action_plan if i.code == "proposal_review")
    assert review.date is not None and review.date.isoformat() in out.sections[-1].body
    assert draft(next_step="Call on Friday").sections[-1].body == "Call on Friday"


def test_past_go_live_is_warned() -> None:
    out = draft(target_go_live="2026-12-01")
    assert any("cannot hold" in w for w in out.warnings)
    assert "Agree a date" in out.sections[-1].body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"criteria": ["a", "b", "c", "d"]}, "criteria"),
        ({"criteria": []}, "criteria"),
        ({"price": -1}, "price"),
        ({"cost_of_inaction_per_month": -5}, "cost_of_inaction_per_month"),
        ({"target_go_live": "soon"}, "target_go_live"),
        ({"roi": {"payback": 3}}, "roi.payback"),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        ProposalInput.model_validate({**FULL, **changes})
    assert field in str(info.value)


def test_chinese_draft() -> None:
    out = draft(locale="zh", company="星辰科技", budget_confirmed=None)
    assert out.markdown.startswith("# 致 星辰科技 的方案建议书")
    assert "过早报价" in out.warnings[0]
    assert proposal_markdown(out).startswith("⚠ 提醒：")
