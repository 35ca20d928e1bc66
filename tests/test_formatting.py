"""Number formatting: thousands separators, at most two decimals, half-up rounding; the fast paths for whole
numbers give exactly the text of the general (Decimal) path."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from sales_playbook.tools.formatting import number


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
