"""Garbage in never crashes coach_call: any text gives a clear input error or an honest, bounded result."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sales_playbook.schemas.coaching import CoachCallInput
from sales_playbook.tools.coaching import coach_call
from sales_playbook.tools.errors import PlaybookInputError

NAMES = st.sampled_from(["Ann", "Bo", "销售", "客户", "Rep", "  ann ", "[Bo]", "**Cy**", "Speaker 1", "x" * 70])
SEPARATORS = st.sampled_from([": ", "：", " : ", ":"])
STAMPS = st.sampled_from(["", "[00:00:01] ", "00:01:02 ", "[1:2] ", "99:99:99 "])
LINE = st.builds(lambda s, n, sep, t: f"{s}{n}{sep}{t}", STAMPS, NAMES, SEPARATORS, st.text(max_size=80))
JUNK = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


def _check(text: str) -> None:
    try:
        result = coach_call(CoachCallInput(transcript=text), "en")
    except PlaybookInputError as exc:
        assert exc.field in {"transcript", "rep_names"}
        return
    metrics = result.metrics
    assert 0 <= metrics.rep_talk_ratio <= 1
    assert metrics.talk_time_ratio is None or 0 <= metrics.talk_time_ratio <= 1
    assert 0 <= result.score <= 100
    assert abs(sum(s.share for s in result.speakers) - 1) < 0.01
    assert len(result.strengths) == 3 and len(result.improvements) == 3


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(LINE, JUNK), min_size=0, max_size=25).map("\n".join))
def test_random_speaker_lines_and_junk(text: str) -> None:
    _check(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 50), NAMES, st.text(max_size=60)), max_size=15))
def test_random_webvtt(cues: list[tuple[int, int, str, str]]) -> None:
    def clock(seconds: int) -> str:
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"

    body = "\n\n".join(f"{clock(a)} --> {clock(a + d)}\n<v {n}>{t}" for a, d, n, t in cues)
    _check(f"WEBVTT\n\n{body}\n")


@pytest.mark.parametrize(
    "text",
    [
        "Ann: " + "a" * 900_000 + "\nBo: hi there",
        "?" * 900_000,
        "Ann: ?\nBo: ?\n" * 60_000,
        "WEBVTT\n\n" + "00:00:01.000 --> 00:00:00.000\n<v Ann>backwards in time\n\n" * 10_000,
        "Ann: " + "你好" * 400_000 + "\nBo: 嗯",
    ],
    ids=["one-huge-word", "only-question-marks", "many-tiny-turns", "backwards-cues", "huge-chinese-turn"],
)
def test_pathological_but_valid_sizes_finish_quickly(text: str) -> None:
    start = time.perf_counter()
    _check(text)
    assert time.perf_counter() - start < 10
