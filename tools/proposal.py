"""Proposal drafting: the playbook's structure — problem → cost of inaction → solution mapped to the buyer's top
three criteria → proof → ROI → price and terms → mutual action plan → next step — filled from the caller's facts.

Numbers are computed, never invented: the cost of inaction is shown per month, by next quarter (× the urgency
playbook's quarter multiplier) and per year (× 12); the ROI section quotes `calculate_roi`'s figures when given,
else compares the price with the monthly cost of inaction. A fact that is missing stays a visible `[placeholder]`
and is named in `warnings`. Sending a proposal before budget and authority are confirmed is the playbook's
"pricing too early" pitfall: the draft is still written, with that warning first.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..knowledge import get
from ..schemas.common import Locale
from ..schemas.knowledge.closing import UrgencyTactics
from ..schemas.knowledge.pipeline import SalesPitfalls
from ..schemas.proposal import ProposalInput, ProposalResult, ProposalSection
from .formatting import money, number, sentences
from .mutual_action_plan import build_plan

MONTHS_PER_YEAR = 12
PITFALL = "premature_pricing"

_T = {
    "en": {
        "doc_title": "# Proposal for {company}",
        "problem": "The problem",
        "problem_body": "{company} told us: {problem}",
        "cost": "The cost of doing nothing",
        "cost_body": "Left as it is, this costs about {monthly} every month — {quarter} by next quarter "
        "({monthly} × {factor}) and {year} over a year ({monthly} × 12).",
        "solution": "How we meet your top criteria",
        "criterion_missing": "[how we meet this criterion]",
        "also": "Also included:",
        "proof": "Proof",
        "proof_missing": "[a comparable customer and the measurable result they achieved]",
        "roi": "Return on investment",
        "roi_payback": "Payback: {months} months.",
        "roi_no_payback": "No payback: the annual net benefit is not positive.",
        "roi_net": "Annual net benefit: {net}.",
        "roi_pct": "ROI: {pct}%.",
        "roi_saving": "Annual saving: {saving}.",
        "roi_months": "Price compared with the cost of doing nothing: {price} / {monthly} per month = {months} months "
        "of the problem.",
        "price": "Price and terms",
        "price_body": "Price: {price}.",
        "terms_missing": "Terms: [contract term and payment terms]",
        "terms": "Terms: {terms}",
        "map": "Mutual action plan",
        "undated": "date to agree",
        "next": "Next step",
        "next_default": "Review this proposal together on {date}, and confirm the plan above.",
        "next_undated": "Agree a date to review this proposal together, and confirm the plan above.",
        # warnings
        "budget": "Budget is not confirmed.",
        "authority": "Authority is not confirmed (the economic buyer has not agreed).",
        "pitfall": "{pitfall}: {reality} {instead}",
        "few_criteria": "Only {n} decision criteria given: confirm the buyer's top three before sending.",
        "unmapped": "No solution point for criterion “{criterion}”: say how you meet it.",
        "no_proof": "No proof given: add a comparable customer and their result.",
        "no_roi": "No ROI given: run calculate_roi with the buyer's numbers for a stronger business case.",
        "roi_currency": "The ROI is in {roi} but the price is in {price}: use one currency.",
        "no_terms": "No terms given: state the contract term and payment terms.",
        "roi_warning": "ROI: {warning}",
        "zero_cost": "The cost of inaction is 0: without a cost of doing nothing the proposal has no urgency.",
    },
    "zh": {
        "doc_title": "# 致 {company} 的方案建议书",
        "problem": "问题",
        "problem_body": "{company} 告诉我们：{problem}",
        "cost": "不采取行动的代价",
        "cost_body": "如果维持现状，每月大约损失 {monthly}——到下个季度累计 {quarter}（{monthly} × {factor}），"
        "一年累计 {year}（{monthly} × 12）。",
        "solution": "我们如何满足您最看重的标准",
        "criterion_missing": "[我们如何满足这一标准]",
        "also": "此外还包括：",
        "proof": "案例与证明",
        "proof_missing": "[一个可类比的客户及其取得的量化成果]",
        "roi": "投资回报",
        "roi_payback": "回本周期：{months} 个月。",
        "roi_no_payback": "无法回本：年度净收益不为正。",
        "roi_net": "年度净收益：{net}。",
        "roi_pct": "投资回报率：{pct}%。",
        "roi_saving": "年度节省：{saving}。",
        "roi_months": "价格与不行动的代价相比：{price} / 每月 {monthly} = {months} 个月的损失。",
        "price": "价格与条款",
        "price_body": "价格：{price}。",
        "terms_missing": "条款：[合同期限与付款条款]",
        "terms": "条款：{terms}",
        "map": "双方行动计划",
        "undated": "日期待定",
        "next": "下一步",
        "next_default": "请在 {date} 一起评审这份方案，并确认上面的计划。",
        "next_undated": "约定一个日期一起评审这份方案，并确认上面的计划。",
        "budget": "预算尚未确认。",
        "authority": "决策权尚未确认（经济决策者尚未认可）。",
        "pitfall": "{pitfall}：{reality}{instead}",
        "few_criteria": "只给出了 {n} 条决策标准：发送前请确认客户最看重的三条。",
        "unmapped": "决策标准“{criterion}”没有对应的方案要点：请说明如何满足。",
        "no_proof": "没有提供案例：请补充一个可类比的客户及其成果。",
        "no_roi": "没有提供 ROI：请用客户的数据调用 calculate_roi，让商业论证更有说服力。",
        "roi_currency": "ROI 使用 {roi}，而价格使用 {price}：请统一币种。",
        "no_terms": "没有提供条款：请写明合同期限和付款条款。",
        "roi_warning": "ROI：{warning}",
        "zero_cost": "不行动的代价为 0：没有不行动的代价，方案就缺乏紧迫感。",
    },
}


def _d(value: float) -> Decimal:
    return Decimal(str(value))


def _pricing_warnings(inp: ProposalInput, locale: Locale) -> list[str]:
    t = _T[locale]
    missing = []
    if inp.budget_confirmed is not True:
        missing.append(t["budget"])
    if inp.authority_confirmed is not True:
        missing.append(t["authority"])
    if not missing:
        return []
    pitfall = next(p for p in get("pitfalls", SalesPitfalls).pitfalls if p.code == PITFALL)
    advice = t["pitfall"].format(
        pitfall=pitfall.pitfall.get(locale), reality=pitfall.reality.get(locale), instead=pitfall.instead.get(locale)
    )
    return [sentences((*missing, advice), locale)]


def draft_proposal(inp: ProposalInput, as_of: date, locale: Locale) -> ProposalResult:
    """The proposal's sections, its markdown, the back-scheduled mutual action plan and the warnings."""
    t = _T[locale]
    cur = inp.currency
    warnings = _pricing_warnings(inp, locale)
    sections: list[ProposalSection] = []

    def add(code: str, body: str) -> None:
        sections.append(ProposalSection(code=code, title=t[code], body=body))

    add("problem", t["problem_body"].format(company=inp.company, problem=inp.problem))

    factor = get("urgency_tactics", UrgencyTactics).quarter_multiplier
    monthly = _d(inp.cost_of_inaction_per_month)
    add(
        "cost",
        t["cost_body"].format(
            monthly=money(monthly, cur),
            quarter=money(monthly * factor, cur),
            factor=factor,
            year=money(monthly * MONTHS_PER_YEAR, cur),
        ),
    )
    if monthly == 0:
        warnings.append(t["zero_cost"])

    lines = []
    for i, criterion in enumerate(inp.criteria):
        if i < len(inp.solution_points):
            lines.append(f"- **{criterion}** — {inp.solution_points[i]}")
        else:
            lines.append(f"- **{criterion}** — {t['criterion_missing']}")
            warnings.append(t["unmapped"].format(criterion=criterion))
    extra = inp.solution_points[len(inp.criteria) :]
    if extra:
        lines.append(t["also"])
        lines += [f"- {point}" for point in extra]
    if len(inp.criteria) < 3:
        warnings.append(t["few_criteria"].format(n=len(inp.criteria)))
    add("solution", "\n".join(lines))

    if inp.proof:
        add("proof", "\n".join(f"- {item}" for item in inp.proof))
    else:
        add("proof", t["proof_missing"])
        warnings.append(t["no_proof"])

    roi_lines: list[str] = []
    roi = inp.roi
    if roi is not None:
        roi_cur = roi.currency or cur
        if roi.currency and roi.currency != cur:
            warnings.append(t["roi_currency"].format(roi=roi.currency, price=cur))
        if roi.annual_saving is not None:
            roi_lines.append(t["roi_saving"].format(saving=money(roi.annual_saving, roi_cur)))
        if roi.annual_net is not None:
            roi_lines.append(t["roi_net"].format(net=money(roi.annual_net, roi_cur)))
        if roi.payback_months is not None:
            roi_lines.append(t["roi_payback"].format(months=number(roi.payback_months)))
        elif roi.annual_net is not None:
            roi_lines.append(t["roi_no_payback"])
        if roi.roi_pct is not None:
            roi_lines.append(t["roi_pct"].format(pct=number(roi.roi_pct)))
        roi_lines += [f"- {line}" for line in roi.explanation]
        warnings += [t["roi_warning"].format(warning=w) for w in roi.warnings]
    else:
        warnings.append(t["no_roi"])
    if monthly > 0:
        months = _d(inp.price) / monthly
        roi_lines.append(
            t["roi_months"].format(price=money(_d(inp.price), cur), monthly=money(monthly, cur), months=number(months))
        )
    if roi_lines:
        add("roi", "\n".join(roi_lines))

    price_lines = [t["price_body"].format(price=money(_d(inp.price), cur))]
    if inp.terms:
        price_lines.append(t["terms"].format(terms=inp.terms))
    else:
        price_lines.append(t["terms_missing"])
        warnings.append(t["no_terms"])
    add("price", "\n".join(price_lines))

    plan, plan_warnings = build_plan(
        inp.target_go_live,
        as_of,
        locale,
        company=inp.company,
        our_company=inp.our_company,
        economic_buyer=inp.economic_buyer,
    )
    warnings += plan_warnings
    add(
        "map",
        "\n".join(
            f"- {item.date.isoformat() if item.date else t['undated']} — {item.step} ({item.owner_label})"
            for item in plan
        ),
    )

    review = next((item for item in plan if item.code == "proposal_review"), None)
    if inp.next_step:
        next_text = inp.next_step
    elif review is not None and review.date is not None and not review.past_due:
        next_text = t["next_default"].format(date=review.date.isoformat())
    else:
        next_text = t["next_undated"]
    add("next", next_text)

    markdown = "\n\n".join(
        [t["doc_title"].format(company=inp.company), *(f"## {s.title}\n\n{s.body}" for s in sections)]
    )
    return ProposalResult(
        locale=locale, sections=sections, markdown=markdown, mutual_action_plan=plan, warnings=warnings
    )


def proposal_markdown(result: ProposalResult) -> str:
    if not result.warnings:
        return result.markdown
    head = "⚠ " + ("提醒：" if result.locale == "zh" else "Warnings:")
    return "\n".join([head, *(f"- {w}" for w in result.warnings), "", result.markdown])
