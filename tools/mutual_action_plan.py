"""The mutual action plan (knowledge/mutual_action_plan.yaml), back-scheduled from the buyer's go-live date.

Each step sits `days_before_go_live` before go-live. A step that lands on a Saturday or Sunday moves back to the
Friday before (moving it later would eat the buffer before go-live); the original date is kept in
`moved_from_weekend`. A step dated before `as_of` is flagged `past_due` and the plan warns that it cannot hold,
naming the earliest go-live the default offsets allow. A go-live on a weekend or in the past is warned about,
never silently moved: it is the buyer's date.

Without a go-live date the plan is anchored on the deal's close date (the signature step on that day), and
without either it is returned undated. A signed contract marks the signature and every earlier step done.
Used by close_plan and draft_proposal.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..knowledge import get
from ..schemas.closing import MapItem
from ..schemas.common import Locale
from ..schemas.knowledge.discovery import MapStatus, MutualActionPlanTemplate
from .errors import PlaybookInputError
from .formatting import weekday

SATURDAY, SUNDAY = 5, 6
SIGNATURE_STEP = "signature"

_WARN = {
    "en": {
        "go_live_weekend": "The target go-live {date} is a {weekday}; check that the buyer really means that day.",
        "go_live_past": "The target go-live {date} is before {as_of}: agree a new date with the buyer.",
        "past_steps": "{count} step(s) would be due before {as_of} ({steps}): the plan cannot hold go-live {date}. "
        "With the default durations the earliest go-live is {earliest}; compress the steps with the buyer or "
        "move the date.",
        "anchored_on_close": "No target go-live given: the plan is anchored on the close date {close} "
        "(signature that day, go-live {date}). Ask the buyer for their go-live date.",
        "undated": "No target go-live or close date: the steps are undated. Ask the buyer for their go-live date "
        "and back-schedule from it.",
        "moved": "{count} step(s) fell on a weekend and were moved to the Friday before.",
    },
    "zh": {
        "go_live_weekend": "目标上线日 {date} 是{weekday}，请与客户确认是否确实是这一天。",
        "go_live_past": "目标上线日 {date} 早于 {as_of}：请与客户重新约定日期。",
        "past_steps": "有 {count} 个步骤会早于 {as_of}（{steps}）：按此计划无法在 {date} 上线。按默认时长，最早可在 "
        "{earliest} 上线；请与客户压缩各步骤时长，或调整上线日期。",
        "anchored_on_close": "未提供目标上线日：计划以预计成交日 {close} 为基准（当天签约，{date} 上线）。"
        "请向客户确认上线日期。",
        "undated": "没有目标上线日，也没有预计成交日：各步骤暂无日期。请向客户确认上线日期并据此倒排。",
        "moved": "有 {count} 个步骤落在周末，已提前到前一个周五。",
    },
}


def _plus(day: date, days: int, field: str) -> date:
    """`day` + `days`; past the calendar's ends (years 1–9999) the input named `field` cannot be planned around."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise PlaybookInputError(
            field, f"{day.isoformat()} is too close to the calendar's limits to plan around; give a realistic date"
        ) from None


def previous_business_day(day: date) -> date:
    """The day itself on Monday–Friday; the Friday before on a weekend."""
    if day.weekday() == SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == SUNDAY:
        return day - timedelta(days=2)
    return day


def next_business_day(day: date) -> date:
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return day


def earliest_go_live(as_of: date) -> date:
    """The first business day on which every step can still be dated on or after `as_of`."""
    template = get("mutual_action_plan", MutualActionPlanTemplate)
    lead = max(step.days_before_go_live for step in template.steps)
    candidate = next_business_day(_plus(as_of, lead, "as_of"))
    # weekend moves only ever bring steps earlier; push until none is before as_of
    while any(previous_business_day(candidate - timedelta(days=s.days_before_go_live)) < as_of for s in template.steps):
        candidate = next_business_day(_plus(candidate, 1, "as_of"))
    return candidate


def build_plan(
    go_live: date | None,
    as_of: date,
    locale: Locale,
    *,
    company: str | None = None,
    our_company: str | None = None,
    economic_buyer: str | None = None,
    close_date: date | None = None,
    contract_signed: bool = False,
) -> tuple[list[MapItem], list[str]]:
    """The plan's steps and its warnings (see the module doc)."""
    template = get("mutual_action_plan", MutualActionPlanTemplate)
    words = _WARN[locale]
    values = {spec.code: spec.default.get(locale) for spec in template.placeholders}
    for code, given in (("company", company), ("our_company", our_company), ("economic_buyer", economic_buyer)):
        if given:
            values[code] = given
    warnings: list[str] = []

    anchor = go_live
    if anchor is None and close_date is not None:
        signature = next(s for s in template.steps if s.code == SIGNATURE_STEP)
        anchor = _plus(close_date, signature.days_before_go_live, "deal.close_date")
        warnings.append(words["anchored_on_close"].format(close=close_date.isoformat(), date=anchor.isoformat()))
    elif anchor is None:
        warnings.append(words["undated"])
    elif go_live is not None:
        if go_live < as_of:
            warnings.append(words["go_live_past"].format(date=go_live.isoformat(), as_of=as_of.isoformat()))
        elif go_live.weekday() >= SATURDAY:
            warnings.append(words["go_live_weekend"].format(date=go_live.isoformat(), weekday=weekday(go_live, locale)))

    signature_order = next(s.order for s in template.steps if s.code == SIGNATURE_STEP)
    anchor_field = "target_go_live" if go_live is not None else "deal.close_date"
    items: list[MapItem] = []
    for step in template.steps:
        raw = _plus(anchor, -step.days_before_go_live, anchor_field) if anchor is not None else None
        when = previous_business_day(raw) if raw is not None else None
        status: MapStatus = "done" if contract_signed and step.order <= signature_order else step.initial_status
        items.append(
            MapItem(
                order=step.order,
                code=step.code,
                step=step.step.get(locale).format_map(values),
                owner=step.owner,
                owner_label=template.owner_label(step.owner).get(locale),
                date=when,
                status=status,
                days_before_go_live=step.days_before_go_live,
                moved_from_weekend=raw if raw is not None and raw != when else None,
                past_due=when is not None and when < as_of and status != "done",
            )
        )
    moved = [item for item in items if item.moved_from_weekend is not None]
    if moved:
        warnings.append(words["moved"].format(count=len(moved)))
    past = [item for item in items if item.past_due]
    if past and anchor is not None:
        warnings.append(
            words["past_steps"].format(
                count=len(past),
                as_of=as_of.isoformat(),
                steps=("、" if locale == "zh" else "; ").join(item.step for item in past),
                date=anchor.isoformat(),
                earliest=earliest_go_live(as_of).isoformat(),
            )
        )
    return items, warnings
