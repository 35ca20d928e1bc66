"""The `sales-playbook` command: `serve` (stdio or streamable HTTP) and `--version`.

Every setting can come from a SALES_PLAYBOOK_* environment variable; a flag given here wins.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import __version__
from ..knowledge import KnowledgeError
from .settings import TOOLSETS, Settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
INTERRUPTED = 130
"""Exit code after Ctrl-C in a one-shot command (128 + SIGINT, as shells report it)."""


def _port(text: str) -> int:
    """An HTTP port, 0-65535 (0: any free port); anything else is a usage error (exit 2)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}: a whole number from 0 to 65535") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {port}: a whole number from 0 to 65535")
    return port


def _parser(serve_only: bool = False) -> argparse.ArgumentParser:
    """The command line. `serve_only` leaves out the other commands, whose modules a server start need not import."""
    parser = argparse.ArgumentParser(
        prog="sales-playbook",
        description="A B2B sales playbook as an MCP server (tools, prompts, resources).",
    )
    parser.add_argument("--version", action="version", version=f"sales-playbook {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the MCP server (stdio by default)")
    serve.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8765, help="HTTP port (default 8765)")
    serve.add_argument(
        "--allowed-host",
        action="append",
        dest="allowed_hosts",
        metavar="HOST",
        help="HTTP: a Host name clients use (repeatable; required with a non-loopback --host)",
    )
    serve.add_argument("--data-dir", help="overrides SALES_PLAYBOOK_DATA_DIR")
    serve.add_argument("--database-url", help="overrides SALES_PLAYBOOK_DATABASE_URL")
    serve.add_argument("--locale", choices=("en", "zh"), help="overrides SALES_PLAYBOOK_DEFAULT_LOCALE")
    serve.add_argument("--toolsets", help=f"comma-separated, from {', '.join(TOOLSETS)} or 'all'")
    serve.add_argument("--model", help="overrides SALES_PLAYBOOK_MODEL")
    serve.add_argument("--log-level", help="overrides SALES_PLAYBOOK_LOG_LEVEL")
    serve.add_argument("--model-timeout-seconds", help="overrides SALES_PLAYBOOK_MODEL_TIMEOUT_SECONDS")
    serve.add_argument("--max-request-bytes", help="HTTP: overrides SALES_PLAYBOOK_MAX_REQUEST_BYTES")
    serve.add_argument("--rate-limit-per-minute", help="HTTP: overrides SALES_PLAYBOOK_RATE_LIMIT_PER_MINUTE")
    serve.add_argument("--rate-limit-burst", help="HTTP: overrides SALES_PLAYBOOK_RATE_LIMIT_BURST")
    if serve_only:
        return parser
    from .pipeline_commands import add_parsers

    add_parsers(commands)  # `import FILE.csv` and `review`
    from .users_command import add_parser as add_users_parser

    add_users_parser(commands)  # `users add|revoke|list` (team-server tokens)
    from .report import add_parser as add_report_parser

    add_report_parser(commands)  # `report pipeline|forecast|deal ID|call FILE --out report.html`
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        "data_dir": args.data_dir,
        "database_url": args.database_url,
        "default_locale": args.locale,
        "toolsets": args.toolsets,
        "model": args.model,
        "log_level": args.log_level,
        "allowed_hosts": getattr(args, "allowed_hosts", None),
        "model_timeout_seconds": getattr(args, "model_timeout_seconds", None),
        "max_request_bytes": getattr(args, "max_request_bytes", None),
        "rate_limit_per_minute": getattr(args, "rate_limit_per_minute", None),
        "rate_limit_burst": getattr(args, "rate_limit_burst", None),
    }
    return Settings(**{key: value for key, value in overrides.items() if value is not None})


def _store_problem(settings: Settings) -> str | None:
    """Why the configured SQLite file cannot be opened or created (a folder on its path is a file, the file is a
    folder, the folder is not writable); None when it looks usable, or the store is not a SQLite file.
    Nothing is created: a command that fails later for another reason leaves no data folder behind."""
    url = settings.effective_database_url
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    path = Path(url.removeprefix("sqlite:///")).expanduser()
    if path.is_dir():
        return f"the database file {path} is a folder"
    folder = next(parent for parent in (path, *path.parents) if parent.exists() or parent == parent.parent)
    if folder == path:
        return None if os.access(path, os.R_OK | os.W_OK) else f"the database file {path} is not readable and writable"
    if not folder.is_dir():
        return f"cannot keep the database in {path.parent}: {folder} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot create the database in {path.parent}: {folder} is not writable"
    return None


