"""The wire boundary: readable validation errors, JSON-text arguments, locale detection, 'today'."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import pytest
from pydantic import Field
from sales_playbook.schemas.common import DatedInput, ToolInput
from sales_playbook.schemas.icp import IcpInput
from sales_playbook.schemas.objections import HandleObjectionInput
from sales_playbook.schemas.qualify import QualifyInput
from sales_playbook.schemas.roi import RoiInput
from sales_playbook.server.boundary import (
    InvalidArguments,
    preparse_json_strings,
    resolve_locale,
    resolve_today,
    validate_arguments,
)
from sales_playbook.tools.locale import _can_hold_text, _language_fields, detect_locale, letter_counts


class Note(DatedInput):
    text: str = ""
    tags: list[str] = Field(default_factory=list)


ROI = {"headcount": 10, "cost_per_head": 1000, "automatable_share": 0.5, "solution_cost": 100}


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Hello there"], "en"),
        (["客户说太贵了"], "zh"),
        (["CFO 已经批准预算"], "zh"),  # 8 CJK characters beat 3 Latin letters
        (["We met 王总 today"], "en"),  # 2 CJK characters lose to 11 Latin letters
        (["ab", "中文"], "en"),  # a tie is not a majority: stays en
        (["", "123 456"], "en"),  # no letters at all: the default
    ],
)
def test_detect_locale_counts_letters(texts: list[str], expected: str) -> None:
    assert detect_locale(Note(text=" ".join(texts)), "en") == expected


def test_detect_locale_default_and_nested_values() -> None:
    assert detect_locale(Note(), "zh") == "zh"
    assert detect_locale(Note(tags=["需要老板批准", "预算"]), "en") == "zh"
    assert letter_counts(["a中b文c"]) == (2, 3)


def test_explicit_locale_wins_over_detection() -> None:
    assert resolve_locale(Note(text="全部是中文", locale="en"), "en") == "en"


def test_as_of_defaults_to_today_and_can_be_given() -> None:
    today = date(2026, 11, 23)
    assert resolve_today(Note(), today) == today
    assert resolve_today(Note(as_of=date(2026, 1, 2)), today) == date(2026, 1, 2)
    with pytest.raises(InvalidArguments, match=r"as_of: .*date"):
        validate_arguments(Note, {"as_of": "next tuesday"})


def test_json_text_is_decoded_only_for_non_string_fields() -> None:
    args = {"text": '["keep", "as text"]', "tags": '["a", "b"]'}
    assert preparse_json_strings(Note, args) == {"text": '["keep", "as text"]', "tags": ["a", "b"]}
    assert preparse_json_strings(Note, {"tags": "[not json"}) == {"tags": "[not json"}


def test_error_lists_each_problem_once_with_the_value() -> None:
    with pytest.raises(InvalidArguments) as info:
        validate_arguments(RoiInput, {"headcount": -1, "automatable_share": 2, "solution_cost": 5, "cost_per_head": 1})
    message = str(info.value)
    assert message.count(";") == 1
    assert "headcount: Input should be greater than or equal to 0 (got -1)" in message
    assert "automatable_share: Input should be less than or equal to 1 (got 2)" in message


def test_long_values_are_shortened_in_errors() -> None:
    with pytest.raises(InvalidArguments) as info:
        validate_arguments(RoiInput, {"headcount": "x" * 10_000})
    assert len(str(info.value)) < 400


def test_oversized_strings_are_refused_with_the_limit() -> None:
    with pytest.raises(InvalidArguments, match=r"text: String should have at most 20000 characters"):
        validate_arguments(Note, {"text": "a" * 20_001})


def test_arguments_must_be_an_object() -> None:
    with pytest.raises(InvalidArguments, match="JSON object"):
        validate_arguments(Note, ["not", "an", "object"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("annotation", "holds_text"),
    [
        (int, False),
        (int | None, False),
        (Annotated[int, Field(ge=1)] | None, False),
        (list[date], False),
        (bool | float | None, False),
        (str | None, True),
        (list[str], True),
        (dict[str, int], True),  # unsure (a mapping) counts as text, so nothing is missed
        (Note, True),
        (Any, True),
    ],
)
def test_only_fields_that_can_hold_text_are_walked(annotation: Any, holds_text: bool) -> None:
    assert _can_hold_text(annotation) is holds_text


def test_number_and_date_fields_do_not_count_but_their_text_neighbours_do() -> None:
    class Visit(DatedInput):
        headcount: int | None = None
        when: date | None = None
        notes: list[str] = Field(default_factory=list)

    visit = Visit(headcount=12, when=date(2026, 1, 2), notes=["客户要下周演示"])
    assert _language_fields(Visit) == {"notes"}
    assert detect_locale(visit, "en") == "zh"


@pytest.mark.parametrize(
    ("model", "arguments", "expected", "absent"),
    [
        # an object where a list or a number was sent: JSON words, no class name
        (QualifyInput, {"deal": None}, "deal: Input should be an object (got null)", "instance of"),
        (QualifyInput, {"deal": 5}, "deal: Input should be an object (got 5)", "Deal"),
        (RoiInput, {**ROI, "risk": []}, "risk: Input should be an object (got [])", "RiskInput"),
        (RoiInput, {**ROI, "headcount": None}, "headcount: Input should be a valid number (got null)", "None"),
        # an unknown field inside a nested object lists that object's fields
        (
            QualifyInput,
            {"deal": {"company": "A", "contacts": [{"name": "Dana", "rol": "champion"}]}},
            "deal.contacts.0.rol: unknown field (allowed: name, title, role, engaged, last_contact)",
            "see the tool's input schema",
        ),
        (RoiInput, {**ROI, "risk": {"chance": 1}}, "risk.chance: unknown field (allowed: potential_loss,", "see the"),
        # a mapping key that is not allowed: its path, and the allowed keys, without pydantic's [key]
        (
            QualifyInput,
            {"deal": {"company": "A", "bant": {"money": {"score": 2}}}},
            "deal.bant.money: unknown key (allowed: 'budget', 'authority', 'need' or 'timeline')",
            "[key]",
        ),
        # dates name their format, whatever pydantic's reason
        (Note, {"as_of": "01/02/2026"}, "as_of: Input should be a date as YYYY-MM-DD", "datetime"),
        (Note, {"as_of": "2026-02-30"}, "as_of: Input should be a date as YYYY-MM-DD (day value", "datetime"),
        (Note, {"as_of": "2026-01-02T10:00"}, "as_of: Input should be a date as YYYY-MM-DD", "Datetimes"),
        # an over-long string: the limit and the length, not the text
        (Note, {"text": "y" * 30_000}, "text: String should have at most 20000 characters (got 30,000)", "yyyy"),
        # a list over its limit: the limit, without pydantic's 'after validation' or the items
        (
            QualifyInput,
            {"deal": {"company": "A", "competitors": ["Globex"] * 51}},
            "deal.competitors: List should have at most 50 items, not 51",
            "Globex",
        ),
        # a rule across fields names them with their values, not the whole object
        (
            QualifyInput,
            {"deal": {"company": "A", "created": "2026-09-01", "stage_entered": "2026-01-01"}},
            "deal: stage_entered 2026-01-01 must not be before created 2026-09-01",
            "got",
        ),
    ],
)
def test_errors_speak_json_and_name_what_is_allowed(
    model: type[ToolInput], arguments: dict[str, Any], expected: str, absent: str
) -> None:
    with pytest.raises(InvalidArguments) as info:
        validate_arguments(model, arguments)
    message = str(info.value)
    assert expected in message
    assert absent not in message


@pytest.mark.parametrize(
    "value",
    [0, 1767225600, 1767225600.0, "1767225600", "20260105", True],
)
def test_a_number_is_not_read_as_a_date(value: Any) -> None:
    """pydantic reads 1767225600 as 2026-01-01 (seconds since 1970): a silent guess the contract rules out."""
    with pytest.raises(InvalidArguments, match=r"as_of: Input should be a date as YYYY-MM-DD"):
        validate_arguments(Note, {"as_of": value})
    with pytest.raises(InvalidArguments, match=r"deal.close_date: Input should be a date as YYYY-MM-DD"):
        validate_arguments(QualifyInput, {"deal": {"company": "A", "close_date": value}})


@pytest.mark.parametrize("value", ["2026-01-05", "0001-01-01", "9999-12-31", date(2026, 1, 5)])
def test_iso_dates_are_still_dates(value: Any) -> None:
    assert isinstance(validate_arguments(Note, {"as_of": value}), Note)


@pytest.mark.parametrize(
    ("model", "arguments", "field"),
    [
        (QualifyInput, {"deal": {"company": "A", "id": "   "}}, "deal.id"),
        (IcpInput, {"product": "   "}, "product"),
        (HandleObjectionInput, {"objection": " \n "}, "objection"),
    ],
)
def test_blank_required_text_is_refused(model: type[ToolInput], arguments: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidArguments, match=rf"^{field}: String should have at least 1 character"):
        validate_arguments(model, arguments)
