"""Objection handling (the playbook's LAER section): recognise which library objection the buyer voiced, in
any wording, and answer it Listen → Acknowledge → Explore → Respond with the deal's own numbers.

Classification. Every library entry carries dozens of real paraphrases per language plus keywords
(knowledge/objection_library.yaml). An utterance is scored against each entry by:

- the best single paraphrase: the share of that paraphrase's informative terms (English word stems, Chinese
  character pairs, each weighted by how rare it is across the library) that the utterance contains; a very
  short paraphrase is weighed as if it had `MIN_PHRASE_WEIGHT` of content;
- the entry's vocabulary: the share of the utterance's informative terms found anywhere in the entry's
  paraphrases (so a new wording made of familiar parts still lands);
- keyword hits for the entry and, more lightly, for its category;
- two wording features: an amount of money (price) or a time to come (timing) adds a small bonus.

A match with no keyword hit at all needs `MIN_UNCUED_SCORE`.

The best entry wins if its score clears `MIN_SCORE`; below that the category is `other` and the library's
generic LAER answer is used. Confidence is the winner's share of the top two categories' scores, damped when
the winning score itself is weak. In a cold call or a deal context an entry that does not cover that context
is replaced by its `use_instead` entry ("we already have something" is a brush-off on a cold call, status quo
inside a deal).

Answer. The entry's templates are filled from the context: money in the deal's currency, derived numbers from
their formulas (cost of waiting until next quarter = 3 × the monthly cost of inaction), the rep's facts where
given, neutral defaults otherwise; `respond` falls back to its number-free version when a number is missing.
After `reverse_technique.min_times_objected` objections the reverse question is offered.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import compress, repeat
from typing import get_args

from .. import knowledge as kb
from ..schemas.common import Locale
from ..schemas.knowledge.base import Text
from ..schemas.knowledge.objections import (
    CallContext,
    LaerFramework,
    Objection,
    ObjectionAnswer,
    ObjectionCategory,
    ObjectionLibrary,
    ReverseTechnique,
    Template,
)
from ..schemas.objections import (
    Alternative,
    HandleObjectionInput,
    HandleObjectionResult,
    Laer,
    MatchedObjection,
    ObjectionContext,
    ReverseOption,
)
from .formatting import money, number, sentences
from .text_match import CueIndex, Prepared, prepare, stem

MIN_SCORE = 0.30
"""Below this score nothing in the library matches well enough: category `other`."""
MIN_UNCUED_SCORE = 0.40
"""A match with no keyword of its entry or category must score at least this much."""
STRONG_SCORE = 0.60
"""A score at which a match counts as fully convincing (confidence is damped below it)."""
MAX_ALTERNATIVES = 3

_EN_STOP = frozenset(
    """
    a an the i i'm i've i'd we we're we've we'd our us you your you're it it's its this that that's these those
    is are was were be been am do does did done to of in on at for with and or but so just really very quite me
    my mine he she they them their there here what which who how why when if then than as by from about not no
    can could would should will shall may might must have has had get got let let's like well yeah oh um uh
    okay ok right now any some all more most much one thing things kind sort bit little lot
    """.split()  # noqa: SIM905
)
_LATIN = re.compile(r"[a-z0-9']+")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ZH_STOP = frozenset("的了吧吗呢啊呀嘛哦")


@lru_cache(maxsize=65536)
def _term(word: str) -> str:
    """The informative term of an English word ('' for a stop word or a single letter)."""
    if word in _EN_STOP:
        return ""
    word = word.strip("'")
    return stem(word) if len(word) > 1 else ""


def terms(text: str) -> list[str]:
    """Informative terms: English word stems without stop words, Chinese character pairs without particles."""
    return _terms(prepare(text))


def _terms(prepared: Prepared) -> list[str]:
    folded = prepared.folded
    if folded.isascii():  # the prepared words are exactly `_LATIN`'s
        return [term for term in map(_term, prepared.words) if term]
    found = [term for term in map(_term, _LATIN.findall(folded)) if term]
    for run in _CJK_RUN.findall(folded):
        chars = "".join(ch for ch in run if ch not in _ZH_STOP) or run
        if len(chars) == 1:
            found.append(chars)
        found.extend(chars[i : i + 2] for i in range(len(chars) - 1))
    return found


@dataclass(frozen=True)
class _Model:
    objections: tuple[Objection, ...]
    ids: tuple[str, ...]
    index: dict[str, int]
    """id → objection index."""
    categories: tuple[ObjectionCategory, ...]
    idf: dict[str, float]
    postings: dict[str, tuple[int, ...]]
    """term → number of every paraphrase containing it (paraphrases numbered across the library)."""
    phrase_entry: tuple[int, ...]
    """paraphrase number → its objection's index."""
    phrase_scale: tuple[float, ...]
    """paraphrase number → its total idf weight, at least `MIN_PHRASE_WEIGHT`."""
    vocabulary: dict[str, tuple[int, ...]]
    """term → objection indexes whose paraphrases contain it."""
    cue_entries: tuple[tuple[str, str], ...]
    """Every objection keyword labelled 'objection:<id>' and category keyword 'objection_category:<code>'."""
    cues: CueIndex
    """The `cue_entries`."""
    zeros: tuple[float, ...]
    """A 0.0 per objection."""
    feature_bonus: tuple[float, ...]
    """Per objection, the most the wording features can add to its score."""
    members: dict[str, tuple[int, ...]]
    """category → its objections' indexes."""
    heard: dict[CallContext, tuple[bool, ...]]
    """Per call context, per objection: whether its score is ranked there (`routes` names an entry)."""
    routes: dict[CallContext, tuple[int | None, ...]]
    """Per call context, where each objection's score goes: its own index when it covers the context, its
    `use_instead` entry's index, or None (not heard in that context)."""


