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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from itertools import product
from operator import attrgetter
from typing import Any, Literal, TypedDict

from .. import knowledge
from ..schemas.accounts import (
    Account,
    AccountsInput,
    AccountsResult,
    TerritoryResult,
    TierCode,
    TierLoad,
)
from ..schemas.common import Locale
from ..schemas.icp import IcpCompany
from ..schemas.knowledge.base import Text
from ..schemas.knowledge.prospecting import IcpTemplate, Territory
from ..schemas.knowledge.strategy import (
    DIFFICULTY_DIMENSIONS,
    IDEAL_DIMENSIONS,
    IdealCustomerAssessment,
    QuadrantCode,
    StrategyMatrix,
    TopBant,
)
from .errors import PlaybookInputError
from .formatting import number
from .icp import generate_icp
from .locale import is_cjk

FULL_FIT_MIN = 80
PARTIAL_FIT_MIN = 40
UNKNOWN_POINTS = 0.5

AttributeResult = Literal["match", "miss", "unknown"]
IcpFit = Literal["full", "partial", "none"]
_POINTS: dict[AttributeResult, float] = {"match": 1.0, "unknown": UNKNOWN_POINTS, "miss": 0.0}

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
_WORD = re.compile(r"\w+")
_NOT_PLAIN = re.compile(
    "[^\x00-\x7f\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002ebef]"
)
"""A character that is not 'plain': plain is ASCII, CJK ideographs, general and CJK punctuation, and half- and
full-width forms. Between plain characters an ignore-case match means equal lowercase, and lowercasing turns a
plain character into one plain character, a word character exactly when the original is (checked over every code
point). Other characters may not (Turkish İ lowercases to two characters, the long ſ matches s), so texts or cues
with them are never screened."""


class _Cues:
    """A compiled cue list: Latin cues match on word boundaries, CJK cues anywhere; case-insensitive.

    The pattern decides what matches; it is skipped for a text that holds none of the cues in lowercase, which
    is enough to rule a match out when the text and the cues are plain (see `_NOT_PLAIN`).
    """

    def __init__(self, cues: Iterable[str]) -> None:
        self.cues = list(cues)
        self.lowercase = frozenset(cue.lower() for cue in self.cues)
        self.screened = all(cue and not _NOT_PLAIN.search(cue) for cue in self.cues)
        parts = [re.escape(cue) if _has_cjk(cue) else rf"\b{re.escape(cue)}\b" for cue in self.cues]
        self.pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def find(self, text: _Text) -> str | None:
        if self.pattern is None or not text.text:
            return None
        if self.screened and text.cues is not None and self.lowercase.isdisjoint(text.cues):
            return None
        match = self.pattern.search(text.text)
        return match.group(0) if match else None


def _has_cjk(cue: str) -> bool:
    return any(is_cjk(ch) for ch in cue)


class _CueIndex:
    """Every cue of the lists scoring uses, in lowercase: a Latin cue under its first word, any other by itself.

    In a plain text a Latin cue (bounded by `\\b`) can only match where its first word is one of the text's
    lowercase words, so looking up the text's words finds the few cues worth a substring test.
    """

    def __init__(self, lists: Iterable[_Cues]) -> None:
        self.by_word: dict[str, set[str]] = {}
        self.anywhere: set[str] = set()
        for cues in lists:
            for cue in cues.cues:
                lower = cue.lower()
                first = _WORD.match(lower)
                if first and not _has_cjk(cue):
                    self.by_word.setdefault(first.group(0), set()).add(lower)
                else:
                    self.anywhere.add(lower)
        self.first_words = frozenset(self.by_word)
        self.ascii_anywhere = {cue for cue in self.anywhere if cue.isascii()}


class _Text:
    """A text read once for every cue list it is checked against (lists whose cues are in the index): which of the
    index's cues it holds in lowercase, or None when it has characters that are not plain (every pattern runs)."""

    __slots__ = ("cues", "text")

    def __init__(self, text: str, index: _CueIndex) -> None:
        self.text = text
        self.cues: set[str] | None = None
        ascii = text.isascii()
        if ascii or _NOT_PLAIN.search(text) is None:
            lower = text.lower()
            words = index.first_words.intersection(_WORD.findall(lower))
            self.cues = {cue for word in words for cue in index.by_word[word] if cue in lower}
            if anywhere := index.ascii_anywhere if ascii else index.anywhere:
                self.cues.update(cue for cue in anywhere if cue in lower)


