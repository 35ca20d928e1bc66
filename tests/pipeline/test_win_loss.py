"""analyze_win_loss as a pure function: rates, reasons, stage of loss, skills, competitors, self-review."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sales_playbook.schemas.pipeline import StageChange
from sales_playbook.schemas.win_loss import ClosedDeal, WinLossInput
from sales_playbook.tools.errors import PlaybookInputError
from sales_playbook.tools.win_loss import analyze_win_loss, objection_category


def closed(company: str, stage: str, **fields: Any) -> ClosedDeal:
    return ClosedDeal.model_validate({"company": company, "stage": stage, **fields})


DEALS = [
    closed(
        "A",
        "closed_won",
        id="a",
        value=50_000,
        created="2026-07-01",
        close_date="2026-09-10",
        won_because=["Fast onboarding"],
        competitor="Globex",
        process_score={"discovery": 4, "closing": 3, "objection_handling": 4},
        contacts=[{"name": "E", "role": "economic_buyer", "engaged": True}],
    ),
    closed(
        "B",
        "closed_won",
        id="b",
        value=20_000,
        created="2026-09-01",
        close_date="2026-10-20",
        won_because=["fast onboarding", "Price"],
        process_score={"discovery": 5, "closing": 2},
    ),
    closed(
        "C",
        "closed_lost",
        id="c",
        value=30_000,
        created="2026-08-01",
        close_date="2026-10-05",
        lost_because=["Price too high"],
        competitor="Globex",
        lost_at_stage="proposal",
        process_score={"discovery": 3, "closing": 1},
        lesson="Anchor on value before the number.",
    ),
    closed(
        "D",
        "closed_lost",
        id="d",
        value=10_000,
        created="2026-09-15",
        close_date="2026-10-25",
        loss_reason="Need approval from the board",
        competitors=["Globex", "Initech"],
    ),
    closed("Open", "proposal", id="o", value=1),
]
HISTORY = {
    "d": [
        StageChange(from_stage=None, to_stage="discovery", changed_on=date(2026, 9, 15), actor="x"),
        StageChange(from_stage="discovery", to_stage="evaluation", changed_on=date(2026, 10, 1), actor="x"),
        StageChange(from_stage="evaluation", to_stage="closed_lost", changed_on=date(2026, 10, 25), actor="x"),
    ]
}


def test_core_numbers() -> None:
    result = analyze_win_loss(WinLossInput(), DEALS, "en", history=HISTORY)
    assert (result.deals_analysed, result.won, result.lost, result.win_rate) == (4, 2, 2, 0.5)
    assert "1 deal(s) are not closed" in result.warnings[0]
    reasons = {(r.outcome, r.reason): (r.count, r.value) for r in result.by_reason}
    assert reasons[("won", "Fast onboarding")] == (2, 70_000)  # case-insensitive grouping
    assert reasons[("lost", "Price too high")] == (1, 30_000)
    assert reasons[("lost", "Need approval from the board")] == (1, 10_000)
    assert result.lost_at_stage == {"evaluation": 1, "proposal": 1}
    assert result.avg_cycle_days.won == (71 + 49) / 2 and result.avg_cycle_days.lost == (65 + 40) / 2
    comp = {c.name: (c.won, c.lost) for c in result.competitors}
    assert comp == {"Globex": (1, 2), "Initech": (0, 1)}


def test_weakest_skill_is_the_lowest_average() -> None:
    result = analyze_win_loss(WinLossInput(), DEALS, "en")
    assert result.weakest_skill is not None
    assert (result.weakest_skill.skill, result.weakest_skill.average, result.weakest_skill.deals) == ("closing", 2, 3)
    assert result.weakest_skill.tool == "close_plan"
    assert any(lesson.startswith("Weakest skill: Closing") for lesson in result.lessons)
    assert any("Against Globex you lost 2 of 3" in lesson for lesson in result.lessons)
    assert any("Anchor on value" in lesson for lesson in result.lessons)


def test_self_review_answers_from_data() -> None:
    result = analyze_win_loss(WinLossInput(), DEALS, "en", history=HISTORY)
    answers = {a.code: a for a in result.self_review}
    assert [a.order for a in result.self_review] == list(range(1, 9))
    assert answers["win_rate_trend"].value == "declining"  # Sep 100%, Oct 1 of 3
    assert answers["loss_stage"].value in ("evaluation", "proposal")
    assert answers["right_people"].value == 0.25
    assert answers["deal_size_trend"].value == "declining"  # 50,000 in Sep, 20,000 in Oct
    assert answers["weakest_objection"].value in ("price", "authority")
    assert answers["best_channel"].answered is False
    assert answers["right_accounts"].value == round(50_000 / 70_000, 4)
    assert answers["last_loss_lesson"].answered is False  # D, the latest loss, has no lesson
    assert "no lesson recorded" in answers["last_loss_lesson"].answer


def test_period_filter_and_chinese() -> None:
    result = analyze_win_loss(WinLossInput(period_start=date(2026, 10, 1)), DEALS, "zh")
    assert result.deals_analysed == 3
    assert result.self_review[0].question == "我的成交率在往哪个方向走？"


def test_objection_categories() -> None:
    assert objection_category("Price too high") == "price"
    assert objection_category("老板不批准") == "authority"
    assert objection_category("weather") is None


def test_empty() -> None:
    result = analyze_win_loss(WinLossInput(), [], "en")
    assert result.win_rate is None and result.weakest_skill is None
    assert not any(a.answered for a in result.self_review)


def _change(from_stage: str | None, to_stage: str, day: int) -> StageChange:
    return StageChange(from_stage=from_stage, to_stage=to_stage, changed_on=date(2026, 10, day), actor="x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # won, then lost: lost at the open stage it had reached, never at closed_won
        (
            [(None, "negotiation", 1), ("negotiation", "closed_won", 10), ("closed_won", "closed_lost", 20)],
            "negotiation",
        ),
        ([(None, "evaluation", 1), ("evaluation", "closed_lost", 10)], "evaluation"),
        ([(None, "closed_won", 1), ("closed_won", "closed_lost", 10)], None),
    ],
)
def test_stage_of_loss_is_an_open_stage(changes: list[tuple[str | None, str, int]], expected: str | None) -> None:
    deal = closed("L", "closed_lost", id="l", value=1_000)
    result = analyze_win_loss(WinLossInput(), [deal], "en", history={"l": [_change(*c) for c in changes]})
    assert result.lost_at_stage == ({expected: 1} if expected else {})


@pytest.mark.parametrize("stage", ["closed_won", "closed_lost", "合同签订"])
def test_a_closed_lost_at_stage_is_refused(stage: str) -> None:
    deals = [closed("W", "closed_won"), closed("L", "closed_lost", lost_at_stage=stage)]
    with pytest.raises(PlaybookInputError, match=r"deals\.1\.lost_at_stage"):
        analyze_win_loss(WinLossInput(), deals, "en")
