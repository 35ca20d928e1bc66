"""Deal red flags (CONTRACT.md table, knowledge/red_flags.yaml): one implementation shared by qualify_deal,
close_plan, review_pipeline and forecast. Each flag is evaluated from the deal and `as_of` only.
"""

from __future__ import annotations

from datetime import date

from ..knowledge import get
from ..schemas.common import Locale
from ..schemas.deal import Deal, RedFlag
from ..schemas.knowledge.pipeline import MultithreadingRules, PipelineStages, RedFlagTable
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


def _present_fields(deal: Deal) -> set[str]:
    present = set()
    for field in type(deal).model_fields:
        value = getattr(deal, field)
        if value is None or value == "" or value == [] or value == {}:
            continue
        if isinstance(value, str) and not value.strip():
            continue
        present.add(field)
    return present


def red_flags(deal: Deal, as_of: date, locale: Locale, *, messages: bool = True) -> list[RedFlag]:
    """Every flag of the table that fires for `deal` on `as_of`, in the table's order.

    `messages=False` leaves `message` and `fix` empty: for callers that only use codes and severities over a
    large pipeline (the forecast of 10,000 deals), where rendering the texts is most of the cost.
    """
    table = get("red_flags", RedFlagTable)
    stages = get("stages", PipelineStages)
    metrics = deal_metrics(deal, as_of)
    present = _present_fields(deal)
    true_flags = {name for name in ("verbal_agreement", "contract_signed") if getattr(deal, name)}
    minimum = get("multithreading", MultithreadingRules).minimum_for(deal.value)
    found: list[RedFlag] = []
    for flag in table.flags:
        if not flag.fires(deal.stage, present, true_flags, metrics):
            continue
        if not messages:
            found.append(RedFlag(code=flag.code, severity=flag.severity_at(deal.stage), message="", fix=""))
            continue
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
                severity=flag.severity_at(deal.stage),
                message=flag.message.render(locale, values),
                fix=flag.fix.get(locale),
            )
        )
    return found


def risk_level(flags: list[RedFlag]) -> str:
    """red = any high-severity flag; yellow = any medium; green otherwise (CONTRACT review_pipeline)."""
    return get("red_flags", RedFlagTable).risk_level({flag.severity for flag in flags})
