"""The output fields the views draw from: review_pipeline's `funnel`, coach_call's `timeline`, `long_monologues`
and each objection's `segment`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sales_playbook.schemas.coaching import MAX_TIMELINE, CoachCallInput
from sales_playbook.schemas.pipeline import ReviewPipelineInput
from sales_playbook.tools.coaching import coach_call
from sales_playbook.tools.pipeline_review import review_pipeline

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "coaching" / "data" / "transcripts"
AS_OF = date(2026, 11, 23)


def test_funnel_counts_values_and_weights_open_deals_per_stage() -> None:
    deals = [
        {"company": "A", "value": 100_000, "stage": "proposal"},
        {"company": "B", "value": 50_000, "stage": "proposal"},
        {"company": "C", "value": 10_000, "stage": "discovery"},
        {"company": "D", "value": 99_000, "stage": "closed_won", "close_date": "2026-11-01"},
    ]
    inp = ReviewPipelineInput.model_validate({"deals": deals, "as_of": AS_OF})
    result = review_pipeline(inp, inp.deals or [], AS_OF, "en")
    rows = {row.stage: row for row in result.funnel}
    assert list(rows) == ["prospecting", "discovery", "evaluation", "proposal", "negotiation"]
    assert (rows["proposal"].count, rows["proposal"].value, rows["proposal"].weighted) == (2, 150_000, 75_000)
    assert (rows["discovery"].count, rows["discovery"].weighted) == (1, 1_500)
    assert rows["prospecting"].count == 0
    assert sum(row.weighted for row in result.funnel) == pytest.approx(result.summary.weighted_pipeline)
    assert sum(row.value for row in result.funnel) == result.summary.total_pipeline


def test_timeline_has_every_turn_with_its_times_and_objection_segments() -> None:
    text = (TRANSCRIPTS / "01_teams_voice.vtt").read_text(encoding="utf-8")
    result = coach_call(CoachCallInput(transcript=text), "en")
    assert len(result.timeline) == sum(s.turns for s in result.speakers)
    assert [s.start for s in result.timeline] == sorted(s.start or 0 for s in result.timeline)
    assert result.timeline[-1].end == result.metrics.duration_seconds
    assert sum(s.words for s in result.timeline) == sum(s.words for s in result.speakers)
    for objection in result.objections:
        assert objection.segment is not None
        segment = result.timeline[objection.segment]
        assert result.speakers[segment.speaker].name == objection.speaker


def test_long_monologues_span_the_rep_run_across_a_backchannel() -> None:
    text = "Rep: " + "word " * 120 + "\nBuyer: mm-hmm\nRep: " + "more " * 60 + "\nBuyer: What does it cost?\n"
    result = coach_call(CoachCallInput(transcript=text, rep_names=["Rep"]), "en")
    # one run over segments 0-2: the buyer's mm-hmm does not break it (and its words are the buyer's)
    assert [(m.first, m.last, m.words, m.seconds) for m in result.long_monologues] == [(0, 2, 180, None)]
    assert [s.start for s in result.timeline] == [None] * 4
    short = coach_call(CoachCallInput(transcript="Rep: Hi there?\nBuyer: Hello.\n", rep_names=["Rep"]), "en")
    assert short.long_monologues == []


def test_very_long_calls_merge_turns_to_a_bounded_timeline() -> None:
    lines = [f"{'Rep' if i % 2 == 0 else 'Buyer'}: turn number {i} here" for i in range(MAX_TIMELINE * 2 + 10)]
    result = coach_call(CoachCallInput(transcript="\n".join(lines), rep_names=["Rep"]), "en")
    assert len(result.timeline) <= MAX_TIMELINE
    assert sum(s.words for s in result.timeline) == sum(s.words for s in result.speakers)