@cache
def _model() -> _Model:
    library = kb.get("objection_library", ObjectionLibrary)
    phrase_terms: list[list[frozenset[str]]] = []
    document_frequency: Counter[str] = Counter()
    for obj in library.objections:
        phrases = [frozenset(terms(p)) for p in (*obj.cues.phrases.en, *obj.cues.phrases.zh, *_canon(obj))]
        phrase_terms.append([p for p in phrases if p])
        document_frequency.update(frozenset().union(*phrases))
    count = len(library.objections)
    idf = {term: math.log(1 + count / df) for term, df in document_frequency.items()}
    postings: dict[str, list[int]] = {}
    vocabulary: dict[str, list[int]] = {}
    phrase_entry: list[int] = []
    phrase_scale: list[float] = []
    for e, phrases in enumerate(phrase_terms):
        for phrase in phrases:
            for term in phrase:
                postings.setdefault(term, []).append(len(phrase_entry))
            phrase_entry.append(e)
            phrase_scale.append(max(sum(idf[t] for t in phrase), MIN_PHRASE_WEIGHT))
        for term in frozenset().union(*phrases):
            vocabulary.setdefault(term, []).append(e)
    cue_entries = (
        *(
            (k, f"objection:{obj.id}")
            for obj in library.objections
            for k in (*obj.cues.keywords.en, *obj.cues.keywords.zh)
        ),
        *((k, f"objection_category:{c.code}") for c in library.categories for k in (*c.keywords.en, *c.keywords.zh)),
    )
    index = {obj.id: e for e, obj in enumerate(library.objections)}
    categories = dict.fromkeys(obj.category for obj in library.objections)
    routes = {
        context: tuple(
            e if context in obj.contexts else index.get(obj.use_instead.get(context, ""))
            for e, obj in enumerate(library.objections)
        )
        for context in get_args(CallContext)
    }
    return _Model(
        objections=tuple(library.objections),
        ids=tuple(obj.id for obj in library.objections),
        index=index,
        categories=tuple(obj.category for obj in library.objections),
        idf=idf,
        postings={t: tuple(v) for t, v in postings.items()},
        phrase_entry=tuple(phrase_entry),
        phrase_scale=tuple(phrase_scale),
        vocabulary={t: tuple(v) for t, v in vocabulary.items()},
        cue_entries=cue_entries,
        cues=CueIndex(cue_entries),
        zeros=(0.0,) * count,
        feature_bonus=tuple(
            FEATURE_BONUS if any(obj.category == c for c, _ in _FEATURES) else 0.0 for obj in library.objections
        ),
        members={c: tuple(e for e, obj in enumerate(library.objections) if obj.category == c) for c in categories},
        heard={context: tuple(route is not None for route in routes[context]) for context in routes},
        routes=routes,
    )


