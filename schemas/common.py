"""Shapes shared by every tool: the strict input base, locale, dates, bounded numbers and strings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

Locale = Literal["en", "zh"]

# Bounds keep hostile input (1e308, 10 MB strings) out of the rules; each limit is named in the error.
MAX_MONEY = 1e13
MAX_SHORT_TEXT = 500
MAX_NOTE_TEXT = 20_000

Money = Annotated[float, Field(ge=0, le=MAX_MONEY)]
PositiveMoney = Annotated[float, Field(gt=0, le=MAX_MONEY)]
Share = Annotated[float, Field(ge=0, le=1)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SHORT_TEXT)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _not_a_number(value: Any) -> Any:
    """Dates are written YYYY-MM-DD (CONTRACT.md): a number, or a string of digits, is not read as a count of
    seconds since 1970, which is what pydantic would otherwise make of it."""
    if value.__class__ is str:  # the common case first: this runs for every date of up to 10,000 deals
        if value.isdigit():
            raise PydanticCustomError("date_format", "Input should be a date as YYYY-MM-DD")
        return value
    if isinstance(value, int | float):
        raise PydanticCustomError("date_format", "Input should be a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_not_a_number)]
"""The date type of every input field."""


class ToolInput(BaseModel):
    """Base of every tool input: unknown fields, NaN and infinity are rejected, never guessed around."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_max_length=MAX_NOTE_TEXT)

    locale: Locale | None = None
    """Output language; omitted = zh when most letters of the input are CJK, else en (said once, in the server
    instructions, rather than in every tool's schema)."""


class DatedInput(ToolInput):
    """A tool input whose rules depend on 'today'."""

    as_of: IsoDate | None = None
    """Date the rules are evaluated on; default today (explained in the server instructions)."""


class ToolOutput(BaseModel):
    """Base of every tool output: the locale the labels and advice were written in."""

    model_config = ConfigDict(extra="forbid")

    locale: Locale
