"""Call coaching (the playbook's discovery call, demo and LAER sections, measured): exact talk metrics from a
transcript, what the buyer revealed (buying signals, objections, MEDDPICC evidence), whether the call ended with
a dated next step, the rep's question mix, and a 0–100 score whose breakdown names each rule.

Counting rules (CONTRACT.md `coach_call`):

- a word is a run of Latin letters/digits/apostrophes; each CJK character is one word (`text_match.WORD`);
- `rep_talk_ratio` = rep words / all words; `share` = a speaker's words / all words;
- a question is a sentence ending in ? or ？; `turns` counts conversational turns (consecutive cues or lines of
  one speaker are one turn);
- a monologue merges consecutive turns of one speaker; a turn by another speaker that is only a backchannel
  (at most `backchannel_max_words` words, all from knowledge/call_targets `backchannels`, e.g. yeah, mm-hmm,
  right, 嗯, 对, 好的) does not break it, and its words still count for its speaker. Monologue seconds run from
  the first turn's start to the last turn's end when the transcript has times;
- `talk_time_ratio` = rep speaking time / all speaking time from cue times (WebVTT/SRT start→end; for formats
  with start stamps only, a turn lasts until the next turn starts and the last turn is left out);
- `interactivity` = speaker switches per minute of call;
- `filler_words` counts the filler list in the rep's turns (backchannel turns excluded).

Buying signals and objections are looked for in the prospect's sentences only, MEDDPICC evidence in the
prospect's sentences (negated sentences are skipped except for pain), the question mix in the rep's questions.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from pydantic import TypeAdapter

from .. import knowledge as kb
from ..schemas.coaching import (
    MAX_TIMELINE,
    Benchmark,
    CallMetrics,
    CoachCallInput,
    CoachCallResult,
    Coaching,
    MonologueSpan,
    NextStep,
    NotComputed,
    ObjectionFound,
    QuestionMix,
    ScoreLine,
    SideInference,
    SignalFound,
    SpeakerStats,
    TalkSegment,
    Targets,
)
from ..schemas.common import Locale
from ..schemas.knowledge.base import Terms
from ..schemas.knowledge.closing import BuyingSignals
from ..schemas.knowledge.coaching import SCORE_RULES, CallCoaching, CallTargets, CallType, ScoreRuleCode
from ..schemas.knowledge.discovery import SpinMethod
from ..schemas.knowledge.objections import CallContext
from ..schemas.knowledge.prospecting import EmailTemplates
from ..schemas.knowledge.qualification import MEDDPICC_ORDER, MeddpiccKey, MeddpiccRubric
from .errors import PlaybookInputError
from .objections import Classification, answer_text, category_text, cue_entries, placeholder_values, strong_objection
from .text_match import WORD, CueIndex, Prepared, count_questions, normalise, prepare, prepare_all, sentences
from .transcript import Side, Transcript, Turn, assign_sides, read_transcript

MAX_QUOTES_PER_ELEMENT = 3
MAX_FOUND = 10
QUOTE_CHARS = 240
MAX_OBJECTION_CANDIDATES = 400
"""At most this many distinct buyer clauses are run through the objection classifier per call (a 90-minute call
has a few dozen); past it the search stops and the result says so."""
MIN_OBJECTION_SCORE = 0.60
MIN_OBJECTION_CONFIDENCE = 0.60
"""An objection in a transcript needs a clear match (a keyword hit, this score and this confidence), since most
of a buyer's sentences are not objections."""


def _quote(text: str) -> str:
    text = text.strip()
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


# --------------------------------------------------------------------------------------------- knowledge


@dataclass(frozen=True)
class _Lexicon:
    backchannel_en: frozenset[str]
    backchannel_zh: tuple[str, ...]
    filler_en: re.Pattern[str]
    filler_zh: re.Pattern[str] | None
    date_patterns: tuple[re.Pattern[str], ...]
    buyer_cues: CueIndex
    """The cues a buyer's sentence is searched for, labelled 'kind:code': next (commitment), vague, date,
    signal, objection and objection_category (library keywords), evidence (MEDDPICC), negation."""
    question_cues: CueIndex
    """The cues a rep's question is searched for: next, vague, date and spin (question types)."""
    next_step_cues: CueIndex
    """The cues a rep's statement is searched for: next, vague, date."""
    objection_cues: CueIndex
    """The cues a clause of a buyer's sentence is searched for: objection, objection_category."""
    spin_order: tuple[str, ...]


@cache
def _lexicon() -> _Lexicon:
    coaching = kb.get("call_targets", CallCoaching)
    emails = kb.get("email_templates", EmailTemplates).guidance
    signals = kb.get("buying_signals", BuyingSignals)
    meddpicc = kb.get("meddpicc", MeddpiccRubric)
    spin = kb.get("spin", SpinMethod)

    def alternation(words: list[str]) -> str:
        return "|".join(re.escape(w.casefold()).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))

    def both(terms: Terms) -> list[str]:
        return [*terms.en, *terms.zh]

    entries: list[tuple[str, str]] = []
    entries += [(c, "next:") for c in both(coaching.next_step_cues)]
    entries += [(c, "vague:") for c in both(emails.vague_next_step_cues)]
    entries += [(c, "date:") for c in (*both(emails.specific_next_step_cues), *both(coaching.relative_date_cues))]
    entries += [(c, f"signal:{s.code}") for s in signals.signals if "transcript" in s.detect_from for c in both(s.cues)]
    entries += cue_entries()  # the objection and objection-category keywords, as `classify` looks for them
    entries += [
        (phrase, f"evidence:{element.key}")
        for element in meddpicc.elements
        if element.evidence is not None
        for phrase in both(element.evidence.phrases)
    ]
    entries += [(c, "negation:") for c in both(meddpicc.negation_cues)]
    entries += [(c, f"spin:{stage.code}") for stage in spin.stages for c in both(stage.question_cues)]
    entries += [(c, "spin:process") for c in both(spin.process_bucket.question_cues)]
    zh_fillers = coaching.filler_words.zh
    return _Lexicon(
        backchannel_en=frozenset(normalise(w) for w in coaching.backchannels.en),
        backchannel_zh=tuple(sorted(coaching.backchannels.zh, key=len, reverse=True)),
        filler_en=re.compile(rf"(?<![a-z0-9'])(?:{alternation(coaching.filler_words.en)})(?![a-z0-9'])"),
        filler_zh=re.compile(alternation(zh_fillers)) if zh_fillers else None,
        date_patterns=tuple(re.compile(p, re.IGNORECASE) for p in emails.specific_next_step_patterns),
        buyer_cues=CueIndex(e for e in entries if not e[1].startswith("spin:")),
        question_cues=CueIndex(e for e in entries if e[1].split(":")[0] in ("next", "vague", "date", "spin")),
        next_step_cues=CueIndex(e for e in entries if e[1].split(":")[0] in ("next", "vague", "date")),
        objection_cues=CueIndex(cue_entries()),
        spin_order=tuple(spin.tie_break_order),
    )