def _canon(obj: Objection) -> tuple[str, str]:
    return (obj.objection.en, obj.objection.zh)


@dataclass(frozen=True)
class Scored:
    objection: Objection
    score: float
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    category: ObjectionCategory
    best: Scored | None
    confidence: float
    ranked: tuple[Scored, ...]
    """Every entry's score, best first; empty when `classify` was asked for the verdict only."""


# Two wording features that hold for any paraphrase: an amount of money points to price, a time to come points
# to timing. Each adds a small bonus to every objection of its category (a tie-breaker, not a verdict). Each
# pattern opens with a look-ahead for the characters a match can start with, which lets the scan skip the rest.
_AMOUNT = re.compile(
    r"(?=[$€£¥\dtfsenh一二三四五六七八九十两百千])"
    r"(?:[$€£¥]\s?\d|\d[\d,.]*\s?(?:k\b|grand|thousand|million|bucks|dollars|usd|eur|rmb|%)"
    r"|\b(?:ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\s+(?:grand|thousand|k)\b"
    r"|[\d一二三四五六七八九十两百千]+\s?(?:万|千块|块钱|元|折))",
    re.IGNORECASE,
)
_LATER = re.compile(
    r"(?=[nialq下明年过一二三四五六两几半以之])"
    r"(?:\bnext\s+(?:week|month|quarter|year|spring|summer|fall|autumn|winter)\b"
    r"|\bin\s+the\s+(?:spring|summer|fall|autumn|winter|new year)\b|\bafter\s+(?:the\s+)?(?:new year|holidays|summer)"
    r"|\bin\s+(?:a few|a couple of|two|three|four|six|\d+)\s+(?:weeks|months)\b|\bq[1-4]\b|\blater this year\b"
    r"|下个?(?:月|季度|星期|周)|明年|年后|年底|过(?:几|一段|半)|[一二三四五六两几半]个月(?:后|以后)|(?:以后|之后)再)",
    re.IGNORECASE,
)
_FEATURES = (("price", _AMOUNT), ("timing", _LATER))
FEATURE_BONUS = 0.15


UNKNOWN_TERM_IDF = 1.5
"""Weight of an utterance term the library never uses (rarer than any library term)."""
MIN_PHRASE_WEIGHT = 4.0
"""A paraphrase with less informative content than this (one or two common terms, e.g. 'my number?') counts
as only partly matched even when all its terms are present."""


def cue_entries() -> tuple[tuple[str, str], ...]:
    """The keywords `classify` looks for: each objection's labelled 'objection:<id>', each category's
    'objection_category:<code>'. A caller that looks them up itself (with its own cues, in one `CueIndex`)
    passes the grouped hits to `classify_prepared`."""
    return _model().cue_entries


def classify(text: str, call_context: CallContext | None = None, *, ranked: bool = True) -> Classification:
    """Score `text` against every library objection (see the module docstring). With `ranked=False` only the
    verdict (category, best match, confidence) is worked out, not the ranked list of every entry."""
    prepared = prepare(text)
    return classify_prepared(text, prepared, _model().cues.grouped(prepared), call_context, ranked=ranked)


