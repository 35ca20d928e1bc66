"""Building blocks shared by every knowledge model: bilingual text, strict frozen models, file header."""

from __future__ import annotations

from typing import Annotated

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
