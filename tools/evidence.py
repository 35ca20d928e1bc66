"""Evidence inference: which qualification elements a deal's notes and contacts give evidence for.

The rubric (knowledge/meddpicc.yaml, bant.yaml) lists, per element, cue phrases in English and Chinese and the
contact roles that count as evidence, plus the negation cues. Inference is deliberately conservative, because a
false "we know the economic buyer" is worse than an honest "unknown":

1. Notes are cut into clauses at sentence punctuation, commas and contrastive words ("but", "但是"), so that
   "we have not met the CFO, but the VP signed off" yields two clauses judged separately.
2. A cue phrase found in a clause counts only if the clause has no negation cue ("not", "还没", "尚未"…) once the
   phrase itself and a few idioms that merely look negative ("no later than", "不错", "未来") are masked, and no
   hedge ("maybe", "if", "可能", "如果"…) and is not a question. A negated or hedged mention proves nothing.
3. A contact whose role the rubric lists counts (only engaged contacts where the rubric says so), and for the
   competition element a named competitor on the deal counts.
4. Evidence the rep wrote for an element without a score counts, unless it is negated or hedged.

Evidence only ever lifts an unknown element to 2 (partial); `qualify_deal` enforces the cap. Every piece of
evidence carries the quote it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ..schemas.deal import Contact, Deal, ElementScore
from ..schemas.knowledge.base import Terms
from ..schemas.knowledge.qualification import EvidenceCues

EvidenceKind = Literal["notes", "contact", "deal_field", "rep_evidence"]

MAX_QUOTE = 160

# Clause boundaries: sentence ends, commas, semicolons, line breaks and contrastive conjunctions.
_CLAUSE_SPLIT = re.compile(
    r"[.!?;\n\r。！？；，,]+|\s+(?:but|however|although|though|whereas)\s+|但是|但|不过|可是|然而",
    re.IGNORECASE,
)
# A question mark keeps its clause: questions are asked, not known.
_QUESTION_SPLIT = re.compile(r"(?<=[?？])")

# Hedges: a conditional or a guess is not evidence.
HEDGES_EN = (
    "maybe",
    "might",
    "perhaps",
    "possibly",
    "probably",
    "hopefully",
    "if",
    "whether",
    "unless",
    "assume",
    "assuming",
    "guess",
    "need to find out",
    "need to confirm",
    "to be confirmed",
    "do they have",
    "does he have",
    "does she have",
)
HEDGES_ZH = ("可能", "也许", "或许", "如果", "假如", "要是", "是否", "需要确认", "有没有", "是不是", "估计", "大概率")

# Phrases that contain a negation cue without negating anything.
NOT_NEGATIONS_EN = (
    "no later than",
    "not only",
    "no doubt",
    "without a doubt",
    "no-brainer",
    "no brainer",
    "nothing but",
    "not just",
)
NOT_NEGATIONS_ZH = (
    "不错",
    "不仅",
    "不但",
    "不断",
    "不少",
    "不久",
    "不得不",
    "不管",
    "无论",
    "毫无疑问",
    "未来",
    "差不多",
    "不用说",
)

_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
# Negative forms the knowledge list does not spell out one by one: contractions (isn't, wasn't, couldn't),
# "cannot", "nothing", "neither/nor", refusals; and the Chinese refusal 拒绝.
_CONTRACTED_NEGATION = re.compile(
    r"[A-Za-z]n['’]t(?![A-Za-z])"
    r"|(?<![A-Za-z])(?:cannot|nothing|neither|nor|refused|refuses|declined|declines)(?![A-Za-z])"
    r"|拒绝",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for an element, with the text it was found in."""

    element: str
    kind: EvidenceKind
    cue: str
    quote: str


@cache
def _bounded(term: str) -> re.Pattern[str]:
    """A case-insensitive pattern for `term`; ASCII ends must sit on word boundaries ('ROI' not in 'heroic')."""
    prefix = r"(?<![A-Za-z0-9])" if _ASCII_WORD.match(term[0]) else ""
    suffix = r"(?![A-Za-z0-9])" if _ASCII_WORD.match(term[-1]) else ""
    body = re.escape(term).replace(r"\ ", r"\s+")
    return re.compile(prefix + body + suffix, re.IGNORECASE)


