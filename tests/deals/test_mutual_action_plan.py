"""Mutual action plan: back-scheduling, weekend moves, past dates, anchors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sales_playbook.schemas.closing import ClosePlanInput
from sales_playbook.schemas.proposal import ProposalInput
from sales_playbook.tools.closing import close_plan
from sales_playbook.tools.errors import PlaybookInputError
from sales_playbook.tools.mutual_action_plan import build_plan, earliest_go_live, previous_business_day
from sales_playbook.tools.proposal import draft_proposal

AS_OF = date(2026, 11, 23)  # a Monday
OFFSETS = [49, 42, 35, 28, 21, 10, 5]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 27), date(2026, 11, 27)),  # Friday stays
        (date(2026, 11, 28), date(2026, 11, 27)),  # Saturday → Friday
        (date(2026, 11, 29), date(2026, 11, 27)),  # Sunday → Friday
        (date(2026, 11, 30), date(2026, 11, 30)),  # Monday stays
    ],
)
def test_previous_business_day(day: date, expected: date) -> None:
    assert previous_business_day(day) == expected


def test_back_scheduled_from_a_wednesday_go_live() -> None:
    go_live = date(2027, 3, 3)  # Wednesday: 49..21 days before are Wednesdays; 10 before is Sunday; 5 before Friday
    plan, warnings = build_plan(go_live, AS_OF, "en", company="Acme", economic_buyer="Sam (CFO)")
    assert [item.days_before_go_live for item in plan] == OFFSETS
    dates = {item.code: item.date for item in plan}
    assert dates["technical_deep_dive"] == go_live - timedelta(days=49)
    assert dates["signature"] == date(2027, 2, 19)  # Sunday 21 Feb → Friday 19 Feb
    moved = [item for item in plan if item.moved_from_weekend]
    assert [(i.code, i.moved_from_weekend) for i in moved] == [("signature", date(2027, 2, 21))]
    assert all(item.date is not None and item.date.weekday() < 5 for item in plan)
    assert not any(item.past_due for item in plan)
    assert "Sam (CFO)" in plan[2].step
    assert len(warnings) == 1 and "weekend" in warnings[0]
    assert [item.date for item in plan] == sorted(item.date for item in plan if item.date)


def test_steps_in_the_past_are_flagged_with_the_earliest_go_live() -> None:
    go_live = AS_OF + timedelta(days=30)
    plan, warnings = build_plan(go_live, AS_OF, "en")
    past = [item.code for item in plan if item.past_due]
    assert past == ["technical_deep_dive", "security_review", "business_case"]  # 49, 42, 35 > 30 days
    earliest = earliest_go_live(AS_OF)
    assert earliest == AS_OF + timedelta(days=49)  # 11 Jan 2027, a Monday
    assert any(earliest.isoformat() in w and "cannot hold" in w for w in warnings)


@pytest.mark.parametrize(
    ("locale", "named", "separator"),
    [
        ("en", "(Technical deep-dive with the engineering team; Security review", "; "),
        ("zh", "（与工程团队进行技术深入交流、安全审查", "、"),
    ],
)
def test_the_past_steps_warning_names_the_steps_in_the_locale(locale: str, named: str, separator: str) -> None:
    """The warning names the late steps as the plan shows them, not by their codes."""
    _, warnings = build_plan(AS_OF + timedelta(days=30), AS_OF, locale)  # type: ignore[arg-type]
    [late] = [w for w in warnings if AS_OF.isoformat() in w]
    assert named in late and late.count(separator) >= 2
    assert "technical_deep_dive" not in late and "business_case" not in late


def test_a_step_due_today_is_not_past() -> None:
    plan, _ = build_plan(AS_OF + timedelta(days=49), AS_OF, "en")
    assert plan[0].date == AS_OF and not plan[0].past_due


def test_go_live_on_a_weekend_is_warned_not_moved() -> None:
    go_live = date(2027, 3, 6)  # Saturday
    plan, warnings = build_plan(go_live, AS_OF, "en")
    assert any("Saturday" in w for w in warnings)
    assert plan[0].moved_from_weekend == go_live - timedelta(days=49)


def test_go_live_in_the_past() -> None:
    plan, warnings = build_plan(AS_OF - timedelta(days=1), AS_OF, "zh")
    assert all(item.past_due for item in plan)
    assert any("早于" in w for w in warnings)


def test_anchored_on_the_close_date_when_no_go_live() -> None:
    close = date(2027, 2, 10)
    plan, warnings = build_plan(None, AS_OF, "en", close_date=close)
    assert next(i.date for i in plan if i.code == "signature") == close
    assert "anchored on the close date" in warnings[0]


def test_undated_without_any_date() -> None:
    plan, warnings = build_plan(None, AS_OF, "en")
    assert all(item.date is None and not item.past_due for item in plan)
    assert "undated" in warnings[0]


def test_signed_contract_marks_signature_and_earlier_steps_done() -> None:
    plan, _ = build_plan(AS_OF - timedelta(days=3), AS_OF, "en", contract_signed=True)
    status = {item.code: item.status for item in plan}
    assert status["signature"] == "done" and status["technical_deep_dive"] == "done"
    assert status["kickoff"] == "pending"
    assert not any(item.past_due for item in plan if item.status == "done")


PROPOSAL = {
    "company": "A",
    "problem": "p",
    "cost_of_inaction_per_month": 1,
    "criteria": ["c"],
    "solution_points": ["s"],
}


@pytest.mark.parametrize(
    ("tool", "args", "as_of", "field"),
    [
        # dates the schema accepts whose plan runs off the calendar (years 1–9999): OverflowError, not a tool error
        ("close_plan", {"target_go_live": "0001-01-10"}, AS_OF, "target_go_live"),
        ("close_plan", {"deal": {"company": "A", "close_date": "9999-12-31"}}, AS_OF, "deal.close_date"),
        ("close_plan", {"deal": {"company": "A", "close_date": "0001-01-01"}}, AS_OF, "deal.close_date"),
        ("close_plan", {"target_go_live": "2027-02-01"}, date(9999, 12, 20), "as_of"),
        ("draft_proposal", {"target_go_live": "0001-01-01"}, AS_OF, "target_go_live"),
        ("draft_proposal", {"target_go_live": "2027-02-01"}, date(9999, 12, 31), "as_of"),
    ],
)
def test_dates_at_the_calendar_ends_are_an_input_error(
    tool: str, args: dict[str, object], as_of: date, field: str
) -> None:
    with pytest.raises(PlaybookInputError) as caught:
        if tool == "close_plan":
            close_plan(ClosePlanInput.model_validate({"deal": {"company": "A"}, **args}), as_of, "en")
        else:
            draft_proposal(ProposalInput.model_validate({**PROPOSAL, "price": 1, **args}), as_of, "en")
    assert caught.value.field == field


def test_a_price_change_on_the_first_calendar_day_is_not_a_crash() -> None:
    inp = ClosePlanInput.model_validate({"deal": {"company": "A"}, "price_change_date": "0001-01-01"})
    assert "price_deadline" not in {option.code for option in close_plan(inp, AS_OF, "en").urgency_options}
