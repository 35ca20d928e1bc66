"""Deal red flags (CONTRACT.md table, knowledge/red_flags.yaml): one implementation shared by qualify_deal,
close_plan, review_pipeline and forecast. Each flag is evaluated from the deal and `as_of` only.

- `red_flags`: the flags as models (qualify_deal, close_plan); `fired_flags`: the same as plain tuples (the
  review's top deals); `flag_codes`: codes and severities only, optionally narrowed (the forecast).
- The table is indexed once per loaded knowledge (`derived`): per stage, the flags that can fire there, their
  severity there and their triggers as plain checks.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, TypeVar

from ..knowledge import get
from ..schemas.common import Locale
from ..schemas.deal import Deal, RedFlag
from ..schemas.knowledge.pipeline import (
    CLOSED_STAGES,
    MessageTemplate,
    MultithreadingRules,
    PipelineStages,
    RedFlagTable,
    Severity,
    Trigger,
)
from ..schemas.knowledge.pipeline import RedFlag as FlagRule
from ..schemas.knowledge.vocab import STAGE_ORDER
from .formatting import number

_S = TypeVar("_S")
_R = TypeVar("_R")
_DERIVED: dict[tuple[Callable[[Any], Any], int], tuple[Any, Any]] = {}


def derived(section: _S, build: Callable[[_S], _R]) -> _R:
    """`build(section)` for a loaded knowledge section, worked out once per loaded section (not per deal or per
    call; reloading the knowledge builds it again). Shared by the pipeline tools' lookup tables."""
    key = (build, id(section))
    entry = _DERIVED.get(key)
    if entry is None or entry[0] is not section:
        entry = _DERIVED[key] = (section, build(section))
    result: _R = entry[1]
    return result


def _minimum_and_metrics(deal: Deal, as_of: date, with_minimum: bool = True) -> tuple[int, dict[str, float]]:
    """The deal's multithreading minimum and its metrics (without the minimum and the shortfall, 0 and absent,
    when `with_minimum` is false: for callers whose flags do not read them)."""
    engaged = champions = economic_buyers = 0
    for contact in deal.contacts:
        if contact.engaged:
            engaged += 1
            champions += contact.role == "champion"
            economic_buyers += contact.role == "economic_buyer"
    metrics: dict[str, float] = {
        "engaged_contacts": engaged,
        "engaged_champions": champions,
        "engaged_economic_buyers": economic_buyers,
    }
    minimum = 0
    if with_minimum:
        minimum = get("multithreading", MultithreadingRules).minimum_for(deal.value)
        metrics["multithread_shortfall"] = minimum - engaged
    metrics["close_date_changes"] = deal.close_date_changes
    if deal.last_activity is not None:
        metrics["days_since_last_activity"] = (as_of - deal.last_activity).days
    if deal.stage_entered is not None:
        metrics["days_in_stage"] = (as_of - deal.stage_entered).days
    if deal.close_date is not None:
        metrics["days_past_close_date"] = (as_of - deal.close_date).days
    return minimum, metrics


def deal_metrics(deal: Deal, as_of: date) -> dict[str, float]:
    """The numbers the flag thresholds compare against; a metric that cannot be computed is absent."""
    return _minimum_and_metrics(deal, as_of)[1]


# `Threshold.breached`'s comparisons (anything else is equality there too).
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


@dataclass(frozen=True)
class _Check:
    """A trigger's conditions as tuples, tested exactly as `Trigger.fires` tests them (its stage list is
    already applied: a check is only listed under the stages its trigger allows)."""

    missing: tuple[str, ...]
    present: tuple[str, ...]
    flags_true: tuple[str, ...]
    flags_false: tuple[str, ...]
    thresholds: tuple[tuple[str, Callable[[float, float], bool], float], ...]

    @classmethod
    def of(cls, trigger: Trigger) -> _Check:
        return cls(
            tuple(trigger.missing),
            tuple(trigger.present),
            tuple(trigger.flags_true),
            tuple(trigger.flags_false),
            tuple((t.metric, _COMPARE.get(t.op, operator.eq), t.value) for t in trigger.thresholds),
        )

    def fires(self, present: Collection[str], true_flags: Collection[str], metrics: dict[str, float]) -> bool:
        for name in self.missing:
            if name in present:
                return False
        for name in self.present:
            if name not in present:
                return False
        for name in self.flags_true:
            if name not in true_flags:
                return False
        for name in self.flags_false:
            if name in true_flags:
                return False
        for metric, compare, limit in self.thresholds:
            observed = metrics.get(metric)
            if observed is None or not compare(observed, limit):
                return False
        return True


