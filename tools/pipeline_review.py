"""The weekly pipeline review (knowledge/pipeline_review_template.yaml; CONTRACT review_pipeline).

- summary: open pipeline and its stage-weighted value; deals created, advanced (a forward stage move) and
  slipped (close date pushed out of as_of's month) in the last `cadence_days` (7) days; deals won and lost in
  the period, losses with their reasons.
- deals_to_review: the ten largest open deals with age in stage and a red/yellow/green risk from the one
  red-flag implementation (`tools.red_flags`); actions: the fix of the worst flag of each risky deal.
- pipeline_health: coverage = open pipeline / quota (target 3-4x), average won deal size and cycle, win rate
  won / (won + lost), and stage conversion from the stages deals reached (stage history when the store gives
  it, else the current stage).
- yaml: the same review under the playbook's own keys.
- funnel: open deals per stage (count, value, weighted = value x the stage's probability), for the review's view.

Pure: deals, history and dates come in as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import cache
from typing import Any, Literal

import yaml

from ..knowledge import get
from ..schemas.common import Locale
from ..schemas.deal import Deal
from ..schemas.knowledge.pipeline import OPEN_STAGES, PipelineReviewTemplate, PipelineStages, RedFlagTable
from ..schemas.knowledge.vocab import STAGE_ORDER
from ..schemas.pipeline import (
    CloseDateChange,
    DealsAndMoney,
    DealToReview,
    LostSummary,
    PipelineHealthOut,
    ReasonCount,
    ReviewPipelineInput,
    ReviewPipelineResult,
    ReviewSummary,
    StageChange,
    StageConversionRate,
    StageFunnel,
)
from .formatting import number, sentences
from .periods import month_end, resolve_period, within
from .red_flags import derived, fired_flags, risk_level

_WORDS: dict[str, dict[Locale, str]] = {
    "unspecified": {"en": "unspecified", "zh": "未注明"},
    "deals": {"en": "{n} deal(s)", "zh": "{n}笔"},
    "days": {"en": "{n} days", "zh": "{n}天"},
    "moved": {"en": "{n} deal(s) moved forward", "zh": "{n}笔向前推进"},
    "pushed": {"en": "{n} deal(s) pushed from this month", "zh": "{n}笔推迟出本月"},
    "no_quota": {"en": "n/a (no quota given)", "zh": "无（未提供配额）"},
    "none": {"en": "n/a", "zh": "无"},
}


def _word(key: str, locale: Locale, **values: object) -> str:
    return _WORDS[key][locale].format(**values)


def closed_on(deal: Deal) -> date | None:
    """When a closed deal closed: its close date, else the day it entered its closed stage."""
    return deal.close_date or deal.stage_entered


def cycle_days(deal: Deal) -> int | None:
    closed = closed_on(deal)
    if deal.created is None or closed is None or closed < deal.created:
        return None
    return (closed - deal.created).days


_STAGE_INDEX: dict[str, int] = {code: i for i, code in enumerate(STAGE_ORDER)}


def _order(stage: str) -> int:
    return _STAGE_INDEX[stage]


def _probabilities(stages: PipelineStages) -> dict[str, float]:
    """Each stage's probability by code (looked up per deal)."""
    return {stage.code: stage.probability for stage in stages.stages}


def furthest_stage_reached(deal: Deal, history: Sequence[StageChange] | None) -> int | None:
    """Index in STAGE_ORDER of the furthest stage the deal reached (closed_lost is not progress); None unknown."""
    furthest = -1 if deal.stage == "closed_lost" else _STAGE_INDEX[deal.stage]
    for change in history or ():
        if change.to_stage != "closed_lost" and _STAGE_INDEX[change.to_stage] > furthest:
            furthest = _STAGE_INDEX[change.to_stage]
    return None if furthest < 0 else furthest


def _advanced(deal: Deal, history: Sequence[StageChange] | None, start: date, as_of: date) -> bool:
    if history:
        for change in history:
            if (
                change.from_stage is not None
                and start < change.changed_on <= as_of
                and change.to_stage != "closed_lost"
                and _STAGE_INDEX[change.to_stage] > _STAGE_INDEX[change.from_stage]
            ):
                return True
        return False
    # Inline deal without history: it entered its (non-first, non-lost) stage this week after being created.
    return (
        deal.stage not in ("prospecting", "closed_lost")
        and deal.stage_entered is not None
        and start < deal.stage_entered <= as_of
        and (deal.created is None or deal.stage_entered > deal.created)
    )


