"""Building blocks shared by every knowledge model: bilingual text, strict frozen models, file header."""

from __future__ import annotations

import re
from collections.abc import Iterable
from string import Formatter
from typing import Annotated, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A string that is not empty once trimmed."""

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
"""A stable machine code (snake_case English): what tools and enums refer to."""


class KnowledgeModel(BaseModel):
    """Base for every knowledge model: unknown keys are errors and loaded data is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(KnowledgeModel):
    """A piece of playbook text in both languages; both must be present and non-empty."""

    en: NonEmpty
    zh: NonEmpty

    def get(self, locale: str) -> str:
        return self.zh if locale == "zh" else self.en


class Terms(KnowledgeModel):
    """Words or phrases in both languages (for example cues to look for in notes); lists may differ in length."""

    en: list[NonEmpty]
    zh: list[NonEmpty]

    def get(self, locale: str) -> list[str]:
        return self.zh if locale == "zh" else self.en


class KnowledgeFile(KnowledgeModel):
    """Header every knowledge file starts with: what it is and which seed sections it encodes."""

    title: Text
    summary: Text
    sources: list[NonEmpty]
    """Seed file and section each fact comes from, e.g. "000 §3 MEDDPICC"."""


_PLACEHOLDER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def placeholder_names(template: str) -> list[str]:
    """The `{snake_case}` fields of a `str.format_map` template, in order of first use.

    Raises ValueError on broken brace syntax or a field that is not a bare snake_case name.
    """
    names: list[str] = []
    for _literal, field, spec, conversion in Formatter().parse(template):
        if field is None:
            continue
        if not _PLACEHOLDER_NAME.match(field) or spec or conversion:
            raise ValueError(f"placeholder {{{field}}} must be a bare snake_case name in {template!r}")
        if field not in names:
            names.append(field)
    return names


def placeholder_set(template: str) -> frozenset[str]:
    """The placeholder names of a template, as a set (for comparing the en and zh versions)."""
    return frozenset(placeholder_names(template))


def unique(values: Iterable[object], what: str) -> None:
    """Raise ValueError naming every value that occurs more than once."""
    seen: set[object] = set()
    repeated: set[str] = set()
    for value in values:
        if value in seen:
            repeated.add(str(value))
        seen.add(value)
    if repeated:
        raise ValueError(f"duplicate {what}: {sorted(repeated)}")


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


_CodedT = TypeVar("_CodedT", bound=_Coded)


def by_code(items: Iterable[_CodedT], code: str) -> _CodedT:
    """The first item whose `code` is `code`; KeyError(code) when none is."""
    for item in items:
        if item.code == code:
            return item
    raise KeyError(code)