def _both(terms: object) -> list[str]:
    return list(getattr(terms, "en")) + list(getattr(terms, "zh"))  # noqa: B009


@dataclass(frozen=True)
class _Signals:
    """The anti-signal and pain cue lists, compiled once per process (they depend on the knowledge files only)."""

    pain_cues: list[tuple[str, _Cues]]
    pre_revenue: _Cues
    layoffs: _Cues
    tech: list[tuple[str, Text, _Cues]]
    committee: _Cues
    index: _CueIndex


@cache
def _signals() -> _Signals:
    template = knowledge.get("icp_template", IcpTemplate)
    signals = template.anti_signals
    pain_cues: list[tuple[str, _Cues]] = [(item.code, _Cues(_both(item.cues))) for item in template.pain_indicators]
    pre_revenue = _Cues(_both(signals.no_budget.pre_revenue.cues))
    layoffs = _Cues(_both(signals.no_budget.recent_layoffs.cues))
    tech = [(i.code, i.label, _Cues(_both(i.cues))) for i in signals.tech_mismatch.indicators]
    committee = _Cues(_both(signals.cultural.cues))
    every = [*(cues for _, cues in pain_cues), pre_revenue, layoffs, *(cues for _, _, cues in tech), committee]
    return _Signals(pain_cues, pre_revenue, layoffs, tech, committee, index=_CueIndex(every))


@dataclass(frozen=True)
class _Book:
    """The knowledge a scoring run needs, in one locale; looked up once per process and locale."""

    locale: Locale
    text: dict[str, str]
    template: IcpTemplate
    territory: Territory
    top_bant: TopBant
    bant_elements: list[str]
    signals: _Signals
    tech: list[tuple[str, str, _Cues]]
    attr_labels: dict[str, str]
    tier_criteria: dict[int, str]
    tier_reasons: dict[TierCode, str]
    """The reason for tiers 2 and 3, which say the tier's criteria only."""
    pain_labels: dict[str, str]
    priority_labels: dict[str, str]
    quadrant_names: dict[str, str]
    value_labels: dict[str, str]
    difficulty_labels: dict[str, str]
    strategies: dict[str, dict[str, Any]]
    """Each quadrant's `QuadrantStrategy` fields, in the matrix's order."""
    bant_priorities: dict[str, dict[str, str]]
    """Each BANT priority rule's `PriorityRule` fields."""
    rules: list[str]
    """How fit, tier and quadrant are decided, as the result states them."""


@cache
def _book(locale: Locale) -> _Book:
    template = knowledge.get("icp_template", IcpTemplate)
    territory = knowledge.get("territory", Territory)
    top_bant = knowledge.get("top_bant", TopBant)
    matrix = knowledge.get("strategy_matrix", StrategyMatrix)
    assessment = knowledge.get("ideal_customer_assessment", IdealCustomerAssessment)
    signals = _signals()
    text = {key: value[locale] for key, value in _TEXT.items()}
    return _Book(
        locale=locale,
        text=text,
        template=template,
        territory=territory,
        top_bant=top_bant,
        bant_elements=[element.code for element in top_bant.bant.elements],
        signals=signals,
        tech=[(code, label.get(locale), cues) for code, label, cues in signals.tech],
        attr_labels={attr: labels[locale] for attr, labels in _ATTR_LABELS.items()},
        tier_criteria={tier: territory.tier(tier).criteria.get(locale) for tier in (1, 2, 3)},
        tier_reasons={
            tier: text[f"tier{tier}"].format(criteria=territory.tier(tier).criteria.get(locale)) for tier in (2, 3)
        },
        pain_labels={item.code: item.label.get(locale) for item in template.pain_indicators},
        priority_labels={rule.code: rule.label.get(locale) for rule in top_bant.bant.priority_rules},
        quadrant_names={q.code: q.name.get(locale) for q in matrix.quadrants},
        value_labels={band: label.get(locale) for band, label in matrix.value_axis.labels.items()},
        difficulty_labels={band: label.get(locale) for band, label in matrix.difficulty_scoring.bands.labels.items()},
        strategies={
            q.code: {
                "name": q.name.get(locale),
                "strategy": q.strategy.get(locale),
                "actions": [a.get(locale) for a in q.actions],
            }
            for q in matrix.quadrants
        },
        bant_priorities={
            r.code: {"label": r.label.get(locale), "action": r.action.get(locale)} for r in top_bant.bant.priority_rules
        },
        rules=[
            _TEXT["rule_fit"][locale],
            _TEXT["rule_tier"][locale],
            assessment.scoring.formula.get(locale),
            matrix.placement.description.get(locale),
        ],
    )


