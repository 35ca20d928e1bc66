"""Win/loss analysis (CONTRACT analyze_win_loss; knowledge/win_loss_template.yaml, self_review.yaml).

Across closed deals: win rate, reasons by outcome (won_because / lost_because, else the deal's loss_reason),
the stage deals were lost at (given, or the stage before closed_lost in the store's history), competitors won
and lost against, average cycle of won vs lost deals, the weakest of the six self-scored skills (lowest average
process score), lessons, and the monthly self-review's eight questions answered from the data where it can.

Trend rule for the self-review (the playbook names the trend, not the threshold; this is ours): the latest
month is compared with the mean of the earlier months; a win rate more than 5 points higher is improving, more
than 5 points lower declining; an average deal size more than 10% larger is improving, 10% smaller declining;
otherwise flat. Fewer than two months of data cannot show a trend.

Pure: deals and history come in as arguments.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Literal

from ..knowledge import get
from ..schemas.common import Locale
from ..schemas.knowledge.objections import ObjectionLibrary
from ..schemas.knowledge.pipeline import CLOSED_STAGES, PipelineStages
from ..schemas.knowledge.postsale import SelfReview, WinLossTemplate
from ..schemas.knowledge.vocab import STAGE_ORDER, StageCode
from ..schemas.pipeline import StageChange
from ..schemas.win_loss import (
    ClosedDeal,
    CompetitorStat,
    CycleDays,
    ReasonStat,
    SelfReviewAnswer,
    SkillScore,
    WeakestSkill,
    WinLossInput,
    WinLossResult,
)
from .errors import PlaybookInputError
from .formatting import number
from .pipeline_review import closed_on, cycle_days
from .red_flags import derived

WIN_RATE_TREND_POINTS = 0.05
DEAL_SIZE_TREND_SHARE = 0.10
OBJECTION_CATEGORIES = ("price", "timing", "authority", "status_quo")

_T: dict[str, dict[Locale, str]] = {
    "unspecified": {"en": "unspecified", "zh": "未注明"},
    "top_loss": {
        "en": "Most losses come down to '{reason}' ({n} of {lost}): address it before the proposal, not after.",
        "zh": "丢单最多的原因是「{reason}」（{lost}笔中{n}笔）：要在提案之前化解，而不是之后。",
    },
    "top_win": {
        "en": "Most wins come from '{reason}' ({n} of {won}): lead with it in discovery and demos.",
        "zh": "赢单最多的原因是「{reason}」（{won}笔中{n}笔）：在需求挖掘和演示中优先突出它。",
    },
    "competitor": {
        "en": "Against {name} you lost {lost} of {total}: prepare the comparison and the trap-setting questions.",
        "zh": "对阵{name}共{total}笔，丢了{lost}笔：提前准备对比材料和设置评估标准的问题。",
    },
    "skill": {
        "en": "Weakest skill: {skill} (average {avg} of 5). {improve}",
        "zh": "最弱的技能：{skill}（平均{avg}分，满分5分）。{improve}",
    },
    "lesson": {"en": "{company}: {lesson}", "zh": "{company}：{lesson}"},
    "not_closed": {
        "en": "{n} deal(s) are not closed and were left out: {names}.",
        "zh": "{n}笔交易尚未关闭，未纳入分析：{names}。",
    },
    "unknown_stage": {
        "en": "{n} lost deal(s) have no recorded stage of loss (give lost_at_stage).",
        "zh": "{n}笔丢单没有记录丢单阶段（请提供lost_at_stage）。",
    },
    "trend": {
        "en": "{trend}: {latest} in {month} against {before} on average before.",
        "zh": "{trend}：{month}为{latest}，此前平均为{before}。",
    },
    "no_trend": {
        "en": "Not enough data: closed deals from at least two months are needed.",
        "zh": "数据不足：至少需要两个月的已关闭交易。",
    },
    "loss_stage": {"en": "{stage}: {n} of {lost} losses.", "zh": "{stage}：{lost}笔丢单中有{n}笔。"},
    "no_loss_stage": {"en": "No lost deal has a recorded stage of loss.", "zh": "没有丢单记录了丢单阶段。"},
    "right_people": {
        "en": "{pct} of deals ({n} of {total}) had the economic buyer engaged.",
        "zh": "{total}笔交易中有{n}笔（{pct}）接触到了经济决策者。",
    },
    "objection": {
        "en": "{category}: {n} of {lost} loss reasons fall in this category.",
        "zh": "{category}：{lost}个丢单原因中有{n}个属于此类。",
    },
    "objection_score": {
        "en": "No loss reason names an objection; your objection-handling score averages {avg} of 5.",
        "zh": "丢单原因中没有可归类的异议；你的异议处理平均自评为{avg}分（满分5分）。",
    },
    "no_objection": {
        "en": "No loss reasons or objection-handling scores recorded.",
        "zh": "没有记录丢单原因或异议处理评分。",
    },
    "ask": {
        "en": "Not in the deal records — answer it yourself: {hint}",
        "zh": "交易记录中没有这项数据，请自己回答：{hint}",
    },
    "pareto": {
        "en": "The top {top} of {accounts} accounts ({accounts_pct}%) bring {share} of won value ({verdict}).",
        "zh": "前{top}个客户（共{accounts}个，占{accounts_pct}%）贡献了{share}的赢单金额（{verdict}）。",
    },
    "pareto_yes": {"en": "time is concentrated where the money is", "zh": "精力集中在了贡献最大的客户上"},
    "pareto_no": {"en": "wins are spread thin; focus on the largest accounts", "zh": "赢单较分散，应更聚焦大客户"},
    "no_wins": {"en": "No won deals to rank.", "zh": "没有可排序的赢单。"},
    "last_loss": {"en": "{company} ({day}): {lesson}", "zh": "{company}（{day}）：{lesson}"},
    "last_loss_missing": {
        "en": "{company} ({day}) has no lesson recorded: write one while it is fresh.",
        "zh": "{company}（{day}）没有记录经验教训：趁记忆清晰赶紧补上。",
    },
    "no_losses": {"en": "No lost deals.", "zh": "没有丢单。"},
}


def _t(key: str, locale: Locale, **values: object) -> str:
    return _T[key][locale].format(**values)


def _pct(value: float) -> str:
    return f"{number(value * 100)}%"


def reasons_of(deal: ClosedDeal) -> list[str]:
    if deal.stage == "closed_won":
        return list(deal.won_because)
    return list(deal.lost_because) or ([deal.loss_reason] if deal.loss_reason else [])


def lost_stage(deal: ClosedDeal, history: Sequence[StageChange] | None) -> StageCode | None:
    if deal.lost_at_stage is not None:
        return deal.lost_at_stage
    # the open stage the deal left for its (latest) loss: a deal won and then lost was not lost at closed_won
    lost = False
    for change in reversed(history or ()):
        lost = lost or change.to_stage == "closed_lost"
        if lost and change.from_stage is not None and change.from_stage not in CLOSED_STAGES:
            return change.from_stage
    return None


def _objection_keywords(library: ObjectionLibrary) -> list[tuple[str, tuple[str, ...]]]:
    """The library's categories among OBJECTION_CATEGORIES, in its order, with their keywords casefolded."""
    return [
        (info.code, tuple(word.casefold() for word in (*info.keywords.en, *info.keywords.zh)))
        for info in library.categories
        if info.code in OBJECTION_CATEGORIES
    ]


