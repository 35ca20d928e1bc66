"""Precision and recall of qualify_deal's evidence inference on the hand-labelled snippets.

    .venv/bin/python bench/evidence_inference.py [--verbose]

Each case in tests/deals/evidence_cases.yaml is a deal with nothing but a note (and sometimes contacts); the
labels say which elements a careful reader would mark at least partial. A prediction is an element that
qualify_deal marks `source: inferred`. Precision = correct predictions / predictions (a false "we know this" is
the costly error); recall = correct predictions / labelled elements. Printed overall and per language.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sales_playbook.schemas.deal import Deal
from sales_playbook.tools.qualify import qualify

CASES = Path(__file__).resolve().parent.parent / "tests" / "deals" / "evidence_cases.yaml"
AS_OF = date(2026, 11, 23)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["cases"])


def language(case: dict[str, Any]) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in case["text"]) else "en"


def predicted(case: dict[str, Any]) -> set[str]:
    deal = Deal.model_validate({"company": "Case", "notes": case["text"], "contacts": case.get("contacts", [])})
    result = qualify(deal, case.get("framework", "meddpicc"), AS_OF, "en")
    return {e.key for e in result.elements if e.source == "inferred"}


def evaluate(cases: list[dict[str, Any]]) -> dict[str, Score]:
    """Scores overall ('all') and per language ('en', 'zh')."""
    scores = {"all": Score(), "en": Score(), "zh": Score()}
    for case in cases:
        got, want = predicted(case), set(case["expect"])
        for key in ("all", language(case)):
            score = scores[key]
            score.tp += len(got & want)
            score.fp += len(got - want)
            score.fn += len(want - got)
        for element in sorted(got - want):
            scores["all"].errors.append(f"false positive  {case['id']}: {element}  ({case['text']})")
        for element in sorted(want - got):
            scores["all"].errors.append(f"missed          {case['id']}: {element}  ({case['text']})")
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every false positive and miss")
    args = parser.parse_args(argv)
    cases = load_cases()
    scores = evaluate(cases)
    print(f"evidence inference: {len(cases)} snippets ({sum(language(c) == 'zh' for c in cases)} zh)")
    for key in ("all", "en", "zh"):
        s = scores[key]
        print(f"  {key:3}  precision {s.precision:.3f}  recall {s.recall:.3f}  (tp {s.tp}, fp {s.fp}, fn {s.fn})")
    if args.verbose:
        for line in scores["all"].errors:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