@dataclass(frozen=True)
class _Icp:
    """The ICP a scoring run matches accounts against, with what every account reuses worked out once."""

    company: IcpCompany
    wanted: dict[str, list[tuple[str, str]]]
    """Each term list with each term's casefold."""
    listed: dict[str, str]
    """Each term list as shown: "SaaS, Fintech"."""
    listed_in: dict[Locale, dict[str, str]]
    """The term lists as shown in one locale, where the ICP holds both languages' terms (the playbook's);
    otherwise empty, and `listed` is shown."""
    spans: dict[str, str]
    """Each size range as shown: "50–500"."""


@cache
def _playbook_icp() -> _Icp:
    """The playbook's example ICP, matched in both languages (an English account against a zh profile too);
    built once per process, since it depends on the knowledge files only."""
    from ..schemas.icp import IcpInput

    en, zh = (generate_icp(IcpInput(product="-"), lang).company for lang in ("en", "zh"))
    both = _icp(
        en.model_copy(
            update={
                field: list(dict.fromkeys([*getattr(en, field), *getattr(zh, field)]))
                for field in ("industry", "geography", "tech_stack", "growth_stage")
            }
        )
    )
    return replace(both, listed_in={"en": _icp(en).listed, "zh": _icp(zh).listed})


def _icp(company: IcpCompany) -> _Icp:
    return _Icp(
        company=company,
        wanted={
            attr: [(item, item.casefold()) for item in getattr(company, attr)]
            for attr in ("industry", "geography", "growth_stage", "tech_stack")
        },
        listed={
            attr: ", ".join(getattr(company, attr)) for attr in ("industry", "geography", "growth_stage", "tech_stack")
        },
        listed_in={},
        spans={
            attr: f"{number(rng.min)}–{number(rng.max)}"
            for attr, rng in (("size_employees", company.size_employees), ("size_revenue", company.size_revenue))
            if rng is not None
        },
    )


def _has_term(text: str, term: str) -> bool:
    """`term` occurs in `text` (both casefolded): as whole words, or anywhere when it has CJK characters (which
    have no word boundaries). "US" is in "US East" and "the US", not in "Australia"; "美国" is in "美国加州"."""
    if term not in text:
        return False
    if _has_cjk(term):
        return True
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text) is not None


def _text_match(value: str, wanted: list[tuple[str, str]]) -> str | None:
    """The ICP term the value matches: one holds the other ("B2B SaaS" and "SaaS", either way round)."""
    folded = value.casefold()
    for item, other in wanted:
        if other and folded and (_has_term(folded, other) or _has_term(other, folded)):
            return item
    return None


def _attributes(account: Account, icp: _Icp, book: _Book) -> tuple[dict[str, AttributeResult], list[str]]:
    """Each attribute the ICP defines scored match, miss or unknown; and the details of the misses and unknowns."""
    results: dict[str, AttributeResult] = {}
    details: list[str] = []
    labels = book.attr_labels
    listed = icp.listed_in.get(book.locale, icp.listed)

    for attr in ("industry", "geography", "growth_stage"):
        wanted = icp.wanted[attr]
        if not wanted:
            continue
        value: str | None = getattr(account, attr)
        if not value:
            results[attr] = "unknown"
            details.append(f"{labels[attr]}: ?")
        elif _text_match(value, wanted):
            results[attr] = "match"
        else:
            results[attr] = "miss"
            details.append(f"{labels[attr]}: {value} ∉ {listed[attr]}")
    company = icp.company
    for attr, rng, val in (
        ("size_employees", company.size_employees, account.employees),
        ("size_revenue", company.size_revenue, account.revenue),
    ):
        if rng is None:
            continue
        if val is None:
            results[attr] = "unknown"
            details.append(f"{labels[attr]}: ? ({icp.spans[attr]})")
        elif rng.min <= val <= rng.max:
            results[attr] = "match"
        else:
            results[attr] = "miss"
            shown = f"{val:,}" if isinstance(val, int) else number(val)  # a head count: number() of a whole number
            details.append(f"{labels[attr]}: {shown} ∉ {icp.spans[attr]}")
    if tools := icp.wanted["tech_stack"]:
        label = labels["tech_stack"]
        if not account.tech_stack:
            results["tech_stack"] = "unknown"
            details.append(f"{label}: ?")
        elif any(_text_match(tool, tools) for tool in account.tech_stack):
            results["tech_stack"] = "match"
        else:
            results["tech_stack"] = "miss"
            details.append(f"{label}: {', '.join(account.tech_stack)} ∉ {listed['tech_stack']}")
    return results, details