def objection_category(reason: str) -> str | None:
    """The objection category whose keywords appear in a loss reason (first of price, timing, authority,
    status_quo with a match), or None."""
    text = reason.casefold()
    for code, words in derived(get("objection_library", ObjectionLibrary), _objection_keywords):
        for word in words:
            if word in text:
                return code
    return None


def _in_period(day: date | None, start: date | None, end: date | None) -> bool:
    """No period bound: every closed deal; a bound: only deals whose close date is known and inside it."""
    if start is None and end is None:
        return True
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


def _trend(series: dict[str, float], threshold: float, relative: bool) -> tuple[str, str, float, float] | None:
    """(trend code, latest month, latest value, mean before) or None with fewer than two months."""
    if len(series) < 2:
        return None
    months = sorted(series)
    latest = series[months[-1]]
    before = sum(series[m] for m in months[:-1]) / (len(months) - 1)
    delta = (latest - before) / before if relative and before else latest - before
    code = "improving" if delta > threshold else "declining" if delta < -threshold else "flat"
    return code, months[-1], latest, before


def _monthly_trend(
    deals: Sequence[ClosedDeal], measure: Callable[[ClosedDeal], float], threshold: float, relative: bool
) -> tuple[str, str, float, float] | None:
    """`_trend` of the monthly mean of `measure` over the deals whose close date is known (months as YYYY-MM)."""
    by_month: dict[tuple[int, int], list[float]] = {}
    for deal in deals:
        day = closed_on(deal)
        if day is not None:
            by_month.setdefault((day.year, day.month), []).append(measure(deal))
    return _trend({f"{y:04d}-{m:02d}": sum(v) / len(v) for (y, m), v in by_month.items()}, threshold, relative)


