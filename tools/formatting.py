"""Number formatting for explanations and text blocks (plain, locale-neutral digits with thousands separators),
and weekday names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..schemas.common import Locale

_CENT = Decimal("0.01")

_WEEKDAYS: dict[Locale, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}


def number(value: Decimal | float | int) -> str:
    """1234567.5 -> '1,234,567.5'; integers without decimals; at most two decimals."""
    if type(value) is int:  # the common cases first, without the Decimal round trip (same text)
        return f"{value:,}"
    if type(value) is float and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if not d.is_finite():
        return str(value)
    if d.adjusted() >= 24:  # beyond what cents can be quantized to (28 digits): whole units, no rounding step
        return f"{int(d):,}"
    d = d.quantize(_CENT, rounding=ROUND_HALF_UP)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d:,.2f}".rstrip("0").rstrip(".")


def sentences(parts: Iterable[str], locale: Locale) -> str:
    """Sentences one after another: a space between English ones, none between Chinese ones (。 ends each)."""
    return ("" if locale == "zh" else " ").join(part for part in parts if part)


def listing(items: Iterable[str], locale: Locale) -> str:
    """Items in a running sentence: "a, b, c" / "甲、乙、丙"."""
    return ("、" if locale == "zh" else ", ").join(items)


def money(value: Decimal | float | int, currency: str) -> str:
    return f"{number(value)} {currency}"


def weekday(day: date, locale: Locale) -> str:
    """The name of the day's weekday: "Monday" / "周一"."""
    return _WEEKDAYS[locale][day.weekday()]