def classify_prepared(
    text: str,
    prepared: Prepared,
    hits: dict[str, list[tuple[str, str]]],
    call_context: CallContext | None = None,
    *,
    ranked: bool = True,
) -> Classification:
    """`classify` for a text already prepared and looked up: `hits` are `CueIndex.grouped` hits of (at least)
    the `cue_entries`."""
    return _verdict(text, _shared(prepared, hits), call_context, ranked)


def strong_objection(
    text: str, prepared: Prepared, hits: dict[str, list[tuple[str, str]]], call_context: CallContext, score: float
) -> Classification | None:
    """`classify_prepared`'s verdict (without the ranked list), or None when no entry can reach `score` even
    with the wording features' bonus: such a text is settled without looking for the features."""
    model = _model()
    shared = _shared(prepared, hits)
    # rounding keeps order, so the best rounded score is the best unrounded one rounded; the scores of the
    # entries heard in the context are the ones the verdict ranks
    possible = compress(_scores(shared, model.feature_bonus, rounded=False), model.heard[call_context])
    if round(max(possible, default=0.0), 4) < score:
        return None
    return _verdict(text, shared, call_context, ranked=False)


@dataclass(slots=True)
class _Shared:
    """What an utterance shares with the library: the score parts before the wording features."""

    keyword_hits: dict[str, list[str]]
    category_hits: dict[str, list[str]]
    best_phrase: list[float]
    """Per objection: the best paraphrase's matched share."""
    coverage: list[float]
    """Per objection: the share of the utterance's term weight its paraphrases hold."""
    keyword_part: list[float]
    category_part: list[float] | tuple[float, ...]


def _shared(prepared: Prepared, hits: dict[str, list[tuple[str, str]]]) -> _Shared:
    model = _model()
    utterance = set(_terms(prepared))
    keyword_hits: dict[str, list[str]] = {}
    for phrase, objection_id in hits.get("objection", ()):
        keyword_hits.setdefault(objection_id, []).append(phrase)
    category_hits: dict[str, list[str]] = {}
    for phrase, code in hits.get("objection_category", ()):
        category_hits.setdefault(code, []).append(phrase)
    idf = model.idf
    utterance_weight = sum(map(idf.get, utterance, repeat(UNKNOWN_TERM_IDF))) or 1.0

    count = len(model.objections)
    shared: dict[int, float] = {}
    covered = [0.0] * count
    for term in utterance:
        weight = idf.get(term)
        if weight is None:
            continue
        for paraphrase in model.postings[term]:
            shared[paraphrase] = shared.get(paraphrase, 0.0) + weight
        for e in model.vocabulary[term]:
            covered[e] += weight
    best_phrase = [0.0] * count
    phrase_entry, phrase_scale = model.phrase_entry, model.phrase_scale
    for paraphrase, weight in shared.items():
        e, share = phrase_entry[paraphrase], weight / phrase_scale[paraphrase]
        if share > best_phrase[e]:
            best_phrase[e] = share
    keyword_part = [0.0] * count
    for objection_id, phrases in keyword_hits.items():
        keyword_part[model.index[objection_id]] = min(0.3, 0.15 * len(phrases))
    category_part: list[float] | tuple[float, ...] = model.zeros
    if category_hits:
        category_part = [0.0] * count
        for code, phrases in category_hits.items():
            part = min(0.1, 0.05 * len(phrases))
            for e in model.members.get(code, ()):
                category_part[e] = part
    return _Shared(
        keyword_hits,
        category_hits,
        best_phrase,
        [cover / utterance_weight for cover in covered],
        keyword_part,
        category_part,
    )


