"""The ideal customer profile (playbook: ICP definition template, anti-signals, territory tiers).

Without customers the profile is the playbook's template with its example values (to be replaced). With best
customers, the company attributes come from the won ones: size ranges span the won customers' values, and
industries, geographies, growth stages and tools are listed by how many won customers share them (a tool
counts when at least a third of the won customers use it). Each attribute's evidence gives those numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache
from typing import Any

import yaml

from .. import knowledge
from ..schemas.common import MAX_SHORT_TEXT, Locale
from ..schemas.icp import (
    MAX_TERMS,
    AntiSignalOut,
    BestCustomer,
    EmployeeRange,
    IcpCompany,
    IcpInput,
    IcpResult,
    PainIndicatorOut,
    PersonaOut,
    RevenueRange,
    TierRuleOut,
    WonBenchmarks,
)
from ..schemas.knowledge.prospecting import IcpTemplate, Territory
from .formatting import number

TOOL_SHARE = 1 / 3
"""A tool enters the ICP stack when at least this share of the won customers use it."""

_TEXT = {
    "counted": {"en": "{label}: {items} (of {n} won customers)", "zh": "{label}：{items}（共 {n} 家赢单客户）"},
    "range": {
        "en": "{label}: {lo}–{hi}, the range of the won customers' values ({values})",
        "zh": "{label}：{lo}–{hi}，即赢单客户数值的范围（{values}）",
    },
    "default": {
        "en": "{label}: no won customer gives it; the playbook's example value is kept, replace it with your own",
        "zh": "{label}：赢单客户中没有这项数据，暂用手册的示例值，请换成你自己的",
    },
    "tools": {
        "en": "{label}: used by at least a third of the won customers ({need} of {n}): {items}",
        "zh": "{label}：至少三分之一的赢单客户（{n} 家中 {need} 家）在用：{items}",
    },
    "lost_only": {
        "en": "Seen only among lost customers (not in the ICP): {items}",
        "zh": "只出现在丢单客户中（未纳入画像）：{items}",
    },
    "template": {
        "en": "No won customers given: the company block holds the playbook template's example values.",
        "zh": "未提供赢单客户：公司特征暂用手册模板的示例值。",
    },
    "size_rule": {"en": "fewer than {n} employees", "zh": "员工少于 {n} 人"},
    "budget_rule": {
        "en": "{pre}, or recent layoffs above {pct}% of staff",
        "zh": "{pre}，或近期裁员超过员工总数的 {pct}%",
    },
    "tech_rule": {"en": "any of: {items}", "zh": "出现以下任一情况：{items}"},
    "committee_rule": {
        "en": "{n} or more people must agree on a deal under {acv} {cur} a year",
        "zh": "年合同额低于 {acv} {cur}，却需要 {n} 人或以上一致同意",
    },
}


def _counted(values: Iterable[str | None]) -> list[tuple[str, int]]:
    """Distinct values (case-insensitive, first spelling kept) with counts, most frequent first."""
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for value in values:
        if not value or not value.strip():
            continue
        key = value.strip().casefold()
        spelling.setdefault(key, value.strip())
        counts[key] = counts.get(key, 0) + 1
    order = sorted(counts, key=lambda k: -counts[k])  # stable: ties keep first appearance
    return [(spelling[k], counts[k]) for k in order]


def _distinct(values: list[str]) -> list[str]:
    """Values without case-insensitive repeats, in order (one customer counts a tool once)."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.strip().casefold(), value)
    return list(seen.values())


MAX_LISTED = 10
"""Evidence lists at most this many values, then says how many more there are (a line holds 500 characters)."""


def _listed(parts: list[str]) -> str:
    shown = ", ".join(parts[:MAX_LISTED])
    more = len(parts) - MAX_LISTED
    return f"{shown} … (+{more})" if more > 0 else shown


def _fmt_counts(items: list[tuple[str, int]]) -> str:
    return _listed([f"{name} {count}" for name, count in items])


def _template_sizes(template: IcpTemplate) -> tuple[EmployeeRange, RevenueRange]:
    """The template's default company size ranges (used when no won customer gives a size)."""
    people, money = template.company.size_employees.default, template.company.size_revenue.default
    employees = EmployeeRange(min=people.min, max=people.max)
    revenue = RevenueRange(min=money.min, max=money.max, currency=money.currency)
    return employees, revenue


def _range_line(text: dict[str, str], label: str, values: list[int] | list[float]) -> str:
    """Evidence for a size range observed among won customers: lowest, highest and the values (sorted; the first
    MAX_LISTED, then how many more)."""
    return text["range"].format(
        label=label, lo=number(values[0]), hi=number(values[-1]), values=_listed([number(v) for v in values])
    )


