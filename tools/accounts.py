"""Account scoring and territory tiers (playbook: ICP template and anti-signals, territory tiering; blue book:
Top + BANT, the three-dimension ideal-customer assessment, expansion difficulty and the strategy matrix).

Fit (0–100): each attribute the ICP defines (industry, employees, revenue, geography, tech stack, growth stage)
scores 1 when the account matches, 0 when it does not, and ½ when the account does not say; fit is the share of
points. The ICP fit is full at 80 or more with no attribute missed, partial at 40 or more, else none.
Tier (territory rules): any anti-signal → drop; full fit + visible pain → 1; full fit, no visible pain → 2;
partial fit → 3; no fit → drop. Pain counts only when observed (the account's `pain_signals`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .. import knowledge
from ..schemas.accounts import (
    Account,
    AccountsInput,
    AccountsResult,
    BantResult,
    PriorityRule,
    QuadrantResult,
    QuadrantStrategy,
    ScoredAccount,
    TerritoryResult,
    TierCode,
    TierLoad,
)
from ..schemas.common import Locale
from ..schemas.icp import IcpCompany
from ..schemas.knowledge.prospecting import IcpTemplate, Territory
from ..schemas.knowledge.strategy import (
    DIFFICULTY_DIMENSIONS,
    IDEAL_DIMENSIONS,
    IdealCustomerAssessment,
    StrategyMatrix,
    TopBant,
)
from .formatting import number
from .icp import generate_icp
from .locale import is_cjk

FULL_FIT_MIN = 80
PARTIAL_FIT_MIN = 40
UNKNOWN_POINTS = 0.5

_TEXT = {
    "fit": {
        "en": "Fit {fit}/100: {points} of {n} ICP attribute points (match 1, not given ½, miss 0)"
        " → {fit_label} ICP fit",
        "zh": "匹配度 {fit}/100：ICP 属性得分 {points} / {n}（吻合 1 分，未提供 ½ 分，不吻合 0 分）→ ICP {fit_label}",
    },
    "tier1": {"en": "Tier 1: {criteria} Pain seen: {pains}.", "zh": "一级：{criteria}已看到的痛点：{pains}。"},
    "tier2": {"en": "Tier 2: {criteria}", "zh": "二级：{criteria}"},
    "tier3": {"en": "Tier 3: {criteria}", "zh": "三级：{criteria}"},
    "drop_anti": {"en": "Drop: {rule} ({signals})", "zh": "放弃：{rule}（{signals}）"},
    "drop_fit": {
        "en": "Drop: fit {fit} is below the {floor}-point floor for a partial ICP fit, so the account gets no tier.",
        "zh": "放弃：匹配度 {fit} 低于部分吻合的门槛 {floor} 分，不进入任何级别。",
    },
    "size": {"en": "{n} employees, under {min}: {why}", "zh": "员工 {n} 人，少于 {min} 人：{why}"},
    "pre_revenue": {"en": 'pre-revenue ("{cue}"): {why}', "zh": "尚无收入（“{cue}”）：{why}"},
    "layoffs": {"en": "layoffs of {pct}% (over {max}%): {why}", "zh": "裁员 {pct}%（超过 {max}%）：{why}"},
    "layoffs_check": {
        "en": 'Layoffs mentioned ("{cue}") without a share: drop the account if they exceed {max}% of staff.',
        "zh": "提到了裁员（“{cue}”）但没有比例：若超过员工总数的 {max}%，应放弃该客户。",
    },
    "tech": {"en": '{label} ("{cue}"): {why}', "zh": "{label}（“{cue}”）：{why}"},
    "committee": {
        "en": "{n} stakeholders on a deal of {acv} (under {low}): {why}",
        "zh": "合同额 {acv}（低于 {low}）却有 {n} 位决策相关人：{why}",
    },
    "committee_check": {
        "en": "{n} stakeholders must agree: if the annual value is under {low}, drop the account.",
        "zh": "需要 {n} 人一致同意：若年合同额低于 {low}，应放弃该客户。",
    },
    "bant": {"en": "BANT {total}/{max} → {label}", "zh": "BANT {total}/{max} → {label}"},
    "quadrant": {
        "en": "{name}: ideal score ({formula}) = {ideal} ({vband}), "
        "difficulty {a} + {c} + {y} = {dt} ({dband}){assumed}",
        "zh": "{name}：理想客户得分（{formula}）= {ideal}（{vband}），"
        "拓展难度 {a} + {c} + {y} = {dt}（{dband}）{assumed}",
    },
    "assumed": {"en": "; not given, taken as 3: {dims}", "zh": "；未提供、按 3 分计：{dims}"},
    "under": {
        "en": "Tier {tier} holds {n} accounts, below the recommended {lo}–{hi}: {fix}",
        "zh": "{tier}级客户 {n} 家，低于建议的 {lo}–{hi} 家：{fix}",
    },
    "over": {
        "en": "Tier {tier} holds {n} accounts, above the recommended {lo}–{hi}: {fix}",
        "zh": "{tier}级客户 {n} 家，高于建议的 {lo}–{hi} 家：{fix}",
    },
    "fix_under": {"en": "prospect for more that fit.", "zh": "继续开发符合条件的客户。"},
    "fix_over": {
        "en": "keep the best and move the rest down a tier so the time split holds.",
        "zh": "保留最好的，其余降一级，以守住时间分配比例。",
    },
    "coverage": {
        "en": "Tier-1 coverage is {pct}% (engaged / all): it must be above {min}%.",
        "zh": "一级客户覆盖率为 {pct}%（有互动 / 全部）：必须高于 {min}%。",
    },
    "full": {"en": "full", "zh": "完全吻合"},
    "partial": {"en": "partial", "zh": "部分吻合"},
    "none": {"en": "no", "zh": "不吻合"},
    "rule_fit": {
        "en": "Fit: each ICP attribute scores 1 (match), ½ (not given) or 0 (miss); full ICP fit at 80+ with no miss, "
        "partial at 40+.",
        "zh": "匹配度：每个 ICP 属性吻合得 1 分、未提供得 ½ 分、不吻合得 0 分；"
        "80 分以上且无不吻合项为完全吻合，40 分以上为部分吻合。",
    },
    "rule_tier": {
        "en": "Tier: anti-signal → drop; full fit + visible pain → 1; full fit, no visible pain → 2; partial fit → 3; "
        "no fit → drop.",
        "zh": "分级：出现反向信号 → 放弃；完全吻合且有可见痛点 → 一级；完全吻合但暂无痛点 → 二级；"
        "部分吻合 → 三级；不吻合 → 放弃。",
    },
}

_ATTR_LABELS = {
    "industry": {"en": "industry", "zh": "行业"},
    "size_employees": {"en": "employees", "zh": "员工数"},
    "size_revenue": {"en": "revenue", "zh": "收入"},
    "geography": {"en": "geography", "zh": "地域"},
    "tech_stack": {"en": "tech stack", "zh": "技术栈"},
    "growth_stage": {"en": "growth stage", "zh": "发展阶段"},
}

_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_SENTENCE = re.compile(r"(?:[.;!?](?=\s|$)|[。；！？\n])+\s*")


class _Cues:
    """A compiled cue list: Latin cues match on word boundaries, CJK cues anywhere; case-insensitive."""

    def __init__(self, cues: Iterable[str]) -> None:
        parts = []
        for cue in cues:
            escaped = re.escape(cue)
            parts.append(escaped if any(is_cjk(ch) for ch in cue) else rf"\b{escaped}\b")
        self.pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def find(self, text: str) -> str | None:
        if self.pattern is None or not text:
            return None
        match = self.pattern.search(text)
        return match.group(0) if match else None


def _both(terms: object) -> list[str]:
    return list(getattr(terms, "en")) + list(getattr(terms, "zh"))  # noqa: B009


@dataclass
class _Rules:
    """The knowledge a scoring run needs, read and compiled once per call."""

    locale: Locale
    text: dict[str, str]
    icp: IcpCompany
    template: IcpTemplate
    territory: Territory
    top_bant: TopBant
    assessment: IdealCustomerAssessment
    matrix: StrategyMatrix
    pain_cues: list[tuple[str, _Cues]]
    pre_revenue: _Cues
    layoffs: _Cues
    tech: list[tuple[str, str, _Cues]]
    committee: _Cues


@cache
def _playbook_icp() -> IcpCompany:
    """The playbook's example ICP, matched in both languages (an English account against a zh profile too);
    built once per process, since it depends on the knowledge files only."""
    from ..schemas.icp import IcpInput

    en, zh = (generate_icp(IcpInput(product="-"), lang).company for lang in ("en", "zh"))
    return en.model_copy(
        update={
            field: list(dict.fromkeys([*getattr(en, field), *getattr(zh, field)]))
            for field in ("industry", "geography", "tech_stack", "growth_stage")
        }
    )


def _rules(inp: AccountsInput, locale: Locale) -> _Rules:
    template = knowledge.get("icp_template", IcpTemplate)
    icp = inp.icp.company if inp.icp is not None else _playbook_icp()
    signals = template.anti_signals
    return _Rules(
        locale=locale,
        text={key: value[locale] for key, value in _TEXT.items()},
        icp=icp,
        template=template,
        territory=knowledge.get("territory", Territory),
        top_bant=knowledge.get("top_bant", TopBant),
        assessment=knowledge.get("ideal_customer_assessment", IdealCustomerAssessment),
        matrix=knowledge.get("strategy_matrix", StrategyMatrix),
        pain_cues=[(item.code, _Cues(_both(item.cues))) for item in template.pain_indicators],
        pre_revenue=_Cues(_both(signals.no_budget.pre_revenue.cues)),
        layoffs=_Cues(_both(signals.no_budget.recent_layoffs.cues)),
        tech=[(i.code, i.label.get(locale), _Cues(_both(i.cues))) for i in signals.tech_mismatch.indicators],
        committee=_Cues(_both(signals.cultural.cues)),
    )


def _text_match(value: str, wanted: list[str]) -> str | None:
    folded = value.casefold()
    for item in wanted:
        other = item.casefold()
        if other and (other in folded or folded in other):
            return item
    return None


def _attributes(account: Account, icp: IcpCompany, locale: Locale) -> list[tuple[str, str, str]]:
    """(attribute, match|miss|unknown, detail) for each attribute the ICP defines."""
    out: list[tuple[str, str, str]] = []

    def add(attr: str, result: str, detail: str) -> None:
        out.append((attr, result, f"{_ATTR_LABELS[attr][locale]}: {detail}"))

    for attr in ("industry", "geography", "growth_stage"):
        wanted: list[str] = getattr(icp, attr)
        if not wanted:
            continue
        value: str | None = getattr(account, attr)
        if not value:
            add(attr, "unknown", "?")
        elif hit := _text_match(value, wanted):
            add(attr, "match", f"{value} ≈ {hit}")
        else:
            add(attr, "miss", f"{value} ∉ {', '.join(wanted)}")
    for attr, rng, val in (
        ("size_employees", icp.size_employees, account.employees),
        ("size_revenue", icp.size_revenue, account.revenue),
    ):
        if rng is None:
            continue
        span = f"{number(rng.min)}–{number(rng.max)}"
        if val is None:
            add(attr, "unknown", f"? ({span})")
        elif rng.min <= val <= rng.max:
            add(attr, "match", f"{number(val)} ∈ {span}")
        else:
            add(attr, "miss", f"{number(val)} ∉ {span}")
    if icp.tech_stack:
        if not account.tech_stack:
            add("tech_stack", "unknown", "?")
        else:
            shared = [tool for tool in account.tech_stack if _text_match(tool, icp.tech_stack)]
            if shared:
                add("tech_stack", "match", ", ".join(shared))
            else:
                add("tech_stack", "miss", f"{', '.join(account.tech_stack)} ∉ {', '.join(icp.tech_stack)}")
    return out


def _anti_signals(account: Account, rules: _Rules) -> tuple[list[str], list[str], list[str]]:
    """(codes, reasons to drop, reasons to check)."""
    locale = rules.locale
    text = rules.text
    signals = rules.template.anti_signals
    codes: list[str] = []
    reasons: list[str] = []
    checks: list[str] = []
    free = " | ".join([account.notes or "", account.growth_stage or "", *account.pain_signals, *account.tech_stack])

    size = signals.company_size
    if account.employees is not None and account.employees < size.employees_under:
        codes.append(size.code)
        reasons.append(text["size"].format(n=account.employees, min=size.employees_under, why=size.why.get(locale)))

    budget = signals.no_budget
    if cue := rules.pre_revenue.find(free):
        codes.append(budget.code)
        reasons.append(text["pre_revenue"].format(cue=cue, why=budget.why.get(locale)))
    limit = budget.recent_layoffs.layoffs_pct_over
    layoff_cue = rules.layoffs.find(free)
    pct = account.layoffs_pct
    if pct is None and layoff_cue:
        # a share counts only in the sentence that mentions the layoffs ("grew 50%" elsewhere is not a layoff)
        sentences = [x for x in _SENTENCE.split(account.notes or "") if rules.layoffs.find(x)]
        shares = [float(m) for x in sentences for m in _PCT.findall(x)]
        pct = max(shares) if shares else None
    if pct is not None and pct > limit:
        if budget.code not in codes:
            codes.append(budget.code)
        reasons.append(text["layoffs"].format(pct=number(pct), max=number(limit), why=budget.why.get(locale)))
    elif pct is None and layoff_cue:
        checks.append(text["layoffs_check"].format(cue=layoff_cue, max=number(limit)))

    mismatch = signals.tech_mismatch
    for _code, label, cues in rules.tech:
        if cue := cues.find(free):
            if mismatch.code not in codes:
                codes.append(mismatch.code)
            reasons.append(text["tech"].format(label=label, cue=cue, why=mismatch.why.get(locale)))

    culture = signals.cultural
    committee = (
        account.stakeholders is not None and account.stakeholders >= culture.stakeholders_at_least
    ) or rules.committee.find(account.notes or "") is not None
    if committee:
        low = f"{number(culture.low_acv_under)} {culture.currency}"
        n = account.stakeholders if account.stakeholders is not None else f"{culture.stakeholders_at_least}+"
        if account.expected_acv is not None and account.expected_acv < culture.low_acv_under:
            codes.append(culture.code)
            reasons.append(
                text["committee"].format(n=n, acv=number(account.expected_acv), low=low, why=culture.why.get(locale))
            )
        elif account.expected_acv is None:
            checks.append(text["committee_check"].format(n=n, low=low))
    return codes, reasons, checks


def _pains(account: Account, rules: _Rules) -> list[str]:
    found: list[str] = []
    for signal in account.pain_signals:
        codes = [code for code, cues in rules.pain_cues if cues.find(signal)]
        for code in codes or ["other"]:
            if code not in found:
                found.append(code)
    return found


def _bant(account: Account, rules: _Rules) -> BantResult:
    screen = rules.top_bant.bant
    given = account.bant
    scores = {e.code: (getattr(given, e.code) if given else None) or 1 for e in screen.elements}
    return BantResult(
        scores=scores,
        total=sum(scores.values()),
        max=screen.max_total,
        priority=screen.priority(scores),  # type: ignore[arg-type]
    )


def _quadrant(account: Account, rules: _Rules) -> tuple[QuadrantResult, str]:
    locale = rules.locale
    matrix, scoring = rules.matrix, rules.assessment.scoring
    dims = {code: getattr(account, code) for code in (*IDEAL_DIMENSIONS, *DIFFICULTY_DIMENSIONS)}
    given = {code: value for code, value in dims.items() if value is not None}
    assumed = [code for code, value in dims.items() if value is None]
    ideal = scoring.score(given)
    total = matrix.difficulty_total(given)
    code = matrix.place(ideal, total)
    quadrant = matrix.quadrant(code)
    vband = matrix.value_axis.band(ideal)
    dband = matrix.difficulty_scoring.bands.band(total)
    default = matrix.difficulty_scoring.default_when_missing
    result = QuadrantResult(
        code=code,
        name=quadrant.name.get(locale),
        ideal_score=round(ideal, 4),
        value_band=vband,
        difficulty_total=total,
        difficulty_band=dband,
        assumed=assumed,
    )
    benefit = " + ".join(
        f"{weight:g} × {given.get(code, scoring.default_when_missing)}"
        for code, weight in scoring.numerator_weights.items()
    )
    formula = f"({benefit}) ÷ {given.get(scoring.denominator, scoring.default_when_missing)}"
    a, c, y = (given.get(d, default) for d in DIFFICULTY_DIMENSIONS)
    reason = _TEXT["quadrant"][locale].format(
        name=quadrant.name.get(locale),
        formula=formula,
        ideal=f"{ideal:.2f}",
        vband=matrix.value_axis.labels[vband].get(locale),
        a=a,
        c=c,
        y=y,
        dt=total,
        dband=matrix.difficulty_scoring.bands.labels[dband].get(locale),
        assumed=_TEXT["assumed"][locale].format(dims=", ".join(assumed)) if assumed else "",
    )
    return result, reason


def score_account(account: Account, rules: _Rules) -> ScoredAccount:
    locale = rules.locale
    text = rules.text
    attributes = _attributes(account, rules.icp, locale)
    weights = {"match": 1.0, "unknown": UNKNOWN_POINTS, "miss": 0.0}
    points = sum(weights[result] for _, result, _ in attributes)
    n = len(attributes)
    fit = round(100 * points / n) if n else 0
    missed = any(result == "miss" for _, result, _ in attributes)
    icp_fit = "full" if fit >= FULL_FIT_MIN and not missed else "partial" if fit >= PARTIAL_FIT_MIN else "none"
    reasons = [text["fit"].format(fit=fit, points=number(points), n=n, fit_label=text[icp_fit])]
    reasons += [detail for _, result, detail in attributes if result != "match"]

    codes, drop_reasons, checks = _anti_signals(account, rules)
    pains = _pains(account, rules)
    territory = rules.territory
    tier: TierCode
    if codes:
        tier = "drop"
        reasons.append(text["drop_anti"].format(rule=territory.drop_rule.get(locale), signals="; ".join(drop_reasons)))
    elif icp_fit == "none":
        tier = "drop"
        reasons.append(text["drop_fit"].format(fit=fit, floor=PARTIAL_FIT_MIN))
    elif icp_fit == "full" and pains:
        tier = 1
        labels = [
            rules.template.pain_indicator(code).label.get(locale) if code != "other" else account.pain_signals[0]
            for code in pains
        ]
        reasons.append(text["tier1"].format(criteria=territory.tier(1).criteria.get(locale), pains="; ".join(labels)))
    elif icp_fit == "full":
        tier = 2
        reasons.append(text["tier2"].format(criteria=territory.tier(2).criteria.get(locale)))
    else:
        tier = 3
        reasons.append(text["tier3"].format(criteria=territory.tier(3).criteria.get(locale)))
    reasons += checks

    bant = _bant(account, rules)
    rule = next(r for r in rules.top_bant.bant.priority_rules if r.code == bant.priority)
    reasons.append(text["bant"].format(total=bant.total, max=bant.max, label=rule.label.get(locale)))
    quadrant, why = _quadrant(account, rules)
    reasons.append(why)
    return ScoredAccount(
        name=account.name,
        fit=fit,
        icp_fit=icp_fit,
        tier=tier,
        visible_pain=pains,
        anti_signals=codes,
        attributes={attr: result for attr, result, _ in attributes},
        bant=bant,
        quadrant=quadrant,
        reasons=reasons,
    )


def territory_check(
    pairs: list[tuple[Account, ScoredAccount]], territory: Territory, locale: Locale
) -> TerritoryResult:
    """Accounts per tier against the recommended ranges, the time split, and tier coverage (engaged / all)."""
    text = {key: value[locale] for key, value in _TEXT.items()}
    loads: list[TierLoad] = []
    advice: list[str] = []
    tier1_ok: bool | None = None
    for plan in territory.tiers:
        if plan.tier == "new" or plan.accounts is None:
            continue
        members = [account for account, scored in pairs if scored.tier == plan.tier]
        count = len(members)
        engaged = sum(1 for account in members if account.engaged)
        coverage = round(100 * engaged / count, 1) if count else None
        low, high = plan.accounts.min, plan.accounts.max
        status = "under" if count < low else "over" if count > high else "within"
        if status != "within":
            fix = text["fix_under"] if status == "under" else text["fix_over"]
            advice.append(text[status].format(tier=plan.tier, n=count, lo=low, hi=high, fix=fix))
        if plan.tier == 1 and coverage is not None:
            tier1_ok = coverage > territory.tier1_coverage_must_exceed_pct
            if not tier1_ok:
                advice.append(
                    text["coverage"].format(pct=number(coverage), min=number(territory.tier1_coverage_must_exceed_pct))
                )
        loads.append(
            TierLoad(
                tier=plan.tier,
                count=count,
                recommended_min=low,
                recommended_max=high,
                status=status,
                time_pct=plan.time_pct,
                contact=plan.contact.label.get(locale),
                engaged=engaged,
                coverage_pct=coverage,
            )
        )
    return TerritoryResult(
        tiers=loads,
        dropped=sum(1 for _, scored in pairs if scored.tier == "drop"),
        time_split={str(plan.tier): plan.time_pct for plan in territory.tiers},
        tier1_coverage_ok=tier1_ok,
        advice=advice,
    )


def score_accounts(inp: AccountsInput, locale: Locale) -> AccountsResult:
    rules = _rules(inp, locale)
    pairs = [(account, score_account(account, rules)) for account in inp.accounts]
    present = {scored.quadrant.code for _, scored in pairs}
    return AccountsResult(
        locale=locale,
        accounts=[scored for _, scored in pairs],
        territory=territory_check(pairs, rules.territory, locale),
        quadrants={
            q.code: QuadrantStrategy(
                name=q.name.get(locale), strategy=q.strategy.get(locale), actions=[a.get(locale) for a in q.actions]
            )
            for q in rules.matrix.quadrants
            if q.code in present
        },
        bant_priorities={
            r.code: PriorityRule(label=r.label.get(locale), action=r.action.get(locale))
            for r in rules.top_bant.bant.priority_rules
        },
        rules=[
            _TEXT["rule_fit"][locale],
            _TEXT["rule_tier"][locale],
            rules.assessment.scoring.formula.get(locale),
            rules.matrix.placement.description.get(locale),
        ],
    )


MAX_ROWS_SHOWN = 25


def accounts_markdown(result: AccountsResult) -> str:
    zh = result.locale == "zh"
    rows = [
        "| 客户 | 匹配度 | 级别 | BANT | 象限 |" if zh else "| account | fit | tier | BANT | quadrant |",
        "|---|---|---|---|---|",
    ]
    order = sorted(result.accounts, key=lambda a: (str(a.tier), -a.fit))
    for item in order[:MAX_ROWS_SHOWN]:
        quadrant = result.quadrants[item.quadrant.code].name
        rows.append(f"| {item.name} | {item.fit} | {item.tier} | {item.bant.total}/{item.bant.max} | {quadrant} |")
    if len(order) > MAX_ROWS_SHOWN:
        more = len(order) - MAX_ROWS_SHOWN
        tail = "家未列出（见结构化结果）" if zh else "more in the structured result"
        rows.append(f"\n{'另有' if zh else 'and'} {more} {tail}")
    rows.append("")
    for load in result.territory.tiers:
        rows.append(
            f"- {'级别' if zh else 'Tier'} {load.tier}: {load.count} ({load.recommended_min}–{load.recommended_max}, "
            f"{load.time_pct}%)"
        )
    rows += [f"- ⚠ {line}" for line in result.territory.advice]
    return "\n".join(rows)
