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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True)
class Prepared:
    """A text prepared once for many cue look-ups."""

    folded: str
    stems: tuple[str, ...]
    cjk: str
    """The text without spaces and punctuation (for Chinese cues)."""


def prepare(text: str) -> Prepared:
    folded = normalise(text)
    stems = tuple(map(stem, _LATIN_WORD.findall(folded)))
    return Prepared(folded, stems, "" if folded.isascii() or not has_cjk(folded) else _NOT_ALNUM.sub("", folded))


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
    first = needle[0]
    for start, word in enumerate(hay):
        if word != first:
            continue
        position, ok = start, True
        for token in needle[1:]:
            window = hay[position + 1 : position + 2 + max_gap]
            try:
                position = position + 1 + window.index(token)
            except ValueError:
                ok = False
                break
        if ok:
            return True
    return False


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


def matches(prepared: Prepared, phrase: str) -> bool:
    c = cue(phrase)
    if c.chinese:
        if not c.compact:
            return False
        if c.compact in prepared.cjk:
            return True
        return len(c.compact) >= 4 and _chars_in_order(c.compact, prepared.cjk, 1)
    if len(c.stems) == 1:
        return c.stems[0] in prepared.stems
    return _in_order(c.stems, prepared.stems, 1)


def first_match(prepared: Prepared, phrases: Iterable[str]) -> str | None:
    for phrase in phrases:
        if matches(prepared, phrase):
            return phrase
    return None


class CueIndex:
    """Many cue phrases, each with a label, looked up quickly. An English cue is filed under its longest word
    (the rarest, roughly) and a Chinese cue under its first character; a candidate is checked against the
    text's word or character set before the in-order `matches` test."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._by_stem: dict[str, list[tuple[str, str, frozenset[str]]]] = {}
        self._by_char: dict[str, list[tuple[str, str, frozenset[str]]]] = {}
        for phrase, label in entries:
            c = cue(phrase)
            if c.chinese and c.compact:
                self._by_char.setdefault(c.compact[0], []).append((phrase, label, frozenset(c.compact)))
            elif c.stems:
                key = max(c.stems, key=len)
                self._by_stem.setdefault(key, []).append((phrase, label, frozenset(c.stems)))

    def grouped(self, prepared: Prepared) -> dict[str, list[tuple[str, str]]]:
        """Hits grouped by the part of the label before ':' (labels are 'kind:code')."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for phrase, label in self.find(prepared):
            kind, _, code = label.partition(":")
            groups.setdefault(kind, []).append((phrase, code))
        return groups

    def find(self, prepared: Prepared) -> list[tuple[str, str]]:
        """(phrase, label) of every cue found in the text, in a stable order."""
        found: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        if self._by_stem and prepared.stems:
            words = set(prepared.stems)
            for token in dict.fromkeys(prepared.stems):
                for phrase, label, needed in self._by_stem.get(token, ()):
                    if needed <= words and (phrase, label) not in seen and matches(prepared, phrase):
                        seen.add((phrase, label))
                        found.append((phrase, label))
        if self._by_char and prepared.cjk:
            chars = set(prepared.cjk)
            for char in dict.fromkeys(prepared.cjk):
                for phrase, label, needed in self._by_char.get(char, ()):
                    if needed <= chars and (phrase, label) not in seen and matches(prepared, phrase):
                        seen.add((phrase, label))
                        found.append((phrase, label))
        return found
