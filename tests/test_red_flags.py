"""Red flags of CONTRACT.md, each rule on both sides of its threshold, with severities and escalation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sales_playbook.schemas.deal import Deal
from sales_playbook.tools.red_flags import red_flags, risk_level

AS_OF = date(2026, 11, 23)


def healthy(**changes: Any) -> Deal:
    """An open deal with no flag at all; each test breaks one rule."""
    base: dict[str, Any] = {
        "company": "Acme",
        "value": 20_000,
        "stage": "evaluation",
        "stage_entered": AS_OF - timedelta(days=10),
        "last_activity": AS_OF - timedelta(days=2),
        "close_date": AS_OF + timedelta(days=30),
        "next_step": "Security review call",
        "next_step_date": AS_OF + timedelta(days=3),
        "contacts": [
            {"name": "Dana", "role": "champion", "engaged": True},
            {"name": "Lee", "role": "economic_buyer", "engaged": True},
        ],
    }
    return Deal.model_validate({**base, **changes})


def codes(deal: Deal) -> dict[str, str]:
    return {flag.code: flag.severity for flag in red_flags(deal, AS_OF, "en")}


def test_the_healthy_deal_has_no_flag() -> None:
    assert codes(healthy()) == {}
    assert risk_level(red_flags(healthy(), AS_OF, "en")) == "green"


THREE = [
    {"name": "Dana", "role": "champion", "engaged": True},
    {"name": "Lee", "role": "economic_buyer", "engaged": True},
    {"name": "Kim", "role": "technical_evaluator", "engaged": True},
]


@pytest.mark.parametrize(
    ("changes", "code", "severity"),
    [
        ({"next_step": None, "next_step_date": None}, "no_next_step", "high"),
        ({"next_step": "   ", "next_step_date": None}, "no_next_step", "high"),
        ({"next_step_date": None}, "next_step_without_date", "medium"),
        ({"last_activity": AS_OF - timedelta(days=15)}, "no_activity_14d", "high"),
        ({"stage_entered": AS_OF - timedelta(days=61)}, "stage_over_60d", "medium"),
        ({"contacts": [THREE[0]]}, "single_threaded", "high"),
        ({"value": 25_000}, "below_multithread_minimum", "medium"),  # 25,000 needs 3; 2 engaged
        ({"value": 100_001, "contacts": THREE}, "below_multithread_minimum", "medium"),  # > 100,000 needs 5
        ({"contacts": [THREE[1], THREE[2]]}, "no_champion", "medium"),
        ({"contacts": [THREE[1], THREE[2]], "stage": "proposal"}, "no_champion", "high"),
        ({"contacts": [THREE[0], THREE[2]]}, "no_economic_buyer_access", "medium"),
        ({"contacts": [THREE[0], THREE[2]], "stage": "negotiation"}, "no_economic_buyer_access", "high"),
        ({"close_date_changes": 2}, "close_date_pushed", "medium"),
        ({"close_date": AS_OF - timedelta(days=1)}, "close_date_passed", "high"),
        ({"verbal_agreement": True, "stage": "proposal"}, "verbal_only", "medium"),
        (
            {"verbal_agreement": True, "stage": "negotiation", "stage_entered": AS_OF - timedelta(days=31)},
            "verbal_only",
            "medium",
        ),
    ],
)
def test_each_flag_fires_past_its_threshold(changes: dict[str, Any], code: str, severity: str) -> None:
    found = codes(healthy(**changes))
    assert found.get(code) == severity


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"last_activity": AS_OF - timedelta(days=14)}, "no_activity_14d"),  # exactly 14 is not > 14
        ({"stage_entered": AS_OF - timedelta(days=60)}, "stage_over_60d"),
        ({"value": 24_999.99}, "below_multithread_minimum"),  # < 25,000 needs 2
        ({"value": 100_000, "contacts": THREE}, "below_multithread_minimum"),  # 100,000 needs 3
        ({"close_date_changes": 1}, "close_date_pushed"),
        ({"close_date": AS_OF}, "close_date_passed"),  # today is not before as_of
        (
            {"verbal_agreement": True, "stage": "negotiation", "stage_entered": AS_OF - timedelta(days=30)},
            "verbal_only",
        ),
        (
            {
                "verbal_agreement": True,
                "contract_signed": True,
                "stage": "negotiation",
                "stage_entered": AS_OF - timedelta(days=45),
            },
            "verbal_only",
        ),
    ],
)
def test_each_flag_stays_quiet_at_its_threshold(changes: dict[str, Any], code: str) -> None:
    assert code not in codes(healthy(**changes))


@pytest.mark.parametrize("stage", ["closed_won", "closed_lost"])
def test_closed_deals_carry_no_open_deal_flags(stage: str) -> None:
    deal = healthy(stage=stage, next_step=None, next_step_date=None, close_date=AS_OF - timedelta(days=5))
    assert codes(deal) == {}


def test_risk_levels() -> None:
    assert risk_level(red_flags(healthy(close_date_changes=3), AS_OF, "en")) == "yellow"
    assert risk_level(red_flags(healthy(next_step=None, next_step_date=None), AS_OF, "en")) == "red"


def test_messages_are_localised_and_filled() -> None:
    deal = healthy(contacts=[THREE[0]], company="星河科技")
    zh = red_flags(deal, AS_OF, "zh")
    assert all("{" not in flag.message for flag in zh)
    single = next(flag for flag in zh if flag.code == "single_threaded")
    assert "星河科技" in single.message and "2" in single.message


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # before negotiation there is no days-in-stage limit, so the message has no day count (it used to say
        # "nothing signed after ? days", or a negative count when stage_entered was after as_of)
        (
            {"stage": "proposal"},
            "Acme: a verbal yes already in Proposal, before any negotiation and with nothing signed.",
        ),
        (
            {"stage": "discovery", "stage_entered": None},
            "Acme: a verbal yes already in Discovery, before any negotiation",
        ),
        ({"stage": "evaluation", "stage_entered": AS_OF + timedelta(days=5)}, "a verbal yes already in Evaluation"),
        # in negotiation the limit is 30 days, and the count is said
        ({"stage": "negotiation", "stage_entered": AS_OF - timedelta(days=31)}, "nothing signed after 31 days"),
    ],
)
def test_verbal_only_says_what_fired_it(changes: dict[str, Any], expected: str) -> None:
    deal = healthy(verbal_agreement=True, **changes)
    [message] = [flag.message for flag in red_flags(deal, AS_OF, "en") if flag.code == "verbal_only"]
    assert expected in message and "?" not in message and "-" not in message
    [zh] = [flag.message for flag in red_flags(deal, AS_OF, "zh") if flag.code == "verbal_only"]
    assert "{" not in zh and "?" not in zh
