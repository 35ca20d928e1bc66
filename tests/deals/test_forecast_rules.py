"""forecast_category: the contract's assignment and the one-step drop for high-severity flags."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sales_playbook.schemas.deal import Deal
from sales_playbook.tools.forecast_rules import forecast_category
from sales_playbook.tools.red_flags import red_flags

AS_OF = date(2026, 11, 23)
TEAM = [
    {"name": "Dana", "role": "champion", "engaged": True},
    {"name": "Lee", "role": "economic_buyer", "engaged": True},
    {"name": "Kim", "role": "technical_evaluator", "engaged": True},
]
NO_CHAMPION = [TEAM[1], TEAM[2], {"name": "Ana", "role": "end_user", "engaged": True}]


def healthy(**changes: Any) -> Deal:
    base: dict[str, Any] = {
        "company": "Acme",
        "value": 20_000,
        "stage": "negotiation",
        "stage_entered": AS_OF - timedelta(days=5),
        "close_date": AS_OF + timedelta(days=20),
        "last_activity": AS_OF - timedelta(days=2),
        "next_step": "Contract review",
        "next_step_date": AS_OF + timedelta(days=3),
        "contacts": TEAM,
    }
    return Deal.model_validate({**base, **changes})


def category(deal: Deal) -> tuple[str, list[str]]:
    return forecast_category(deal, AS_OF, red_flags(deal, AS_OF, "en"), "en")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"verbal_agreement": True}, "commit"),
        ({"contract_signed": True}, "commit"),
        ({}, "best_case"),  # negotiation, engaged champion, no yes yet
        ({"stage": "proposal"}, "best_case"),
        ({"stage": "proposal", "verbal_agreement": True, "stage_entered": AS_OF - timedelta(days=5)}, "best_case"),
        ({"stage": "evaluation"}, "pipeline"),
        ({"stage": "negotiation", "contacts": NO_CHAMPION}, "pipeline"),  # no_champion (high) is exempt
        ({"stage": "proposal", "contacts": NO_CHAMPION}, "pipeline"),
        ({"stage": "discovery"}, "omitted"),
        ({"stage": "prospecting"}, "omitted"),
        ({"stage": "closed_won"}, "omitted"),
        ({"stage": "closed_lost"}, "omitted"),
    ],
)
def test_assignment(changes: dict[str, Any], expected: str) -> None:
    assert category(healthy(**changes))[0] == expected


@pytest.mark.parametrize(
    ("changes", "expected", "flag"),
    [
        ({"verbal_agreement": True, "last_activity": AS_OF - timedelta(days=15)}, "best_case", "no_activity_14d"),
        ({"next_step": None, "next_step_date": None}, "pipeline", "no_next_step"),
        ({"stage": "evaluation", "close_date": AS_OF - timedelta(days=1)}, "omitted", "close_date_passed"),
        ({"stage": "discovery", "contacts": [TEAM[0]]}, "omitted", "single_threaded"),  # already at the bottom
    ],
)
def test_one_step_drop_for_a_high_flag(changes: dict[str, Any], expected: str, flag: str) -> None:
    cat, reasons = category(healthy(**changes))
    assert cat == expected
    if changes.get("stage") != "discovery":
        assert len(reasons) == 2 and flag in reasons[1]


def test_several_high_flags_drop_only_one_step() -> None:
    deal = healthy(verbal_agreement=True, last_activity=AS_OF - timedelta(days=30), next_step=None, next_step_date=None)
    cat, reasons = category(deal)
    assert cat == "best_case"
    assert "no_next_step" in reasons[1] and "no_activity_14d" in reasons[1]


def test_medium_flags_do_not_drop() -> None:
    deal = healthy(verbal_agreement=True, close_date_changes=3)  # close_date_pushed is medium
    assert category(deal)[0] == "commit"


def test_reasons_are_localised() -> None:
    deal = healthy(verbal_agreement=True, last_activity=AS_OF - timedelta(days=15))
    cat, reasons = forecast_category(deal, AS_OF, red_flags(deal, AS_OF, "zh"), "zh")
    assert cat == "best_case" and all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in reasons)
