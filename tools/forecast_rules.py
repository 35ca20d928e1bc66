"""The contract's per-deal forecast category (knowledge/forecast_categories.yaml), shared by qualify_deal and
forecast.

    forecast_category(deal, as_of, flags, locale) -> (category, reasons)

- `deal`: a `Deal`; `flags`: its red flags on `as_of` (from `tools.red_flags.red_flags(deal, as_of, locale)`;
  passed in so callers compute them once); `as_of` is accepted so the signature matches the other deal rules,
  and is not read here (flags already carry the dates).
- Assignment (first match wins): commit = negotiation with `verbal_agreement` or `contract_signed`;
  best_case = proposal or negotiation with an engaged champion; pipeline = evaluation, or proposal/negotiation
  without an engaged champion; omitted = prospecting or discovery.
- Demotion: any high-severity flag other than `no_champion` (already counted by the assignment) drops the deal
  one category (commit → best_case → pipeline → omitted), once, whatever the number of such flags; the reason
  names the flag(s).
- A closed deal is `omitted` (it is not forecast; the `forecast` tool counts closed_won separately).
- Period scope (close date inside the period) is the caller's job: `forecast` marks out-of-period deals omitted
  before or instead of calling this.

`reasons` are in `locale`: the assignment reason first, then the demotion reason if any.
"""

from __future__ import annotations

from datetime import date

from ..knowledge import get
from ..schemas.common import Locale
from ..schemas.deal import Deal, RedFlag
from ..schemas.knowledge.pipeline import ForecastCategories, ForecastCategoryCode, PipelineStages

_CLOSED_REASON = {
    "en": "Closed ({stage}): not forecast.",
    "zh": "已关闭（{stage}）：不纳入预测。",
}


def deal_conditions(deal: Deal) -> frozenset[str]:
    """The assignment conditions a deal meets: verbal_agreement, contract_signed, engaged_champion."""
    conditions = []
    if deal.verbal_agreement:
        conditions.append("verbal_agreement")
    if deal.contract_signed:
        conditions.append("contract_signed")
    if any(c.engaged and c.role == "champion" for c in deal.contacts):
        conditions.append("engaged_champion")
    return frozenset(conditions)


def forecast_category(
    deal: Deal, as_of: date, flags: list[RedFlag], locale: Locale
) -> tuple[ForecastCategoryCode, list[str]]:
    """The deal's forecast category and why (see the module doc for the rules)."""
    del as_of  # part of the shared signature; the flags already reflect the date
    rules = get("forecast_categories", ForecastCategories)
    stage_label = get("stages", PipelineStages).stage(deal.stage).label.get(locale)
    if not deal.is_open:
        return "omitted", [_CLOSED_REASON[locale].format(stage=stage_label)]
    rule = rules.assign(deal.stage, deal_conditions(deal))
    category: ForecastCategoryCode = rule.category
    reasons = [rule.reason.render(locale, {"stage": stage_label})]
    demotion = rules.demotion
    triggers = [
        flag.code
        for flag in flags
        if flag.severity == demotion.trigger_severity and flag.code not in demotion.exempt_flags
    ]
    if triggers:
        lowered = demotion.demote(category)
        if lowered != category:
            labels = {bucket.code: bucket.label.get(locale) for bucket in rules.categories}
            values = {"from_category": labels[category], "to_category": labels[lowered], "flag": ", ".join(triggers)}
            reasons.append(demotion.reason.render(locale, values))
            category = lowered
    return category, reasons
