"""Value quantification (the playbook's ROI calculator): every figure follows a formula of CONTRACT.md
`calculate_roi`, computed in decimal arithmetic so the worked example holds exactly, and explained.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..schemas.common import Locale
from ..schemas.roi import RoiInput, RoiResult
from .formatting import money, number

_LINES = {
    "replaced": {
        "en": "Replaced headcount = headcount × automatable share × efficiency = {h} × {s} × {e} = {r}",
        "zh": "可替代人数 = 人数 × 可自动化比例 × 效率系数 = {h} × {s} × {e} = {r}",
    },
    "saving": {
        "en": "Annual saving = replaced headcount × cost per head = {r} × {c} = {v}",
        "zh": "年度节省 = 可替代人数 × 人均年成本 = {r} × {c} = {v}",
    },
    "risk": {
        "en": "Risk value = potential loss × probability × reduction = {l} × {p} × {d} = {v} (added to the saving)",
        "zh": "风险价值 = 潜在损失 × 发生概率 × 降低比例 = {l} × {p} × {d} = {v}（计入年度节省）",
    },
    "saving_total": {
        "en": "Annual saving incl. risk = {a} + {b} = {v}",
        "zh": "含风险价值的年度节省 = {a} + {b} = {v}",
    },
    "annual_cost": {
        "en": "Annual solution cost = solution cost / years = {c} / {y} = {v}",
        "zh": "年度方案成本 = 方案总成本 / 年数 = {c} / {y} = {v}",
    },
    "net": {
        "en": "Annual net benefit = annual saving − annual solution cost = {a} − {b} = {v}",
        "zh": "年度净收益 = 年度节省 − 年度方案成本 = {a} − {b} = {v}",
    },
    "payback": {
        "en": "Payback = solution cost / annual net × 12 = {c} / {n} × 12 = {v} months",
        "zh": "回本周期 = 方案总成本 / 年度净收益 × 12 = {c} / {n} × 12 = {v} 个月",
    },
    "no_payback": {
        "en": "Payback: not reached — the annual net benefit is {n}, so the solution never pays for itself.",
        "zh": "回本周期：无法回本——年度净收益为 {n}，方案无法收回成本。",
    },
    "roi": {
        "en": "ROI = (annual saving × years − solution cost) / solution cost × 100"
        " = ({a} × {y} − {c}) / {c} × 100 = {v}%",
        "zh": "投资回报率 = (年度节省 × 年数 − 方案总成本) / 方案总成本 × 100 = ({a} × {y} − {c}) / {c} × 100 = {v}%",
    },
    "speed": {
        "en": "Speed gain = (before − after) / after × 100 = ({b} − {a}) / {a} × 100 = {v}%",
        "zh": "效率提升 = (优化前 − 优化后) / 优化后 × 100 = ({b} − {a}) / {a} × 100 = {v}%",
    },
}

_WARNINGS = {
    "no_payback": {
        "en": "The annual saving does not exceed the annual solution cost: there is no payback. "
        "Revisit the inputs (share automated, efficiency, price) before using this in a business case.",
        "zh": "年度节省未超过年度方案成本，无法回本。在用于商业论证之前，请复核输入（自动化比例、效率系数、价格）。",
    },
    "slower": {
        "en": "The task takes longer after the change than before: the speed gain is negative.",
        "zh": "优化后的任务耗时反而更长：效率提升为负值。",
    },
}

_CENT = Decimal("0.01")


def _d(value: float) -> Decimal:
    return Decimal(str(value))


def _round(value: Decimal) -> float:
    return float(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def calculate_roi(inp: RoiInput, locale: Locale) -> RoiResult:
    """Apply the ROI formulas to the inputs; every output figure has a matching line in `explanation`."""
    lines = {key: text[locale] for key, text in _LINES.items()}
    cur = inp.currency
    explanation: list[str] = []
    warnings: list[str] = []

    headcount, share, efficiency = _d(inp.headcount), _d(inp.automatable_share), _d(inp.efficiency_factor)
    cost_per_head, solution_cost, years = _d(inp.cost_per_head), _d(inp.solution_cost), _d(inp.years)

    replaced = headcount * share * efficiency
    explanation.append(
        lines["replaced"].format(h=number(headcount), s=number(share), e=number(efficiency), r=number(replaced))
    )
    saving = replaced * cost_per_head
    explanation.append(lines["saving"].format(r=number(replaced), c=money(cost_per_head, cur), v=money(saving, cur)))

    risk_value: Decimal | None = None
    if inp.risk is not None:
        risk = inp.risk
        risk_value = _d(risk.potential_loss) * _d(risk.probability) * _d(risk.reduction)
        explanation.append(
            lines["risk"].format(
                l=money(_d(risk.potential_loss), cur),
                p=number(_d(risk.probability)),
                d=number(_d(risk.reduction)),
                v=money(risk_value, cur),
            )
        )
        total = saving + risk_value
        explanation.append(
            lines["saving_total"].format(a=money(saving, cur), b=money(risk_value, cur), v=money(total, cur))
        )
        saving = total

    annual_cost = solution_cost / years
    explanation.append(
        lines["annual_cost"].format(c=money(solution_cost, cur), y=number(years), v=money(annual_cost, cur))
    )
    net = saving - annual_cost
    explanation.append(lines["net"].format(a=money(saving, cur), b=money(annual_cost, cur), v=money(net, cur)))

    payback: Decimal | None = None
    if net.quantize(_CENT, rounding=ROUND_HALF_UP) > 0:  # as annual_net reports it: 0.004 is no payback
        payback = solution_cost / net * 12
        explanation.append(lines["payback"].format(c=money(solution_cost, cur), n=money(net, cur), v=number(payback)))
    else:
        explanation.append(lines["no_payback"].format(n=money(net, cur)))
        warnings.append(_WARNINGS["no_payback"][locale])

    roi = (saving * years - solution_cost) / solution_cost * 100
    explanation.append(
        lines["roi"].format(a=money(saving, cur), y=number(years), c=money(solution_cost, cur), v=number(roi))
    )

    speed_gain: Decimal | None = None
    if inp.speed is not None:
        before, after = _d(inp.speed.before_minutes), _d(inp.speed.after_minutes)
        speed_gain = (before - after) / after * 100
        explanation.append(lines["speed"].format(b=number(before), a=number(after), v=number(speed_gain)))
        if speed_gain < 0:
            warnings.append(_WARNINGS["slower"][locale])

    return RoiResult(
        locale=locale,
        currency=cur,
        replaced_headcount=_round(replaced),
        annual_saving=_round(saving),
        risk_value=None if risk_value is None else _round(risk_value),
        annual_solution_cost=_round(annual_cost),
        annual_net=_round(net),
        payback_months=None if payback is None else _round(payback),
        roi_pct=_round(roi),
        speed_gain_pct=None if speed_gain is None else _round(speed_gain),
        explanation=explanation,
        warnings=warnings,
    )


def roi_markdown(result: RoiResult) -> str:
    """The short text block for clients that only show text."""
    zh = result.locale == "zh"
    cur = result.currency
    payback = (
        (f"{number(result.payback_months)} 个月" if zh else f"{number(result.payback_months)} months")
        if result.payback_months is not None
        else ("无法回本" if zh else "no payback")
    )
    head = "## 投资回报测算" if zh else "## ROI"
    rows = [
        head,
        ("- 年度节省：" if zh else "- Annual saving: ") + money(_d(result.annual_saving), cur),
        ("- 年度净收益：" if zh else "- Annual net: ") + money(_d(result.annual_net), cur),
        ("- 回本周期：" if zh else "- Payback: ") + payback,
        ("- 投资回报率：" if zh else "- ROI: ") + f"{number(result.roi_pct)}%",
    ]
    rows += [f"- ⚠ {w}" for w in result.warnings]
    return "\n".join(rows)
