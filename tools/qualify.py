"""Deal qualification (the playbook's MEDDPICC scoring framework, with MEDDIC and BANT as alternatives).

Each element scores 1 (unknown), 2 (partial) or 3 (confirmed). A score the rep gave always wins; an element
without one starts at 1 and is lifted to 2 — never 3 — when the deal's notes, contacts or the rep's own evidence
for it say something (`tools.evidence`, quoted). MEDDPICC totals 8–24 and is banded in points (20–24 strong,
15–19 gaps, 10–14 at risk, below 10 unqualified); MEDDIC (max 18) and BANT (max 12) use the same bands on
total / max, compared as exact fractions. The result adds the deal's red flags, the three most valuable next
moves (weakest elements first, with their gap questions; then red-flag fixes), the forecast category and the
stage probability.
"""

from __future__ import annotations

from datetime import date

from ..knowledge import get
from ..schemas.common import Locale
from ..schemas.deal import Deal, ElementScore, RedFlag
from ..schemas.knowledge.base import Terms, by_code
from ..schemas.knowledge.pipeline import ForecastCategories, PipelineStages
from ..schemas.knowledge.qualification import (
    STATUS_OF_SCORE,
    BantRubric,
    EvidenceCues,
    Framework,
    MeddicRubric,
    MeddpiccRubric,
    PointBand,
    QualificationElement,
    RatioBand,
)
from ..schemas.qualify import ElementResult, NextAction, QualifyInput, QualifyResult
from .evidence import Evidence, Passage, infer_element
from .forecast_rules import forecast_category
from .formatting import number
from .red_flags import red_flags

MAX_NEXT_ACTIONS = 3
MAX_QUOTES = 5
"""Quotes kept per element (the first ones in the notes' order, after contacts and the rep's own evidence)."""

Rubric = MeddpiccRubric | MeddicRubric | BantRubric


def rubric(framework: Framework) -> Rubric:
    if framework == "meddpicc":
        return get("meddpicc", MeddpiccRubric)
    if framework == "meddic":
        return get("meddic", MeddicRubric)
    return get("bant", BantRubric)


def _cues(framework: Framework, element: QualificationElement) -> tuple[EvidenceCues, Terms]:
    """The element's evidence cues and the negation cues (MEDDIC borrows both from MEDDPICC)."""
    if framework == "bant":
        bant = get("bant", BantRubric)
        cues, negations = element.evidence, bant.negation_cues
    else:
        meddpicc = get("meddpicc", MeddpiccRubric)
        cues, negations = meddpicc.element(element.key).evidence, meddpicc.negation_cues
    assert cues is not None  # the rubric validators require cues on every MEDDPICC and BANT element
    return cues, negations


def _given(deal: Deal, framework: Framework) -> dict[str, ElementScore]:
    scores = deal.bant if framework == "bant" else deal.meddpicc
    return {str(key): value for key, value in scores.items()}


def score_element(
    framework: Framework, element: QualificationElement, deal: Deal, locale: Locale, notes: Passage | None = None
) -> tuple[ElementResult, list[Evidence]]:
    """One element: the given score, else inferred evidence (capped at 2), else 1."""
    scoring = rubric(framework).scoring
    given = _given(deal, framework).get(element.key)
    evidence: list[Evidence] = []
    if given is not None and given.score is not None:
        score, source = given.score, "given"
        shown = given.evidence
        quotes = [given.evidence] if given.evidence else []
    else:
        cues, negations = _cues(framework, element)
        evidence = infer_element(element.key, cues, negations, deal, given, locale, notes)
        if evidence:
            score, source = scoring.max_inferred_score, "inferred"
        else:
            score, source = scoring.default_score, "missing"
        quotes = list(dict.fromkeys(item.quote for item in evidence))[:MAX_QUOTES]
        shown = quotes[0] if quotes else None
    gap = element.gap_questions[0].get(locale) if score < scoring.max_score else None
    result = ElementResult(
        key=element.key,
        label=element.label.get(locale),
        score=score,
        status=STATUS_OF_SCORE[score],
        source=source,
        evidence=shown,
        quotes=quotes,
        gap_question=gap,
    )
    return result, evidence


def band(framework: Framework, total: int) -> PointBand | RatioBand:
    return rubric(framework).band_for(total)


