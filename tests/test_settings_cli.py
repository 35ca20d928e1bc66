"""Settings come from SALES_PLAYBOOK_* variables, CLI flags win, and bad values are refused by name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError
from sales_playbook import __version__
from sales_playbook.server.cli import _parser, _settings, main
from sales_playbook.server.settings import (
    DEFAULT_TOOLSETS,
    TOOLSETS,
    Settings,
    default_data_dir,
    environment_values,
)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALES_PLAYBOOK_DATA_DIR")
    monkeypatch.delenv("SALES_PLAYBOOK_TOOLSETS")
    s = Settings()
    assert s.data_dir.name == "sales-playbook"
    assert s.effective_database_url == f"sqlite:///{s.data_dir / 'sales-playbook.db'}"
    assert s.toolsets == DEFAULT_TOOLSETS and s.default_locale == "en" and s.log_level == "INFO"


def test_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SALES_PLAYBOOK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SALES_PLAYBOOK_DATABASE_URL", "postgresql://u@localhost/db")
    monkeypatch.setenv("SALES_PLAYBOOK_DEFAULT_LOCALE", "zh")
    monkeypatch.setenv("SALES_PLAYBOOK_TOOLSETS", "deals, coaching")
    monkeypatch.setenv("SALES_PLAYBOOK_MODEL", "claude-x")
    monkeypatch.setenv("SALES_PLAYBOOK_LOG_LEVEL", "debug")
    s = Settings()
    assert s.data_dir == tmp_path and s.effective_database_url == "postgresql://u@localhost/db"
    assert (s.default_locale, s.toolsets, s.model, s.log_level) == (
        "zh",
        ("deals", "coaching"),
        "claude-x",
        "DEBUG",
    )


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_data_dir_is_the_default_folder(monkeypatch: pytest.MonkeyPatch, empty: str) -> None:
    monkeypatch.setenv("SALES_PLAYBOOK_DATA_DIR", empty)
    assert Settings().data_dir == Settings(data_dir=empty).data_dir == default_data_dir()


def test_all_toolsets_keyword(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALES_PLAYBOOK_TOOLSETS", "all")
    assert Settings().toolsets == TOOLSETS


def test_flags_override_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SALES_PLAYBOOK_DEFAULT_LOCALE", "zh")
    monkeypatch.setenv("SALES_PLAYBOOK_TOOLSETS", "deals")
    args = _parser().parse_args(["serve", "--locale", "en", "--toolsets", "pipeline", "--data-dir", str(tmp_path)])
    s = _settings(args)
    assert (s.default_locale, s.toolsets, s.data_dir) == ("en", ("pipeline",), tmp_path)


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("toolsets", "sales", "allowed: prospecting, deals, coaching, pipeline, all"),
        ("toolsets", " , ", "at least one toolset"),
        ("default_locale", "fr", "'en' or 'zh'"),
        ("log_level", "LOUD", "DEBUG"),
    ],
)
def test_bad_settings_are_named(field: str, value: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        Settings(**{field: value})
    assert fragment in str(info.value)


def test_bad_setting_exits_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--toolsets", "nope"]) == 2
    assert "invalid setting toolsets" in capsys.readouterr().err


def test_version_flag() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sales_playbook.server.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"sales-playbook {__version__}"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"SALES_PLAYBOOK_MODEL": "m"}, {"model": "m"}),
        ({"sales_playbook_model": "m"}, {"model": "m"}),  # names are case-insensitive
        ({"SALES_PLAYBOOK_RATE_LIMIT_BURST": "5"}, {"rate_limit_burst": "5"}),
        ({"SALES_PLAYBOOK_NOT_A_SETTING": "x", "OTHER_MODEL": "y", "MODEL": "z"}, {}),
        ({"SALES_PLAYBOOK_": "x"}, {}),
    ],
)
def test_environment_values(environ: dict[str, str], expected: dict[str, str]) -> None:
    assert environment_values(environ) == expected


def test_arguments_win_over_the_environment_and_are_validated_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALES_PLAYBOOK_RATE_LIMIT_BURST", "7")
    monkeypatch.setenv("SALES_PLAYBOOK_MODEL", "from-env")
    s = Settings(model="from-argument")
    assert (s.model, s.rate_limit_burst) == ("from-argument", 7)
    monkeypatch.setenv("SALES_PLAYBOOK_RATE_LIMIT_BURST", "0")
    with pytest.raises(ValidationError, match="rate_limit_burst"):
        Settings()


def _serve_flags() -> set[str]:
    serve = next(a for a in _parser()._actions if a.dest == "command").choices["serve"]  # type: ignore[attr-defined]
    return {flag for action in serve._actions for flag in action.option_strings}


def test_every_setting_has_a_serve_flag() -> None:
    flag = {"default_locale": "--locale", "allowed_hosts": "--allowed-host"}  # README's Settings table
    missing = [
        name for name in Settings.model_fields if flag.get(name, "--" + name.replace("_", "-")) not in _serve_flags()
    ]
    assert missing == []


def test_numeric_flags_reach_the_settings_and_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    args = _parser().parse_args(["serve", "--rate-limit-burst", "5", "--max-request-bytes", "2048"])
    assert (_settings(args).rate_limit_burst, _settings(args).max_request_bytes) == (5, 2048)
    assert main(["serve", "--model-timeout-seconds", "0"]) == 2
    assert "invalid setting model_timeout_seconds" in capsys.readouterr().err
    assert main(["serve", "--model", ""]) == 2
    assert "invalid setting model" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["-1", "65536", "70000", "8o"])
def test_a_port_outside_0_65535_is_a_usage_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--transport", "http", "--port", port])
    assert info.value.code == 2 and "0 to 65535" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("sqlite:////tmp/x.db", True),
        ("postgresql://u:p@h:5432/d", True),
        ("postgres://u@h/d", True),
        ("postgresql+psycopg://u@h/d", True),
        ("", True),  # empty: the default SQLite file
        ("mysql://u:secret@h/d", False),
        ("sqlite://relative.db", False),
        ("/var/lib/playbook.db", False),
        ("u:secret@h/d", False),
    ],
)
def test_database_url_setting(url: str, ok: bool) -> None:
    if ok:
        Settings(database_url=url)
        return
    with pytest.raises(ValidationError, match="must be sqlite:///PATH") as info:
        Settings(database_url=url)
    assert "secret" not in str(info.value).split("input_value")[0]


@pytest.mark.parametrize("command", [["review"], ["users", "list"], ["import", "x.csv"], ["report", "forecast"]])
def test_a_wrong_database_url_exits_2_without_its_password(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--database-url", "mysql://u:secret@h/d"]) == 2
    err = capsys.readouterr().err
    assert "invalid setting database_url" in err and "secret" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    "command",
    [["review"], ["users", "list"], ["import", "{csv}"], ["report", "pipeline", "--out", "{out}"], ["serve"]],
)
@pytest.mark.parametrize(
    ("where", "code", "message"),
    [
        ("data dir is a file", 2, "is a file, not a folder"),
        ("database is not SQLite", 1, "file is not a database"),
    ],
)
def test_an_unusable_data_dir_or_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], where: str, code: int, message: str
) -> None:
    (tmp_path / "file").write_text("not a folder, not a database\n" * 40)
    csv = tmp_path / "deals.csv"
    csv.write_text("Deal Name,Pipeline,Deal Stage,Amount\nBig,default,appointmentscheduled,5\n")
    argv = [part.format(csv=csv, out=tmp_path / "r.html") for part in command]
    if where == "data dir is a file":
        argv += ["--data-dir", str(tmp_path / "file")]
    elif command == ["serve"]:
        argv += ["--transport", "http", "--port", "0", "--database-url", f"sqlite:///{tmp_path / 'file'}"]
    else:
        argv += ["--database-url", f"sqlite:///{tmp_path / 'file'}"]
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    ("argv", "target", "code"),
    [
        (["review"], "sales_playbook.server.pipeline_commands.run", 130),
        (["users", "list"], "sales_playbook.server.users_command.run", 130),
        (["report", "pipeline"], "sales_playbook.server.report.run", 130),
        (["serve"], "sales_playbook.server.cli.serve", 0),  # stopping a server with Ctrl-C is the normal way
    ],
)
def test_ctrl_c_exits_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], target: str, code: int
) -> None:
    def interrupted(*args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(target, interrupted)
    assert main(argv) == code
    assert "Traceback" not in capsys.readouterr().err


def test_a_closed_stdout_ends_quietly(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def reader_left(*args: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("sales_playbook.server.pipeline_commands.run", reader_left)
    assert main(["review"]) == 1  # `sales-playbook review | head`
    assert capsys.readouterr().err == ""