# ---------------------------------------------------------------------------------------------- counting


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_NOT_LATIN_WORD = re.compile(r"[^a-z0-9'\u00c0-\u024f\- ]+")


def is_backchannel(text: str, max_words: int | None = None, words: int | None = None) -> bool:
    """A turn that is only listening noises: at most `max_words` words, every one from the backchannel list."""
    count = words if words is not None else len(WORD.findall(text))
    if not count:
        return False
    limit = max_words if max_words is not None else kb.get("call_targets", CallCoaching).backchannel_max_words
    if count > limit:
        return False
    lexicon = _lexicon()
    folded = normalise(text)
    latin = _NOT_LATIN_WORD.sub(" ", _CJK_CHAR.sub(" ", folded))
    latin_words = latin.split()
    # greedy: multi-word entries ('got it', 'mm-hmm') first
    i = 0
    while i < len(latin_words):
        two = " ".join(latin_words[i : i + 2])
        if len(latin_words) > i + 1 and two in lexicon.backchannel_en:
            i += 2
        elif latin_words[i].strip("-") in lexicon.backchannel_en or latin_words[i] in lexicon.backchannel_en:
            i += 1
        else:
            return False
    cjk = "".join(_CJK_CHAR.findall(folded))
    while cjk:
        entry = next((e for e in lexicon.backchannel_zh if cjk.startswith(e)), None)
        if entry is None:
            return False
        cjk = cjk[len(entry) :]
    return True


_WORD_BYTES = bytes(ord("w") if WORD.fullmatch(chr(i)) else ord(" ") for i in range(128)) + b" " * 128
"""A byte table that turns ASCII text into 'w' for each character `WORD` counts as a word character, else ' '."""


def _count_words(text: str) -> int:
    """`len(WORD.findall(text))`; for ASCII text, the runs of word characters counted without building them."""
    if text.isascii():
        mask = text.encode("ascii").translate(_WORD_BYTES)
        return mask.count(b" w") + mask.startswith(b"w")
    return len(WORD.findall(text))


@dataclass
class _Speeches:
    """The call's conversational turns (consecutive cues/lines of one speaker merged), as columns: item i of each
    list describes turn i. Consecutive turns always have different speakers."""

    turns: list[Turn]
    first: list[int]
    """Index in `turns` of each conversational turn's first cue/line (and len(turns) at the end)."""
    speaker: list[str]
    text: list[str]
    start: list[float | None]
    end: list[float | None]
    words: list[int]
    questions: list[int]
    backchannel: list[bool]

    def __len__(self) -> int:
        return len(self.speaker)

    def same(self, i: int, j: int) -> bool:
        """Turns i and j are the same words by the same speaker at the same times."""
        return self.turns[self.first[i] : self.first[i + 1]] == self.turns[self.first[j] : self.first[j + 1]]


def _speeches(turns: list[Turn]) -> _Speeches:
    names = [turn.speaker for turn in turns]
    changes = list(map(operator.ne, names, names[1:]))  # where the next cue/line has another speaker
    if all(changes):  # the usual case: each cue/line is a conversational turn
        first = list(range(len(turns)))
        speaker, text = names, [turn.text for turn in turns]
        start, end = [turn.start for turn in turns], [turn.end for turn in turns]
    else:
        first = [0, *itertools.compress(range(1, len(turns)), changes)]
        bounds = [*first[1:], len(turns)]
        speaker = [names[a] for a in first]
        text = [
            turns[a].text if b - a == 1 else " ".join(turn.text for turn in turns[a:b] if turn.text)
            for a, b in zip(first, bounds, strict=True)
        ]
        start, end = [turns[a].start for a in first], [turns[b - 1].end for b in bounds]
    limit = kb.get("call_targets", CallCoaching).backchannel_max_words
    counted: dict[str, tuple[int, int, bool]] = {}  # short turns ("Okay.", "Mm-hmm.") repeat: each text counted once
    for distinct in dict.fromkeys(text):
        count = _count_words(distinct)
        asked = count_questions(distinct) if "?" in distinct or "？" in distinct else 0
        # a backchannel has at most `limit` words: longer turns need no look at their words
        counted[distinct] = (count, asked, 0 < count <= limit and is_backchannel(distinct, limit, words=count))
    words, questions, backchannel = (list(column) for column in zip(*map(counted.__getitem__, text), strict=True))
    return _Speeches(turns, [*first, len(turns)], speaker, text, start, end, words, questions, backchannel)


