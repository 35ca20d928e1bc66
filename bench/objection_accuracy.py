"""Category accuracy of the objection classifier on the labelled utterances in tests/coaching/data/.

Run: .venv/bin/python bench/objection_accuracy.py [--failures]
Prints accuracy on the development part (the only part the classifier was tuned against) and on the held-out
part (written before the classifier; see tests/coaching/data/README.md). `--failures` lists the development
misses; held-out misses are never printed, so they cannot leak into tuning.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from sales_playbook.tools.objections import classify

DATA = Path(__file__).resolve().parent.parent / "tests" / "coaching" / "data"
PARTS = ("dev", "heldout")


def load(part: str) -> list[dict[str, str]]:
    path = DATA / f"objections_{part}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(rows: list[dict[str, str]]) -> tuple[int, Counter[str], Counter[str], list[str]]:
    correct = 0
    by_lang: Counter[str] = Counter()
    total_lang: Counter[str] = Counter()
    misses: list[str] = []
    for row in rows:
        result = classify(row["text"], row.get("context"))  # type: ignore[arg-type]
        total_lang[row["lang"]] += 1
        if result.category == row["category"]:
            correct += 1
            by_lang[row["lang"]] += 1
        else:
            misses.append(
                f"  want {row['category']:10s} got {result.category:10s} ({result.confidence:.2f}) {row['text']}"
            )
    return correct, by_lang, total_lang, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--failures", action="store_true", help="list the development misses")
    args = parser.parse_args()
    for part in PARTS:
        rows = load(part)
        correct, by_lang, total_lang, misses = evaluate(rows)
        langs = ", ".join(f"{lang} {by_lang[lang]}/{total_lang[lang]}" for lang in sorted(total_lang))
        print(f"{part:8s} category accuracy {correct}/{len(rows)} = {correct / len(rows):.1%} ({langs})")
        if args.failures and part == "dev":
            print("\n".join(misses) or "  no misses")


if __name__ == "__main__":
    main()
