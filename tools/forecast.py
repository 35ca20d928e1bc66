"""The period forecast (CONTRACT forecast; knowledge/forecast_categories.yaml).

Only open deals with a close date inside the period are forecast; the others are `omitted` with the reason.
Each forecast deal gets its category from the one per-deal rule (`tools.forecast_rules.forecast_category`,
fed the deal's red flags from `tools.red_flags`). Deals won with a close date in the period count toward
`closed`. forecast = commit + best case; gap to quota = quota − closed − forecast. Earlier runs (snapshots)
of periods that have ended are scored against what was actually won: accuracy = actual / forecast, on target
above 90%.

Pure: deals, snapshots and dates come in as arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..knowledge import get
from ..schemas.common import Locale
from ..schemas.deal import Deal, RedFlag
from ..schemas.forecast import (
    ForecastInput,
    ForecastResult,
    ForecastSnapshot,
    ForecastTotals,
    SnapshotAccuracy,
)
from ..schemas.knowledge.pipeline import ForecastCategories, ForecastCategoryCode, PipelineStages
from .forecast_rules import deal_conditions, forecast_category
from .formatting import number
from .periods import resolve_period, within
from .pipeline_review import closed_on
from .red_flags import flag_codes

_SCOPE_REASONS: dict[str, dict[Locale, str]] = {
    "won_in_period": {
        "en": "won on {day}, inside the period: counts toward closed",
        "zh": "已于{day}赢单，在本期内：计入已成交",
    },
    "closed": {"en": "the deal is closed ({stage})", "zh": "交易已关闭（{stage}）"},
    "no_close_date": {"en": "no close date", "zh": "没有预计成交日期"},
    "outside": {
        "en": "close date {day} is outside the period {start} – {end}",
        "zh": "预计成交日期{day}不在本期（{start}至{end}）内",
    },
}
_WARNINGS: dict[str, dict[Locale, str]] = {
    "no_quota": {"en": "No quota given: gap_to_quota is not computed.", "zh": "未提供配额：无法计算与配额的差距。"},
    "no_close_date": {
        "en": "{n} open deal(s) have no close date and are not forecast: {names}.",
        "zh": "{n}笔进行中交易没有预计成交日期，未纳入预测：{names}。",
    },
    "past_close_date": {
        "en": "{n} forecast deal(s) have a close date that has already passed: {names}.",
        "zh": "{n}笔纳入预测的交易预计成交日期已过：{names}。",
    },
    "demoted": {
        "en": "{n} deal(s) dropped a category because of a high-severity red flag: {names}.",
        "zh": "{n}笔交易因高严重度风险信号被下调一档：{names}。",
    },
    "below_target": {
        "en": "The forecast for {start} – {end} was {accuracy} accurate (actual / forecast), "
        "below the {target} target.",
        "zh": "{start}至{end}的预测准确率为{accuracy}（实际÷预测），低于{target}的目标。",
    },
    "gap": {
        "en": "Closed plus forecast leaves {gap} to reach the quota.",
        "zh": "已成交加预测金额距离配额还差{gap}。",
    },
}


def _names(deals: Sequence[Deal], limit: int = 5) -> str:
    names = [d.company for d in deals[:limit]]
    return ", ".join(names) + (" …" if len(deals) > limit else "")


def _pct(value: float) -> str:
    return f"{number(value * 100)}%"


def accuracy_of(snapshots: Sequence[ForecastSnapshot], deals: Sequence[Deal], as_of: date) -> list[SnapshotAccuracy]:
    """For each ended period with a saved forecast, the last forecast taken by its end against the won value."""
    rule = get("forecast_categories", ForecastCategories).accuracy
    latest: dict[tuple[date, date], ForecastSnapshot] = {}
    scored = [snap for snap in snapshots if snap.period_end < as_of and snap.taken_on <= snap.period_end]
    for snap in sorted(scored, key=lambda s: s.taken_on):
        latest[(snap.period_start, snap.period_end)] = snap
    results = []
    for (start, end), snap in sorted(latest.items()):
        actual = sum(d.value for d in deals if d.stage == "closed_won" and within(closed_on(d), start, end))
        acc = rule.accuracy(actual, snap.forecast)
        results.append(
            SnapshotAccuracy(
                taken_on=snap.taken_on,
                period_start=start,
                period_end=end,
                forecast=snap.forecast,
                actual=actual,
                accuracy=None if acc is None else round(acc, 4),
                on_target=rule.on_target(actual, snap.forecast),
                within_tolerance=rule.within_tolerance(actual, snap.forecast),
            )
        )
    return results


def forecast(
    inp: ForecastInput,
    deals: Sequence[Deal],
    as_of: date,
    locale: Locale,
    *,
    snapshots: Sequence[ForecastSnapshot] = (),
    source: str = "inline",
) -> ForecastResult:
    rules = get("forecast_categories", ForecastCategories)
    stages = get("stages", PipelineStages)
    start, end = resolve_period(inp.period_start, inp.period_end, as_of)
    totals: dict[str, float] = {"commit": 0.0, "best_case": 0.0, "pipeline": 0.0, "omitted": 0.0, "closed": 0.0}
    rows: list[dict[str, object]] = []  # validated in one pass when the result is built (10,000 rows)
    no_close: list[Deal] = []
    past_close: list[Deal] = []
    demoted: list[Deal] = []
    bottom = rules.demotion.ladder[-1]
    trigger_severity, exempt = frozenset({rules.demotion.trigger_severity}), frozenset(rules.demotion.exempt_flags)

    rendered: dict[tuple[object, ...], str] = {}  # many deals share a reason (same close date, same stage)
    assigned: dict[tuple[str, frozenset[str]], bool] = {}
    categorised: dict[tuple[object, ...], tuple[ForecastCategoryCode, list[str]]] = {}

    def out_of_scope(deal: Deal, key: str, **values: object) -> None:
        cache_key = (key, *values.values())
        reason = rendered.get(cache_key)
        if reason is None:
            reason = rules.scope.out_of_scope_reason.render(
                locale, {"reason": _SCOPE_REASONS[key][locale].format(**values)}
            )
            rendered[cache_key] = reason
        rows.append(_row(deal, rules.scope.out_of_scope_category, [reason]))

    for deal in deals:
        if not deal.is_open:
            day = closed_on(deal)
            if deal.stage == "closed_won" and within(day, start, end):
                totals["closed"] += deal.value
                out_of_scope(deal, "won_in_period", day=day.isoformat() if day else "")
            else:
                out_of_scope(deal, "closed", stage=stages.stage(deal.stage).label.get(locale))
            continue
        if deal.close_date is None:
            no_close.append(deal)
            totals["omitted"] += deal.value
            out_of_scope(deal, "no_close_date")
            continue
        if not start <= deal.close_date <= end:
            totals["omitted"] += deal.value
            out_of_scope(deal, "outside", day=deal.close_date.isoformat(), start=start.isoformat(), end=end.isoformat())
            continue
        # A deal whose assigned category is already the bottom of the demotion ladder cannot drop further, so
        # its red flags cannot change the result: skip computing them (the costly part on a large pipeline).
        conditions = deal_conditions(deal)
        can_drop = assigned.get((deal.stage, conditions))
        if can_drop is None:
            can_drop = assigned[(deal.stage, conditions)] = rules.assign(deal.stage, conditions).category != bottom
        # The rule reads only the codes of high-severity, non-exempt flags: evaluate those alone.
        fired = flag_codes(deal, as_of, severities=trigger_severity, exclude=exempt) if can_drop else ()
        # forecast_category reads only the stage, the conditions and the flags' codes and severities of an open
        # deal: deals alike in those share one evaluation (and one rendering of the reasons).
        memo_key = (deal.stage, conditions, fired)
        decided = categorised.get(memo_key)
        if decided is None:
            flags = [RedFlag(code=code, severity=severity, message="", fix="") for code, severity in fired]
            decided = categorised[memo_key] = forecast_category(deal, as_of, flags, locale)
        category, reasons = decided  # shared by alike deals: validating the result copies each row's list
        if len(reasons) > 1:
            demoted.append(deal)
        if deal.close_date < as_of:
            past_close.append(deal)
        totals[category] += deal.value
        rows.append(_row(deal, category, reasons))

    forecast_value = sum(totals[code] for code in rules.scope.forecast_sums)
    gap = None if inp.quota is None else round(inp.quota - totals["closed"] - forecast_value, 2)
    accuracy = accuracy_of(snapshots, deals, as_of)
    warnings: list[str] = []
    if inp.quota is None:
        warnings.append(_WARNINGS["no_quota"][locale])
    elif gap is not None and gap > 0:
        warnings.append(_WARNINGS["gap"][locale].format(gap=number(gap)))
    for key, group in (("no_close_date", no_close), ("past_close_date", past_close), ("demoted", demoted)):
        if group:
            warnings.append(_WARNINGS[key][locale].format(n=len(group), names=_names(group)))
    for item in accuracy:
        if item.on_target is False and item.accuracy is not None:
            warnings.append(
                _WARNINGS["below_target"][locale].format(
                    start=item.period_start.isoformat(),
                    end=item.period_end.isoformat(),
                    accuracy=_pct(item.accuracy),
                    target=_pct(rules.accuracy.target_min),
                )
            )
    return ForecastResult.model_validate(
        {
            "locale": locale,
            "as_of": as_of,
            "period_start": start,
            "period_end": end,
            "source": source,
            "deals": rows,
            "totals": ForecastTotals(**{k: round(v, 2) for k, v in totals.items()}),
            "forecast": round(forecast_value, 2),
            "quota": inp.quota,
            "gap_to_quota": gap,
            "warnings": warnings,
            "accuracy": accuracy,
            "accuracy_target": rules.accuracy.target_min,
            "snapshot_saved": False,
        }
    )


def _row(deal: Deal, category: ForecastCategoryCode, reasons: list[str]) -> dict[str, object]:
    """A `ForecastDeal` as a dict."""
    return {
        "id": deal.id,
        "company": deal.company,
        "value": deal.value,
        "currency": deal.currency,
        "stage": deal.stage,
        "close_date": deal.close_date,
        "category": category,
        "reasons": reasons,
    }


def snapshot_of(result: ForecastResult) -> ForecastSnapshot:
    """What the store keeps of a forecast run (to score its accuracy once the period has ended)."""
    return ForecastSnapshot(
        taken_on=result.as_of,
        period_start=result.period_start,
        period_end=result.period_end,
        quota=result.quota,
        commit=result.totals.commit,
        best_case=result.totals.best_case,
        pipeline=result.totals.pipeline,
        closed=result.totals.closed,
        forecast=result.forecast,
        deal_count=sum(1 for d in result.deals if d.category != "omitted"),
    )


def forecast_markdown(result: ForecastResult) -> str:
    zh = result.locale == "zh"
    t = result.totals
    stages = get("stages", PipelineStages)
    # Chinese text names the categories and stages by their labels; English text keeps the codes it always showed
    label = {c.code: c.label.zh if zh else c.code for c in get("forecast_categories", ForecastCategories).categories}
    closed = stages.stage("closed_won").label.zh if zh else "closed"
    lines = [
        f"## {'预测' if zh else 'Forecast'} {result.period_start.isoformat()} – {result.period_end.isoformat()}",
        f"- {label['commit']} {number(t.commit)} · {label['best_case']} {number(t.best_case)} · "
        f"{label['pipeline']} {number(t.pipeline)} · {closed} {number(t.closed)}",
        f"- {'预测' if zh else 'Forecast'} ({label['commit']} + {label['best_case']}): {number(result.forecast)}"
        + (
            ""
            if result.gap_to_quota is None
            else f"; {'差距' if zh else 'gap to quota'}: {number(result.gap_to_quota)}"
        ),
    ]
    forecast_rows = [d for d in result.deals if d.category != "omitted"]
    if forecast_rows:
        header = "| 客户 | 金额 | 阶段 | 类别 |" if zh else "| deal | value | stage | category |"
        lines += ["", header, "|---|---:|---|---|"]
        for d in sorted(forecast_rows, key=lambda r: -r.value)[:20]:
            stage = stages.stage(d.stage).label.zh if zh else d.stage
            lines.append(f"| {d.company} | {number(d.value)} | {stage} | {label[d.category]} |")
    for item in result.accuracy:
        acc = "—" if item.accuracy is None else _pct(item.accuracy)
        lines.append(
            f"- {'准确率' if zh else 'Accuracy'} {item.period_start.isoformat()} – {item.period_end.isoformat()}: "
            f"{number(item.actual)} / {number(item.forecast)} = {acc}"
        )
    lines.extend(f"- ⚠ {w}" for w in result.warnings)
    return "\n".join(lines)
