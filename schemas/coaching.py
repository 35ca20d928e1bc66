"""Input and output of `coach_call`: exact call metrics from a transcript, playbook targets and coaching."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Name, ToolInput, ToolOutput
from .knowledge.coaching import CallType, ScoreRuleCode, TargetSource
from .knowledge.objections import ObjectionCategory
from .knowledge.qualification import MeddpiccKey

MAX_TRANSCRIPT_CHARS = 1_000_000
"""About six hours of talk; a 90-minute call is around 100,000 characters."""
MAX_REP_NAMES = 10
MAX_TIMELINE = 600
"""Segments in `timeline` at most: a 90-minute call has about 550 turns; longer calls merge consecutive turns."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CoachCallInput(ToolInput):
    transcript: Annotated[str, Field(max_length=MAX_TRANSCRIPT_CHARS)] = Field(
        description="Raw transcript: WebVTT, SRT, 'Speaker: text' lines (optionally [hh:mm:ss]), Zoom/Teams/Otter/"
        "Gong exports, or '销售：…/客户：…' lines."
    )
    rep_names: Annotated[list[Name], Field(max_length=MAX_REP_NAMES)] = Field(
        default_factory=list, description="Speakers on the seller's side; omitted = inferred."
    )
    call_type: CallType = "discovery"


class SpeakerStats(_Out):
    name: str
    side: Literal["rep", "prospect"]
    words: int
    share: float
    turns: int
    questions: int
    longest_monologue_words: int
    longest_monologue_seconds: float | None


class CallMetrics(_Out):
    rep_talk_ratio: float
    talk_time_ratio: float | None
    rep_questions: int
    longest_rep_monologue_words: int
    longest_rep_monologue_seconds: float | None
    interactivity: float | None = Field(description="Speaker switches per minute.")
    filler_words: int = Field(description="Filler words in the rep's speech.")
    filler_per_100_words: float
    fillers_found: dict[str, int]
    duration_seconds: float | None


class Benchmark(_Out):
    metric: str
    value: str
    note: str


class Targets(_Out):
    call_type: CallType
    max_rep_talk_ratio: float
    rep_questions_min: int
    rep_questions_max: int
    max_monologue_words: int
    max_monologue_seconds: int
    min_pain_questions: int
    dated_next_step: bool
    max_filler_per_100_words: float
    sources: dict[str, TargetSource]
    gong: list[Benchmark] = Field(description="Gong's public benchmarks where they differ from the target.")


class SignalFound(_Out):
    quote: str
    signal: str
    label: str
    speaker: str


class ObjectionFound(_Out):
    quote: str
    category: ObjectionCategory
    objection_id: str | None
    confidence: float
    suggested_response: str
    speaker: str
    segment: int | None = Field(default=None, description="Index in `timeline` of the turn that raised it.")


class NextStep(_Out):
    found: bool
    quote: str | None
    has_date: bool
    date_phrase: str | None
    speaker: str | None


class QuestionMix(_Out):
    situation: int
    problem: int
    implication: int
    need_payoff: int
    process: int
    unclassified: int


class ScoreLine(_Out):
    rule: ScoreRuleCode
    label: str
    points: float
    max_points: int
    reason: str


class Coaching(_Out):
    rule: ScoreRuleCode
    text: str
    evidence: str = Field(description="The quote or number the point rests on.")


class SideInference(_Out):
    method: Literal["rep_names", "speaker_labels", "most_questions"]
    explanation: str


class TalkSegment(_Out):
    """One conversational turn (on calls with more than MAX_TIMELINE turns, consecutive turns merged)."""

    speaker: int = Field(description="Index in `speakers` (the one with most words when turns are merged).")
    start: float | None = Field(description="Seconds; None without cue times.")
    end: float | None
    words: int


class MonologueSpan(_Out):
    """A rep monologue over the target's limit, as a range of `timeline` segments."""

    first: int
    last: int
    words: int
    seconds: float | None


class NotComputed(_Out):
    metric: str
    reason: str


class CoachCallResult(ToolOutput):
    call_type: CallType
    format: str = Field(description="Transcript format that was read.")
    side_inference: SideInference
    speakers: list[SpeakerStats]
    metrics: CallMetrics
    targets: Targets
    buying_signals: list[SignalFound]
    objections: list[ObjectionFound]
    next_step: NextStep
    meddpicc_evidence: dict[MeddpiccKey, list[str]]
    question_mix: QuestionMix
    score: int = Field(ge=0, le=100)
    breakdown: list[ScoreLine]
    strengths: list[Coaching]
    improvements: list[Coaching]
    not_computed: list[NotComputed]
    notes: list[str]
    timeline: list[TalkSegment] = Field(default_factory=list, description="The call's turns in order, for a chart.")
    long_monologues: list[MonologueSpan] = Field(default_factory=list)
