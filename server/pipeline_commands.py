"""`sales-playbook import FILE.csv` and `sales-playbook review`: the pipeline tools for people who script.

Both run the same code as the MCP tools (`import_deals`, `review_pipeline`) against the configured store.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..tools.errors import PlaybookInputError
from ..tools.locale import detect_locale
from .command_errors import fail, fail_input, fail_validation
from .registry import CallEnv
from .settings import Settings


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="overrides SALES_PLAYBOOK_DATA_DIR")
    parser.add_argument("--database-url", help="overrides SALES_PLAYBOOK_DATABASE_URL")
    parser.add_argument("--locale", choices=("en", "zh"), help="output language (default: the setting)")
    parser.add_argument("--as-of", type=date.fromisoformat, help="the date rules use (YYYY-MM-DD; default today)")
    parser.add_argument("--json", action="store_true", help="print the structured result as JSON")
    parser.set_defaults(toolsets=None, model=None, log_level=None)


def add_parsers(commands: Any) -> None:
    """Register `import` and `review` on the CLI's subparsers."""
    imp = commands.add_parser("import", help="import a HubSpot/Salesforce/Pipedrive deal export (CSV) into the store")
    imp.add_argument("file", type=Path, help="the CSV file")
    imp.add_argument("--source", choices=("auto", "hubspot", "salesforce", "pipedrive", "generic"), default="auto")
    imp.add_argument("--dry-run", action="store_true", help="show the mapping and rejected rows; write nothing")
    imp.add_argument("--skip-invalid-rows", action="store_true", help="import the valid rows even if some fail")
    imp.add_argument("--currency", default="USD", help="currency for rows without one (default USD)")
    _store_options(imp)
    review = commands.add_parser("review", help="print the weekly pipeline review of the stored deals")
    review.add_argument("--quota", type=float, help="the period's quota")
    review.add_argument("--period-start", type=date.fromisoformat)
    review.add_argument("--period-end", type=date.fromisoformat)
    review.add_argument("--owner", help="only this owner's deals")
    review.add_argument("--format", choices=("yaml", "markdown", "json"), default="yaml")
    _store_options(review)


def run(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here, not at module level: the CLI registers these subcommands on every start, `serve` included.
    from ..schemas.pipeline import ReviewPipelineInput
    from .services import Services
    from .toolsets.pipeline import import_markdown, run_import, run_review

    services = Services(settings)
    try:
        if args.command == "import":
            return _import(args, settings, services, run_import, import_markdown)
        inp = ReviewPipelineInput(
            quota=args.quota,
            period_start=args.period_start,
            period_end=args.period_end,
            owner=args.owner,
            as_of=args.as_of,
            locale=args.locale,
        )
        env = CallEnv(
            locale=args.locale or settings.default_locale, today=args.as_of or date.today(), services=services
        )
        result = run_review(inp, env)
        if args.json or args.format == "json":
            print(result.model_dump_json(indent=2))
        elif args.format == "markdown":
            from ..tools.pipeline_review import review_markdown

            print(review_markdown(result))
        else:
            print(result.yaml, end="")
        return 0
    except ValidationError as exc:
        return fail_validation(exc)
    except PlaybookInputError as exc:
        return fail_input(exc)
    finally:
        services.close()


def _import(args: argparse.Namespace, settings: Settings, services: Any, run_import: Any, render: Any) -> int:
    from ..schemas.pipeline import MAX_CSV_CHARS, ImportDealsInput

    path: Path = args.file
    try:
        size = path.stat().st_size
    except OSError as exc:
        return fail(f"cannot read {path}: {exc.strerror}")
    limit = f"the import limit is {MAX_CSV_CHARS:,} characters (as for the import_deals tool)"
    if size > 4 * MAX_CSV_CHARS:  # UTF-8 takes at most 4 bytes a character: too long without reading it
        return fail(f"{path} is {size:,} bytes; {limit}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return fail(f"{path} is not UTF-8 text (byte {exc.start}); export the CSV as UTF-8")
    except OSError as exc:  # a folder, no permission, an I/O error
        return fail(f"cannot read {path}: {exc.strerror}")
    if len(text) > MAX_CSV_CHARS:
        return fail(f"{path} has {len(text):,} characters; {limit}")
    inp = ImportDealsInput(
        csv=text,
        source=args.source,
        dry_run=args.dry_run,
        skip_invalid_rows=args.skip_invalid_rows,
        currency=args.currency,
        as_of=args.as_of,
        locale=args.locale,
    )
    locale = args.locale or detect_locale(text[:20_000], settings.default_locale)
    env = CallEnv(locale=locale, today=args.as_of or date.today(), services=services)
    result = run_import(inp, env, None if args.dry_run else services)
    print(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) if args.json else render(result))
    if result.rejected and not result.written:
        return 1
    return 0