def _trend_answer(
    trend: tuple[str, str, float, float] | None,
    labels: Mapping[str, str],
    show: Callable[[float], str],
    locale: Locale,
) -> tuple[bool, str | None, str]:
    """(answered, value, text) of a trend question; not answered with fewer than two months."""
    if trend is None:
        return False, None, _t("no_trend", locale)
    code, month, latest, before = trend
    return True, code, _t("trend", locale, trend=labels[code], latest=show(latest), month=month, before=show(before))


def analyze_win_loss(
    inp: WinLossInput,
    deals: Sequence[ClosedDeal],
    locale: Locale,
    *,
    history: Mapping[str, Sequence[StageChange]] | None = None,
    source: Literal["inline", "store"] = "inline",
) -> WinLossResult:
    template = get("win_loss_template", WinLossTemplate)
    review = get("self_review", SelfReview)
    stages = get("stages", PipelineStages)
    history = history or {}
    for position, deal in enumerate(deals):
        if deal.lost_at_stage in CLOSED_STAGES:
            raise PlaybookInputError(
                f"deals.{position}.lost_at_stage",
                f"must be the open stage the deal reached before the loss, not {deal.lost_at_stage}",
            )
    warnings: list[str] = []
    open_deals = [d for d in deals if d.is_open]
    if open_deals:
        names = ", ".join(d.company for d in open_deals[:5]) + (" …" if len(open_deals) > 5 else "")
        warnings.append(_t("not_closed", locale, n=len(open_deals), names=names))
    closed = [d for d in deals if not d.is_open and _in_period(closed_on(d), inp.period_start, inp.period_end)]
    won = [d for d in closed if d.stage == "closed_won"]
    lost = [d for d in closed if d.stage == "closed_lost"]
    win_rate = round(len(won) / len(closed), 4) if closed else None

    # Reasons by outcome (grouped case-insensitively under the first spelling seen).
    stats: dict[tuple[Literal["won", "lost"], str], tuple[str, int, float]] = {}
    for deal in closed:
        outcome: Literal["won", "lost"] = "won" if deal.stage == "closed_won" else "lost"
        for reason in reasons_of(deal) or [_t("unspecified", locale)]:
            key = (outcome, reason.casefold())
            shown, count, value = stats.get(key, (reason, 0, 0))
            stats[key] = (shown, count + 1, value + deal.value)
    by_reason = sorted(
        (
            ReasonStat(outcome=outcome, reason=shown, count=count, value=value)
            for (outcome, _), (shown, count, value) in stats.items()
        ),
        key=lambda r: (r.outcome != "lost", -r.count, -r.value, r.reason),
    )

    # Stage of loss.
    lost_at: Counter[StageCode] = Counter()
    unknown = 0
    for deal in lost:
        stage = lost_stage(deal, history.get(deal.id or ""))
        if stage is None:
            unknown += 1
        else:
            lost_at[stage] += 1
    if unknown:
        warnings.append(_t("unknown_stage", locale, n=unknown))
    lost_at_stage = {code: lost_at[code] for code in STAGE_ORDER if lost_at[code]}

    # Skills.
    skills: list[SkillScore] = []
    for skill in template.skills:
        scores = [d.process_score[skill.code] for d in closed if skill.code in d.process_score]
        if scores:
            skills.append(
                SkillScore(
                    skill=skill.code,
                    label=skill.label.get(locale),
                    average=round(sum(scores) / len(scores), 2),
                    deals=len(scores),
                )
            )
    weakest: WeakestSkill | None = None
    if skills:
        low = min(skills, key=lambda s: s.average)  # first in template order on ties
        info = template.skill(low.skill)
        weakest = WeakestSkill(**low.model_dump(), improve=info.improve.get(locale), tool=info.tool)

    # Competitors.
    comp: dict[str, list[int]] = {}
    comp_names: dict[str, str] = {}
    for deal in closed:
        rivals = [deal.competitor] if deal.competitor else list(deal.competitors)
        for name in dict.fromkeys(rivals):
            folded = name.casefold()
            comp_names.setdefault(folded, name)
            counts = comp.setdefault(folded, [0, 0])
            counts[0 if deal.stage == "closed_won" else 1] += 1
    competitors = sorted(
        (
            CompetitorStat(
                name=comp_names[key],
                won=w,
                lost=lo,
                win_rate=round(w / (w + lo), 4) if w + lo else None,
            )
            for key, (w, lo) in comp.items()
        ),
        key=lambda c: (-(c.won + c.lost), c.name),
    )

    def avg_cycle(group: Sequence[ClosedDeal]) -> float | None:
        values = [d.cycle_days if d.cycle_days is not None else cycle_days(d) for d in group]
        known = [v for v in values if v is not None]
        return round(sum(known) / len(known), 1) if known else None

    # Lessons: the data's strongest signals, then what the reps wrote (latest first).
    lessons: list[str] = []
    lost_reasons = [r for r in by_reason if r.outcome == "lost" and r.reason != _t("unspecified", locale)]
    won_reasons = [r for r in by_reason if r.outcome == "won" and r.reason != _t("unspecified", locale)]
    if lost_reasons:
        top = lost_reasons[0]
        lessons.append(_t("top_loss", locale, reason=top.reason, n=top.count, lost=len(lost)))
    if won_reasons:
        top = won_reasons[0]
        lessons.append(_t("top_win", locale, reason=top.reason, n=top.count, won=len(won)))
    worst_comp = max(competitors, key=lambda c: (c.lost, -c.won), default=None)
    if worst_comp is not None and worst_comp.lost > worst_comp.won:
        lessons.append(
            _t("competitor", locale, name=worst_comp.name, lost=worst_comp.lost, total=worst_comp.won + worst_comp.lost)
        )
    if weakest is not None:
        lessons.append(_t("skill", locale, skill=weakest.label, avg=number(weakest.average), improve=weakest.improve))
    for deal in sorted(closed, key=lambda d: closed_on(d) or date.min, reverse=True):
        if deal.lesson:
            lessons.append(_t("lesson", locale, company=deal.company, lesson=deal.lesson))
        if len(lessons) >= 10:
            break

    answers = _self_review(review, closed, won, lost, lost_at, skills, stages, locale)
    return WinLossResult(
        locale=locale,
        source=source,
        deals_analysed=len(closed),
        won=len(won),
        lost=len(lost),
        win_rate=win_rate,
        by_reason=by_reason,
        lost_at_stage=lost_at_stage,
        weakest_skill=weakest,
        skills=skills,
        competitors=competitors,
        avg_cycle_days=CycleDays(won=avg_cycle(won), lost=avg_cycle(lost)),
        lessons=lessons,
        self_review=answers,
        warnings=warnings,
    )


