"""Locale detection: 'zh' when most letters in the caller's text are CJK, else 'en'."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from ..schemas.common import Locale


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x20000 <= code <= 0x2EBEF  # extensions B-F
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
    )


_NOT_LANGUAGE = frozenset({"locale", "currency", "id", "as_of"})


def _is_code(annotation: Any) -> bool:
    """Enum-like fields (Literal codes such as a stage or a call type) say nothing about the language."""
    if get_origin(annotation) is Literal:
        return True
    return any(_is_code(arg) for arg in get_args(annotation)) if get_origin(annotation) in (Union, UnionType) else False


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        fields = type(value).model_fields
        for name in value.model_fields_set:  # what the caller wrote, not defaults
            if name in _NOT_LANGUAGE or _is_code(fields[name].annotation):
                continue
            yield from _strings(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


MAX_SAMPLE_CHARS = 50_000
"""Characters of each string that are counted: enough to tell the language, and a 5 MB CSV costs no more."""


def letter_counts(texts: Iterable[str]) -> tuple[int, int]:
    """(CJK characters, other letters) over all texts (the first MAX_SAMPLE_CHARS of each)."""
    cjk = other = 0
    for text in texts:
        for char in text[:MAX_SAMPLE_CHARS]:
            if is_cjk(char):
                cjk += 1
            elif char.isalpha():
                other += 1
    return cjk, other


def detect_locale(value: Any, default: Locale = "en") -> Locale:
    """Locale of a tool input: zh when CJK characters outnumber other letters; `default` when there is no text."""
    cjk, other = letter_counts(_strings(value))
    if cjk == 0 and other == 0:
        return default
    return "zh" if cjk > other else "en"
