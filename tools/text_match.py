"""Counting and matching text the way the coaching rules define it, in English and Chinese.

- A word is a run of Latin letters, digits and apostrophes; each CJK character is one word (CONTRACT.md).
- A sentence ends at . ! ? 。 ！ ？ … or a line break; a question is a sentence ending in ? or ？.
- Cue phrases from knowledge/ are matched on normalised text (NFKC, case-folded, typographic apostrophes
  unified): an English cue matches when its words appear in order with at most one extra word between each
  (so 'how long does onboarding take' also matches 'how long would the onboarding take'), word endings
  -s/-es/-ed/-ing ignored; a Chinese cue matches as a substring, or with at most one extra character between
  its characters when it is at least four characters long.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_LATIN = "A-Za-z\u00c0-\u024f0-9'’"
WORD = re.compile(rf"[{_LATIN}]+|[{_CJK}]")
_LATIN_WORD = re.compile(r"[a-z\u00c0-\u024f0-9']+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_SENTENCE = re.compile(r"[^.!?。！？…\n]+(?:[.!?。！？…]+|\n|$)")
_QUESTION_END = re.compile(r"[?？]+")


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def count_questions(text: str) -> int:
    """Sentences ending in ? or ？ (a run such as '??' ends one sentence)."""
    return len(_QUESTION_END.findall(text))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def questions(text: str) -> list[str]:
    return [s for s in sentences(text) if s.endswith(("?", "？"))]


def has_cjk(text: str) -> bool:
    return _CJK_CHAR.search(text) is not None


def normalise(text: str) -> str:
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("‘", "'")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Crude English stem: -ing, -ed, -es, -s dropped from words longer than the suffix plus two letters."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


_NOT_ALNUM = re.compile(r"[\W_]+")


class Prepared(NamedTuple):
    """A text prepared once for many cue look-ups."""

    folded: str
    words: tuple[str, ...]
    """The Latin words of the folded text."""
    stems: tuple[str, ...]
    cjk: str
    """The text without spaces and punctuation (for Chinese cues)."""


_ASCII_WORD_BYTES = bytes(c if _LATIN_WORD.fullmatch(chr(c)) else ord(" ") for c in range(128)) + b" " * 128
"""A byte table that keeps the ASCII characters `_LATIN_WORD` matches and turns every other one into a space."""


def prepare(text: str) -> Prepared:
    folded = normalise(text)
    if folded.isascii():  # the words split out by a byte table, as `_LATIN_WORD` finds them
        words = tuple(folded.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split())
        return Prepared(folded, words, tuple(map(stem, words)), "")
    words = tuple(_LATIN_WORD.findall(folded))
    return Prepared(folded, words, tuple(map(stem, words)), _NOT_ALNUM.sub("", folded) if has_cjk(folded) else "")


_ASCII_WORD_LINES = _ASCII_WORD_BYTES[:10] + b"\n" + _ASCII_WORD_BYTES[11:]
"""`_ASCII_WORD_BYTES` that keeps line breaks."""


def prepare_all(texts: list[str]) -> list[Prepared]:
    """`prepare` for each text; ASCII texts (the usual case) are folded and split into words all at once."""
    joined = "\n".join(texts)
    if not joined.isascii() or joined.count("\n") != len(texts) - 1:
        return list(map(prepare, texts))
    folded = joined.lower()
    lines = folded.encode("ascii").translate(_ASCII_WORD_LINES).decode("ascii").split("\n")
    words = [tuple(line.split()) for line in lines]
    return [Prepared(f, w, tuple(map(stem, w)), "") for f, w in zip(folded.split("\n"), words, strict=True)]


@dataclass(frozen=True)
class Cue:
    text: str
    stems: tuple[str, ...]
    compact: str
    chinese: bool


@lru_cache(maxsize=8192)
def cue(text: str) -> Cue:
    folded = normalise(text)
    stems = tuple(map(stem, _LATIN_WORD.findall(folded)))
    return Cue(text, stems, _NOT_ALNUM.sub("", folded), has_cjk(text))


def _in_order(needle: tuple[str, ...], hay: tuple[str, ...], max_gap: int) -> bool:
    if not needle:
        return False
    first, rest = needle[0], needle[1:]
    start = -1
    while True:
        try:
            start = hay.index(first, start + 1)
        except ValueError:
            return False
        position = start
        for token in rest:
            window = hay[position + 1 : position + 2 + max_gap]
            if token not in window:
                break
            position = position + 1 + window.index(token)
        else:
            return True


def _chars_in_order(needle: str, hay: str, max_gap: int) -> bool:
    start = hay.find(needle[0])
    while start != -1:
        position, ok = start, True
        for char in needle[1:]:
            window = hay[position + 1 : position + 2 + max_gap]
            index = window.find(char)
            if index == -1:
                ok = False
                break
            position = position + 1 + index
        if ok:
            return True
        start = hay.find(needle[0], start + 1)
    return False


def _cue_in(c: Cue, prepared: Prepared) -> bool:
    if c.chinese:
        if not c.compact:
            return False
        if c.compact in prepared.cjk:
            return True
        return len(c.compact) >= 4 and _chars_in_order(c.compact, prepared.cjk, 1)
    if len(c.stems) == 1:
        return c.stems[0] in prepared.stems
    return _in_order(c.stems, prepared.stems, 1)


def matches(prepared: Prepared, phrase: str) -> bool:
    return _cue_in(cue(phrase), prepared)


def first_match(prepared: Prepared, phrases: Iterable[str]) -> str | None:
    for phrase in phrases:
        if matches(prepared, phrase):
            return phrase
    return None


class _Entry(NamedTuple):
    needed: frozenset[str]
    """The words (English) or characters (Chinese) the text must hold for the cue to match."""
    plain: bool
    """True when holding `needed` is matching (a one-word English cue, a one-character Chinese cue)."""
    cue: Cue
    kind: str
    """The label's part before ':'."""
    hit: tuple[str, str]
    """(phrase, the label's part after ':')."""
    found: tuple[str, str]
    """(phrase, label)."""


