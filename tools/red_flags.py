"""Deal red flags (CONTRACT.md table, knowledge/red_flags.yaml): one implementation shared by qualify_deal,
close_plan, review_pipeline and forecast. Each flag is evaluated from the deal and `as_of` only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from ..knowledge import get
from ..schemas.common import Locale
from ..schemas.deal import Deal, RedFlag
from ..schemas.knowledge.pipeline import (
    CLOSED_STAGES,
    MultithreadingRules,
    PipelineStages,
    RedFlagTable,
    Severity,
    Trigger,
)
from ..schemas.knowledge.pipeline import RedFlag as FlagRule
from ..schemas.knowledge.vocab import STAGE_ORDER
from .formatting import number


def deal_metrics(deal: Deal, as_of: date) -> dict[str, float]:
    """The numbers the flag thresholds compare against; a metric that cannot be computed is absent."""
    engaged = deal.engaged_contacts()
    minimum = get("multithreading", MultithreadingRules).minimum_for(deal.value)
    metrics: dict[str, float] = {
        "engaged_contacts": len(engaged),
        "engaged_champions": sum(1 for c in engaged if c.role == "champion"),
        "engaged_economic_buyers": sum(1 for c in engaged if c.role == "economic_buyer"),
        "multithread_shortfall": minimum - len(engaged),
        "close_date_changes": deal.close_date_changes,
    }
    if deal.last_activity is not None:
        metrics["days_since_last_activity"] = (as_of - deal.last_activity).days
    if deal.stage_entered is not None:
        metrics["days_in_stage"] = (as_of - deal.stage_entered).days
    if deal.close_date is not None:
        metrics["days_past_close_date"] = (as_of - deal.close_date).days
    return metrics


@dataclass(frozen=True)
class _TableIndex:
    """What the table asks of a deal, worked out once per loaded table (not per deal): for each stage, the
    flags (and of each, the triggers) that can fire there, and the Deal fields the triggers test for presence.
    Evaluation is still `Trigger.fires`: this only skips rules whose stage list already excludes the deal.
    """

    by_stage: dict[str, list[tuple[FlagRule, list[Trigger], Severity]]]
    tested_fields: tuple[str, ...]


_INDEX: tuple[RedFlagTable, _TableIndex] | None = None


def _index(table: RedFlagTable) -> _TableIndex:
    global _INDEX
    if _INDEX is not None and _INDEX[0] is table:
        return _INDEX[1]
    by_stage: dict[str, list[tuple[FlagRule, list[Trigger], Severity]]] = {}
    for stage in STAGE_ORDER:
        rules = []
        for flag in table.flags:
            if flag.open_deals_only and stage in CLOSED_STAGES:
                continue
            triggers = [t for t in flag.triggers if not t.stages or stage in t.stages]
            if triggers:
                rules.append((flag, triggers, flag.severity_at(stage)))
        by_stage[stage] = rules
    tested = {f for flag in table.flags for t in flag.triggers for f in (*t.missing, *t.present)}
    index = _TableIndex(by_stage, tuple(sorted(tested)))
    _INDEX = (table, index)
    return index


def _present_fields(deal: Deal, fields: Iterable[str] | None = None) -> set[str]:
    """The non-empty fields of `deal` among `fields` (default: all of its fields)."""
    present = set()
    for field in type(deal).model_fields if fields is None else fields:
        value = getattr(deal, field, None)
        if value is None or value == "" or value == [] or value == {}:
            continue
        if isinstance(value, str) and not value.strip():
            continue
        present.add(field)
    return present


def _fired(
    deal: Deal, as_of: date, severities: Collection[str] | None, exclude: Collection[str]
) -> tuple[list[tuple[FlagRule, Severity]], dict[str, float]]:
    """The table's flags that fire for `deal` on `as_of` (in the table's order) with their severity at the
    deal's stage, and the metrics they were judged on."""
    index = _index(get("red_flags", RedFlagTable))
    metrics = deal_metrics(deal, as_of)
    present = _present_fields(deal, index.tested_fields)
    true_flags = {name for name in ("verbal_agreement", "contract_signed") if getattr(deal, name)}
    fired: list[tuple[FlagRule, Severity]] = []
    for flag, triggers, severity in index.by_stage[deal.stage]:  # the table's order, for the deal's stage
        if (severities is not None and severity not in severities) or flag.code in exclude:
            continue
        if any(t.fires(deal.stage, present, true_flags, metrics) for t in triggers):
            fired.append((flag, severity))
    return fired, metrics


def flag_codes(
    deal: Deal, as_of: date, *, severities: Collection[str] | None = None, exclude: Collection[str] = ()
) -> list[tuple[str, Severity]]:
    """(code, severity) of each flag `red_flags` would return, without building them: for callers that read
    only codes over a large pipeline (the forecast of 10,000 deals). `severities` / `exclude` narrow it to the
    flags with those severities at the deal's stage / not those codes (the others are not evaluated)."""
    return [(flag.code, severity) for flag, severity in _fired(deal, as_of, severities, exclude)[0]]


def red_flags(deal: Deal, as_of: date, locale: Locale, *, messages: bool = True) -> list[RedFlag]:
    """Every flag of the table that fires for `deal` on `as_of`, in the table's order.

    `messages=False` leaves `message` and `fix` empty (codes and severities only).
    """
    fired, metrics = _fired(deal, as_of, None, ())
    if not messages:
        return [RedFlag(code=flag.code, severity=severity, message="", fix="") for flag, severity in fired]
    stages = get("stages", PipelineStages)
    minimum = get("multithreading", MultithreadingRules).minimum_for(deal.value)
    found: list[RedFlag] = []
    for flag, severity in fired:
        day_metric = next((t for t in flag.thresholds() if t.unit == "days"), None)
        contact_floor = next((t for t in flag.thresholds() if t.metric == "engaged_contacts"), None)
        days = metrics.get(day_metric.metric) if day_metric else metrics.get("days_in_stage")
        values = {
            "company": deal.company,
            "stage": stages.stage(deal.stage).label.get(locale),
            "days": "?" if days is None else number(days),
            "limit": number(day_metric.value) if day_metric else "",
            "engaged": int(metrics["engaged_contacts"]),
            "minimum": int(contact_floor.value) if contact_floor else minimum,
            "value": number(deal.value),
            "currency": deal.currency,
            "changes": deal.close_date_changes,
            "close_date": deal.close_date.isoformat() if deal.close_date else "?",
            "next_step": deal.next_step or "",
        }
        found.append(
            RedFlag(
                code=flag.code,
                severity=severity,
                message=flag.message.render(locale, values),
                fix=flag.fix.get(locale),
            )
        )
    return found


def risk_level(flags: list[RedFlag]) -> str:
    """red = any high-severity flag; yellow = any medium; green otherwise (CONTRACT review_pipeline)."""
    return get("red_flags", RedFlagTable).risk_level({flag.severity for flag in flags})
