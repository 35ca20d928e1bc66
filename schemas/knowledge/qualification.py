"""Knowledge models for deal qualification: the MEDDPICC, MEDDIC and BANT scoring rubrics.

Each rubric lists its elements in order with what they mean, the detail prompts a rep fills in, what a score of
1 (unknown), 2 (partial) and 3 (confirmed) means for that element, the questions that close a gap, and the cue
phrases (English and Chinese) plus contact roles from which `qualify_deal` may infer a partial score from a
deal's notes and contacts. The bands turn a total into strong / gaps / at_risk / unqualified with advice.

MEDDPICC bands are in points (8..24). MEDDIC and BANT reuse the same bands scaled by `total / max`; the
thresholds are kept as exact fractions of 24 (20/24, 15/24, 10/24) next to the contract's rounded ratios
(0.8333, 0.625, 0.4167) so that, for example, 5/12 on BANT lands in the same band as 10/24 on MEDDPICC.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import pairwise
from typing import Literal, get_args

from pydantic import Field, model_validator

from .base import Code, KnowledgeFile, KnowledgeModel, NonEmpty, Terms, Text, placeholder_names
from .vocab import ContactRole, MeddpiccElement

Score = Literal[1, 2, 3]
"""A qualification score for one element: 1 unknown, 2 partial, 3 confirmed."""

ElementStatus = Literal["unknown", "partial", "confirmed"]
BandCode = Literal["strong", "gaps", "at_risk", "unqualified"]
Framework = Literal["meddpicc", "meddic", "bant"]


MeddpiccKey = MeddpiccElement
"""The MEDDPICC element keys (the contract's vocabulary)."""

MEDDPICC_ORDER: tuple[MeddpiccKey, ...] = get_args(MeddpiccElement)
MEDDIC_ORDER: tuple[str, ...] = (
    "metrics",
    "economic_buyer",
    "decision_criteria",
    "decision_process",
    "identified_pain",
    "champion",
)
BANT_ORDER: tuple[str, ...] = ("budget", "authority", "need", "timeline")

STATUS_OF_SCORE: dict[int, ElementStatus] = {1: "unknown", 2: "partial", 3: "confirmed"}
BAND_ORDER: tuple[BandCode, ...] = get_args(BandCode)

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


class TemplateText(Text):
    """Bilingual text that code may fill with `str.format_map`: both languages use the same `{snake_case}` names."""

    @model_validator(mode="after")
    def _same_placeholders(self) -> TemplateText:
        try:
            en, zh = set(placeholder_names(self.en)), set(placeholder_names(self.zh))
        except ValueError as exc:
            raise ValueError(f"unbalanced braces in template: {exc}") from exc
        if en != zh:
            raise ValueError(f"en and zh use different placeholders: {sorted(en)} vs {sorted(zh)}")
        bad = sorted(name for name in en if not _SNAKE.match(name))
        if bad:
            raise ValueError(f"placeholders must be snake_case names, got {bad}")
        return self

    def placeholders(self) -> set[str]:
        return set(placeholder_names(self.en))


class DetailPrompt(KnowledgeModel):
    """One field of the qualification worksheet for an element (e.g. economic_buyer → access)."""

    code: Code
    prompt: Text


class ScoreLevel(KnowledgeModel):
    """What a given score means for one element."""

    score: Score
    status: ElementStatus
    description: Text

    @model_validator(mode="after")
    def _status_matches_score(self) -> ScoreLevel:
        if STATUS_OF_SCORE[self.score] != self.status:
            raise ValueError(f"score {self.score} must have status {STATUS_OF_SCORE[self.score]!r}")
        return self


class EvidenceCues(KnowledgeModel):
    """What in a deal's notes or contacts counts as evidence for an element (enough for 2 = partial, never 3)."""

    phrases: Terms
    """Phrases that indicate evidence; matched case-insensitively in notes (code handles negation)."""
    contact_roles: list[ContactRole] = Field(default_factory=list)
    """A contact with one of these roles counts as evidence."""
    engaged_contacts_only: bool = False
    """True when only an engaged contact with such a role counts."""

    @model_validator(mode="after")
    def _enough_phrases(self) -> EvidenceCues:
        if len(self.phrases.en) < 8 or len(self.phrases.zh) < 8:
            raise ValueError("give at least 8 English and 8 Chinese evidence phrases")
        for lang, items in (("en", self.phrases.en), ("zh", self.phrases.zh)):
            lowered = [item.lower() for item in items]
            if len(set(lowered)) != len(lowered):
                raise ValueError(f"duplicate {lang} evidence phrases")
        return self


class QualificationElement(KnowledgeModel):
    """One element of a qualification framework."""

    key: Code
    letter: NonEmpty
    """The letter of the acronym this element stands for (e.g. 'E' for economic_buyer)."""
    label: Text
    meaning: Text
    details: list[DetailPrompt] = Field(min_length=1)
    levels: list[ScoreLevel] = Field(min_length=3, max_length=3)
    gap_questions: list[TemplateText] = Field(min_length=1)
    next_action: Text
    """The move that closes the gap when this element is weak (used for `next_actions`)."""
    evidence: EvidenceCues | None = None
    """Cues for inferring a partial score; None when the rubric borrows them (see `evidence_from`)."""

    @model_validator(mode="after")
    def _levels_in_order(self) -> QualificationElement:
        if [level.score for level in self.levels] != [1, 2, 3]:
            raise ValueError(f"{self.key}: levels must be given for scores 1, 2, 3 in that order")
        codes = [detail.code for detail in self.details]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{self.key}: duplicate detail codes")
        return self

    def level(self, score: int) -> ScoreLevel:
        return self.levels[score - 1]


class ScoringRules(KnowledgeModel):
    """How element scores are given and inferred (shared by every framework)."""

    min_score: Literal[1] = 1
    max_score: Literal[3] = 3
    default_score: Literal[1] = 1
    """An element that is omitted scores 1 (unknown)."""
    max_inferred_score: Literal[2] = 2
    """Inference from notes/contacts may raise an unknown element to 2, never to 3; a given score always wins."""
    explanation: Text


class PointBand(KnowledgeModel):
    """A band of MEDDPICC totals (inclusive bounds)."""

    code: BandCode
    label: Text
    min_total: int = Field(ge=0)
    max_total: int = Field(ge=0)
    advice: Text

    @model_validator(mode="after")
    def _ordered(self) -> PointBand:
        if self.min_total > self.max_total:
            raise ValueError(f"band {self.code}: min_total above max_total")
        return self


class RatioThreshold(KnowledgeModel):
    """An exact fraction (numerator / denominator)."""

    numerator: int = Field(ge=0)
    denominator: int = Field(gt=0)

    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)