def _slipped(
    deal: Deal, changes: Sequence[CloseDateChange] | None, start: date, as_of: date, end_of_month: date
) -> bool:
    """Pushed out of as_of's month (`end_of_month`) this week (by the history), or ever (inline deals)."""
    if not deal.is_open:
        return False
    if changes is None:
        return deal.close_date_changes > 0 and deal.close_date is not None and deal.close_date > end_of_month
    return any(
        start < change.changed_on <= as_of
        and change.old_date is not None
        and change.old_date <= end_of_month
        and change.new_date is not None
        and change.new_date > end_of_month
        for change in changes
    )


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def review_pipeline(
    inp: ReviewPipelineInput,
    deals: Sequence[Deal],
    as_of: date,
    locale: Locale,
    *,
    history: Mapping[str, Sequence[StageChange]] | None = None,
    close_date_history: Mapping[str, Sequence[CloseDateChange]] | None = None,
    source: Literal["inline", "store"] = "inline",
) -> ReviewPipelineResult:
    """The weekly review of `deals` on `as_of` (history from the store when it has it)."""
    template = get("pipeline_review_template", PipelineReviewTemplate)
    probability = derived(get("stages", PipelineStages), _probabilities)
    period_start, period_end = resolve_period(inp.period_start, inp.period_end, as_of)
    week_start = as_of - timedelta(days=template.cadence_days)
    end_of_month = month_end(as_of)
    history = history or {}

    # One pass over the deals gathers what the summary, the funnel and the health section count.
    open_deals: list[Deal] = []
    won: list[Deal] = []
    lost: list[Deal] = []
    won_in_period: list[Deal] = []
    lost_in_period: list[Deal] = []
    total = weighted = new_value = 0.0
    new_count = advanced = slipped = 0
    levels: list[int] = []  # per deal: furthest stage reached, -1 when unknown or only the first
    for deal in deals:
        changes = history.get(deal.id or "")
        if deal.created is not None and week_start < deal.created <= as_of:
            new_count += 1
            new_value += deal.value
        advanced += _advanced(deal, changes, week_start, as_of)
        levels.append(furthest_stage_reached(deal, changes) or -1)
        if deal.is_open:
            open_deals.append(deal)
            total += deal.value
            weighted += deal.value * probability[deal.stage]
            pushes = None if close_date_history is None else close_date_history.get(deal.id or "", ())
            if pushes is None or pushes:  # a deal whose close date never changed did not slip
                slipped += _slipped(deal, pushes, week_start, as_of, end_of_month)
        elif deal.stage == "closed_won":
            won.append(deal)
            if within(closed_on(deal), period_start, period_end):
                won_in_period.append(deal)
        else:
            lost.append(deal)
            if within(closed_on(deal), period_start, period_end):
                lost_in_period.append(deal)
    reasons: dict[str, tuple[str, int, float]] = {}  # by casefolded reason: first spelling, count, value
    for deal in lost_in_period:
        reason = deal.loss_reason or _word("unspecified", locale)
        shown, count, value = reasons.get(reason.casefold(), (reason, 0, 0.0))
        reasons[reason.casefold()] = (shown, count + 1, value + deal.value)
    summary = ReviewSummary(
        total_pipeline=round(total, 2),
        weighted_pipeline=round(weighted, 2),
        new_this_week=DealsAndMoney(count=new_count, value=new_value),
        advanced_this_week=advanced,
        closed_won=DealsAndMoney(count=len(won_in_period), value=sum(d.value for d in won_in_period)),
        closed_lost=LostSummary(
            count=len(lost_in_period),
            value=sum(d.value for d in lost_in_period),
            reasons=sorted(
                (ReasonCount(reason=shown, count=count, value=value) for shown, count, value in reasons.values()),
                key=lambda r: (-r.count, -r.value, r.reason),
            ),
        ),
        slipped=slipped,
        slipped_basis="close_date_changes" if close_date_history is None else "history",
    )

    spec = template.deals_to_review
    top = sorted(open_deals, key=lambda d: (-d.value, d.company, d.id or ""))[: spec.limit]
    to_review: list[DealToReview] = []
    actions: list[str] = []
    for deal in top:
        flags = fired_flags(deal, as_of, locale)
        risk = risk_level(flags)
        to_review.append(
            DealToReview(
                id=deal.id,
                company=deal.company,
                value=deal.value,
                currency=deal.currency,
                stage=deal.stage,
                age_in_stage_days=(as_of - deal.stage_entered).days if deal.stage_entered else None,
                next_step=deal.next_step,
                risk=risk,
                risk_reasons=[flag.message for flag in flags],
            )
        )
        worst = next((f for f in flags if f.severity == "high"), flags[0] if flags else None)
        if worst is not None:
            actions.append(template.actions.item.render(locale, {"deal": deal.company, "action": worst.fix}))

    coverage_field = template.health_field("coverage_ratio")
    win_field = template.health_field("win_rate")
    coverage_target = (
        coverage_field.target.min if coverage_field.target else 3.0,
        (coverage_field.target.max or 4.0) if coverage_field.target else 4.0,
    )
    coverage = round(total / inp.quota, 2) if inp.quota else None
    conversions: list[StageConversionRate] = []
    for conv in template.pipeline_health.stage_conversion:
        from_i, to_i = _order(conv.from_stage), _order(conv.to_stage)
        reached_from = [(deal, level) for deal, level in zip(deals, levels, strict=True) if level >= from_i]
        if conv.to_stage == "closed_won":
            reached_to = sum(1 for deal, _ in reached_from if deal.stage == "closed_won")
        else:
            reached_to = sum(1 for _, level in reached_from if level >= to_i)
        conversions.append(
            StageConversionRate(
                key=conv.key,
                from_stage=conv.from_stage,
                to_stage=conv.to_stage,
                reached_from=len(reached_from),
                reached_to=reached_to,
                rate=round(reached_to / len(reached_from), 4) if reached_from else None,
            )
        )
    cycles = [c for c in (cycle_days(d) for d in won) if c is not None]
    health = PipelineHealthOut(
        coverage_ratio=coverage,
        coverage_target=coverage_target,
        coverage_ok=None if coverage is None else coverage >= coverage_target[0],
        avg_deal_size=_mean([d.value for d in won]),
        avg_sales_cycle_days=_mean([float(c) for c in cycles]),
        win_rate=round(len(won) / (len(won) + len(lost)), 4) if won or lost else None,
        win_rate_healthy=(
            win_field.target.min if win_field.target else 0.2,
            (win_field.target.max or 0.35) if win_field.target else 0.35,
        ),
        stage_conversion=conversions,
    )
    result = ReviewPipelineResult(
        locale=locale,
        as_of=as_of,
        period_start=period_start,
        period_end=period_end,
        source=source,
        deal_count=len(deals),
        summary=summary,
        deals_to_review=to_review,
        actions=actions,
        pipeline_health=health,
        yaml="",
        funnel=funnel(open_deals, probability),
    )
    result.yaml = review_yaml(result, _currency(deals))
    return result