def _anti_signals(account: Account, book: _Book) -> tuple[list[str], list[str], list[str]]:
    """(codes, reasons to drop, reasons to check)."""
    locale = book.locale
    text = book.text
    signals = book.template.anti_signals
    codes: list[str] = []
    reasons: list[str] = []
    checks: list[str] = []
    notes = account.notes or ""
    index = book.signals.index
    free = _Text(" | ".join([notes, account.growth_stage or "", *account.pain_signals, *account.tech_stack]), index)

    size = signals.company_size
    if account.employees is not None and account.employees < size.employees_under:
        codes.append(size.code)
        reasons.append(text["size"].format(n=account.employees, min=size.employees_under, why=size.why.get(locale)))

    budget = signals.no_budget
    if cue := book.signals.pre_revenue.find(free):
        codes.append(budget.code)
        reasons.append(text["pre_revenue"].format(cue=cue, why=budget.why.get(locale)))
    limit = budget.recent_layoffs.layoffs_pct_over
    layoffs = book.signals.layoffs
    layoff_cue = layoffs.find(free)
    pct = account.layoffs_pct
    if pct is None and layoff_cue:
        # a share counts only in the sentence that mentions the layoffs ("grew 50%" elsewhere is not a layoff)
        sentences = [x for x in _SENTENCE.split(notes) if layoffs.find(_Text(x, index))]
        shares = [float(m) for x in sentences for m in _PCT.findall(x)]
        pct = max(shares) if shares else None
    if pct is not None and pct > limit:
        if budget.code not in codes:
            codes.append(budget.code)
        reasons.append(text["layoffs"].format(pct=number(pct), max=number(limit), why=budget.why.get(locale)))
    elif pct is None and layoff_cue:
        checks.append(text["layoffs_check"].format(cue=layoff_cue, max=number(limit)))

    mismatch = signals.tech_mismatch
    for _code, label, cues in book.tech:
        if cue := cues.find(free):
            if mismatch.code not in codes:
                codes.append(mismatch.code)
            reasons.append(text["tech"].format(label=label, cue=cue, why=mismatch.why.get(locale)))

    culture = signals.cultural
    committee = (account.stakeholders is not None and account.stakeholders >= culture.stakeholders_at_least) or (
        notes != "" and book.signals.committee.find(_Text(notes, index)) is not None
    )
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


def _pains(account: Account, book: _Book) -> tuple[list[str], str | None]:
    """The pain indicator codes the signals point to, and the first signal matching none ('other'); a blank
    signal is no observed pain."""
    found: list[str] = []
    other: str | None = None
    for signal in account.pain_signals:
        if not signal.strip():
            continue
        text = _Text(signal, book.signals.index)
        codes = [code for code, cues in book.signals.pain_cues if cues.find(text)]
        if not codes and other is None:
            other = signal
        for code in codes or ["other"]:
            if code not in found:
                found.append(code)
    return found, other


def _bant(account: Account, book: _Book) -> dict[str, Any]:
    """The fields of the account's `BantResult` (validated with the account, which is cheaper than on their own)."""
    screen = book.top_bant.bant
    given = account.bant
    codes = book.bant_elements
    scores: dict[str, int] = {code: getattr(given, code) or 1 for code in codes} if given else dict.fromkeys(codes, 1)
    return {
        "scores": scores,
        "total": sum(scores.values()),
        "max": screen.max_total,
        "priority": screen.priority(scores),
    }


Ratings = tuple[int | None, ...]
_RATINGS = (None, 1, 2, 3, 4, 5)
_ideal_ratings = attrgetter(*IDEAL_DIMENSIONS)
_difficulty_ratings = attrgetter(*DIFFICULTY_DIMENSIONS)


@dataclass(frozen=True)
class _IdealPoint:
    score: float
    shown: str
    """The score to two decimals, as the reason gives it."""
    band: str
    formula: str
    """The score worked out: "(0.5 × 5 + 0.5 × 1) ÷ 4"."""
    assumed: tuple[str, ...]