def _collect(
    filed: dict[str, list[_Entry]],
    keys: frozenset[str],
    units: Sequence[str],
    prepared: Prepared,
    found: list[_Entry],
) -> None:
    """Append to `found` the entries filed under the text's words (or characters) `units` that match: the text
    holds every word (character) the cue needs, and — unless that is already matching — `_cue_in` says so."""
    present = set(units)
    hit = keys & present
    for key in hit if len(hit) < 2 else sorted(hit, key=units.index):
        for entry in filed[key]:
            if entry.needed <= present and (entry.plain or _cue_in(entry.cue, prepared)):
                found.append(entry)


class CueIndex:
    """Many cue phrases, each with a label, looked up quickly. An English cue is filed under its longest word
    (the rarest, roughly) and a Chinese cue under its first character; the text's words (characters) that file
    any cue are found with one set intersection, and a candidate is checked against the text's word (character)
    set before the in-order `matches` test. Hits come in the order of the filing word's (character's) first
    appearance in the text, then in entry order; an entry given twice is found once."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._by_stem: dict[str, list[_Entry]] = {}
        self._by_char: dict[str, list[_Entry]] = {}
        for phrase, label in dict.fromkeys(entries):
            c = cue(phrase)
            kind, _, code = label.partition(":")
            if c.chinese and c.compact:
                entry = _Entry(frozenset(c.compact), len(c.compact) == 1, c, kind, (phrase, code), (phrase, label))
                self._by_char.setdefault(c.compact[0], []).append(entry)
            elif c.stems:
                entry = _Entry(frozenset(c.stems), len(c.stems) == 1, c, kind, (phrase, code), (phrase, label))
                self._by_stem.setdefault(max(c.stems, key=len), []).append(entry)
        self._stem_keys = frozenset(self._by_stem)
        self._char_keys = frozenset(self._by_char)

    def _hits(self, prepared: Prepared) -> list[_Entry]:
        found: list[_Entry] = []
        if prepared.stems:
            _collect(self._by_stem, self._stem_keys, prepared.stems, prepared, found)
        if prepared.cjk:
            _collect(self._by_char, self._char_keys, prepared.cjk, prepared, found)
        return found

    def grouped(self, prepared: Prepared) -> dict[str, list[tuple[str, str]]]:
        """Hits grouped by the part of the label before ':' (labels are 'kind:code'): kind → (phrase, code)."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for entry in self._hits(prepared):
            if entry.kind in groups:
                groups[entry.kind].append(entry.hit)
            else:
                groups[entry.kind] = [entry.hit]
        return groups

    def find(self, prepared: Prepared) -> list[tuple[str, str]]:
        """(phrase, label) of every cue found in the text, in a stable order."""
        return [entry.found for entry in self._hits(prepared)]
