"""handle_objection: classification from free wording (labelled utterances), LAER answers worked with the
context's numbers, the reverse option, and what to avoid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from sales_playbook.schemas.objections import HandleObjectionInput
from sales_playbook.tools.objections import classify, handle_objection, handle_objection_markdown

DATA = Path(__file__).parent / "data"


def _rows(part: str) -> list[dict[str, str]]:
    text = (DATA / f"objections_{part}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_labelled_set_size_and_balance() -> None:
    rows = _rows("dev") + _rows("heldout")
    assert len(rows) >= 80
    zh = sum(row["lang"] == "zh" for row in rows)
    assert zh * 2 == len(rows)
    assert {row["category"] for row in rows} == {"price", "timing", "authority", "status_quo", "brush_off", "other"}


def _accuracy(part: str) -> float:
    rows = _rows(part)
    hits = sum(classify(row["text"], row.get("context")).category == row["category"] for row in rows)  # type: ignore[arg-type]
    return hits / len(rows)


def test_dev_accuracy() -> None:
    assert _accuracy("dev") >= 0.95


def test_heldout_accuracy_floor() -> None:
    # Held-out: 39/44 (88.6%) at the first measurement, 40/44 (90.9%) at the second; the floor guards regressions.
    assert _accuracy("heldout") >= 0.85


@pytest.mark.parametrize(
    ("text", "context", "category", "entry"),
    [
        ("It's way too pricey for what it does", None, "price", "price_too_expensive"),
        ("Could you knock 10% off?", None, "price", "price_discount_request"),
        ("Call me next quarter", None, "timing", "timing_not_now"),
        ("I have to run this past my boss", None, "authority", "authority_ask_boss"),
        ("We already have a solution for that", "cold_call", "brush_off", "brush_off_already_have_solution"),
        ("We already have a solution for that", "deal", "status_quo", "status_quo_current_fine"),
        ("how did you get my number", None, "brush_off", "brush_off_how_got_number"),
        ("太贵了", None, "price", "price_too_expensive"),
        ("我得问问老板", None, "authority", "authority_ask_boss"),
        ("不感兴趣", "cold_call", "brush_off", "brush_off_not_interested"),
    ],
)
def test_classification_table(text: str, context: str | None, category: str, entry: str) -> None:
    result = classify(text, context)  # type: ignore[arg-type]
    assert result.category == category
    assert result.best is not None and result.best.objection.id == entry
    assert 0 < result.confidence <= 1


def test_unrelated_text_is_other_with_generic_answer() -> None:
    result = handle_objection(HandleObjectionInput(objection="The weather in Lisbon was lovely this week."), "en")
    assert result.category == "other"
    assert result.matched is None
    assert result.laer.respond and result.laer.explore


def test_cost_of_waiting_is_worked_into_the_answer() -> None:
    inp = HandleObjectionInput(
        objection="Let's revisit this next quarter.",
        context={"cost_of_inaction_per_month": 12000, "deal_value": 48000},
    )
    result = handle_objection(inp, "en")
    assert result.category == "timing"
    assert "12,000 USD" in result.laer.respond and "36,000 USD" in result.laer.respond
    assert any("× 3 = 36,000 USD" in line for line in result.numbers)


def test_cost_of_waiting_added_when_the_entry_does_not_use_it() -> None:
    inp = HandleObjectionInput(
        objection="I need to check with my boss.", context={"cost_of_inaction_per_month": 5000, "currency": "EUR"}
    )
    result = handle_objection(inp, "en")
    assert result.category == "authority"
    assert "15,000 EUR" in result.laer.respond


def test_chinese_answer_in_chinese_with_numbers() -> None:
    inp = HandleObjectionInput(
        objection="现在不是时候，下个季度再说", context={"cost_of_inaction_per_month": 20000, "currency": "CNY"}
    )
    result = handle_objection(inp, "zh")
    assert result.category == "timing"
    assert "60,000 CNY" in result.laer.respond
    assert "倾听" in handle_objection_markdown(result)


@pytest.mark.parametrize(
    ("locale", "line"), [("en", "Category: `timing` (confidence 0.83)"), ("zh", "类别: 时机 (置信度 0.83)")]
)
def test_text_names_the_category_in_the_locale(locale: str, line: str) -> None:
    """The zh text shows the category's label from the objection library, not the code; the result keeps it."""
    result = handle_objection(HandleObjectionInput(objection="现在不是时候，下个季度再说"), locale)  # type: ignore[arg-type]
    assert handle_objection_markdown(result).splitlines()[1] == line
    assert result.category == "timing"


@pytest.mark.parametrize(("times", "offered"), [(None, False), (2, False), (3, True), (5, True)])
def test_reverse_option_from_three_objections(times: int | None, offered: bool) -> None:
    context = {"times_objected": times} if times is not None else None
    result = handle_objection(HandleObjectionInput(objection="It's too expensive.", context=context), "en")
    assert (result.reverse_option is not None) is offered


def test_avoid_always_includes_i_understand_but() -> None:
    result = handle_objection(HandleObjectionInput(objection="Just email me."), "en")
    assert any("but" in item.lower() for item in result.avoid)
    assert len(result.avoid) >= 2


def test_alternatives_exclude_the_match_and_are_ranked() -> None:
    result = handle_objection(HandleObjectionInput(objection="It's too expensive and my boss won't approve it."), "en")
    assert result.matched is not None
    ids = [alt.id for alt in result.alternatives]
    assert result.matched.id not in ids
    assert ids, "a two-part objection has a plausible alternative"
    confidences = [alt.confidence for alt in result.alternatives]
    assert confidences == sorted(confidences, reverse=True)


@pytest.mark.parametrize(
    "bad",
    [
        {"objection": ""},
        {"objection": "x" * 2001},
        {"objection": "too expensive", "context": {"times_objected": -1}},
        {"objection": "too expensive", "context": {"cost_of_inaction_per_month": -5}},
        {"objection": "too expensive", "context": {"call_context": "email"}},
        {"objection": "too expensive", "context": {"currency": "dollars"}},
    ],
)
def test_bad_input_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        HandleObjectionInput.model_validate(bad)