@dataclass(frozen=True)
class _DifficultyPoint:
    total: int
    band: str
    added: tuple[int, int, int]
    """The three ratings added up (a rating not given counts as the default)."""
    assumed: tuple[str, ...]


@dataclass(frozen=True)
class _Axes:
    """Each axis of the strategy matrix for every combination of its three ratings (1–5, or None when not given):
    6³ combinations per axis, and the quadrant of every pair of positions they come to; worked out once per
    process from the knowledge files."""

    ideal: dict[Ratings, _IdealPoint]
    difficulty: dict[Ratings, _DifficultyPoint]
    quadrant: dict[tuple[float, int], QuadrantCode]
    """The quadrant for an ideal score and a difficulty total, by the matrix's placement rule."""


@cache
def _axes() -> _Axes:
    scoring = knowledge.get("ideal_customer_assessment", IdealCustomerAssessment).scoring
    matrix = knowledge.get("strategy_matrix", StrategyMatrix)
    ideal: dict[Ratings, _IdealPoint] = {}
    difficulty: dict[Ratings, _DifficultyPoint] = {}
    for ratings in product(_RATINGS, repeat=3):
        given = {dim: value for dim, value in zip(IDEAL_DIMENSIONS, ratings, strict=True) if value is not None}
        score = scoring.score(given)
        missing = scoring.default_when_missing
        benefit = " + ".join(
            f"{weight:g} × {given.get(dim, missing)}" for dim, weight in scoring.numerator_weights.items()
        )
        ideal[ratings] = _IdealPoint(
            score=score,
            shown=f"{score:.2f}",
            band=matrix.value_axis.band(score),
            formula=f"({benefit}) ÷ {given.get(scoring.denominator, missing)}",
            assumed=tuple(dim for dim in IDEAL_DIMENSIONS if dim not in given),
        )
        given = {dim: value for dim, value in zip(DIFFICULTY_DIMENSIONS, ratings, strict=True) if value is not None}
        total = matrix.difficulty_total(given)
        default = matrix.difficulty_scoring.default_when_missing
        a, c, y = (given.get(dim, default) for dim in DIFFICULTY_DIMENSIONS)
        difficulty[ratings] = _DifficultyPoint(
            total=total,
            band=matrix.difficulty_scoring.bands.band(total),
            added=(a, c, y),
            assumed=tuple(dim for dim in DIFFICULTY_DIMENSIONS if dim not in given),
        )
    scores = {point.score for point in ideal.values()}
    totals = {point.total for point in difficulty.values()}
    quadrant = {(score, total): matrix.place(score, total) for score in scores for total in totals}
    return _Axes(ideal=ideal, difficulty=difficulty, quadrant=quadrant)


def _quadrant(account: Account, book: _Book) -> tuple[dict[str, Any], str]:
    """The fields of the account's `QuadrantResult` (validated with the account), and the reason."""
    axes = _axes()
    ideal = axes.ideal[_ideal_ratings(account)]
    difficulty = axes.difficulty[_difficulty_ratings(account)]
    code = axes.quadrant[ideal.score, difficulty.total]
    assumed = [*ideal.assumed, *difficulty.assumed]
    name = book.quadrant_names[code]
    result = {
        "code": code,
        "name": name,
        "ideal_score": round(ideal.score, 4),
        "value_band": ideal.band,
        "difficulty_total": difficulty.total,
        "difficulty_band": difficulty.band,
        "assumed": assumed,
    }
    a, c, y = difficulty.added
    reason = book.text["quadrant"].format(
        name=name,
        formula=ideal.formula,
        ideal=ideal.shown,
        vband=book.value_labels[ideal.band],
        a=a,
        c=c,
        y=y,
        dt=difficulty.total,
        dband=book.difficulty_labels[difficulty.band],
        assumed=book.text["assumed"].format(dims=", ".join(assumed)) if assumed else "",
    )
    return result, reason


class Scored(TypedDict):
    """The fields of a `ScoredAccount`. The result validates every account's at once, which costs less than
    building each account's model."""

    name: str
    fit: int
    icp_fit: IcpFit
    tier: TierCode
    visible_pain: list[str]
    anti_signals: list[str]
    attributes: dict[str, AttributeResult]
    bant: dict[str, Any]
    quadrant: dict[str, Any]
    reasons: list[str]