class RatioBand(KnowledgeModel):
    """A band of `total / max` for frameworks other than MEDDPICC (lower bound inclusive)."""

    code: BandCode
    label: Text
    min_ratio: float = Field(ge=0, le=1)
    """The contract's rounded threshold, for display."""
    min_ratio_exact: RatioThreshold
    """The same threshold as an exact fraction; this is what `band_for` compares with."""
    advice: Text

    @model_validator(mode="after")
    def _consistent(self) -> RatioBand:
        if abs(float(self.min_ratio_exact.fraction()) - self.min_ratio) > 5e-5:
            raise ValueError(f"band {self.code}: min_ratio {self.min_ratio} does not match min_ratio_exact")
        return self


def _check_ratio_bands(bands: list[RatioBand]) -> None:
    if tuple(band.code for band in bands) != BAND_ORDER:
        raise ValueError(f"bands must be {list(BAND_ORDER)} in that order")
    thresholds = [band.min_ratio_exact.fraction() for band in bands]
    if any(high <= low for high, low in pairwise(thresholds)):
        raise ValueError("band thresholds must strictly decrease")
    if thresholds[-1] != 0:
        raise ValueError("the last band must start at 0 so every ratio has a band")


class _Rubric(KnowledgeFile):
    framework: Framework
    scoring: ScoringRules
    elements: list[QualificationElement]

    @property
    def max_total(self) -> int:
        return 3 * len(self.elements)

    @property
    def min_total(self) -> int:
        return len(self.elements)

    def element(self, key: str) -> QualificationElement:
        for element in self.elements:
            if element.key == key:
                return element
        raise KeyError(key)

    def keys(self) -> list[str]:
        return [element.key for element in self.elements]

    def _check_elements(self, order: tuple[str, ...], *, need_cues: bool, max_points: int) -> None:
        """The elements are exactly `order`, carry evidence cues when needed, and `max_points` is 3 per element."""
        keys = tuple(self.keys())
        if keys != order:
            raise ValueError(f"elements must be exactly {list(order)} in that order, got {list(keys)}")
        if need_cues:
            missing = [element.key for element in self.elements if element.evidence is None]
            if missing:
                raise ValueError(f"elements without evidence cues: {missing}")
        if max_points != self.max_total:
            raise ValueError("max_points must be 3 × the number of elements")