def _scores(shared: _Shared, bonus: list[float] | tuple[float, ...], rounded: bool = True) -> list[float]:
    """score = 0.5 × best paraphrase + 0.3 × coverage + keyword part + category keyword part + feature bonus,
    rounded to 4 places"""
    scores = zip(shared.best_phrase, shared.coverage, shared.keyword_part, shared.category_part, bonus, strict=True)
    if not rounded:
        return [
            0.5 * phrase + 0.3 * coverage + keyword + category + feature
            for phrase, coverage, keyword, category, feature in scores
        ]
    return [
        round(0.5 * phrase + 0.3 * coverage + keyword + category + feature, 4)
        for phrase, coverage, keyword, category, feature in scores
    ]


def _verdict(text: str, shared: _Shared, call_context: CallContext | None, ranked: bool) -> Classification:
    model = _model()
    features: dict[str, str] = {}
    for category, pattern in _FEATURES:
        if found := pattern.search(text):
            features[category] = found.group(0)
    bonus = [FEATURE_BONUS if c in features else 0.0 for c in model.categories] if features else model.zeros
    scores = _scores(shared, bonus)

    def cues(e: int) -> tuple[str, ...]:
        category = model.categories[e]
        feature = features.get(category)
        return (
            *shared.keyword_hits.get(model.ids[e], ()),
            *shared.category_hits.get(category, ()),
            *([feature] if feature else ()),
        )

    # where each score ends up (the objection it is reported as) and whose cues it carries
    final: dict[int, float] = {}
    source: dict[int, int] = {}
    if call_context is None:
        final = dict(enumerate(scores))
        source = {e: e for e in final}
    else:
        _apply_context(scores, model.routes[call_context], final, source)
    if not final:
        return Classification("other", None, 1.0, ())
    top = max(final.values())
    winner = min((model.ids[e], e) for e, score in final.items() if score == top)[1]
    ranking: tuple[Scored, ...] = ()
    if ranked:
        order = sorted(final, key=lambda e: (-final[e], model.ids[e]))
        ranking = tuple(Scored(model.objections[e], final[e], cues(source[e])) for e in order)
    best = Scored(model.objections[winner], top, cues(source[winner])) if top >= MIN_SCORE else None
    if best is not None and not best.cues and best.score < MIN_UNCUED_SCORE:
        best = None  # a loose resemblance without a single keyword is not evidence enough
    if best is None:
        confidence = round(max(0.0, min(1.0, 1 - top / STRONG_SCORE)), 2)
        return Classification("other", None, confidence, ranking)
    category = best.objection.category
    runner_up = max((score for e, score in final.items() if model.categories[e] != category), default=0.0)
    separation = best.score / (best.score + runner_up) if best.score + runner_up else 1.0
    strength = min(1.0, best.score / STRONG_SCORE)
    confidence = round(max(0.0, min(1.0, separation * strength)), 2)
    return Classification(category, best, confidence, ranking)


def _apply_context(
    scores: list[float], routes: tuple[int | None, ...], final: dict[int, float], source: dict[int, int]
) -> None:
    """Entries that do not cover the call context hand their score to their `use_instead` entry (when it
    scores lower); entries with neither are dropped."""
    for e, target in enumerate(routes):
        if target is None:
            continue  # not heard in this context at all
        score = scores[e]
        current = final.get(target, scores[target] if target != e else None)
        if current is None or current < score:
            final[target] = score
            source[target] = e


# ------------------------------------------------------------------------------------------- the answer

_COST_OF_WAITING = Template(
    en="Waiting has a price too: about {cost_of_inaction_per_month} a month, "
    "so {cost_by_next_quarter} by next quarter.",
    zh="等待同样有代价：每个月大约{cost_of_inaction_per_month}，拖到下个季度就是{cost_by_next_quarter}。",
)
_NUMBER_LINES = {
    "cost_by_next_quarter": Text(
        en="Cost of waiting until next quarter = {x} per month × 3 = {v}",
        zh="拖到下个季度的代价 = 每月 {x} × 3 = {v}",
    ),
    "cost_over_12_months": Text(
        en="Cost of inaction over 12 months = {x} per month × 12 = {v}",
        zh="十二个月的不作为成本 = 每月 {x} × 12 = {v}",
    ),
}


