"""`sales-playbook report pipeline|forecast|deal ID|call FILE --out report.html`: a view as one static,
self-contained HTML file (no network: styles, script and the result JSON are inside) to share or print to PDF.

The result is computed by the same pure functions as the tools: the pipeline review, the forecast and the
qualification of a stored deal from the configured store; the call coaching from a transcript file. Unlike the
`forecast` tool, the report does not record a forecast snapshot (it only shows one).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..tools.errors import PlaybookInputError
from .command_errors import fail, fail_input, fail_validation
from .settings import Settings

KINDS = {"pipeline": "review_pipeline", "forecast": "forecast", "deal": "qualify_deal", "call": "coach_call"}
"""Report kind → the tool whose view it uses."""
CALL_TYPES = ("discovery", "demo", "cold_call", "negotiation", "follow_up")
"""schemas.knowledge.coaching.CALL_TYPES, spelled out so building the parser imports no schema (a test checks)."""


def add_parser(commands: Any) -> None:
    """Register `report` on the CLI's subparsers."""
    report = commands.add_parser(
        "report",
        help="write the pipeline, forecast, a stored deal's scorecard or a call's timeline as one HTML file",
        description="Write a view as one self-contained HTML file (share it, or print it to PDF from a browser).",
    )
    report.add_argument("kind", choices=tuple(KINDS), help="which view")
    report.add_argument("target", nargs="?", help="deal: the stored deal's id; call: the transcript file")
    report.add_argument("--out", type=Path, default=Path("report.html"), help="output file (default report.html)")
    report.add_argument("--quota", type=float, help="pipeline/forecast: the period's quota")
    report.add_argument("--period-start", type=date.fromisoformat, help="pipeline/forecast (YYYY-MM-DD)")
    report.add_argument("--period-end", type=date.fromisoformat, help="pipeline/forecast (YYYY-MM-DD)")
    report.add_argument("--owner", help="pipeline/forecast: only this owner's deals")
    report.add_argument("--framework", choices=("meddpicc", "meddic", "bant"), default="meddpicc", help="deal")
    report.add_argument("--rep", action="append", default=[], help="call: a speaker on the seller's side (repeat)")
    report.add_argument("--call-type", choices=CALL_TYPES, help="call: the kind of call (default discovery)")
    report.add_argument("--data-dir", help="overrides SALES_PLAYBOOK_DATA_DIR")
    report.add_argument("--database-url", help="overrides SALES_PLAYBOOK_DATABASE_URL")
    report.add_argument("--locale", choices=("en", "zh"), help="language (default: the setting; call: detected)")
    report.add_argument("--as-of", type=date.fromisoformat, help="the date rules use (YYYY-MM-DD; default today)")
    report.set_defaults(toolsets=None, model=None, log_level=None)


def result_for(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """The structured result the report shows (as the tool would return it)."""
    today = args.as_of or date.today()
    if args.kind == "call":
        result: BaseModel = _call(args, settings)
    else:
        from .services import Services

        services = Services(settings)
        try:
            result = _from_store(args, settings, services, today)
        finally:
            services.close()
    return result.model_dump(mode="json")


def _call(args: argparse.Namespace, settings: Settings) -> Any:
    from ..schemas.coaching import MAX_TRANSCRIPT_CHARS, CoachCallInput
    from ..tools.coaching import coach_call
    from .boundary import resolve_locale

    if not args.target:
        raise PlaybookInputError("FILE", "name the transcript file: sales-playbook report call FILE")
    path = Path(args.target)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PlaybookInputError("FILE", f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise PlaybookInputError("FILE", f"{path} is not UTF-8 text (byte {exc.start})") from exc
    if len(text) > MAX_TRANSCRIPT_CHARS:
        raise PlaybookInputError("FILE", f"{path} has {len(text):,} characters; the limit is {MAX_TRANSCRIPT_CHARS:,}")
    fields: dict[str, Any] = {"transcript": text, "rep_names": args.rep, "locale": args.locale}
    if args.call_type:
        fields["call_type"] = args.call_type
    inp = CoachCallInput.model_validate(fields)
    return coach_call(inp, resolve_locale(inp, settings.default_locale))


def _from_store(args: argparse.Namespace, settings: Settings, services: Any, today: date) -> Any:
    from .toolsets.pipeline import store_errors

    locale = args.locale or settings.default_locale
    if args.kind == "deal":
        from ..schemas.deal import Deal
        from ..tools.qualify import qualify

        if not args.target:
            raise PlaybookInputError("ID", "name the stored deal: sales-playbook report deal ID")
        with store_errors("ID"):
            stored = services.store.get_deal(args.target)
        if stored is None:
            raise PlaybookInputError("ID", f"no stored deal has id {args.target!r}")
        deal = Deal.model_validate(stored.model_dump(include=set(Deal.model_fields)))
        return qualify(deal, args.framework, today, locale)
    window = {"quota": args.quota, "period_start": args.period_start, "period_end": args.period_end}
    if args.kind == "pipeline":
        from ..schemas.pipeline import ReviewPipelineInput
        from .registry import CallEnv
        from .toolsets.pipeline import run_review

        review = ReviewPipelineInput(**window, owner=args.owner, as_of=today, locale=locale)
        return run_review(review, CallEnv(locale=locale, today=today, services=services))
    from ..schemas.forecast import ForecastInput
    from ..tools.forecast import forecast

    inp = ForecastInput(**window, owner=args.owner, as_of=today, locale=locale)
    with store_errors("store"):
        deals = services.store.all_deals(args.owner)
        snapshots = services.store.snapshots(args.owner)
    return forecast(inp, deals, today, locale, snapshots=snapshots, source="store")


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def run(args: argparse.Namespace, settings: Settings) -> int:
    from .views import report_html

    if args.kind in ("pipeline", "forecast") and args.target:
        return fail(f"report {args.kind} takes no argument (got {args.target!r})")
    try:
        result = result_for(args, settings)
    except ValidationError as exc:
        return fail_validation(exc)
    except PlaybookInputError as exc:
        return fail_input(exc)
    page = report_html(KINDS[args.kind], result)
    out: Path = args.out
    partial = out.with_name(f".{out.name}.partial")
    try:  # written beside it, then renamed: an interrupted or failed write never leaves half a report at --out
        if out.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        partial.write_text(page, encoding="utf-8")
        partial.replace(out)
    except OSError as exc:
        _remove(partial)
        return fail(f"cannot write {out}: {exc.strerror}", 1)
    except BaseException:  # Ctrl-C mid-write
        _remove(partial)
        raise
    print(f"wrote {args.out} ({len(page.encode('utf-8')):,} bytes)", file=sys.stderr)
    return 0