class MeddpiccRubric(_Rubric):
    """The MEDDPICC rubric: eight elements scored 1–3, total 8–24, banded in points."""

    framework: Literal["meddpicc"]
    negation_cues: Terms
    """Words that, near an evidence phrase, turn it into evidence of absence."""
    max_points: Literal[24]
    bands: list[PointBand]

    @model_validator(mode="after")
    def _check(self) -> MeddpiccRubric:
        self._check_elements(MEDDPICC_ORDER, need_cues=True, max_points=self.max_points)
        if tuple(band.code for band in self.bands) != BAND_ORDER:
            raise ValueError(f"bands must be {list(BAND_ORDER)} in that order (highest first)")
        if self.bands[0].max_total != self.max_total or self.bands[-1].min_total != self.min_total:
            raise ValueError(f"bands must cover {self.min_total}..{self.max_total}")
        for high, low in pairwise(self.bands):
            if low.max_total + 1 != high.min_total:
                raise ValueError(f"bands {low.code} and {high.code} are not contiguous")
        return self

    def band_for(self, total: int) -> PointBand:
        for band in self.bands:
            if band.min_total <= total <= band.max_total:
                return band
        raise ValueError(f"total {total} outside {self.min_total}..{self.max_total}")


class MeddicRubric(_Rubric):
    """The MEDDIC rubric: six elements (a subset of MEDDPICC's codes), total 6–18, banded by ratio."""

    framework: Literal["meddic"]
    evidence_from: Literal["meddpicc"]
    """MEDDIC elements share their evidence and negation cues with the same-key MEDDPICC elements."""
    max_points: Literal[18]
    bands: list[RatioBand]

    @model_validator(mode="after")
    def _check(self) -> MeddicRubric:
        self._check_elements(MEDDIC_ORDER, need_cues=False, max_points=self.max_points)
        _check_ratio_bands(self.bands)
        return self

    def band_for(self, total: int) -> RatioBand:
        return _ratio_band(self.bands, total, self.max_total)


class BantRubric(_Rubric):
    """The BANT rubric: budget, authority, need, timeline scored 1–3, total 4–12, banded by ratio."""

    framework: Literal["bant"]
    negation_cues: Terms
    max_points: Literal[12]
    bands: list[RatioBand]

    @model_validator(mode="after")
    def _check(self) -> BantRubric:
        self._check_elements(BANT_ORDER, need_cues=True, max_points=self.max_points)
        _check_ratio_bands(self.bands)
        return self

    def band_for(self, total: int) -> RatioBand:
        return _ratio_band(self.bands, total, self.max_total)


def _ratio_band(bands: list[RatioBand], total: int, max_total: int) -> RatioBand:
    ratio = Fraction(total, max_total)
    for band in bands:
        if ratio >= band.min_ratio_exact.fraction():
            return band
    raise ValueError(f"total {total} below 0")


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "meddpicc": MeddpiccRubric,
    "meddic": MeddicRubric,
    "bant": BantRubric,
}