def placeholder_values(context: ObjectionContext | None, locale: Locale) -> tuple[dict[str, str], list[str]]:
    """Values for the library's placeholders from the context (None where unknown), and the number lines."""
    library = kb.get("objection_library", ObjectionLibrary)
    ctx = context or ObjectionContext()
    currency = ctx.currency
    raw: dict[str, float | str | None] = {
        "cost_of_inaction_per_month": ctx.cost_of_inaction_per_month,
        "deal_value": ctx.deal_value,
        "competitor": ctx.competitor,
        "problem": ctx.problem,
        "similar_company": ctx.similar_company,
        "result": ctx.result,
    }
    values: dict[str, str] = {}
    numbers: list[str] = []
    for spec in library.placeholders:
        given = raw.get(spec.name)
        if spec.source == "derived" and spec.derived_from and spec.factor:
            base = raw.get(spec.derived_from)
            if isinstance(base, int | float):
                derived = base * spec.factor
                values[spec.name] = money(derived, currency) if spec.money else number(derived)
                line = _NUMBER_LINES.get(spec.name)
                if line is not None:
                    numbers.append(line.get(locale).format(x=money(base, currency), v=values[spec.name]))
            continue
        if spec.source == "constant" and spec.value is not None:
            values[spec.name] = number(spec.value)
        elif isinstance(given, int | float) and not isinstance(given, bool):
            values[spec.name] = money(given, currency) if spec.money else number(given)
        elif isinstance(given, str) and given:
            values[spec.name] = given
        elif spec.default is not None:
            values[spec.name] = spec.default.get(locale)
    return values, numbers


def fill(template: Template, values: dict[str, str], locale: Locale) -> str | None:
    """The template filled, or None when one of its placeholders has no value."""
    if not template.placeholders <= values.keys():
        return None
    return template.get(locale).format_map(values)


def answer_text(answer: ObjectionAnswer, values: dict[str, str], locale: Locale) -> str:
    """The respond step, with its number-free fallback when a number is missing."""
    text = fill(answer.respond, values, locale)
    if text is None and answer.respond_fallback is not None:
        text = fill(answer.respond_fallback, values, locale)
    return text or answer.respond.get(locale)


def handle_objection(inp: HandleObjectionInput, locale: Locale) -> HandleObjectionResult:
    library = kb.get("objection_library", ObjectionLibrary)
    laer = kb.get("laer", LaerFramework)
    reverse = kb.get("reverse_technique", ReverseTechnique)
    ctx = inp.context or ObjectionContext()
    result = classify(inp.objection, ctx.call_context)
    values, numbers = placeholder_values(ctx, locale)

    answer: ObjectionAnswer = result.best.objection if result.best else library.fallback
    listen = sentences((laer.step("listen").what_to_do.get(locale), answer.listen_for.get(locale)), locale)
    acknowledge = fill(answer.acknowledge, values, locale) or answer.acknowledge.get(locale)
    explore = fill(answer.explore, values, locale) or answer.explore.get(locale)
    respond = fill(answer.respond, values, locale)
    used = answer.respond.placeholders if respond is not None else set()
    if respond is None:
        respond = answer_text(answer, values, locale)
        used = answer.respond_fallback.placeholders if answer.respond_fallback is not None else set()
    if ctx.cost_of_inaction_per_month is not None and "cost_by_next_quarter" not in used:
        respond = sentences((respond, fill(_COST_OF_WAITING, values, locale) or ""), locale)
    follow_ups = [q for q in (fill(t, values, locale) for t in answer.follow_up_questions) if q]

    never = next(move for move in laer.avoid if move.code == laer.never_say)
    avoid = [item.get(locale) for item in answer.avoid]
    avoid.append(f"{never.label.get(locale)}: {never.why.get(locale)}")

    reverse_option = None
    if ctx.times_objected is not None and ctx.times_objected >= reverse.min_times_objected:
        reverse_option = ReverseOption(
            script=reverse.script.get(locale),
            when=reverse.when_to_use.get(locale),
            delivery=[item.get(locale) for item in reverse.delivery],
        )

    alternatives = _alternatives(result, locale)
    matched = None
    if result.best is not None:
        obj = result.best.objection
        matched = MatchedObjection(
            id=obj.id, objection=obj.objection.get(locale), real_meaning=obj.real_meaning.get(locale)
        )
    return HandleObjectionResult(
        locale=locale,
        category=result.category,
        matched=matched,
        confidence=result.confidence,
        alternatives=alternatives,
        laer=Laer(listen=listen, acknowledge=acknowledge, explore=explore, respond=respond),
        follow_up_questions=follow_ups,
        avoid=avoid,
        reverse_option=reverse_option,
        numbers=numbers,
        matched_cues=list(result.best.cues) if result.best else [],
        call_context=ctx.call_context,
    )


