"""build_cadence: dates on business days, one email per day per contact, drafts filled from the facts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sales_playbook.schemas.cadence import CadenceInput
from sales_playbook.tools.cadence import build_cadence, cadence_markdown, next_business_day, schedule

D = date.fromisoformat

# Tier 1: day 1 email + linkedin, 3 email, 5 linkedin, 7 phone + email, 10 linkedin, 14 phone.
# Expected dates worked out by hand on a calendar (2026-11-23 is a Monday).
TIER1_DATES = {
    # start: {day: date}
    "2026-11-23": {
        1: "2026-11-23",
        3: "2026-11-25",
        5: "2026-11-27",
        7: "2026-11-30",
        10: "2026-12-02",
        14: "2026-12-07",
    },
    "2026-11-24": {
        1: "2026-11-24",
        3: "2026-11-26",
        5: "2026-11-30",
        7: "2026-11-30",
        10: "2026-12-03",
        14: "2026-12-07",
    },
    "2026-11-25": {
        1: "2026-11-25",
        3: "2026-11-27",
        5: "2026-11-30",
        7: "2026-12-01",
        10: "2026-12-04",
        14: "2026-12-08",
    },
    "2026-11-26": {
        1: "2026-11-26",
        3: "2026-11-30",
        5: "2026-11-30",
        7: "2026-12-02",
        10: "2026-12-07",
        14: "2026-12-09",
    },
    "2026-11-27": {
        1: "2026-11-27",
        3: "2026-11-30",
        5: "2026-12-01",
        7: "2026-12-03",
        10: "2026-12-07",
        14: "2026-12-10",
    },
    # Saturday start: day 1 moves to Monday; day 3 lands on that Monday too, so its email moves to Tuesday.
    "2026-11-28": {
        1: "2026-11-30",
        3: "2026-12-01",
        5: "2026-12-02",
        7: "2026-12-04",
        10: "2026-12-07",
        14: "2026-12-11",
    },
    "2026-11-29": {
        1: "2026-11-30",
        3: "2026-12-01",
        5: "2026-12-03",
        7: "2026-12-07",
        10: "2026-12-08",
        14: "2026-12-14",
    },
}


def _cadence(tier: int = 1, start: str = "2026-11-23", **facts: str) -> CadenceInput:
    return CadenceInput(
        company="Acme Robotics",
        contact={"name": "Dana Lee", "title": "VP Operations"},
        tier=tier,  # type: ignore[arg-type]
        start_date=D(start),
        **facts,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("start", sorted(TIER1_DATES))
def test_tier1_dates_for_each_start_weekday(start: str) -> None:
    result = build_cadence(_cadence(start=start), "en")
    got = {(s.day, s.channel): s.date.isoformat() for s in result.steps}
    expected = TIER1_DATES[start]
    for (day, _channel), when in got.items():
        assert when == expected[day], (start, day, _channel)
    assert len(result.steps) == 8
    assert result.end_date.isoformat() == expected[14]


def test_saturday_start_says_why_each_step_moved() -> None:
    result = build_cadence(_cadence(start="2026-11-28"), "en")
    first_email = next(s for s in result.steps if s.day == 1 and s.channel == "email")
    assert first_email.moved is not None and "Saturday" in first_email.moved
    day3 = next(s for s in result.steps if s.day == 3)
    assert day3.moved is not None and "2026-11-30" in day3.moved and "next business day" in day3.moved
    day5 = next(s for s in result.steps if s.day == 5)
    assert day5.moved is None


@pytest.mark.parametrize(
    ("start", "steps", "expected"),
    [
        # two emails the same Friday: the later one goes to Monday (weekend skipped)
        ("2026-11-27", [(1, True), (1, True)], ["2026-11-27", "2026-11-30"]),
        # Saturday and Sunday emails both move to Monday: the later one goes to Tuesday
        ("2026-11-28", [(1, True), (2, True)], ["2026-11-30", "2026-12-01"]),
        # three collide: Monday, Tuesday, then Wednesday
        ("2026-11-28", [(1, True), (2, True), (3, True)], ["2026-11-30", "2026-12-01", "2026-12-02"]),
        # an email and a LinkedIn touch may share a day
        ("2026-11-28", [(1, True), (2, False)], ["2026-11-30", "2026-11-30"]),
        # a phone call and an email on the same weekday stay together
        ("2026-11-23", [(7, False), (7, True)], ["2026-11-30", "2026-11-30"]),
        # the moved email pushes into the slot of a later email, which moves on again
        ("2026-11-27", [(2, True), (4, True)], ["2026-11-30", "2026-12-01"]),
        # Friday collision with a Monday already taken: goes to Tuesday
        ("2026-11-27", [(1, True), (4, True), (1, True)], ["2026-11-27", "2026-11-30", "2026-12-01"]),
    ],
)
def test_schedule_collisions(start: str, steps: list[tuple[int, bool]], expected: list[str]) -> None:
    got = [when.isoformat() for when, _why in schedule(D(start), steps)]
    assert got == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-11-27", "2026-11-30"),
        ("2026-11-28", "2026-11-30"),
        ("2026-11-29", "2026-11-30"),
        ("2026-11-23", "2026-11-24"),
    ],
)
def test_next_business_day(day: str, expected: str) -> None:
    assert next_business_day(D(day)).isoformat() == expected


@pytest.mark.parametrize("tier", [1, 2, 3])
def test_every_start_in_a_fortnight_keeps_the_rules(tier: int) -> None:
    start = D("2026-12-21")  # crosses the year end
    for offset in range(14):
        result = build_cadence(_cadence(tier=tier, start=(start + timedelta(days=offset)).isoformat()), "en")
        email_dates = [s.date for s in result.steps if s.channel == "email"]
        assert len(email_dates) == len(set(email_dates))
        for step in result.steps:
            planned = start + timedelta(days=offset + step.day - 1)
            assert step.date.weekday() < 5
            assert step.date >= planned
            assert (step.moved is None) == (step.date == planned)
        assert [s.date for s in result.steps] == sorted(s.date for s in result.steps)


def test_tier_sequences_and_rules() -> None:
    t2 = build_cadence(_cadence(tier=2), "en")
    assert sorted({s.day for s in t2.steps}) == [1, 8, 15, 22, 29, 36]
    assert t2.derived and t2.derivation
    t3 = build_cadence(_cadence(tier=3), "en")
    assert sorted({s.day for s in t3.steps}) == [1, 15, 29, 43]
    assert all(s.channel != "phone" for s in t3.steps)
    assert t3.steps[-1].template == "breakup"
    codes = {r.code for r in t3.rules}
    assert {"stop_on_reply", "max_one_email_per_day", "no_engagement_move_to_tier3", "weekend_to_monday"} <= codes


@pytest.mark.parametrize(
    ("locale", "channels"),
    [("en", {"email", "linkedin", "phone"}), ("zh", {"邮件", "LinkedIn", "电话"})],
)
def test_text_names_the_channel_in_the_locale(locale: str, channels: set[str]) -> None:
    """The zh text's channel column reads 邮件/LinkedIn/电话 (as cadences.yaml's zh text names them), not the
    codes; the structured steps keep the codes."""
    result = build_cadence(_cadence(tier=1), locale)  # type: ignore[arg-type]
    rows = [line.split(" | ") for line in cadence_markdown(result).splitlines() if line.startswith("| ")][2:]
    assert {row[2] for row in rows} == channels
    assert {step.channel for step in result.steps} == {"email", "linkedin", "phone"}


FULL = {
    "trigger": "your new VP of Sales starting",
    "similar_customer": "Globex",
    "problem": "manual onboarding",
    "result": "cut onboarding time by 40%",
    "proof_point": "One team was losing 12 hours a week to it.",
    "industry": "logistics",
    "peer_group": "Series B SaaS teams",
    "solution_line": "We automate that step.",
    "cost_figure": "15 hours a week",
    "resource": "this benchmark",
    "key_insight": "the fastest teams cut hand-offs.",
    "sender_name": "Sam",
    "sender_company": "Northwind",
}


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("tier", [1, 2, 3])
def test_drafts_have_no_placeholder_when_facts_are_given(tier: int, locale: str) -> None:
    result = build_cadence(_cadence(tier=tier, **FULL), locale)  # type: ignore[arg-type]
    assert result.placeholders_left == []
    for step in result.steps:
        if step.channel in ("email", "phone"):
            assert step.draft
            assert "[" not in step.draft and "{" not in step.draft
            assert step.placeholders_left == []
        else:
            assert step.draft is None


def test_drafts_list_what_is_missing() -> None:
    result = build_cadence(_cadence(problem="manual onboarding"), "en")
    first = result.steps[0]
    assert first.template == "peer_referral"  # no trigger known: the playbook's fallback
    assert "peer-reference" in first.action
    for step in result.steps:
        for name in step.placeholders_left:
            assert f"[{name}]" in (step.draft or "") + (step.subject or "")
    assert "similar_company" in result.placeholders_left
    assert "sender_name" in result.placeholders_left
    assert "problem" not in result.placeholders_left
    with_trigger = build_cadence(_cadence(trigger="your Series B"), "en")
    assert with_trigger.steps[0].template == "trigger"


def test_call_step_has_opener_and_voicemail() -> None:
    result = build_cadence(_cadence(**FULL), "en")  # type: ignore[arg-type]
    call = next(s for s in result.steps if s.channel == "phone")
    assert call.draft is not None
    assert "Dana" in call.draft and "Northwind" in call.draft and "20 minutes" in call.draft
    assert "voicemail" in call.draft


@pytest.mark.parametrize("name", ["\x1c", "\x1f\x1e"])
def test_a_contact_name_str_split_cuts_to_nothing_still_gets_its_drafts(name: str) -> None:
    """Such a name passes the schema (it strips Unicode whitespace only) and used to crash the greeting."""
    result = build_cadence(
        CadenceInput.model_validate({"company": "Acme", "contact": name, "tier": 1, "start_date": "2026-11-23"}), "en"
    )
    assert all(name in step.draft for step in result.steps if step.channel == "email" and step.draft)


@pytest.mark.parametrize(("tier", "start"), [(1, "9999-12-20"), (2, "9999-12-01"), (3, "9999-12-31")])
def test_a_sequence_past_the_calendar_end_is_an_input_error(tier: int, start: str) -> None:
    """It used to raise OverflowError (a traceback, not a tool error)."""
    from sales_playbook.tools.errors import PlaybookInputError

    inp = CadenceInput.model_validate({"company": "Acme", "contact": "Dana", "tier": tier, "start_date": start})
    with pytest.raises(PlaybookInputError, match="start_date"):
        build_cadence(inp, "en")