def next_actions(
    framework: Framework, elements: list[ElementResult], flags: list[RedFlag], locale: Locale
) -> list[NextAction]:
    """The three most valuable moves: weakest elements first (rubric order breaks ties), then red-flag fixes."""
    book = rubric(framework)
    order = {key: i for i, key in enumerate(book.keys())}
    weak = sorted((e for e in elements if e.score < book.scoring.max_score), key=lambda e: (e.score, order[e.key]))
    moves: list[tuple[str | None, str, str | None]] = [
        (e.key, book.element(e.key).next_action.get(locale), e.gap_question) for e in weak
    ]
    by_severity = sorted(flags, key=lambda f: 0 if f.severity == "high" else 1)
    seen = {action for _element, action, _ask in moves}
    for flag in by_severity:
        if flag.fix not in seen:
            moves.append((None, flag.fix, None))
            seen.add(flag.fix)
    return [NextAction(element=element, action=action, ask=ask) for element, action, ask in moves[:MAX_NEXT_ACTIONS]]


def qualify(
    deal: Deal, framework: Framework, as_of: date, locale: Locale, notes: Passage | None = None
) -> QualifyResult:
    """Score `deal` with `framework` on `as_of` (the pure core of `qualify_deal`); `notes` are the deal's notes
    when the caller has already cut them."""
    book = rubric(framework)
    notes = Passage(deal.notes) if notes is None else notes
    elements = [score_element(framework, element, deal, locale, notes)[0] for element in book.elements]
    total = sum(e.score for e in elements)
    chosen = band(framework, total)
    flags = red_flags(deal, as_of, locale)
    category, reasons = forecast_category(deal, as_of, flags, locale)
    return QualifyResult(
        locale=locale,
        company=deal.company,
        framework=framework,
        total=total,
        max=book.max_total,
        ratio=round(total / book.max_total, 4),
        band=chosen.code,
        band_label=chosen.label.get(locale),
        band_advice=chosen.advice.get(locale),
        elements=elements,
        red_flags=flags,
        next_actions=next_actions(framework, elements, flags, locale),
        forecast_category=category,
        forecast_reasons=reasons,
        stage_probability=get("stages", PipelineStages).probability(deal.stage),
    )


def qualify_deal(inp: QualifyInput, today: date, locale: Locale) -> QualifyResult:
    return qualify(inp.deal, inp.framework, inp.as_of or today, locale)


_TEXT = {
    "en": {
        "title": "**{company}** — {framework}: {total}/{max} → {band}",
        "element": "- {label}: {score}/3 ({status}, {source})",
        "evidence": " — “{quote}”",
        "flags": "Red flags:",
        "flag": "- [{severity}] {message}",
        "next": "Next moves:",
        "forecast": "Forecast: {category} · stage probability {probability}%",
        "unknown": "unknown",
        "partial": "partial",
        "confirmed": "confirmed",
        "given": "given",
        "inferred": "inferred from notes",
        "missing": "no evidence",
        "high": "high",
        "medium": "medium",
    },
    "zh": {
        "title": "**{company}** — {framework}：{total}/{max} → {band}",
        "element": "- {label}：{score}/3（{status}，{source}）",
        "evidence": " ——“{quote}”",
        "flags": "风险信号：",
        "flag": "- [{severity}] {message}",
        "next": "下一步：",
        "forecast": "预测类别：{category} · 阶段赢率 {probability}%",
        "unknown": "未知",
        "partial": "部分了解",
        "confirmed": "已确认",
        "given": "销售给分",
        "inferred": "据备注推断",
        "missing": "无证据",
        "high": "高",
        "medium": "中",
    },
}


def qualify_markdown(result: QualifyResult) -> str:
    t = _TEXT[result.locale]
    lines = [
        t["title"].format(
            company=result.company,
            framework=result.framework.upper(),
            total=result.total,
            max=result.max,
            band=result.band_label,
        ),
        result.band_advice,
        "",
    ]
    for e in result.elements:
        line = t["element"].format(label=e.label, score=e.score, status=t[e.status], source=t[e.source])
        if e.evidence:
            line += t["evidence"].format(quote=e.evidence)
        lines.append(line)
    if result.red_flags:
        lines += ["", t["flags"]]
        lines += [t["flag"].format(severity=t[f.severity], message=f.message) for f in result.red_flags]
    if result.next_actions:
        lines += ["", t["next"]]
        for i, move in enumerate(result.next_actions, 1):
            lines.append(f"{i}. {move.action}" + (f" — {move.ask}" if move.ask else ""))
    category: str = result.forecast_category  # the zh text shows its label, the en text the code it always showed
    if result.locale == "zh":
        category = by_code(get("forecast_categories", ForecastCategories).categories, category).label.zh
    lines += [
        "",
        t["forecast"].format(category=category, probability=number(result.stage_probability * 100)),
        *(f"- {reason}" for reason in result.forecast_reasons),
    ]
    return "\n".join(lines)