def _alternatives(result: Classification, locale: Locale) -> list[Alternative]:
    best_id = result.best.objection.id if result.best else None
    total = sum(s.score for s in result.ranked[: MAX_ALTERNATIVES + 1]) or 1.0
    alternatives = []
    for item in result.ranked:
        if item.objection.id == best_id or item.score < MIN_SCORE / 2:
            continue
        alternatives.append(
            Alternative(
                id=item.objection.id,
                category=item.objection.category,
                objection=item.objection.objection.get(locale),
                confidence=round(item.score / total, 2),
            )
        )
        if len(alternatives) == MAX_ALTERNATIVES:
            break
    return alternatives


# ------------------------------------------------------------------------------------------------ markdown

_LABELS = {
    "en": {
        "title": "Objection",
        "category": "Category",
        "confidence": "confidence",
        "meaning": "What it usually means",
        "numbers": "Numbers",
        "follow": "Follow-up questions",
        "avoid": "Avoid",
        "reverse": "Reverse option",
        "other": "no library objection matched; generic LAER answer",
        "steps": ("Listen", "Acknowledge", "Explore", "Respond"),
    },
    "zh": {
        "title": "异议",
        "category": "类别",
        "confidence": "置信度",
        "meaning": "真实含义",
        "numbers": "数字",
        "follow": "追问",
        "avoid": "避免",
        "reverse": "反向提问",
        "other": "未匹配到异议库条目；使用通用 LAER 回答",
        "steps": ("倾听", "认同", "探询", "回应"),
    },
}


def category_text(category: ObjectionCategory, locale: Locale) -> str:
    """An objection category in rendered text: the library's label in Chinese ('价格'), the code in English."""
    if locale != "zh":
        return category
    return next(c.label.zh for c in kb.get("objection_library", ObjectionLibrary).categories if c.code == category)


def handle_objection_markdown(result: HandleObjectionResult) -> str:
    labels = _LABELS[result.locale]
    lines = [f"### {labels['title']}: {result.matched.objection if result.matched else labels['other']}"]
    category = category_text(result.category, result.locale)
    if result.locale != "zh":
        category = f"`{category}`"
    lines.append(f"{labels['category']}: {category} ({labels['confidence']} {result.confidence:.2f})")
    if result.matched:
        lines.append(f"{labels['meaning']}: {result.matched.real_meaning}")
    steps = labels["steps"]
    for name, text in zip(
        steps, (result.laer.listen, result.laer.acknowledge, result.laer.explore, result.laer.respond), strict=True
    ):
        lines.append(f"- **{name}**: {text}")
    if result.numbers:
        lines.append(f"{labels['numbers']}: " + "; ".join(result.numbers))
    if result.follow_up_questions:
        lines.append(f"{labels['follow']}: " + " / ".join(result.follow_up_questions))
    lines.append(f"{labels['avoid']}: " + " / ".join(result.avoid))
    if result.reverse_option:
        lines.append(f"{labels['reverse']}: {result.reverse_option.script}")
    return "\n".join(lines)
