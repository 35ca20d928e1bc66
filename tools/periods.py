"""Reporting periods: the calendar quarter of a date is the default period of review_pipeline and forecast."""

from __future__ import annotations

from datetime import date, timedelta

from .errors import PlaybookInputError


def quarter_of(day: date) -> tuple[date, date]:
    """First and last day of the calendar quarter holding `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, end - timedelta(days=1)


def month_end(day: date) -> date:
    following = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return following - timedelta(days=1)


def resolve_period(start: date | None, end: date | None, as_of: date) -> tuple[date, date]:
    """The given period, each missing end taken from as_of's quarter; an end before the start is refused."""
    q_start, q_end = quarter_of(as_of)
    period = (start or q_start, end or q_end)
    if period[1] < period[0]:
        raise PlaybookInputError(
            "period_end", f"must not be before period_start ({period[1].isoformat()} < {period[0].isoformat()})"
        )
    return period


def within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end
