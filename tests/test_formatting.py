"""Number formatting: thousands separators, at most two decimals, half-up rounding; the fast paths for whole
numbers give exactly the text of the general (Decimal) path."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sales_playbook.schemas.common import Locale
from sales_playbook.server.registry import CallEnv, all_specs
from sales_playbook.tools.formatting import listing, number, sentences


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (-0.0, "0"),
        (48000, "48,000"),
        (48000.0, "48,000"),
        (-1234567, "-1,234,567"),
        (1234567.5, "1,234,567.5"),
        (0.125, "0.13"),  # half up
        (2.675, "2.68"),  # the decimal text of the float, not its binary value
        (1.005, "1.01"),
        (999.999, "1,000"),
        (1e15, "1,000,000,000,000,000"),
        (1e24, "1,000,000,000,000,000,000,000,000"),
        (10**30, "1,000,000,000,000,000,000,000,000,000,000"),
        (Decimal("12.50"), "12.5"),
        (float("inf"), "inf"),
    ],
)
def test_number(value: float | int | Decimal, text: str) -> None:
    assert number(value) == text


def test_whole_number_fast_paths_agree_with_the_decimal_path() -> None:
    rng = random.Random(3)
    values: list[float | int] = [rng.randrange(-(10**16), 10**16) for _ in range(2000)]
    values += [float(v) for v in values] + [rng.uniform(-1e6, 1e6) for _ in range(2000)]
    for value in values:
        assert number(value) == number(Decimal(str(value))), value


@pytest.mark.parametrize(
    ("locale", "parts", "joined", "items"),
    [
        ("en", ["Budget is not confirmed.", "", "Ask first."], "Budget is not confirmed. Ask first.", "a, b"),
        ("zh", ["预算尚未确认。", "", "先问清楚。"], "预算尚未确认。先问清楚。", "a、b"),
    ],
)
def test_sentences_and_listing_follow_the_locale(locale: Locale, parts: list[str], joined: str, items: str) -> None:
    """Chinese sentences and list items run on without the English space ('。 ' and ', ' read wrong in zh)."""
    assert sentences(parts, locale) == joined
    assert listing(["a", "b"], locale) == items


CHINESE_GAP = re.compile(r"[。！？；，、：] (?=[\u4e00-\u9fff])")


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("handle_objection", {"objection": "我们没有这笔预算。", "context": {"cost_of_inaction_per_month": 40000}}),
        (
            "draft_proposal",
            {
                "company": "艾克美",
                "problem": "上岗要六周",
                "cost_of_inaction_per_month": 40000,
                "criteria": ["集成"],
                "solution_points": ["引导式入职"],
                "price": 48000,
            },
        ),
        ("build_cadence", {"company": "艾克美", "contact": {"name": "李娜"}, "tier": 1, "start_date": "2026-11-23"}),
        (
            "close_plan",
            {
                "deal": {"company": "艾克美", "value": 48000, "stage": "negotiation", "notes": "客户问合同条款"},
                "discount_requested_pct": 30,
                "has_budget": False,
                "strategic": True,
                "as_of": "2026-11-23",
            },
        ),
    ],
)
def test_chinese_answers_have_no_space_after_chinese_punctuation(tool: str, arguments: dict[str, Any]) -> None:
    spec = next(s for s in all_specs() if s.name == tool)
    inp = spec.input_model.model_validate({**arguments, "locale": "zh"})
    result = spec.run(inp, CallEnv(locale="zh", today=date(2026, 11, 23)))
    text = json.dumps(result.model_dump(mode="json"), ensure_ascii=False) + spec.render(result)
    assert CHINESE_GAP.search(text) is None, CHINESE_GAP.search(text)