# Characters outside ASCII that a case-insensitive ASCII letter or digit also matches (the Kelvin sign K, the
# long s ſ, the dotted İ and dotless ı...): text without them compares with ASCII cues by lower-casing.
_ASCII_LOOKALIKE = re.compile(r"(?!(?-i:[\x00-\x7f]))[a-z0-9]", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class _Probe:
    """A clause prepared for many cue look-ups: its lower-case ASCII words, when that comparison is exact."""

    text: str
    ascii: bool
    tokens: frozenset[str] | None
    """None when the text holds an ASCII look-alike: every cue is then searched for with its pattern."""

    @classmethod
    def of(cls, text: str) -> _Probe:
        if text.isascii():
            return cls(text, True, frozenset(_TOKEN.findall(text.lower())))
        if _ASCII_LOOKALIKE.search(text):
            return cls(text, False, None)
        return cls(text, False, frozenset(_TOKEN.findall(text.lower())))


@dataclass(frozen=True)
class CueSet:
    """Cue phrases in a fixed order (`cue_set` puts the longest first), indexed so that a text is searched only
    for the phrases it can hold; the patterns still decide.

    An ASCII phrase's pattern only matches where each of its words (runs of letters and digits) stands whole in
    the text, both ends sitting on a space, a punctuation mark or the phrase's word boundary; so each ASCII
    phrase is filed under its longest word, and a text is searched for a phrase only when it has all of the
    phrase's words. A phrase whose characters have no case (Chinese) only matches where its space-separated
    pieces appear exactly as written. A text with an ASCII look-alike is searched for every phrase.
    """

    terms: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    by_token: dict[str, tuple[int, ...]]
    vocabulary: frozenset[str]
    """The words phrases are filed under."""
    words: tuple[frozenset[str], ...]
    """Per ASCII phrase, its words; empty for the other phrases."""
    others: tuple[int, ...]
    """The phrases not filed under a word that an ASCII text can match: tried on every text."""
    foreign: tuple[int, ...]
    """The phrases with a character outside ASCII that has no case: tried on texts that are not pure ASCII."""
    literal: tuple[tuple[str, ...] | None, ...]
    """Per phrase whose characters have no case: the space-separated pieces it must contain; else None."""

    @classmethod
    def of(cls, terms: tuple[str, ...]) -> CueSet:
        by_token: dict[str, list[int]] = {}
        words: list[frozenset[str]] = []
        literal: list[tuple[str, ...] | None] = []
        others: list[int] = []
        foreign: list[int] = []
        for index, term in enumerate(terms):
            tokens = _TOKEN.findall(term.lower()) if term.isascii() else []
            words.append(frozenset(tokens))
            caseless = [char == char.lower() == char.upper() for char in term]
            literal.append(tuple(term.split(" ")) if all(caseless) else None)
            if tokens:
                by_token.setdefault(max(tokens, key=len), []).append(index)
            elif any(has_no_case and not char.isascii() for char, has_no_case in zip(term, caseless, strict=True)):
                foreign.append(index)
            else:
                others.append(index)
        return cls(
            terms,
            tuple(_bounded(term) for term in terms),
            {token: tuple(indices) for token, indices in by_token.items()},
            frozenset(by_token),
            tuple(words),
            tuple(others),
            tuple(foreign),
            tuple(literal),
        )

    def first(self, probe: _Probe, start: int = 0) -> tuple[int, re.Match[str]] | None:
        """The first phrase (in the set's order, from `start`) found in the text: its index and match."""
        if probe.tokens is None:
            candidates: Iterable[int] = range(start, len(self.terms))
        else:
            tokens = probe.tokens
            if self.vocabulary.isdisjoint(tokens) and not self.others and (probe.ascii or not self.foreign):
                return None  # the common case: no phrase can be in this text
            found = [i for token in self.vocabulary & tokens for i in self.by_token[token] if self.words[i] <= tokens]
            found += self.others
            if not probe.ascii:
                found += self.foreign
            if not found:
                return None
            candidates = sorted(i for i in found if i >= start)
        for index in candidates:
            pieces = self.literal[index]
            if pieces is not None and not all(piece in probe.text for piece in pieces):
                continue
            match = self.patterns[index].search(probe.text)
            if match is not None:
                return index, match
        return None


@cache
def cue_set(phrases: tuple[str, ...]) -> CueSet:
    """The phrases prepared for `find_cues`, longest first so that the more specific phrase is the one quoted."""
    return CueSet.of(tuple(sorted(set(phrases), key=lambda t: (-len(t), t))))


def terms(cues: Terms) -> tuple[str, ...]:
    """Both languages' cue phrases (notes mix languages, so every cue is looked for whatever the locale)."""
    return (*cues.en, *cues.zh)


def clauses(text: str) -> list[str]:
    """Cut free text into short clauses (see the module doc); empty pieces are dropped."""
    pieces: list[str] = []
    for sentence in _QUESTION_SPLIT.split(text):
        # keep a trailing question mark attached to the last clause of a question
        question = sentence.rstrip().endswith(("?", "？"))
        parts = [p.strip() for p in _CLAUSE_SPLIT.split(sentence) if p and p.strip()]
        if question and parts:
            parts[-1] = parts[-1] + "?"
        pieces.extend(parts)
    return pieces


_SENTENCE_END = re.compile(r"(?<=[.!?;。！？；])\s*|[\n\r]+")


def sentences(text: str) -> list[str]:
    """Cut free text into sentences only (for cues that themselves span a comma)."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _mask(clause: str, spans: Iterable[tuple[int, int]]) -> str:
    for start, end in spans:
        clause = clause[:start] + " " * (end - start) + clause[end:]
    return clause


_IDIOMS = CueSet.of((*NOT_NEGATIONS_EN, *NOT_NEGATIONS_ZH))
_HEDGES = cue_set((*HEDGES_EN, *HEDGES_ZH))


def _without_idioms(text: str) -> _Probe:
    """The text with each idiom in turn blanked out, prepared for cue look-ups."""
    probe = _Probe.of(text)
    start = 0
    while (hit := _IDIOMS.first(probe, start)) is not None:
        index, _match = hit
        probe = _Probe.of(_IDIOMS.patterns[index].sub(" ", probe.text))
        start = index + 1
    return probe


def is_negated_or_hedged(
    clause: str,
    negations: Sequence[str],
    mask: Iterable[tuple[int, int]] = (),
    *,
    statements_only: bool = True,
) -> bool:
    """True when the clause (with the matched cue masked out) denies, doubts or asks rather than states.

    With `statements_only=False` (buying signals, which are often the buyer's questions) questions and hedges
    are accepted and only negation disqualifies.
    """
    if statements_only and clause.rstrip().endswith(("?", "？")):
        return True
    probe = _without_idioms(_mask(clause, mask))
    if _CONTRACTED_NEGATION.search(probe.text):
        return True
    if cue_set(tuple(negations)).first(probe) is not None:
        return True
    return statements_only and _HEDGES.first(probe) is not None


def _quote(clause: str) -> str:
    clause = " ".join(clause.split())
    return clause if len(clause) <= MAX_QUOTE else clause[: MAX_QUOTE - 1] + "…"


class Passage:
    """A text cut once into clauses (and sentences), each prepared for cue look-ups: the same notes are searched
    for many cue lists."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._clauses: list[_Probe] | None = None
        self._sentences: list[_Probe] | None = None

    def clauses(self) -> list[_Probe]:
        if self._clauses is None:
            self._clauses = [_Probe.of(clause) for clause in clauses(self.text)]
        return self._clauses

    def sentences(self) -> list[_Probe]:
        if self._sentences is None:
            self._sentences = [_Probe.of(sentence) for sentence in sentences(self.text)]
        return self._sentences


def find_cues(
    text: str | Passage,
    phrases: Sequence[str] | CueSet,
    negations: Sequence[str],
    *,
    statements_only: bool = True,
    whole_sentences: bool = False,
) -> list[tuple[str, str]]:
    """(phrase, clause) for every clause of `text` that states one of `phrases` without negation or hedge.

    One hit per clause (the longest phrase); the order is the order of the text. `whole_sentences` judges whole
    sentences instead of clauses (for long cue phrases that contain a comma).
    """
    passage = text if isinstance(text, Passage) else Passage(text)
    cues = phrases if isinstance(phrases, CueSet) else cue_set(tuple(phrases))
    found: list[tuple[str, str]] = []
    for probe in passage.sentences() if whole_sentences else passage.clauses():
        hit = cues.first(probe)
        if hit is None:
            continue
        index, match = hit
        if not is_negated_or_hedged(probe.text, negations, [match.span()], statements_only=statements_only):
            found.append((cues.terms[index], _quote(probe.text)))
    return found


def _contact_quote(contact: Contact, locale: str) -> str:
    title = f", {contact.title}" if contact.title else ""
    if locale == "zh":
        engaged = "，已参与" if contact.engaged else "，未参与"
        return f"联系人：{contact.name}{title}（角色 {contact.role}{engaged}）"
    engaged = ", engaged" if contact.engaged else ", not engaged"
    return f"contact: {contact.name}{title} (role {contact.role}{engaged})"


def infer_element(
    key: str,
    cues: EvidenceCues,
    negations: Terms,
    deal: Deal,
    given: ElementScore | None,
    locale: str,
    notes: Passage | None = None,
) -> list[Evidence]:
    """All evidence for one element of `deal` (empty when there is none); `notes` is the deal's notes, cut once
    for all the elements."""
    negation_terms = terms(negations)
    found: list[Evidence] = []
    if given is not None and given.evidence:
        text = given.evidence
        if not any(is_negated_or_hedged(clause, negation_terms) for clause in clauses(text)):
            found.append(Evidence(key, "rep_evidence", "evidence", _quote(text)))
    for role in cues.contact_roles:
        for contact in deal.contacts:
            if contact.role == role and (contact.engaged or not cues.engaged_contacts_only):
                found.append(Evidence(key, "contact", role, _contact_quote(contact, locale)))
    if key == "competition" and deal.competitors:
        label = "竞争对手" if locale == "zh" else "competitors"
        found.append(Evidence(key, "deal_field", "competitors", f"{label}: {', '.join(deal.competitors)}"))
    for phrase, clause in find_cues(deal.notes if notes is None else notes, terms(cues.phrases), negation_terms):
        found.append(Evidence(key, "notes", phrase, clause))
    return found