@dataclass(frozen=True)
class _Rule:
    """A flag as it applies in one stage: its severity there, its checks, and what its message needs that does
    not depend on the deal (the day metric shown as {days}, the {limit} text, a fixed {minimum})."""

    flag: FlagRule
    severity: Severity
    checks: tuple[_Check, ...]
    day_metric: str
    limit: str
    minimum: int | None
    metrics: frozenset[str]
    """The metrics its checks read."""
    message: dict[str, str]
    """The message template (`str.format_map`) and the fix, by locale."""
    fix: dict[str, str]


@dataclass(frozen=True)
class _TableIndex:
    """What the table asks of a deal, worked out once per loaded table (not per deal): for each stage, the
    flags (and of each, the triggers) that can fire there, and the Deal fields the triggers test for presence.
    """

    by_stage: dict[str, list[_Rule]]
    tested_fields: tuple[str, ...]
    narrowed: dict[tuple[str, frozenset[str] | None, frozenset[str]], tuple[list[_Rule], bool]] = field(
        default_factory=dict
    )
    """`by_stage` narrowed to some severities and without some codes (`flag_codes`), as asked."""

    def rules(self, stage: str, severities: frozenset[str] | None, exclude: frozenset[str]) -> tuple[list[_Rule], bool]:
        """The rules to evaluate for a deal in `stage`, and whether they read the multithreading minimum (the
        full list always does: messages show it)."""
        if severities is None and not exclude:
            return self.by_stage[stage], True
        key = (stage, severities, exclude)
        found = self.narrowed.get(key)
        if found is None:
            rules = [
                rule
                for rule in self.by_stage[stage]
                if (severities is None or rule.severity in severities) and rule.flag.code not in exclude
            ]
            found = self.narrowed[key] = (rules, any("multithread_shortfall" in rule.metrics for rule in rules))
        return found


def _message_at(flag: FlagRule, triggers: list[Trigger]) -> MessageTemplate:
    """The message for a stage: the triggers' own when every trigger that applies there has the same one."""
    own = [trigger.message for trigger in triggers]
    first = own[0]
    return first if first is not None and all(message == first for message in own) else flag.message


def _index(table: RedFlagTable) -> _TableIndex:
    by_stage: dict[str, list[_Rule]] = {}
    for stage in STAGE_ORDER:
        rules = []
        for flag in table.flags:
            if flag.open_deals_only and stage in CLOSED_STAGES:
                continue
            triggers = [t for t in flag.triggers if not t.stages or stage in t.stages]
            checks = tuple(_Check.of(t) for t in triggers)
            if checks:
                day_metric = next((t for t in flag.thresholds() if t.unit == "days"), None)
                contact_floor = next((t for t in flag.thresholds() if t.metric == "engaged_contacts"), None)
                rules.append(
                    _Rule(
                        flag=flag,
                        severity=flag.severity_at(stage),
                        checks=checks,
                        day_metric=day_metric.metric if day_metric else "days_in_stage",
                        limit=number(day_metric.value) if day_metric else "",
                        minimum=int(contact_floor.value) if contact_floor else None,
                        metrics=frozenset(th.metric for t in triggers for th in t.thresholds),
                        message={locale: _message_at(flag, triggers).get(locale) for locale in ("en", "zh")},
                        fix={locale: flag.fix.get(locale) for locale in ("en", "zh")},
                    )
                )
        by_stage[stage] = rules
    tested = {f for flag in table.flags for t in flag.triggers for f in (*t.missing, *t.present)}
    return _TableIndex(by_stage, tuple(sorted(tested)))


def _present_fields(deal: Deal, fields: Iterable[str] | None = None) -> set[str]:
    """The non-empty fields of `deal` among `fields` (default: all of its fields)."""
    present = set()
    for name in type(deal).model_fields if fields is None else fields:
        value = getattr(deal, name, None)
        if value is None:
            continue
        if isinstance(value, str):
            if value.strip():  # blank text is not there
                present.add(name)
        elif value != [] and value != {}:
            present.add(name)
    return present