def _self_review(
    review: SelfReview,
    closed: Sequence[ClosedDeal],
    won: Sequence[ClosedDeal],
    lost: Sequence[ClosedDeal],
    lost_at: Counter[StageCode],
    skills: Sequence[SkillScore],
    stages: PipelineStages,
    locale: Locale,
) -> list[SelfReviewAnswer]:
    trend_labels = {choice.code: choice.label.get(locale) for choice in review.trend_values}
    answers: list[SelfReviewAnswer] = []
    for question in review.questions:
        answered = True
        value: float | str | None = None
        code = question.code
        if code == "win_rate_trend":
            trend = _monthly_trend(closed, lambda d: 1 if d.stage == "closed_won" else 0, WIN_RATE_TREND_POINTS, False)
            answered, value, text = _trend_answer(trend, trend_labels, _pct, locale)
        elif code == "loss_stage":
            if lost_at:
                stage, n = max(lost_at.items(), key=lambda kv: (kv[1], -STAGE_ORDER.index(kv[0])))
                value = stage
                text = _t("loss_stage", locale, stage=stages.stage(stage).label.get(locale), n=n, lost=len(lost))
            else:
                answered, text = False, _t("no_loss_stage", locale)
        elif code == "right_people":
            if closed:
                n = sum(1 for d in closed if any(c.role == "economic_buyer" for c in d.engaged_contacts()))
                value = round(n / len(closed), 4)
                text = _t("right_people", locale, pct=_pct(value), n=n, total=len(closed))
            else:
                answered, text = False, _t("no_trend", locale)
        elif code == "deal_size_trend":
            trend = _monthly_trend(won, lambda d: d.value, DEAL_SIZE_TREND_SHARE, True)
            answered, value, text = _trend_answer(trend, trend_labels, number, locale)
        elif code == "weakest_objection":
            categories = Counter(
                cat for d in lost for reason in reasons_of(d) if (cat := objection_category(reason)) is not None
            )
            library = get("objection_library", ObjectionLibrary)
            if categories:
                cat, n = max(categories.items(), key=lambda kv: (kv[1], -OBJECTION_CATEGORIES.index(kv[0])))
                label = next(c.label.get(locale) for c in library.categories if c.code == cat)
                value = cat
                text = _t("objection", locale, category=label, n=n, lost=sum(len(reasons_of(d)) for d in lost))
            else:
                score = next((s for s in skills if s.skill == "objection_handling"), None)
                if score is not None:
                    value = score.average
                    text = _t("objection_score", locale, avg=number(score.average))
                else:
                    answered, text = False, _t("no_objection", locale)
        elif code == "right_accounts":
            by_account: dict[str, float] = {}
            for deal in won:
                by_account[deal.company.casefold()] = by_account.get(deal.company.casefold(), 0) + deal.value
            total = sum(by_account.values())
            if total > 0:
                ranked = sorted(by_account.values(), reverse=True)
                top = max(1, math.ceil(len(ranked) * review.pareto.accounts_pct / 100))
                share = sum(ranked[:top]) / total
                value = round(share, 4)
                verdict = "pareto_yes" if share * 100 >= review.pareto.results_pct else "pareto_no"
                text = _t(
                    "pareto",
                    locale,
                    top=top,
                    accounts=len(ranked),
                    accounts_pct=number(review.pareto.accounts_pct),
                    share=_pct(share),
                    verdict=_t(verdict, locale),
                )
            else:
                answered, text = False, _t("no_wins", locale)
        elif code == "last_loss_lesson":
            latest = sorted(lost, key=lambda d: closed_on(d) or date.min)[-review.losses_to_review :]
            if latest:
                deal = latest[-1]
                when = (closed_on(deal) or date.min).isoformat()
                lesson = deal.lesson or "; ".join(deal.what_didnt)
                if lesson:
                    value = lesson
                    text = _t("last_loss", locale, company=deal.company, day=when, lesson=lesson)
                else:
                    answered, text = False, _t("last_loss_missing", locale, company=deal.company, day=when)
            else:
                answered, text = False, _t("no_losses", locale)
        else:  # best_channel and anything else closed deals cannot answer
            answered = False
            hint = question.hint.get(locale) if question.hint else question.method.get(locale)
            text = _t("ask", locale, hint=hint)
        if not question.answerable_from_deals:
            answered = False if value is None else answered
        answers.append(
            SelfReviewAnswer(
                order=question.order,
                code=code,
                question=question.question.get(locale),
                answered=answered,
                answer=text,
                value=value,
            )
        )
    return answers


def win_loss_markdown(result: WinLossResult) -> str:
    zh = result.locale == "zh"
    rate = "—" if result.win_rate is None else _pct(result.win_rate)
    lines = [
        f"## {'成交/失败分析' if zh else 'Win/loss analysis'}: {result.won} {'赢' if zh else 'won'}, "
        f"{result.lost} {'输' if zh else 'lost'}, {'赢单率' if zh else 'win rate'} {rate}",
    ]
    lines.extend(f"- {lesson}" for lesson in result.lessons)
    lines.append("")
    for answer in result.self_review:
        lines.append(f"{answer.order}. {answer.question} — {answer.answer}")
    lines.extend(f"- ⚠ {w}" for w in result.warnings)
    return "\n".join(lines)