def _company(template: IcpTemplate, won: list[BestCustomer], lost: list[BestCustomer], locale: Locale) -> IcpCompany:
    text = {key: value[locale] for key, value in _TEXT.items()}
    attrs = template.company
    if not won:
        size_employees, size_revenue = _template_sizes(template)
        return IcpCompany(
            industry=attrs.industry.examples.get(locale),
            size_employees=size_employees,
            size_revenue=size_revenue,
            geography=attrs.geography.examples.get(locale),
            tech_stack=[],
            growth_stage=attrs.growth_stage.examples.get(locale),
            source="template",
            evidence=[text["template"]],
        )
    n = len(won)
    evidence: list[str] = []
    lists: dict[str, list[str]] = {}
    for field, attr in (
        ("industry", attrs.industry),
        ("geography", attrs.geography),
        ("growth_stage", attrs.growth_stage),
    ):
        counted = _counted(getattr(c, field) for c in won)
        if counted:
            lists[field] = [name for name, _ in counted][:MAX_TERMS]  # the most frequent, as many as a list holds
            evidence.append(text["counted"].format(label=attr.label.get(locale), items=_fmt_counts(counted), n=n))
        else:
            lists[field] = attr.examples.get(locale)
            evidence.append(text["default"].format(label=attr.label.get(locale)))

    need = max(1, math.ceil(n * TOOL_SHARE))
    tools = [
        (name, count) for name, count in _counted(t for c in won for t in _distinct(c.tech_stack)) if count >= need
    ][:MAX_TERMS]  # the most used, as many as a list holds (few won customers can name more tools than that)
    if tools:
        evidence.append(
            text["tools"].format(label=attrs.tech_stack.label.get(locale), need=need, n=n, items=_fmt_counts(tools))
        )

    size_employees, size_revenue = _template_sizes(template)
    employees = sorted(c.employees for c in won if c.employees is not None)
    if employees:
        size_employees = EmployeeRange(min=employees[0], max=employees[-1])
        evidence.append(_range_line(text, attrs.size_employees.label.get(locale), employees))
    else:
        evidence.append(text["default"].format(label=attrs.size_employees.label.get(locale)))

    revenues = sorted(c.revenue for c in won if c.revenue is not None)
    if revenues:
        size_revenue = RevenueRange(min=revenues[0], max=revenues[-1])
        evidence.append(_range_line(text, attrs.size_revenue.label.get(locale), revenues))
    else:
        evidence.append(text["default"].format(label=attrs.size_revenue.label.get(locale)))

    won_industries = {name.casefold() for name in lists["industry"]}
    lost_only = [(name, c) for name, c in _counted(x.industry for x in lost) if name.casefold() not in won_industries]
    if lost_only:
        evidence.append(text["lost_only"].format(items=_fmt_counts(lost_only)))

    return IcpCompany(
        industry=lists["industry"],
        size_employees=size_employees,
        size_revenue=size_revenue,
        geography=lists["geography"],
        tech_stack=[name for name, _ in tools],
        growth_stage=lists["growth_stage"],
        source="best_customers",
        evidence=[line if len(line) <= MAX_SHORT_TEXT else line[: MAX_SHORT_TEXT - 1] + "…" for line in evidence],
    )


def anti_signal_rules(template: IcpTemplate, locale: Locale) -> list[AntiSignalOut]:
    text = {key: value[locale] for key, value in _TEXT.items()}
    signals = template.anti_signals
    budget = signals.no_budget
    culture = signals.cultural
    sep = "、" if locale == "zh" else ", "
    return [
        AntiSignalOut(
            code=signals.company_size.code,
            label=signals.company_size.label.get(locale),
            why=signals.company_size.why.get(locale),
            rule=text["size_rule"].format(n=signals.company_size.employees_under),
        ),
        AntiSignalOut(
            code=budget.code,
            label=budget.label.get(locale),
            why=budget.why.get(locale),
            rule=text["budget_rule"].format(
                pre=budget.pre_revenue.label.get(locale), pct=number(budget.recent_layoffs.layoffs_pct_over)
            ),
        ),
        AntiSignalOut(
            code=signals.tech_mismatch.code,
            label=signals.tech_mismatch.label.get(locale),
            why=signals.tech_mismatch.why.get(locale),
            rule=text["tech_rule"].format(
                items=sep.join(item.label.get(locale) for item in signals.tech_mismatch.indicators)
            ),
        ),
        AntiSignalOut(
            code=culture.code,
            label=culture.label.get(locale),
            why=culture.why.get(locale),
            rule=text["committee_rule"].format(
                n=culture.stakeholders_at_least, acv=number(culture.low_acv_under), cur=culture.currency
            ),
        ),
    ]


