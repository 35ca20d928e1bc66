"""Knowledge models for call coaching: what good looks like per call type, and the word lists the counting
rules of `coach_call` depend on (backchannels, filler words, next-step commitment phrases).

Each target names where it comes from: the playbook itself (for example the discovery call's 30% talk rule),
Gong's public research (about 43% rep talk, 11–14 questions per call), or a project default where neither gives
a number. Where the playbook and Gong differ, both are kept so `coach_call` can show them side by side. The
score rules list every rule that makes up the 0–100 call score with its points, so the breakdown can name them.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field, model_validator

from .base import KnowledgeFile, KnowledgeModel, Terms, Text, by_code

CallType = Literal["discovery", "demo", "cold_call", "negotiation", "follow_up"]
CALL_TYPES: tuple[CallType, ...] = get_args(CallType)

TargetSource = Literal["playbook", "gong", "project"]

ScoreRuleCode = Literal["talk_ratio", "questions", "monologue", "next_step", "pain_depth", "filler_words"]
SCORE_RULES: tuple[ScoreRuleCode, ...] = get_args(ScoreRuleCode)


class Benchmark(KnowledgeModel):
    """A public figure shown beside the playbook's target (Gong's research)."""

    value: str
    """The figure as published, e.g. '0.43' or '11-14'."""
    note: Text


class CallTargets(KnowledgeModel):
    """What good looks like for one call type."""

    call_type: CallType
    label: Text
    max_rep_talk_ratio: float = Field(gt=0, le=1)
    talk_ratio_source: TargetSource
    min_rep_questions: int = Field(ge=0)
    max_rep_questions: int = Field(ge=1)
    questions_source: TargetSource
    max_monologue_words: int = Field(gt=0)
    max_monologue_seconds: int = Field(gt=0)
    monologue_source: TargetSource
    min_pain_questions: int = Field(ge=0)
    """Problem + implication + need-payoff questions (SPIN) the rep should ask on this call."""
    dated_next_step: bool
    """Whether the call must end with a next step that has a date (the playbook: every interaction does)."""
    focus: Text
    """The one habit that matters most on this call type (used in improvements)."""

    @model_validator(mode="after")
    def _ordered(self) -> CallTargets:
        if self.min_rep_questions > self.max_rep_questions:
            raise ValueError(f"{self.call_type}: min_rep_questions above max_rep_questions")
        return self


class ScoreRule(KnowledgeModel):
    """One rule of the call score and the points it is worth (the points of all rules add up to 100)."""

    code: ScoreRuleCode
    points: int = Field(gt=0)
    label: Text
    how: Text
    """How the points are given (shown in the breakdown)."""


class CallCoaching(KnowledgeFile):
    """Targets per call type, Gong's public benchmarks, the score rules and the counting word lists."""

    targets: list[CallTargets]
    gong: dict[Literal["rep_talk_ratio", "rep_questions", "pause_after_objection"], Benchmark]
    score_rules: list[ScoreRule]
    backchannels: Terms
    """Words a listener says to show attention; a turn of at most `backchannel_max_words` of only these does
    not break the other side's monologue (multi-word entries such as 'mm-hmm' are matched as written)."""
    backchannel_max_words: int = Field(ge=1, le=5)
    filler_words: Terms
    next_step_cues: Terms
    """Phrases of a committed next step (a meeting, a call, a document sent); whether it is dated is decided by
    the date phrases of email_templates and the relative dates below."""
    relative_date_cues: Terms
    """Relative day phrases that fix a date ('next Tuesday', 'tomorrow', '下周二', '明天')."""
    rep_name_hints: Terms
    """Speaker labels that mark the seller's side when no rep names are given (e.g. 'sales', '销售')."""
    prospect_name_hints: Terms
    """Speaker labels that mark the buyer's side (e.g. 'customer', '客户')."""
    max_rep_filler_per_100_words: float = Field(gt=0)

    @model_validator(mode="after")
    def _check(self) -> CallCoaching:
        if tuple(t.call_type for t in self.targets) != CALL_TYPES:
            raise ValueError(f"targets must be {list(CALL_TYPES)} in that order")
        if tuple(r.code for r in self.score_rules) != SCORE_RULES:
            raise ValueError(f"score_rules must be {list(SCORE_RULES)} in that order")
        total = sum(rule.points for rule in self.score_rules)
        if total != 100:
            raise ValueError(f"score rule points must add up to 100, got {total}")
        return self

    def for_call(self, call_type: str) -> CallTargets:
        for target in self.targets:
            if target.call_type == call_type:
                return target
        raise KeyError(call_type)

    def rule(self, code: str) -> ScoreRule:
        return by_code(self.score_rules, code)


SECTIONS: dict[str, type[KnowledgeFile]] = {
    "call_targets": CallCoaching,
}
