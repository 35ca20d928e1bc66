"""`sales-playbook import FILE.csv` and `sales-playbook review`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sales_playbook.server.cli import main

CSV = """Opportunity ID,Opportunity Name,Account Name,Stage,Amount,Close Date,Created Date,Next Step
006A,Big,Umbrella,Negotiation/Review,"250,000",2026-12-01,2026-07-01,Legal redlines
006B,Small,Hooli,Closed Won,9000,2026-10-15,2026-08-10,
"""


def _args(tmp_path: Path) -> list[str]:
    return ["--data-dir", str(tmp_path / "data"), "--as-of", "2026-11-20"]


def test_import_then_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    assert main(["import", str(path), "--dry-run", *_args(tmp_path)]) == 0
    assert "DRY RUN — salesforce export: 2 rows, 2 valid" in capsys.readouterr().out
    assert main(["import", str(path), "--json", *_args(tmp_path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["created"], result["written"]) == (2, True)
    assert main(["import", str(path), *_args(tmp_path)]) == 0
    assert "created 0, updated 0, unchanged 2" in capsys.readouterr().out
    assert main(["review", "--quota", "100000", *_args(tmp_path)]) == 0
    review = yaml.safe_load(capsys.readouterr().out)["pipeline_review"]
    assert review["date"] == "2026-11-20"
    assert review["deals_to_review"][0]["company"] == "Umbrella"
    assert review["pipeline_health"]["coverage_ratio"] == "2.5x"
    assert main(["review", "--format", "markdown", *_args(tmp_path)]) == 0
    assert "| Umbrella | 250,000 | negotiation |" in capsys.readouterr().out


def test_rejected_rows_fail_the_import_and_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "006C,Neg,Neg Co,Prospecting,-3,2026-12-01,2026-07-01,\n", encoding="utf-8")
    assert main(["import", str(path), *_args(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "line 4: value: amount -3 is negative" in out and "nothing was imported" in out
    assert main(["review", "--format", "json", *_args(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["deal_count"] == 0


def test_a_50_mb_file_is_refused_naming_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing written
    assert main(["import", str(path), *_args(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "52,428,800 bytes" in err and "limit is 5,000,000 characters" in err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(("chars", "code"), [(4_999_000, 0), (5_000_001, 2)])
def test_the_limit_counts_characters_like_the_tool(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], chars: int, code: int
) -> None:
    """A Chinese export takes three bytes a character: 2 MB of text is 6 MB on disk, and still importable."""
    header = "Company,Stage,Amount,Notes\n"
    row = "艾克美,discovery,1000," + "客户希望缩短上线时间" * 30 + "\n"
    text = header + row * ((chars - len(header)) // len(row))
    text = text[:-1] + "很" * (chars - len(text)) + "\n"  # the last note pads the file to `chars` characters
    path = tmp_path / "zh.csv"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > 5_000_000
    assert main(["import", str(path), "--dry-run", *_args(tmp_path)]) in ((0, 1) if code == 0 else (2,))
    err = capsys.readouterr().err
    assert ("limit is 5,000,000 characters" in err) == (code == 2) and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00bad", "is not UTF-8 text"),
        (b"Amount\n5\n", "missing required column"),
    ],
)
def test_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert main(["import", str(path), *_args(tmp_path)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("name", "reason"), [("nope.csv", "No such file"), (".", "Is a directory")])
def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, reason: str) -> None:
    assert main(["import", str(tmp_path / name), *_args(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and reason in err and "Traceback" not in err
