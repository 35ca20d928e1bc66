"""coach_call against twelve transcripts in every supported format, with metrics counted by hand
(tests/coaching/data/transcripts/*.expected.json; the counting rules are in tests/coaching/data/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sales_playbook.schemas.coaching import CoachCallInput
from sales_playbook.tools.coaching import coach_call

DATA = Path(__file__).parent / "data" / "transcripts"
CASES = sorted(p for p in DATA.iterdir() if not p.name.endswith(".expected.json"))


def _expected(path: Path) -> dict[str, Any]:
    return json.loads((DATA / (path.stem + ".expected.json")).read_text(encoding="utf-8"))


def test_there_are_at_least_twelve_transcripts_across_formats() -> None:
    assert len(CASES) >= 12
    formats = {_expected(path)["format"] for path in CASES}
    assert formats == {"webvtt", "srt", "header_blocks", "speaker_lines"}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_hand_counted_metrics(path: Path) -> None:
    exp = _expected(path)
    inp = CoachCallInput(
        transcript=path.read_text(encoding="utf-8"),
        rep_names=exp.get("rep_names", []),
        call_type=exp["call_type"],
    )
    result = coach_call(inp, exp.get("locale", "en"))
    assert result.format == exp["format"]
    assert result.side_inference.method == exp["side_method"]
    speakers = {s.name: s for s in result.speakers}
    assert set(speakers) == set(exp["speakers"])
    for name, want in exp["speakers"].items():
        got = speakers[name].model_dump()
        for key, value in want.items():
            assert got[key] == value, f"{name}.{key}: {got[key]} != {value}"
    metrics = result.metrics.model_dump()
    for key, value in exp["metrics"].items():
        assert metrics[key] == value, f"metrics.{key}: {metrics[key]} != {value}"
    assert result.next_step.found == exp["next_step"]["found"]
    assert result.next_step.has_date == exp["next_step"]["has_date"]
    for code in exp.get("signals", []):
        assert code in {s.signal for s in result.buying_signals}
    for category in exp.get("objections", []):
        assert category in {o.category for o in result.objections}
    if "objections_any" in exp:
        assert {o.category for o in result.objections} & set(exp["objections_any"])
    for key in exp.get("meddpicc", []):
        assert result.meddpicc_evidence.get(key), f"no {key} evidence"
    mix = result.question_mix.model_dump()
    for key, value in exp.get("question_mix", {}).items():
        assert mix[key] == value, f"question_mix.{key}: {mix[key]} != {value}"
    # the score is the sum of its named rules
    assert result.score == round(sum(line.points for line in result.breakdown))
    assert [line.rule for line in result.breakdown] == [
        "talk_ratio",
        "questions",
        "monologue",
        "next_step",
        "pain_depth",
        "filler_words",
    ]
    assert len(result.strengths) == 3 and len(result.improvements) == 3
    assert all(item.evidence for item in [*result.strengths, *result.improvements])