def tiering_rules(territory: Territory, locale: Locale) -> list[TierRuleOut]:
    return [
        TierRuleOut(
            tier=tier.tier,
            label=tier.label.get(locale),
            criteria=tier.criteria.get(locale),
            accounts=tier.accounts_label.get(locale),
            time_pct=tier.time_pct,
            contact=tier.contact.label.get(locale),
        )
        for tier in territory.tiers
    ]


def _playbook_parts(template: IcpTemplate, territory: Territory, locale: Locale) -> dict[str, Any]:
    """The profile's sections that come from the playbook alone (the same for every product and customer list)."""
    return {
        "pain_indicators": [
            PainIndicatorOut(
                code=item.code,
                label=item.label.get(locale),
                description=item.description.get(locale),
                example=item.example.get(locale),
                look_for=item.cues.get(locale),
            )
            for item in template.pain_indicators
        ],
        "buyer_personas": [
            PersonaOut(
                code=p.code,
                label=p.label.get(locale),
                role=p.role.get(locale),
                title_patterns=p.title_patterns.get(locale),
                cares_about=p.cares_about.get(locale),
                speaks_in=p.speaks_in.get(locale),
            )
            for p in template.buyer_personas
        ],
        "anti_signals": anti_signal_rules(template, locale),
        "tiering": tiering_rules(territory, locale),
    }


def _yaml(data: dict[str, Any]) -> str:
    # the C emitter when available: same text, ~20× faster than the pure-Python one
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)


@cache
def _playbook_yaml(locale: Locale) -> str:
    """The YAML of the playbook sections, built once per locale: dumping them is most of the YAML's cost, and a
    top-level block mapping dumped key by key is the same text as dumped whole."""
    template = knowledge.get("icp_template", IcpTemplate)
    territory = knowledge.get("territory", Territory)
    parts = _playbook_parts(template, territory, locale)
    return _yaml({key: [item.model_dump(mode="json") for item in items] for key, items in parts.items()})


def generate_icp(inp: IcpInput, locale: Locale) -> IcpResult:
    template = knowledge.get("icp_template", IcpTemplate)
    territory = knowledge.get("territory", Territory)
    won = [c for c in inp.best_customers if c.won]
    lost = [c for c in inp.best_customers if not c.won]
    benchmarks = None
    if inp.best_customers:
        values = [c.deal_value for c in won if c.deal_value is not None]
        cycles = [c.cycle_days for c in won if c.cycle_days is not None]
        benchmarks = WonBenchmarks(
            won=len(won),
            lost=len(lost),
            avg_deal_value=round(sum(values) / len(values), 2) if values else None,
            avg_cycle_days=round(sum(cycles) / len(cycles), 1) if cycles else None,
        )
    company = _company(template, won, lost, locale)
    text = (
        _yaml({"product": inp.product, "company": company.model_dump(mode="json")})
        + _playbook_yaml(locale)
        + _yaml({"won_benchmarks": benchmarks.model_dump(mode="json") if benchmarks else None})
    )
    return IcpResult(
        locale=locale,
        product=inp.product,
        company=company,
        **_playbook_parts(template, territory, locale),
        won_benchmarks=benchmarks,
        yaml=text,
    )


def icp_markdown(result: IcpResult) -> str:
    zh = result.locale == "zh"
    c = result.company
    sep = "、" if zh else ", "
    rows = [f"## {'理想客户画像' if zh else 'Ideal customer profile'}: {result.product}", ""]
    rows.append(("- 行业：" if zh else "- Industry: ") + sep.join(c.industry))
    if c.size_employees:
        rows.append(
            ("- 员工数：" if zh else "- Employees: ") + f"{number(c.size_employees.min)}–{number(c.size_employees.max)}"
        )
    if c.size_revenue:
        rows.append(
            ("- 收入：" if zh else "- Revenue: ")
            + f"{number(c.size_revenue.min)}–{number(c.size_revenue.max)} {c.size_revenue.currency}"
        )
    rows.append(("- 地域：" if zh else "- Geography: ") + sep.join(c.geography))
    if c.tech_stack:
        rows.append(("- 技术栈：" if zh else "- Tech stack: ") + sep.join(c.tech_stack))
    rows.append(("- 发展阶段：" if zh else "- Growth stage: ") + sep.join(c.growth_stage))
    rows += [f"  - {line}" for line in c.evidence]
    rows.append(
        ("- 反向信号：" if zh else "- Anti-signals: ") + "; ".join(f"{a.label} ({a.rule})" for a in result.anti_signals)
    )
    return "\n".join(rows)
