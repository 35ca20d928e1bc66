"""`sales-playbook report`: the HTML file appears whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from sales_playbook.server.cli import main

CALL = "Rep: What slows onboarding down today?\nBuyer: Manual data entry, about two weeks per client.\n"


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        ("{dir}", "Is a directory"),
        ("{dir}/missing/r.html", "No such file or directory"),
        ("{dir}/call.txt/r.html", "Not a directory"),
    ],
)
def test_an_unwritable_out_exits_1_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], out: str, reason: str
) -> None:
    (tmp_path / "call.txt").write_text(CALL, encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    assert main(["report", "call", str(tmp_path / "call.txt"), "--out", out.format(dir=tmp_path)]) == 1
    err = capsys.readouterr().err
    assert reason in err and "Traceback" not in err
    assert sorted(tmp_path.rglob("*")) == before


def test_ctrl_c_while_writing_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "call.txt").write_text(CALL, encoding="utf-8")
    out = tmp_path / "r.html"
    out.write_text("the previous report", encoding="utf-8")

    def interrupted(self: Path, target: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    assert main(["report", "call", str(tmp_path / "call.txt"), "--out", str(out)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.txt", "r.html"]