def _fired(
    deal: Deal, as_of: date, severities: frozenset[str] | None = None, exclude: frozenset[str] = frozenset()
) -> tuple[list[_Rule], int, dict[str, float]]:
    """The table's flags that fire for `deal` on `as_of` (in the table's order) as they apply at the deal's
    stage, and the multithreading minimum and metrics they were judged on."""
    index = derived(get("red_flags", RedFlagTable), _index)
    rules, with_minimum = index.rules(deal.stage, severities, exclude)
    minimum, metrics = _minimum_and_metrics(deal, as_of, with_minimum)
    present = _present_fields(deal, index.tested_fields)
    true_flags = set()
    if deal.verbal_agreement:
        true_flags.add("verbal_agreement")
    if deal.contract_signed:
        true_flags.add("contract_signed")
    fired: list[_Rule] = []
    for rule in rules:  # the table's order, for the deal's stage
        for check in rule.checks:
            if check.fires(present, true_flags, metrics):
                fired.append(rule)
                break
    return fired, minimum, metrics


def flag_codes(
    deal: Deal, as_of: date, *, severities: frozenset[str] | None = None, exclude: frozenset[str] = frozenset()
) -> tuple[tuple[str, Severity], ...]:
    """(code, severity) of each flag `red_flags` would return, without building them: for callers that read
    only codes over a large pipeline (the forecast of 10,000 deals). `severities` / `exclude` narrow it to the
    flags with those severities at the deal's stage / not those codes (the others are not evaluated)."""
    return tuple([(rule.flag.code, rule.severity) for rule in _fired(deal, as_of, severities, exclude)[0]])


class FiredFlag(NamedTuple):
    """A flag that fired, as `red_flags` returns it but without building the model (for the review's loop)."""

    code: str
    severity: Severity
    message: str
    fix: str


def _stage_labels(stages: PipelineStages) -> dict[str, dict[str, str]]:
    return {locale: {s.code: s.label.get(locale) for s in stages.stages} for locale in ("en", "zh")}


def fired_flags(deal: Deal, as_of: date, locale: Locale) -> list[FiredFlag]:
    """Every flag of the table that fires for `deal` on `as_of`, in the table's order, with its message and fix."""
    fired, minimum, metrics = _fired(deal, as_of)
    if not fired:
        return []
    values: dict[str, object] = {
        "company": deal.company,
        "stage": derived(get("stages", PipelineStages), _stage_labels)[locale][deal.stage],
        "engaged": int(metrics["engaged_contacts"]),
        "value": number(deal.value),
        "currency": deal.currency,
        "changes": deal.close_date_changes,
        "close_date": deal.close_date.isoformat() if deal.close_date else "?",
        "next_step": deal.next_step or "",
    }
    found: list[FiredFlag] = []
    for rule in fired:
        days = metrics.get(rule.day_metric)
        # Day counts are whole numbers: `number` of an int is the int with thousands separators.
        values["days"] = "?" if days is None else f"{days:,}" if type(days) is int else number(days)
        values["limit"] = rule.limit
        values["minimum"] = minimum if rule.minimum is None else rule.minimum
        found.append(
            FiredFlag(rule.flag.code, rule.severity, rule.message[locale].format_map(values), rule.fix[locale])
        )
    return found


def red_flags(deal: Deal, as_of: date, locale: Locale, *, messages: bool = True) -> list[RedFlag]:
    """Every flag of the table that fires for `deal` on `as_of`, in the table's order.

    `messages=False` leaves `message` and `fix` empty (codes and severities only).
    """
    if not messages:
        return [
            RedFlag(code=rule.flag.code, severity=rule.severity, message="", fix="") for rule in _fired(deal, as_of)[0]
        ]
    return [
        RedFlag(code=code, severity=severity, message=message, fix=fix)
        for code, severity, message, fix in fired_flags(deal, as_of, locale)
    ]


def risk_level(flags: Sequence[RedFlag | FiredFlag]) -> str:
    """red = any high-severity flag; yellow = any medium; green otherwise (CONTRACT review_pipeline)."""
    return get("red_flags", RedFlagTable).risk_level({flag.severity for flag in flags})