def score_account(account: Account, icp: _Icp, book: _Book) -> Scored:
    locale = book.locale
    text = book.text
    attributes, details = _attributes(account, icp, book)
    points = sum(_POINTS[result] for result in attributes.values())
    n = len(attributes)
    fit = round(100 * points / n) if n else 0
    missed = "miss" in attributes.values()
    icp_fit: IcpFit = "full" if fit >= FULL_FIT_MIN and not missed else "partial" if fit >= PARTIAL_FIT_MIN else "none"
    # points are whole or half (see _POINTS) and at most 6, so `g` shows them as number() would: "4", "2.5"
    reasons = [text["fit"].format(fit=fit, points=f"{points:g}", n=n, fit_label=text[icp_fit]), *details]

    codes, drop_reasons, checks = _anti_signals(account, book)
    pains, other = _pains(account, book)
    tier: TierCode
    if codes:
        tier = "drop"
        drop_rule = book.territory.drop_rule.get(locale)
        reasons.append(text["drop_anti"].format(rule=drop_rule, signals="; ".join(drop_reasons)))
    elif icp_fit == "none":
        tier = "drop"
        reasons.append(text["drop_fit"].format(fit=fit, floor=PARTIAL_FIT_MIN))
    elif icp_fit == "full" and pains:
        tier = 1
        labels = [book.pain_labels[code] if code != "other" else str(other) for code in pains]
        reasons.append(text["tier1"].format(criteria=book.tier_criteria[1], pains="; ".join(labels)))
    elif icp_fit == "full":
        tier = 2
        reasons.append(book.tier_reasons[2])
    else:
        tier = 3
        reasons.append(book.tier_reasons[3])
    reasons += checks

    bant = _bant(account, book)
    label = book.priority_labels[bant["priority"]]
    reasons.append(text["bant"].format(total=bant["total"], max=bant["max"], label=label))
    quadrant, why = _quadrant(account, book)
    reasons.append(why)
    return {
        "name": account.name,
        "fit": fit,
        "icp_fit": icp_fit,
        "tier": tier,
        "visible_pain": pains,
        "anti_signals": codes,
        "attributes": attributes,
        "bant": bant,
        "quadrant": quadrant,
        "reasons": reasons,
    }


def territory_check(pairs: list[tuple[Account, Scored]], book: _Book) -> TerritoryResult:
    """Accounts per tier against the recommended ranges, the time split, and tier coverage (engaged / all)."""
    territory, locale, text = book.territory, book.locale, book.text
    loads: list[TierLoad] = []
    advice: list[str] = []
    tier1_ok: bool | None = None
    counts = Counter(scored["tier"] for _, scored in pairs)
    engaged_counts = Counter(scored["tier"] for account, scored in pairs if account.engaged)
    for plan in territory.tiers:
        if plan.tier == "new" or plan.accounts is None:
            continue
        count, engaged = counts[plan.tier], engaged_counts[plan.tier]
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
        dropped=counts["drop"],
        time_split={str(plan.tier): plan.time_pct for plan in territory.tiers},
        tier1_coverage_ok=tier1_ok,
        advice=advice,
    )


SCORED_ATTRIBUTES = ("industry", "geography", "growth_stage", "size_employees", "size_revenue", "tech_stack")
"""The ICP company attributes an account is scored against (each one the ICP defines is worth a point)."""


def score_accounts(inp: AccountsInput, locale: Locale) -> AccountsResult:
    book = _book(locale)
    if inp.icp is not None and not any(getattr(inp.icp.company, attr) for attr in SCORED_ATTRIBUTES):
        # every account would score 0 of 0 points and be dropped: a silent wrong answer, so say what is missing
        raise PlaybookInputError(
            "icp.company",
            f"defines none of {', '.join(SCORED_ATTRIBUTES)}; give at least one to score against, or leave icp out "
            "to use the playbook's ICP",
        )
    icp = _icp(inp.icp.company) if inp.icp is not None else _playbook_icp()
    pairs = [(account, score_account(account, icp, book)) for account in inp.accounts]
    present = {scored["quadrant"]["code"] for _, scored in pairs}
    return AccountsResult(
        locale=locale,
        accounts=[scored for _, scored in pairs],
        territory=territory_check(pairs, book),
        quadrants={code: strategy for code, strategy in book.strategies.items() if code in present},
        bant_priorities=book.bant_priorities,
        rules=book.rules,
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
        tier = "放弃" if zh and item.tier == "drop" else item.tier  # the word the zh drop reason uses
        rows.append(f"| {item.name} | {item.fit} | {tier} | {item.bant.total}/{item.bant.max} | {quadrant} |")
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