def funnel(open_deals: Sequence[Deal], probability: Mapping[str, float]) -> list[StageFunnel]:
    """Open deals per open stage in pipeline order: count, value and value x the stage's probability."""
    count = dict.fromkeys(OPEN_STAGES, 0)
    value: dict[str, float] = dict.fromkeys(OPEN_STAGES, 0)
    for deal in open_deals:
        count[deal.stage] += 1
        value[deal.stage] += deal.value
    return [
        StageFunnel(
            stage=stage,
            count=count[stage],
            value=round(value[stage], 2),
            probability=probability[stage],
            weighted=round(value[stage] * probability[stage], 2),
        )
        for stage in OPEN_STAGES
    ]


def _currency(deals: Sequence[Deal]) -> str:
    currencies = {d.currency for d in deals}
    return currencies.pop() if len(currencies) == 1 else "USD"


def _pct(value: float | None, locale: Locale) -> str:
    return _word("none", locale) if value is None else f"{number(value * 100)}%"


def review_yaml(result: ReviewPipelineResult, currency: str) -> str:
    """The review as the playbook's YAML (its keys, in its order; values written the way the template shows)."""
    template = get("pipeline_review_template", PipelineReviewTemplate)
    loc = result.locale
    s = result.summary
    h = result.pipeline_health

    def money(value: float | None) -> str:
        return _word("none", loc) if value is None else f"{number(value)} {currency}"

    summary_values: dict[str, Any] = {
        "total_pipeline": money(s.total_pipeline),
        "weighted_pipeline": money(s.weighted_pipeline),
        "new_this_week": f"{_word('deals', loc, n=s.new_this_week.count)}, {money(s.new_this_week.value)}",
        "advanced_this_week": _word("moved", loc, n=s.advanced_this_week),
        "closed_won": f"{_word('deals', loc, n=s.closed_won.count)}, {money(s.closed_won.value)}",
        "closed_lost": f"{_word('deals', loc, n=s.closed_lost.count)}, {money(s.closed_lost.value)}"
        + (
            " — " + "; ".join(f"{r.reason} ({r.count})" for r in s.closed_lost.reasons) if s.closed_lost.reasons else ""
        ),
        "slipped": _word("pushed", loc, n=s.slipped),
    }
    deal_rows = []
    row_keys = [f.key for f in template.deals_to_review.fields]
    for deal in result.deals_to_review:
        values: dict[str, Any] = {
            "company": deal.company,
            "value": f"{number(deal.value)} {deal.currency}",
            "stage": deal.stage,
            "age_in_stage": _word("none", loc)
            if deal.age_in_stage_days is None
            else _word("days", loc, n=deal.age_in_stage_days),
            "next_step": deal.next_step or "",
            "risk": deal.risk,
            "risk_reason": sentences(deal.risk_reasons, loc),
        }
        deal_rows.append({key: values[key] for key in row_keys})
    health_values: dict[str, Any] = {
        "coverage_ratio": _word("no_quota", loc) if h.coverage_ratio is None else f"{number(h.coverage_ratio)}x",
        "avg_deal_size": money(h.avg_deal_size),
        "avg_sales_cycle": _word("none", loc)
        if h.avg_sales_cycle_days is None
        else _word("days", loc, n=number(h.avg_sales_cycle_days)),
        "win_rate": _pct(h.win_rate, loc),
    }
    health = {f.key: health_values[f.key] for f in template.pipeline_health.fields}
    health[template.pipeline_health.stage_conversion_key] = {c.key: _pct(c.rate, loc) for c in h.stage_conversion}
    header = {f.key: result.as_of.isoformat() for f in template.header}
    document: dict[str, Any] = {
        template.root_key: {
            **header,
            template.review_summary.key: {f.key: summary_values[f.key] for f in template.review_summary.fields},
            template.deals_to_review.key: deal_rows,
            template.actions.key: list(result.actions),
            template.pipeline_health.key: health,
        }
    }
    return yaml_text(document)


