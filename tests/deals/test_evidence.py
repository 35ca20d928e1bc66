"""Evidence inference: the labelled snippet set (precision ≥ 0.9) and the negation/hedge rules one by one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sales_playbook.tools.evidence import clauses, find_cues, is_negated_or_hedged

BENCH = Path(__file__).resolve().parents[2] / "bench" / "evidence_inference.py"


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("evidence_inference_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_labelled_set_precision_and_recall() -> None:
    b = bench()
    cases = b.load_cases()
    assert len(cases) >= 40
    langs = [b.language(c) for c in cases]
    assert langs.count("zh") >= 15 and langs.count("en") >= 15
    assert sum(1 for c in cases if not c["expect"]) >= 15  # plenty of negated / hedged / neutral snippets
    scores = b.evaluate(cases)
    assert scores["all"].precision >= 0.9, scores["all"].errors
    assert scores["all"].recall >= 0.8, scores["all"].errors
    for lang in ("en", "zh"):
        assert scores[lang].precision >= 0.9


def test_bench_script_prints_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench().main([]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "recall" in out


NEGATIONS = ["not", "n't", "no", "never", "没", "还没", "尚未", "不清楚", "without"]


@pytest.mark.parametrize(
    ("clause", "negated"),
    [
        ("We have not met the CFO", True),
        ("The VP isn't the budget owner", True),
        ("They cannot scale", True),
        ("还没见到老板", True),
        ("尚未立项", True),
        ("Who is the decision maker?", True),
        ("They might issue an RFP", True),
        ("如果老板同意", True),
        ("Met the CFO", False),
        ("Decision no later than March", False),  # an idiom, not a negation
        ("效果不错", False),
        ("未来三年扩展", False),
    ],
)
def test_negation_and_hedges(clause: str, negated: bool) -> None:
    assert is_negated_or_hedged(clause, NEGATIONS) is negated


def test_clauses_split_on_contrast_and_punctuation() -> None:
    assert clauses("We have not met the CFO, but the VP signed off. 还没见到老板，但是副总同意了") == [
        "We have not met the CFO",
        "the VP signed off",
        "还没见到老板",
        "副总同意了",
    ]


def test_a_cue_word_inside_a_longer_word_does_not_match() -> None:
    assert find_cues("A heroic effort", ["ROI"], NEGATIONS) == []
    assert find_cues("ROI is clear", ["ROI"], NEGATIONS) == [("ROI", "ROI is clear")]


def test_questions_count_for_buying_signals() -> None:
    assert find_cues("Can we do a trial?", ["can we do a trial"], NEGATIONS) == []
    assert find_cues("Can we do a trial?", ["can we do a trial"], NEGATIONS, statements_only=False) == [
        ("can we do a trial", "Can we do a trial?")
    ]
