"""Locale detection: 'zh' when most letters in the caller's text are CJK, else 'en'."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

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


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for field in type(value).model_fields:
            if field != "locale":
                yield from _strings(getattr(value, field))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def letter_counts(texts: Iterable[str]) -> tuple[int, int]:
    """(CJK characters, other letters) over all texts."""
    cjk = other = 0
    for text in texts:
        for char in text:
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