@dataclass(slots=True)
class _Monologue:
    """A run of one speaker's turns, from turn `first` to turn `last` (the other speakers' backchannels inside
    it included)."""

    speaker: str
    words: int
    start: float | None
    end: float | None
    first: int
    last: int

    @property
    def seconds(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return round(max(0.0, self.end - self.start), 1)

    def text(self, speeches: _Speeches) -> str:
        """What the speaker said in the run."""
        return " ".join(
            speeches.text[i] for i in range(self.first, self.last + 1) if speeches.speaker[i] == self.speaker
        )


def _alone(speeches: _Speeches, i: int) -> _Monologue:
    return _Monologue(speeches.speaker[i], speeches.words[i], speeches.start[i], speeches.end[i], i, i)


def monologues(speeches: _Speeches) -> list[_Monologue]:
    """Runs of one speaker's speech that other speakers' backchannels do not break."""
    speaker, words, start, end = speeches.speaker, speeches.words, speeches.start, speeches.end
    runs: list[_Monologue] = []
    current: _Monologue | None = None
    pending: list[int] = []  # the backchannels heard since the current run's last turn
    for i, name in enumerate(speaker):
        if current is not None:
            if name == current.speaker:
                current.words += words[i]
                if end[i] is not None:
                    current.end = end[i]
                current.last = i
                pending = []
                continue
            if speeches.backchannel[i]:
                pending.append(i)
                continue
            runs.append(current)
        # backchannels of the new speaker just before their run start it; the others are runs of their own
        # (except a repeat of one that starts the new run)
        if not pending:
            current = _Monologue(name, words[i], start[i], end[i], i, i)
            continue
        lead = len(pending)
        while lead and speaker[pending[lead - 1]] == name:
            lead -= 1
        leading = pending[lead:]
        runs.extend(_alone(speeches, p) for p in pending[:lead] if not any(speeches.same(p, q) for q in leading))
        begin = leading[0] if leading else i
        current = _Monologue(name, sum(words[p] for p in leading) + words[i], start[begin], end[i], begin, i)
        pending = []
    if current is not None:
        runs.append(current)
    runs.extend(_alone(speeches, p) for p in pending)
    return runs


def _duration(turns: list[Turn]) -> float | None:
    starts = [t.start for t in turns if t.start is not None]
    ends = [t.end for t in turns if t.end is not None] + starts
    if not starts:
        return None
    span = max(ends) - min(starts)
    return round(span, 1) if span > 0 else None


_SPACES = re.compile(r"\s+")


def count_fillers(texts: list[str]) -> Counter[str]:
    """Filler words in the texts, counted in the order they first appear (each text's English fillers before
    its Chinese ones). Each distinct text is searched once, all of them in one pass."""
    lexicon = _lexicon()
    times = Counter(texts)
    distinct = list(times)
    if any("\x00" in text for text in distinct):  # the separator below must not occur in the texts
        found: Counter[str] = Counter()
        for text in texts:
            found.update(filler for _kind, _position, filler in _filler_hits(normalise(text), lexicon))
        return found
    # "\x00" joins the texts: no filler spans it, and normalising the whole is normalising each text
    folded = normalise("\x00".join(distinct))
    hits = _filler_hits(folded, lexicon)
    found = Counter()
    if not hits:
        return found
    bounds: list[int] = []  # where each text but the first starts
    while len(bounds) < len(distinct) - 1:
        bounds.append(folded.index("\x00", bounds[-1] if bounds else 0) + 1)
    for text_index, _kind, _position, filler in sorted(
        (bisect.bisect(bounds, position), kind, position, filler) for kind, position, filler in hits
    ):
        found[filler] += times[distinct[text_index]]
    return found


def _filler_hits(folded: str, lexicon: _Lexicon) -> list[tuple[int, int, str]]:
    """(0 for English / 1 for Chinese, position, filler) of each filler in a normalised text."""
    hits = [(0, match.start(), _SPACES.sub(" ", match.group(0))) for match in lexicon.filler_en.finditer(folded)]
    if lexicon.filler_zh is not None:
        hits += [(1, match.start(), match.group(0)) for match in lexicon.filler_zh.finditer(folded)]
    return hits


# ----------------------------------------------------------------------------------------------- finding


@dataclass(slots=True)
class _Sentence:
    """A distinct sentence of the call and the cue hits found in it (looked up once however often it is said)."""

    text: str
    prepared: Prepared
    hits: dict[str, list[tuple[str, str]]]
    """Cue hits grouped by kind: a buyer's sentence, a rep's question and a rep's statement are each searched
    for the cues that matter for them (see `_Lexicon`)."""
    question_type: str | None
    """The SPIN type (or 'process', 'unclassified') of a rep's question."""


_Said = tuple[int, str, Side, _Sentence]
"""A sentence where it was said: (position of its conversational turn in the speech list, speaker, side, sentence)."""


def _said(speeches: _Speeches, sides: dict[str, Side]) -> list[_Said]:
    """Every sentence of the call in order, with its speaker, side and cue hits. The buyer's sentences carry
    every kind of cue but the question types, the rep's questions the question types and next-step cues, the
    rep's statements only the next-step cues. Texts repeat ("Okay.", "Right."): each distinct turn and sentence
    is split and looked up once, all sentences prepared together."""
    lexicon = _lexicon()
    turns = list(zip(speeches.text, [sides[name] for name in speeches.speaker], strict=True))

    def cues_for(sentence: str, side: Side) -> CueIndex:
        if side == "prospect":
            return lexicon.buyer_cues
        return lexicon.question_cues if sentence.endswith(("?", "？")) else lexicon.next_step_cues

    # each distinct turn's sentences, each with the cues it is searched for
    split = {turn: [(part, cues_for(part, turn[1])) for part in sentences(turn[0])] for turn in dict.fromkeys(turns)}
    wanted = dict.fromkeys(pair for parts in split.values() for pair in parts)
    texts = list(dict.fromkeys(text for text, _cues in wanted))
    prepared = dict(zip(texts, prepare_all(texts), strict=True))
    looked_up: dict[tuple[str, CueIndex], _Sentence] = {}
    for text, cues in wanted:
        hits = cues.grouped(prepared[text])
        question_type = _question_type(hits) if cues is lexicon.question_cues else None
        looked_up[text, cues] = _Sentence(text, prepared[text], hits, question_type)
    said_in = {turn: [looked_up[pair] for pair in parts] for turn, parts in split.items()}
    return [
        (position, name, turn[1], sentence)
        for position, (name, turn) in enumerate(zip(speeches.speaker, turns, strict=True))
        for sentence in said_in[turn]
    ]


@dataclass
class _Found:
    signals: list[SignalFound] = field(default_factory=list)
    objections: list[ObjectionFound] = field(default_factory=list)
    evidence: dict[MeddpiccKey, list[str]] = field(default_factory=dict)
    next_step: NextStep | None = None
    objections_capped: bool = False


def _date_phrase(sentence: _Sentence) -> str | None:
    words = sentence.hits.get("date")
    if words:
        return words[0][0]
    for pattern in _lexicon().date_patterns:
        match = pattern.search(sentence.text)
        if match:
            return match.group(0)
    return None


_CLAUSE = re.compile(r"[,，;；:：]+")


_Clause = tuple[str, Prepared, dict[str, list[tuple[str, str]]]]
"""A part of a sentence to classify as an objection, prepared, and its cue hits."""


def _clauses(sentence: _Sentence) -> list[_Clause]:
    """The parts of a sentence to classify as objections: the sentence itself, or, when it has several
    comma-separated clauses (one sentence may carry two objections), each clause holding a library keyword."""
    pieces = _CLAUSE.split(sentence.text)
    counts = [_count_words(piece) for piece in pieces]
    kept = [i for i, count in enumerate(counts) if count >= 2]
    if len(kept) < 2:
        return [(sentence.text, sentence.prepared, sentence.hits)]
    parts = [pieces[i].strip() for i in kept]
    if sentence.text.isascii():
        # a clause's words are its run of the sentence's words (the separators are no word characters)
        starts = list(itertools.accumulate(counts, initial=0))
        words, stems = sentence.prepared.words, sentence.prepared.stems
        prepared = [
            Prepared(part.lower(), words[starts[i] : starts[i + 1]], stems[starts[i] : starts[i + 1]], "")
            for part, i in zip(parts, kept, strict=True)
        ]
    else:
        prepared = prepare_all(parts)
    cues = _lexicon().objection_cues
    clauses = [(part, ready, cues.grouped(ready)) for part, ready in zip(parts, prepared, strict=True)]
    return [clause for clause in clauses if "objection" in clause[2]]


def find_next_step(said: list[_Said]) -> NextStep:
    """The last committed next step of the call (a cue phrase), dated when it or one of the next two sentences
    carries a day, date or time; vague 'let's keep in touch' phrases are not a next step."""
    best: tuple[str, str, str | None] | None = None  # quote, speaker, date phrase
    for position, (_speech, speaker, _side, sentence) in enumerate(said):
        if "next" not in sentence.hits:
            continue
        window = said[position : position + 3]
        dated = next(((at, p) for at, said_then in enumerate(window) if (p := _date_phrase(said_then[3]))), None)
        if dated is None and "vague" in sentence.hits:
            continue
        quote = sentence.text
        if dated is not None and dated[0] != 0:
            quote = f"{sentence.text} … {window[dated[0]][3].text}"
        if best is None or dated is not None or best[2] is None:
            best = (_quote(quote), speaker, dated[1] if dated else None)
    if best is None:
        return NextStep(found=False, quote=None, has_date=False, date_phrase=None, speaker=None)
    quote, speaker, date_phrase = best
    return NextStep(found=True, quote=quote, has_date=date_phrase is not None, date_phrase=date_phrase, speaker=speaker)


def _find(said: list[_Said], call_type: str, locale: Locale) -> _Found:
    signals = kb.get("buying_signals", BuyingSignals)
    found = _Found()
    values: dict[str, str] | None = None  # the objection answers' placeholders, filled when first needed
    context: CallContext = "cold_call" if call_type == "cold_call" else "deal"
    seen_signals: set[tuple[str, str]] = set()
    seen_objections: set[str] = set()
    classified: dict[str, Classification | None] = {}
    clauses: dict[str, list[tuple[_Clause, str]]] = {}  # a sentence's clauses and their keys, split once per text
    for speech, speaker, side, sentence in said:
        if side != "prospect" or not sentence.hits:
            continue
        for _phrase, code in sentence.hits.get("signal", ()):
            if (code, sentence.text) in seen_signals or len(found.signals) >= MAX_FOUND:
                continue
            seen_signals.add((code, sentence.text))
            found.signals.append(
                SignalFound(
                    quote=_quote(sentence.text),
                    signal=code,
                    label=signals.by_code(code).label.get(locale),
                    speaker=speaker,
                )
            )
        if "objection" in sentence.hits and len(found.objections) < MAX_FOUND:
            if sentence.text not in clauses:
                clauses[sentence.text] = [(clause, clause[1].folded) for clause in _clauses(sentence)]
            for (clause, prepared, clause_hits), key in clauses[sentence.text]:
                if key not in classified:
                    if len(classified) >= MAX_OBJECTION_CANDIDATES:
                        found.objections_capped = True
                        break
                    classified[key] = strong_objection(clause, prepared, clause_hits, context, MIN_OBJECTION_SCORE)
                result = classified[key]
                best = result.best if result is not None else None
                if (
                    result is None
                    or best is None
                    or best.score < MIN_OBJECTION_SCORE
                    or result.confidence < MIN_OBJECTION_CONFIDENCE
                    or best.objection.id in seen_objections
                ):
                    continue
                seen_objections.add(best.objection.id)
                if values is None:
                    values, _ = placeholder_values(None, locale)
                found.objections.append(
                    ObjectionFound(
                        quote=_quote(sentence.text),
                        category=result.category,
                        objection_id=best.objection.id,
                        confidence=result.confidence,
                        suggested_response=answer_text(best.objection, values, locale),
                        speaker=speaker,
                        segment=speech,
                    )
                )
        hits = sentence.hits.get("evidence")
        if hits:
            negated = "negation" in sentence.hits
            for _phrase, key in hits:
                element: MeddpiccKey = key  # type: ignore[assignment]
                if negated and element != "identified_pain":
                    continue
                quotes = found.evidence.setdefault(element, [])
                quote = _quote(sentence.text)
                if quote not in quotes and len(quotes) < MAX_QUOTES_PER_ELEMENT:
                    quotes.append(quote)
    found.next_step = find_next_step(said)
    return found


def classify_question(text: str) -> str:
    """The SPIN type (or 'process') of a rep question by the spin cue phrases and tie-break order."""
    return _question_type(_lexicon().question_cues.grouped(prepare(text)))


def _question_type(hits: dict[str, list[tuple[str, str]]]) -> str:
    found = {code for _phrase, code in hits.get("spin", ())}
    for code in _lexicon().spin_order:
        if code in found:
            return code
    return "unclassified"


# ---------------------------------------------------------------------------------------------- scoring


@dataclass
class _Facts:
    rep_ratio: float
    talk_time_ratio: float | None
    rep_questions: int
    monologue_words: int
    monologue_seconds: float | None
    monologue_quote: str
    pain_questions: int
    pain_quote: str | None
    best_question: str | None
    filler_rate: float
    fillers: Counter[str]
    next_step: NextStep


def _score(facts: _Facts, targets: CallTargets, max_filler: float, locale: Locale) -> list[ScoreLine]:
    coaching = kb.get("call_targets", CallCoaching)
    zh = locale == "zh"
    lines: list[ScoreLine] = []

    def add(code: ScoreRuleCode, earned: float, reason: str) -> None:
        rule = coaching.rule(code)
        points = round(max(0.0, min(float(rule.points), earned)), 1)
        lines.append(
            ScoreLine(rule=code, label=rule.label.get(locale), points=points, max_points=rule.points, reason=reason)
        )

    rule = coaching.rule("talk_ratio")
    over = max(0.0, facts.rep_ratio - targets.max_rep_talk_ratio) * 100
    add(
        "talk_ratio",
        rule.points - over,
        f"销售讲话占比 {facts.rep_ratio:.0%}，目标 ≤ {targets.max_rep_talk_ratio:.0%}"
        if zh
        else f"rep talk share {facts.rep_ratio:.0%}, target ≤ {targets.max_rep_talk_ratio:.0%}",
    )

    rule = coaching.rule("questions")
    q, lo, hi = facts.rep_questions, targets.min_rep_questions, targets.max_rep_questions
    if q < lo:
        earned = rule.points * q / lo if lo else rule.points
    elif q > hi:
        earned = rule.points - 2 * (q - hi)
    else:
        earned = rule.points
    add("questions", earned, f"提问 {q} 个，目标 {lo}–{hi}" if zh else f"{q} questions, target {lo}–{hi}")

    rule = coaching.rule("monologue")
    if facts.monologue_seconds is not None:
        value, limit, unit = facts.monologue_seconds, float(targets.max_monologue_seconds), ("秒" if zh else "s")
    else:
        value, limit, unit = (
            float(facts.monologue_words),
            float(targets.max_monologue_words),
            ("字" if zh else " words"),
        )
    earned = rule.points if value <= limit else rule.points * max(0.0, 1 - (value - limit) / (2 * limit))
    add(
        "monologue",
        earned,
        f"最长独白 {value:g}{unit}，上限 {limit:g}{unit}"
        if zh
        else f"longest monologue {value:g}{unit}, limit {limit:g}{unit}",
    )

    step = facts.next_step
    earned = (10 if step.found else 0) + (10 if step.found and step.has_date else 0)
    if zh:
        reason = "未找到明确的下一步" if not step.found else ("下一步带日期" if step.has_date else "下一步没有日期")
    else:
        reason = (
            "no committed next step found"
            if not step.found
            else ("next step with a date" if step.has_date else "next step without a date")
        )
    add("next_step", earned * coaching.rule("next_step").points / 20, reason)

    rule = coaching.rule("pain_depth")
    need = targets.min_pain_questions
    earned = rule.points if need == 0 else rule.points * min(1.0, facts.pain_questions / need)
    add(
        "pain_depth",
        earned,
        f"问题/影响/价值类提问 {facts.pain_questions} 个，最低 {need} 个"
        if zh
        else f"{facts.pain_questions} problem/implication/need-payoff questions, minimum {need}",
    )

    rule = coaching.rule("filler_words")
    rate = facts.filler_rate
    earned = rule.points if rate <= max_filler else rule.points * max(0.0, 1 - (rate - max_filler) / (3 * max_filler))
    add(
        "filler_words",
        earned,
        f"每百字口头禅 {rate:.1f} 个，上限 {max_filler:g}"
        if zh
        else f"{rate:.1f} fillers per 100 rep words, limit {max_filler:g}",
    )
    return lines


_GOOD = {
    "talk_ratio": {
        "en": "You left the buyer room to talk: {ratio:.0%} of the words were yours (target ≤ {target:.0%}).",
        "zh": "你给了客户充分表达的空间：你的讲话占比为 {ratio:.0%}（目标 ≤ {target:.0%}）。",
    },
    "questions": {
        "en": "You asked {q} questions, inside the {lo}–{hi} range.",
        "zh": "你提了 {q} 个问题，处在 {lo}–{hi} 的目标区间内。",
    },
    "monologue": {
        "en": "You kept your longest stretch short ({value}), so the call stayed a conversation.",
        "zh": "你最长的一段独白很短（{value}），通话始终是双向交流。",
    },
    "next_step": {
        "en": "You left with a dated next step.",
        "zh": "你带着一个有日期的下一步结束了通话。",
    },
    "pain_depth": {
        "en": "You dug into the pain with {n} problem/implication/need-payoff questions.",
        "zh": "你用 {n} 个问题/影响/价值类问题深挖了痛点。",
    },
    "filler_words": {
        "en": "Clean delivery: {rate:.1f} filler words per 100 words.",
        "zh": "表达干净利落：每百字只有 {rate:.1f} 个口头禅。",
    },
}
_FIX = {
    "talk_ratio": {
        "en": "Talk less: {ratio:.0%} of the words were yours, over the {target:.0%} target{gong}. "
        "Ask, then stay silent.",
        "zh": "少说多听：你的讲话占比为 {ratio:.0%}，超过 {target:.0%} 的目标{gong}。提问之后请保持沉默。",
    },
    "questions": {
        "en": "Ask more questions: {q} asked, the target is {lo}–{hi}.",
        "zh": "多提问：你只提了 {q} 个问题，目标是 {lo}–{hi} 个。",
    },
    "questions_many": {
        "en": "Fewer, deeper questions: {q} asked, above the {lo}–{hi} range — it can feel like an interrogation.",
        "zh": "问题少而精：你提了 {q} 个问题，超过 {lo}–{hi} 的区间，容易让客户觉得在被审问。",
    },
    "monologue": {
        "en": "Break up long explanations: your longest stretch was {value} (limit {limit}); check in with a question.",
        "zh": "把长段讲解拆开：你最长的一段独白为 {value}（上限 {limit}），中间用一个问题确认对方的反应。",
    },
    "next_step": {
        "en": "End with a next step that has a date: agree who does what and on which day before you hang up.",
        "zh": "以带日期的下一步结束通话：挂电话前约定谁在哪一天做什么。",
    },
    "pain_depth": {
        "en": "Dig into the pain: {n} problem/implication/need-payoff questions (minimum {need}); "
        "ask what the problem costs.",
        "zh": "深挖痛点：问题/影响/价值类提问只有 {n} 个（最低 {need} 个）；问问这个问题让他们付出了多少代价。",
    },
    "filler_words": {
        "en": "Cut filler words: {rate:.1f} per 100 words ({top}); a short pause sounds more confident.",
        "zh": "减少口头禅：每百字 {rate:.1f} 个（{top}）；短暂停顿听起来更自信。",
    },
}


def _coaching(
    lines: list[ScoreLine], facts: _Facts, targets: CallTargets, max_filler: float, locale: Locale
) -> tuple[list[Coaching], list[Coaching]]:
    coaching = kb.get("call_targets", CallCoaching)
    zh = locale == "zh"
    unit_s, unit_w = ("秒", "字") if zh else (" s", " words")
    value = (
        f"{facts.monologue_seconds:g}{unit_s}"
        if facts.monologue_seconds is not None
        else f"{facts.monologue_words}{unit_w}"
    )
    limit = (
        f"{targets.max_monologue_seconds}{unit_s}"
        if facts.monologue_seconds is not None
        else f"{targets.max_monologue_words}{unit_w}"
    )
    gong_talk = coaching.gong["rep_talk_ratio"].value
    gong = (
        (f"；Gong 的基准为 {float(gong_talk):.0%}" if zh else f"; Gong's benchmark is {float(gong_talk):.0%}")
        if (float(gong_talk) != targets.max_rep_talk_ratio)
        else ""
    )
    top = ", ".join(f"{w} ×{n}" for w, n in facts.fillers.most_common(3)) or "-"
    fmt = {
        "ratio": facts.rep_ratio,
        "target": targets.max_rep_talk_ratio,
        "gong": gong,
        "q": facts.rep_questions,
        "lo": targets.min_rep_questions,
        "hi": targets.max_rep_questions,
        "value": value,
        "limit": limit,
        "n": facts.pain_questions,
        "need": targets.min_pain_questions,
        "rate": facts.filler_rate,
        "top": top,
    }
    evidence: dict[str, str] = {
        "talk_ratio": f"rep_talk_ratio {facts.rep_ratio:.2f}"
        + (f", talk_time_ratio {facts.talk_time_ratio:.2f}" if facts.talk_time_ratio is not None else ""),
        "questions": f"“{facts.best_question}”" if facts.best_question else f"rep_questions {facts.rep_questions}",
        "monologue": f"{value}: “{_quote(facts.monologue_quote)[:120]}”" if facts.monologue_quote else value,
        "next_step": f"“{facts.next_step.quote}”" if facts.next_step.quote else ("未找到" if zh else "none found"),
        "pain_depth": f"“{facts.pain_quote}”" if facts.pain_quote else f"{facts.pain_questions}",
        "filler_words": f"{facts.filler_rate:.1f} / 100 ({top})",
    }
    ranked = sorted(lines, key=lambda line: (-line.points / line.max_points, SCORE_RULES.index(line.rule)))
    strengths, improvements = [], []
    for line in ranked[:3]:
        full = line.points >= line.max_points
        template = _GOOD[line.rule] if full else _FIX[line.rule]
        if line.rule == "questions" and facts.rep_questions > targets.max_rep_questions:
            template = _FIX["questions_many"]
        text = template[locale].format(**fmt)
        if not full:
            text = ("部分达标：" if zh else "Partly there: ") + text
        strengths.append(Coaching(rule=line.rule, text=text, evidence=evidence[line.rule]))
    for line in reversed(ranked[3:]):
        full = line.points >= line.max_points
        if full:
            text = ("已达标；更进一步：" if zh else "On target; to go further: ") + targets.focus.get(locale)
        else:
            template = _FIX[line.rule]
            if line.rule == "questions" and facts.rep_questions > targets.max_rep_questions:
                template = _FIX["questions_many"]
            text = template[locale].format(**fmt)
        improvements.append(Coaching(rule=line.rule, text=text, evidence=evidence[line.rule]))
    return strengths, improvements


# --------------------------------------------------------------------------------------------------- tool


def _targets(targets: CallTargets, coaching: CallCoaching, max_filler: float) -> Targets:
    gong: list[Benchmark] = []
    talk = coaching.gong["rep_talk_ratio"]
    if float(talk.value) != targets.max_rep_talk_ratio:
        gong.append(Benchmark(metric="rep_talk_ratio", value=talk.value, note=talk.note.en))
    asked = coaching.gong["rep_questions"]
    if asked.value != f"{targets.min_rep_questions}-{targets.max_rep_questions}":
        gong.append(Benchmark(metric="rep_questions", value=asked.value, note=asked.note.en))
    pause = coaching.gong["pause_after_objection"]
    gong.append(Benchmark(metric="pause_after_objection", value=pause.value, note=pause.note.en))
    return Targets(
        call_type=targets.call_type,
        max_rep_talk_ratio=targets.max_rep_talk_ratio,
        rep_questions_min=targets.min_rep_questions,
        rep_questions_max=targets.max_rep_questions,
        max_monologue_words=targets.max_monologue_words,
        max_monologue_seconds=targets.max_monologue_seconds,
        min_pain_questions=targets.min_pain_questions,
        dated_next_step=targets.dated_next_step,
        max_filler_per_100_words=max_filler,
        sources={
            "max_rep_talk_ratio": targets.talk_ratio_source,
            "rep_questions": targets.questions_source,
            "monologue": targets.monologue_source,
            "dated_next_step": "playbook",
        },
        gong=gong,
    )


@cache
def _call_targets(call_type: CallType, locale: Locale) -> Targets:
    """The targets block of a result: it depends on the knowledge only, so it is built once per call type and
    locale (results share it; nothing changes a result after it is built)."""
    coaching = kb.get("call_targets", CallCoaching)
    targets = _targets(coaching.for_call(call_type), coaching, coaching.max_rep_filler_per_100_words)
    return _localise_gong(targets, coaching, locale)


def _localise_gong(targets: Targets, coaching: CallCoaching, locale: Locale) -> Targets:
    if locale == "en":
        return targets
    notes: dict[str, str] = {key: bench.note.zh for key, bench in coaching.gong.items()}
    return targets.model_copy(
        update={"gong": [b.model_copy(update={"note": notes.get(b.metric, b.note)}) for b in targets.gong]}
    )


def coach_call(inp: CoachCallInput, locale: Locale) -> CoachCallResult:
    coaching = kb.get("call_targets", CallCoaching)
    transcript: Transcript = read_transcript(inp.transcript)
    speeches = _speeches(transcript.turns)
    question_counts: Counter[str] = Counter()
    words: Counter[str] = Counter()
    # turns repeat ("Mm-hmm.", "Got it."): add up each distinct (speaker, words, questions) once
    for (name, count, asked), times in Counter(
        zip(speeches.speaker, speeches.words, speeches.questions, strict=True)
    ).items():
        question_counts[name] += asked * times
        words[name] += count * times
    turns = Counter(speeches.speaker)
    total_words = sum(words.values())
    if total_words == 0:
        raise PlaybookInputError("transcript", "the speaker turns hold no words to count")
    if len(transcript.speakers) < 2:
        raise PlaybookInputError(
            "transcript",
            f"only one speaker found ({transcript.speakers[0]}); coaching needs both the rep and the buyer — "
            "include the buyer's lines or check the speaker labels",
        )
    sides = assign_sides(transcript, list(inp.rep_names), dict(question_counts), locale)
    if all(side == "rep" for side in sides.sides.values()):
        if inp.rep_names:
            raise PlaybookInputError("rep_names", "names every speaker; at least one speaker must be the buyer")
        raise PlaybookInputError(
            "rep_names",
            f"not given, and every speaker label names the rep's side ({', '.join(transcript.speakers)}); "
            "pass rep_names with the rep's speakers so the others are taken as the buyer",
        )

    runs = monologues(speeches)
    longest: dict[str, _Monologue] = {}
    longest_seconds: dict[str, float | None] = dict.fromkeys(transcript.speakers)
    for run in runs:
        if run.speaker not in longest or run.words > longest[run.speaker].words:
            longest[run.speaker] = run
        if transcript.has_start_times:
            seconds, most = run.seconds, longest_seconds[run.speaker]
            if seconds is not None and (most is None or seconds > most):
                longest_seconds[run.speaker] = seconds

    reps = [s for s in transcript.speakers if sides.sides[s] == "rep"]
    rep_words = sum(words[s] for s in reps)
    rep_ratio = round(rep_words / total_words, 4)

    not_computed: list[NotComputed] = []
    notes = list(transcript.notes)
    zh = locale == "zh"

    # talk time from cue times
    talk_time_ratio: float | None = None
    if transcript.has_start_times:
        timed = [t for t in transcript.turns if t.start is not None and t.end is not None and t.end >= t.start]
        if timed:
            total_time = sum(t.end - t.start for t in timed if t.end is not None and t.start is not None)
            rep_time = sum(
                t.end - t.start for t in timed if t.speaker in reps and t.end is not None and t.start is not None
            )
            if total_time > 0:
                talk_time_ratio = round(rep_time / total_time, 4)
            if not transcript.has_end_times:
                notes.append(
                    "时间占比按“到下一位发言开始为止”计算，最后一段发言未计入"
                    if zh
                    else "talk time counts each turn until the next turn starts; the last turn is left out"
                )
    if talk_time_ratio is None:
        not_computed.append(
            NotComputed(
                metric="talk_time_ratio",
                reason="记录中没有时间戳" if zh else "the transcript has no cue times",
            )
        )
    duration = _duration(transcript.turns) if transcript.has_start_times else None
    switches = len(speeches) - 1  # consecutive speeches always have different speakers
    interactivity = round(switches / (duration / 60), 2) if duration else None
    if interactivity is None:
        not_computed.append(
            NotComputed(
                metric="interactivity",
                reason="没有时间戳，无法按分钟计算"
                if zh
                else "no cue times, so switches per minute cannot be computed",
            )
        )
    rep_runs = [longest[s] for s in reps if s in longest]  # none when the rep only backchanneled
    rep_monologue = max(rep_runs, key=lambda r: r.words) if rep_runs else None
    rep_monologue_words = rep_monologue.words if rep_monologue is not None else 0
    rep_seconds = [longest_seconds[s] for s in reps if longest_seconds[s] is not None]
    longest_rep_seconds = max((v for v in rep_seconds if v is not None), default=None)
    if longest_rep_seconds is None:
        not_computed.append(
            NotComputed(
                metric="longest_rep_monologue_seconds",
                reason="记录中没有时间戳" if zh else "the transcript has no cue times",
            )
        )

    rep_texts = [
        text
        for name, text, backchannel in zip(speeches.speaker, speeches.text, speeches.backchannel, strict=True)
        if name in reps and not backchannel
    ]
    fillers = count_fillers(rep_texts)
    filler_total = sum(fillers.values())
    filler_rate = round(filler_total / rep_words * 100, 2) if rep_words else 0.0

    said = _said(speeches, sides.sides)
    found = _find(said, inp.call_type, locale)
    if found.objections_capped:
        notes.append(
            f"异议检索在 {MAX_OBJECTION_CANDIDATES} 个候选分句后停止，后面的异议未列出"
            if zh
            else f"the objection search stopped after {MAX_OBJECTION_CANDIDATES} candidate clauses; "
            "later objections are not listed"
        )

    mix: Counter[str] = Counter()
    pain_quote: str | None = None
    best_question: str | None = None
    for _speech, _speaker, side, sentence in said:
        kind = sentence.question_type
        if side != "rep" or kind is None:
            continue
        mix[kind] += 1
        if kind in ("implication", "need_payoff") and pain_quote is None:
            pain_quote = _quote(sentence.text)
        if kind in ("problem", "implication", "need_payoff") and best_question is None:
            best_question = _quote(sentence.text)
    pain_questions = mix["problem"] + mix["implication"] + mix["need_payoff"]
    if pain_quote is None and best_question is not None:
        pain_quote = best_question

    targets_k = coaching.for_call(inp.call_type)
    max_filler = coaching.max_rep_filler_per_100_words
    next_step = found.next_step or NextStep(found=False, quote=None, has_date=False, date_phrase=None, speaker=None)
    rep_questions = sum(question_counts[s] for s in reps)
    facts = _Facts(
        rep_ratio=rep_ratio,
        talk_time_ratio=talk_time_ratio,
        rep_questions=rep_questions,
        monologue_words=rep_monologue_words,
        monologue_seconds=longest_rep_seconds,
        monologue_quote=rep_monologue.text(speeches) if rep_monologue is not None else "",
        pain_questions=pain_questions,
        pain_quote=pain_quote,
        best_question=best_question,
        filler_rate=filler_rate,
        fillers=fillers,
        next_step=next_step,
    )
    breakdown = _score(facts, targets_k, max_filler, locale)
    strengths, improvements = _coaching(breakdown, facts, targets_k, max_filler, locale)
    score = round(sum(line.points for line in breakdown))

    speakers = [
        SpeakerStats(
            name=s,
            side=sides.sides[s],
            words=words[s],
            share=round(words[s] / total_words, 4),
            turns=turns[s],
            questions=question_counts[s],
            longest_monologue_words=longest[s].words if s in longest else 0,
            longest_monologue_seconds=longest_seconds[s],
        )
        for s in transcript.speakers
    ]
    metrics = CallMetrics(
        rep_talk_ratio=rep_ratio,
        talk_time_ratio=talk_time_ratio,
        rep_questions=rep_questions,
        longest_rep_monologue_words=rep_monologue_words,
        longest_rep_monologue_seconds=longest_rep_seconds,
        interactivity=interactivity,
        filler_words=filler_total,
        filler_per_100_words=filler_rate,
        fillers_found=dict(fillers.most_common()),
        duration_seconds=duration,
    )
    long_runs = [
        run
        for run in runs
        if run.speaker in reps
        and (
            run.words > targets_k.max_monologue_words
            if longest_rep_seconds is None or run.seconds is None
            else run.seconds > targets_k.max_monologue_seconds
        )
    ]
    segments, spans, segment_of = timeline(speeches, transcript.speakers, long_runs)
    for objection in found.objections:
        objection.segment = None if objection.segment is None else segment_of[objection.segment]
    return CoachCallResult(
        locale=locale,
        call_type=inp.call_type,
        format=transcript.format,
        side_inference=SideInference(method=sides.method, explanation=sides.explanation),
        speakers=speakers,
        metrics=metrics,
        targets=_call_targets(inp.call_type, locale),
        buying_signals=found.signals,
        objections=found.objections,
        next_step=next_step,
        meddpicc_evidence={k: found.evidence[k] for k in MEDDPICC_ORDER if k in found.evidence},
        question_mix=QuestionMix(
            situation=mix["situation"],
            problem=mix["problem"],
            implication=mix["implication"],
            need_payoff=mix["need_payoff"],
            process=mix["process"],
            unclassified=mix["unclassified"],
        ),
        score=max(0, min(100, score)),
        breakdown=breakdown,
        strengths=strengths,
        improvements=improvements,
        not_computed=not_computed,
        notes=notes,
        timeline=segments,
        long_monologues=spans,
    )


_TIMELINE = TypeAdapter(list[TalkSegment])


def timeline(
    speeches: _Speeches, speakers: list[str], long_runs: list[_Monologue]
) -> tuple[list[TalkSegment], list[MonologueSpan], list[int]]:
    """The turns in order as chart segments (at most MAX_TIMELINE: longer calls merge consecutive turns, each
    segment named after the speaker with the most words in it), the long rep monologues as segment ranges, and
    the segment of each turn."""
    index = {name: i for i, name in enumerate(speakers)}
    speaker, start, end, words = speeches.speaker, speeches.start, speeches.end, speeches.words
    per = -(-len(speeches) // MAX_TIMELINE) if len(speeches) else 1
    if per == 1:  # a call short enough for one segment per turn: the turn's speaker
        rows = [
            {
                "speaker": index[name],
                "start": None if first is None else round(first, 1),
                "end": None if last is None else round(last, 1),
                "words": count,
            }
            for name, first, last, count in zip(speaker, start, end, words, strict=True)
        ]
    else:
        rows = []
        for first in range(0, len(speeches), per):
            group = range(first, min(first + per, len(speeches)))
            by_speaker: Counter[str] = Counter()
            for i in group:
                by_speaker[speaker[i]] += words[i]
            main = speaker[max(group, key=lambda i: by_speaker[speaker[i]])]
            ends = [last for last in (end[i] for i in group) if last is not None]
            begin = start[first]
            rows.append(
                {
                    "speaker": index[main],
                    "start": None if begin is None else round(begin, 1),
                    "end": round(max(ends), 1) if ends else None,
                    "words": sum(words[i] for i in group),
                }
            )
    segment_of = [position // per for position in range(len(speeches))]
    spans = [
        MonologueSpan(first=segment_of[run.first], last=segment_of[run.last], words=run.words, seconds=run.seconds)
        for run in long_runs
    ]
    return _TIMELINE.validate_python(rows), sorted(spans, key=lambda span: span.first), segment_of


# ------------------------------------------------------------------------------------------------ markdown

_MD = {
    "en": {
        "title": "Call coaching",
        "score": "Score",
        "talk": "Rep talk share",
        "time": "talk time",
        "questions": "Rep questions",
        "mono": "Longest rep monologue",
        "inter": "Switches per minute",
        "fillers": "Filler words",
        "next": "Next step",
        "none": "none found",
        "dated": "dated",
        "undated": "no date",
        "strengths": "Strengths",
        "improve": "Improvements",
        "signals": "Buying signals",
        "objections": "Objections",
        "sides": "Sides",
        "na": "n/a",
        "words": "words",
    },
    "zh": {
        "title": "通话辅导",
        "score": "得分",
        "talk": "销售讲话占比",
        "time": "时间占比",
        "questions": "销售提问数",
        "mono": "销售最长独白",
        "inter": "每分钟话轮切换",
        "fillers": "口头禅",
        "next": "下一步",
        "none": "未找到",
        "dated": "有日期",
        "undated": "无日期",
        "strengths": "做得好的",
        "improve": "待改进",
        "signals": "购买信号",
        "objections": "异议",
        "sides": "身份判断",
        "na": "无",
        "words": "字",
    },
}


def coach_call_markdown(result: CoachCallResult) -> str:
    t = _MD[result.locale]
    m = result.metrics
    time_part = f" ({t['time']} {m.talk_time_ratio:.0%})" if m.talk_time_ratio is not None else ""
    mono = f"{m.longest_rep_monologue_words} {t['words']}" + (
        f" / {m.longest_rep_monologue_seconds:g} s" if m.longest_rep_monologue_seconds is not None else ""
    )
    step = result.next_step
    step_text = t["none"] if not step.found else f"{t['dated'] if step.has_date else t['undated']}: {step.quote}"
    call_type: str = result.call_type  # the zh text shows its label, the en text the code it always showed
    if result.locale == "zh":
        call_type = next(c.label.zh for c in kb.get("call_targets", CallCoaching).targets if c.call_type == call_type)
    lines = [
        f"### {t['title']} — {call_type}: {t['score']} {result.score}/100",
        f"- {t['talk']}: {m.rep_talk_ratio:.0%}{time_part} (≤ {result.targets.max_rep_talk_ratio:.0%})",
        f"- {t['questions']}: {m.rep_questions} "
        f"({result.targets.rep_questions_min}–{result.targets.rep_questions_max})",
        f"- {t['mono']}: {mono}",
        f"- {t['inter']}: {m.interactivity if m.interactivity is not None else t['na']}",
        f"- {t['fillers']}: {m.filler_words} ({m.filler_per_100_words:g}/100)",
        f"- {t['next']}: {step_text}",
        f"- {t['sides']}: {result.side_inference.explanation}",
        "",
        f"**{t['strengths']}**",
        *(f"- {c.text} — {c.evidence}" for c in result.strengths),
        f"**{t['improve']}**",
        *(f"- {c.text} — {c.evidence}" for c in result.improvements),
    ]
    if result.buying_signals:
        lines.append(f"**{t['signals']}**: " + "; ".join(f"{s.label}: “{s.quote}”" for s in result.buying_signals[:5]))
    if result.objections:
        lines.append(
            f"**{t['objections']}**: "
            + "; ".join(f"{category_text(o.category, result.locale)}: “{o.quote}”" for o in result.objections[:5])
        )
    return "\n".join(lines)