# --- YAML text -------------------------------------------------------------------------------------------------
# Even with its C emitter, `yaml.dump` spends most of a review's time in PyYAML's Python representer and resolver.
# The review is only mappings, lists and strings, so it is written here directly, exactly as
# `yaml.dump(document, Dumper=CSafeDumper, sort_keys=False, allow_unicode=True, width=1000)` writes it: block
# style, sequences in a mapping not indented, a string plain unless YAML would read it as something else or it
# holds an indicator (then single-quoted). Anything this writer does not handle (a line break, a control or
# astral character, a line long enough to be folded, a key that is not plain) sends the whole document to
# `yaml.dump`.

_YAML_WIDTH = 1000
_YAML_DUMPER: type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # the C emitter when PyYAML has it
_YAML_TEXT = re.compile(r"[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
"""Printable text without line breaks (the emitter double-quotes or folds text holding other characters)."""
_YAML_QUOTE_FIRST = frozenset("#,[]{}&*!|>'\"%@` ")
"""First characters that start YAML syntax (or a leading space): such text is quoted."""


class _Unhandled(Exception):
    """A value the direct YAML writer leaves to yaml.dump."""


def _yaml_scalar(text: str) -> str:
    """`text` plain or in single quotes, as the emitter writes a string in block style."""
    if not _YAML_TEXT.fullmatch(text):
        raise _Unhandled
    if not text:
        if not _yaml_implicit(text):  # '' reads as null, so it is quoted
            raise _Unhandled
    elif not (
        text[0] in _YAML_QUOTE_FIRST
        or ": " in text
        or " #" in text
        or text[-1] in " :"
        or (text[0] in "?:-" and text[1:2] in ("", " "))
        or text.startswith(("---", "..."))
        or _yaml_implicit(text)
    ):
        return text
    return "'" + text.replace("'", "''") + "'"


def _yaml_implicit(text: str) -> bool:
    """True when YAML would read the plain text as something else than a string: null, bool, number, date."""
    resolvers = _YAML_DUMPER.yaml_implicit_resolvers  # by first character: most text starts with none of them
    implicit = resolvers.get(text[:1])
    if None in resolvers:
        implicit = [*(implicit or ()), *resolvers[None]]
    return implicit is not None and any(regexp.match(text) for _, regexp in implicit)


@cache
def _yaml_key(key: object) -> str:
    """A mapping key (the template's: checked once each); only plain keys are handled."""
    if not isinstance(key, str) or not key or len(key) > 128 or _yaml_scalar(key) != key:
        raise _Unhandled
    return key


def _yaml_mapping(mapping: dict[str, Any], indent: str, lines: list[str], first: str | None = None) -> None:
    for key, value in mapping.items():
        head = f"{indent if first is None else first}{_yaml_key(key)}:"
        first = None
        if type(value) is str:
            lines.append(f"{head} {_yaml_scalar(value)}")
        elif not value and isinstance(value, dict | list):
            lines.append(f"{head} {'{}' if isinstance(value, dict) else '[]'}")
        elif isinstance(value, dict):
            lines.append(head)
            _yaml_mapping(value, indent + "  ", lines)
        elif isinstance(value, list):
            lines.append(head)
            _yaml_sequence(value, indent, lines)
        else:
            raise _Unhandled


def _yaml_sequence(items: list[Any], indent: str, lines: list[str]) -> None:
    for item in items:
        if type(item) is str:
            lines.append(f"{indent}- {_yaml_scalar(item)}")
        elif isinstance(item, dict) and item:
            _yaml_mapping(item, indent + "  ", lines, first=f"{indent}- ")
        else:
            raise _Unhandled


def yaml_text(document: dict[str, Any]) -> str:
    """`document` as the text `yaml.dump` gives it (see above)."""
    lines: list[str] = []
    try:
        if not document:
            raise _Unhandled
        _yaml_mapping(document, "", lines)
        if max(map(len, lines)) > _YAML_WIDTH:
            raise _Unhandled
    except _Unhandled:
        return yaml.dump(document, Dumper=_YAML_DUMPER, sort_keys=False, allow_unicode=True, width=_YAML_WIDTH)
    return "\n".join(lines) + "\n"


def review_markdown(result: ReviewPipelineResult) -> str:
    loc = result.locale
    s = result.summary
    h = result.pipeline_health
    zh = loc == "zh"
    lines = [
        f"## {'管道周回顾' if zh else 'Pipeline review'} {result.as_of.isoformat()} "
        f"({result.period_start.isoformat()} – {result.period_end.isoformat()})",
        f"- {'进行中管道' if zh else 'Open pipeline'}: {number(s.total_pipeline)}; "
        f"{'加权' if zh else 'weighted'}: {number(s.weighted_pipeline)}",
        f"- {'本周新增' if zh else 'New this week'}: {s.new_this_week.count}; "
        f"{'推进' if zh else 'advanced'}: {s.advanced_this_week}; {'延期' if zh else 'slipped'}: {s.slipped}",
        f"- {'本期赢单' if zh else 'Won in period'}: {s.closed_won.count} ({number(s.closed_won.value)}); "
        f"{'丢单' if zh else 'lost'}: {s.closed_lost.count} ({number(s.closed_lost.value)})",
        f"- {'覆盖率' if zh else 'Coverage'}: "
        f"{'—' if h.coverage_ratio is None else number(h.coverage_ratio) + 'x'}; "
        f"{'赢单率' if zh else 'win rate'}: {_pct(h.win_rate, loc)}",
    ]
    if result.deals_to_review:
        lines.append("")
        lines.append("| 客户 | 金额 | 阶段 | 天数 | 风险 |" if zh else "| deal | value | stage | days | risk |")
        lines.append("|---|---:|---|---:|---|")
        # Chinese text shows the stage and risk labels; English text keeps the codes it always showed
        stages = get("stages", PipelineStages)
        risks = {
            level.code: level.label.zh if zh else level.code for level in get("red_flags", RedFlagTable).risk_levels
        }
        for d in result.deals_to_review:
            age = "" if d.age_in_stage_days is None else str(d.age_in_stage_days)
            stage = stages.stage(d.stage).label.zh if zh else d.stage
            lines.append(f"| {d.company} | {number(d.value)} | {stage} | {age} | {risks[d.risk]} |")
    if result.actions:
        lines.append("")
        lines.extend(f"- {a}" for a in result.actions)
    return "\n".join(lines)