def _database_problem(settings: Settings) -> str | None:
    """Why the database cannot be opened (unreachable, not a SQLite file, ...), or None. The HTTP server opens it
    before its first request; checked here first so a bad one is one line and exit 1, not a start-up traceback."""
    import sqlite3

    from .store import StoreError, open_store

    try:
        open_store(settings.effective_database_url).close()
    except (StoreError, OSError, sqlite3.Error) as exc:
        return f"cannot use the database {settings.effective_database_url.split('@')[-1]}: {exc}"
    return None


def _setting_error(exc: ValidationError) -> int:
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        print(f"sales-playbook: invalid setting {field}: {error['msg']}", file=sys.stderr)
    return 2


def _configure_logging(level: str) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)  # stdout belongs to the MCP stdio transport
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


def serve(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
    except ValidationError as exc:
        return _setting_error(exc)
    problem = _store_problem(settings)
    if problem:
        print(f"sales-playbook: {problem} (set --data-dir or --database-url)", file=sys.stderr)
        return 2
    _configure_logging(settings.log_level)  # before the SDK's basicConfig, which then leaves ours in place
    from .app import build_server  # the SDK import is the slow part of start-up; keep --version fast

    if args.transport == "http":
        from .http import HttpConfigError, serve_http

        problem = _database_problem(settings)
        if problem:
            print(f"sales-playbook: {problem}", file=sys.stderr)
            return 1
        try:
            serve_http(settings, args.host, args.port)  # logs "ready on http://HOST:PORT/mcp"
        except (HttpConfigError, KnowledgeError) as exc:
            print(f"sales-playbook: {exc}", file=sys.stderr)
            return 2 if isinstance(exc, HttpConfigError) else 1
        return 0
    try:
        server = build_server(settings)
    except KnowledgeError as exc:
        print(f"sales-playbook: {exc}", file=sys.stderr)
        return 1
    logging.getLogger("sales_playbook").info("sales-playbook %s ready on stdio", __version__)
    server.run()
    return 0


def _with_settings(args: argparse.Namespace, command: Callable[[argparse.Namespace, Settings], int]) -> int:
    """Run a one-shot command with the settings: an invalid setting, or a database file that cannot be created,
    exits 2; a database that cannot be opened or read (not a SQLite file, an I/O error) exits 1."""
    try:
        settings = _settings(args)
    except ValidationError as exc:
        return _setting_error(exc)
    problem = None if getattr(args, "kind", None) == "call" else _store_problem(settings)  # report call: no store
    if problem:
        print(f"sales-playbook: {problem} (set --data-dir or --database-url)", file=sys.stderr)
        return 2
    import sqlite3

    try:
        return command(args, settings)
    except BrokenPipeError:
        raise  # stdout closed by the reader (`| head`): handled in main
    except (OSError, sqlite3.Error) as exc:
        url = settings.effective_database_url.split("@")[-1]  # no credentials in the message
        print(f"sales-playbook: cannot use the database {url}: {exc}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; Ctrl-C ends a server quietly (exit 0, like the HTTP server) and a one-shot command with
    exit 130 (a database write in progress is rolled back: imports are one transaction)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = _parser(serve_only=argv[:1] == ["serve"])
        args = parser.parse_args(argv)
        if args.command == "serve":
            try:
                return serve(args)
            except KeyboardInterrupt:
                return 0
        return _run(parser, args)
    except KeyboardInterrupt:
        print("sales-playbook: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # `sales-playbook review | head`: the reader left; no traceback, no flush error at exit
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "users":
        from .users_command import run as run_users

        return _with_settings(args, run_users)
    if args.command == "report":
        from .report import run as run_report

        return _with_settings(args, run_report)
    if args.command in ("import", "review"):
        from .pipeline_commands import run

        return _with_settings(args, run)
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
