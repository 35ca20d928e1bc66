"""The 'pipeline' toolset: the deal store (save, list, log, import), the weekly review, the forecast and the
win/loss analysis. Review, forecast and win/loss take `deals` inline or, when omitted, read the caller's
deals from the store and call the same pure function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ...knowledge import get
from ...schemas.common import Locale
from ...schemas.forecast import ForecastInput, ForecastResult
from ...schemas.knowledge.pipeline import PipelineStages
from ...schemas.pipeline import (
    DealSummary,
    ImportDealsInput,
    ImportDealsResult,
    ListDealsInput,
    ListDealsResult,
    LogActivityInput,
    LogActivityResult,
    ReviewPipelineInput,
    ReviewPipelineResult,
    SaveDealInput,
    SaveDealResult,
)
from ...schemas.win_loss import ClosedDeal, WinLossInput, WinLossResult
from ...tools.crm_import import plan_import
from ...tools.errors import PlaybookInputError
from ...tools.forecast import forecast, forecast_markdown, snapshot_of
from ...tools.formatting import number
from ...tools.pipeline_review import review_markdown, review_pipeline
from ...tools.win_loss import analyze_win_loss, win_loss_markdown
from ..boundary import gc_paused
from ..registry import CallEnv, ToolSpec
from ..services import Services


def services_of(env: CallEnv, field: str = "deals") -> Services:
    services = env.services
    if not isinstance(services, Services):
        raise PlaybookInputError(field, "no deal store is available in this server; pass the deals inline")
    return services


@contextmanager
def store_errors(field: str) -> Iterator[None]:
    """Store refusals (stale version, unknown deal, unreachable database) become tool errors naming the field."""
    from ..store import DealNotFoundError, StaleVersionError, StoreError

    try:
        yield
    except StaleVersionError as exc:
        raise PlaybookInputError(f"{field}.version", str(exc)) from exc
    except DealNotFoundError as exc:
        raise PlaybookInputError(f"{field}.id" if field == "deal" else field, str(exc)) from exc
    except StoreError as exc:
        raise PlaybookInputError("store", str(exc)) from exc


# -------------------------------------------------------------------------------------------- store tools


def _save(inp: SaveDealInput, env: CallEnv) -> SaveDealResult:
    services = services_of(env, "deal")
    with store_errors("deal"):
        outcome = services.store.save_deal(inp.deal, env.today, services.actor)
        history = services.store.stage_history([outcome.deal.id]).get(outcome.deal.id, [])
    return SaveDealResult(
        locale=env.locale,
        deal=outcome.deal,
        created=outcome.created,
        stage_changed=outcome.stage_changed,
        close_date_pushed=outcome.close_date_pushed,
        stage_history=history,
    )


def _stage_text(code: str, locale: Locale) -> str:
    """The stage as the store tools' text shows it: the code in English (as it always was), the label in Chinese."""
    return get("stages", PipelineStages).stage(code).label.zh if locale == "zh" else code


def _save_markdown(result: SaveDealResult) -> str:
    d = result.deal
    zh = result.locale == "zh"
    verb = ("已新建" if zh else "Created") if result.created else ("已更新" if zh else "Saved")
    stage = _stage_text(d.stage, result.locale)
    line = f"{verb} {d.company} ({d.id}) v{d.version}: {stage}, {number(d.value)} {d.currency}"
    if result.stage_changed:
        line += f"; {'阶段变更于' if zh else 'stage changed on'} {d.stage_entered}"
    if result.close_date_pushed:
        line += f"; {'成交日期推迟至' if zh else 'close date pushed to'} {d.close_date}"
    return line


def _list(inp: ListDealsInput, env: CallEnv) -> ListDealsResult:
    services = services_of(env, "stage")
    with store_errors("store"):
        deals, total = services.store.list_deals(
            stage=inp.stage, owner=inp.owner, open_only=inp.open_only, text=inp.text, limit=inp.limit, offset=inp.offset
        )
    open_value = sum(d.value for d in deals if d.is_open)
    listed = deals if inp.detail == "full" else [DealSummary.of(deal) for deal in deals]
    return ListDealsResult(locale=env.locale, deals=listed, total=total, open_value=open_value)


def _list_markdown(result: ListDealsResult) -> str:
    zh = result.locale == "zh"
    lines = [
        f"{len(result.deals)} / {result.total} {'笔交易' if zh else 'deals'}",
        "",
        "| id | 客户 | 阶段 | 金额 | 预计成交 | 版本 |" if zh else "| id | company | stage | value | close | v |",
        "|---|---|---|---:|---|---:|",
    ]
    for d in result.deals:
        stage = _stage_text(d.stage, result.locale)
        lines.append(f"| {d.id} | {d.company} | {stage} | {number(d.value)} | {d.close_date or ''} | {d.version} |")
    return "\n".join(lines)


def _log(inp: LogActivityInput, env: CallEnv) -> LogActivityResult:
    services = services_of(env, "deal_id")
    with store_errors("deal_id"):
        activity, deal, moved = services.store.log_activity(
            inp.deal_id, inp.kind, inp.date or env.today, inp.summary, services.actor
        )
    return LogActivityResult(locale=env.locale, activity=activity, deal=deal, last_activity_updated=moved)


_ACTIVITY_KINDS_ZH = {"email": "邮件", "call": "通话", "meeting": "会议", "note": "备注"}


def _log_markdown(result: LogActivityResult) -> str:
    a = result.activity
    deal = result.deal
    if result.locale == "zh":
        return (
            f"{_ACTIVITY_KINDS_ZH[a.kind]} {a.date} · {deal.company} ({a.deal_id}): {a.summary} — "
            f"最近活动：{deal.last_activity}"
        )
    return f"{a.kind} {a.date} · {deal.company} ({a.deal_id}): {a.summary} — last_activity {deal.last_activity}"


def run_import(inp: ImportDealsInput, env: CallEnv, services: Services | None) -> ImportDealsResult:
    """Plan the import; unless dry_run, write the accepted rows in ONE transaction (all or nothing)."""
    plan = plan_import(inp.csv, inp.source, inp.currency, env.locale)
    warnings = list(plan.warnings)
    created = updated = unchanged = 0
    ids: list[str] = []
    written = False
    if not inp.dry_run:
        if plan.rejected and not inp.skip_invalid_rows:
            warnings.append(
                f"没有导入任何交易：{plan.rows}行中有{len(plan.rejected)}行被拒绝（见`rejected`）；"
                "请修正这些行，或传入skip_invalid_rows只导入有效的行"
                if env.locale == "zh"
                else f"nothing was imported: {len(plan.rejected)} of {plan.rows} rows were rejected (see `rejected`); "
                "fix them, or pass skip_invalid_rows to import the valid rows"
            )
        elif plan.accepted:
            if services is None:
                raise PlaybookInputError("csv", "no deal store is available in this server")
            with store_errors("csv"):
                outcome = services.store.import_deals(
                    [(external, deal) for _, external, deal in plan.accepted], env.today, services.actor
                )
            created, updated, unchanged, ids = outcome.created, outcome.updated, outcome.unchanged, outcome.deal_ids
            written = True
    return ImportDealsResult(
        locale=env.locale,
        source=plan.source,
        dry_run=inp.dry_run,
        written=written,
        mapping=plan.mapping,
        rows=plan.rows,
        accepted=len(plan.accepted),
        rejected=plan.rejected,
        created=created,
        updated=updated,
        unchanged=unchanged,
        deal_ids=ids,
        warnings=warnings,
    )


def _import(inp: ImportDealsInput, env: CallEnv) -> ImportDealsResult:
    services = None if inp.dry_run else services_of(env, "csv")
    return run_import(inp, env, services)


_IMPORT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "dry_run": "DRY RUN — ",
        "summary": "{source} export: {rows} rows, {accepted} valid, {rejected} rejected; "
        "created {created}, updated {updated}, unchanged {unchanged}",
        "mapping": "Mapping: ",
        "sep": ", ",
        "ignored": "(ignored)",
        "line": "- line {row}: {field}: {reason}",
        "row": "row",
        "more": "- … and {n} more",
    },
    "zh": {
        "dry_run": "试运行（未写入） — ",
        "summary": "{source}：共{rows}行，有效{accepted}行，拒绝{rejected}行；"
        "新建{created}笔，更新{updated}笔，未变{unchanged}笔",
        "mapping": "列映射：",
        "sep": "，",
        "ignored": "（忽略）",
        "line": "- 第{row}行：{field}：{reason}",
        "row": "整行",
        "more": "- ……另有{n}行",
    },
}
_SOURCES_ZH = {"hubspot": "HubSpot导出文件", "salesforce": "Salesforce导出文件", "pipedrive": "Pipedrive导出文件"}
SHOWN_REJECTED = 50


def import_markdown(result: ImportDealsResult) -> str:
    words = _IMPORT_WORDS[result.locale]
    source = _SOURCES_ZH.get(result.source, "CSV文件") if result.locale == "zh" else result.source
    summary = words["summary"].format(
        source=source,
        rows=result.rows,
        accepted=result.accepted,
        rejected=len(result.rejected),
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    lines = [
        (words["dry_run"] if result.dry_run else "") + summary,
        words["mapping"] + words["sep"].join(f"{m.column} → {m.field or words['ignored']}" for m in result.mapping),
    ]
    lines.extend(
        words["line"].format(row=r.row, field=r.field or words["row"], reason=r.reason)
        for r in result.rejected[:SHOWN_REJECTED]
    )
    if len(result.rejected) > SHOWN_REJECTED:
        lines.append(words["more"].format(n=len(result.rejected) - SHOWN_REJECTED))
    lines.extend(f"- ⚠ {w}" for w in result.warnings)
    return "\n".join(lines)


# ------------------------------------------------------------------------------ review, forecast, win/loss

CALENDAR_MARGIN = dt.timedelta(days=400)
"""An as_of this close to year 1 or year 9999 leaves no room for the quarter and the weeks a review counts around."""


def check_calendar_room(as_of: dt.date) -> None:
    """Refuse, naming as_of, a day whose quarter or review week would run past the calendar's ends (years 1–9999),
    rather than fail deep inside the tool with 'year 10000 is out of range'."""
    if as_of - dt.date.min < CALENDAR_MARGIN or dt.date.max - as_of < CALENDAR_MARGIN:
        message = f"{as_of.isoformat()} is too close to the calendar's limits to review around; give a realistic date"
        raise PlaybookInputError("as_of", message)


def run_review(inp: ReviewPipelineInput, env: CallEnv) -> ReviewPipelineResult:
    check_calendar_room(env.today)
    if inp.deals is not None:
        with gc_paused():  # up to 10,000 deals: see gc_paused
            return review_pipeline(inp, inp.deals, env.today, env.locale)
    services = services_of(env)
    with store_errors("store"):
        deals = services.store.all_deals(inp.owner)
        history = services.store.stage_history()
        close_history = services.store.close_date_history()
    return review_pipeline(
        inp, deals, env.today, env.locale, history=history, close_date_history=close_history, source="store"
    )


def _forecast(inp: ForecastInput, env: CallEnv) -> ForecastResult:
    check_calendar_room(env.today)
    if inp.deals is not None:
        with gc_paused():
            return forecast(inp, inp.deals, env.today, env.locale)
    services = services_of(env)
    with store_errors("store"):
        deals = services.store.all_deals(inp.owner)
        snapshots = services.store.snapshots(inp.owner)
    result = forecast(inp, deals, env.today, env.locale, snapshots=snapshots, source="store")
    with store_errors("store"):
        services.store.save_snapshot(snapshot_of(result), inp.owner, services.actor)
    result.snapshot_saved = True
    return result


def _win_loss(inp: WinLossInput, env: CallEnv) -> WinLossResult:
    if inp.deals is not None:
        return analyze_win_loss(inp, inp.deals, env.locale)
    services = services_of(env)
    with store_errors("store"):
        stored = [d for d in services.store.all_deals(inp.owner) if not d.is_open]
        history = services.store.stage_history([d.id for d in stored]) if stored else {}
    deals = [ClosedDeal.model_validate(d.model_dump(exclude={"version", "external_id", "updated_on"})) for d in stored]
    return analyze_win_loss(inp, deals, env.locale, history=history, source="store")


def _spec(
    name: str,
    title: str,
    description: str,
    input_model: type[Any],
    output_model: type[Any],
    run: Callable[[Any, CallEnv], Any],
    render: Callable[[Any], str],
    *,
    read_only: bool,
    idempotent: bool = True,
) -> ToolSpec[Any, Any]:
    return ToolSpec(
        name=name,
        toolset="pipeline",
        title=title,
        description=description,
        input_model=input_model,
        output_model=output_model,
        run=run,
        render=render,
        read_only=read_only,
        idempotent=idempotent,
        destructive=False,
    )


SPECS: list[ToolSpec[Any, Any]] = [
    _spec(
        "save_deal",
        "Save a deal",
        "Create or update a stored deal (send the version you read to update); stage changes and close-date "
        "pushes are recorded with their date.",
        SaveDealInput,
        SaveDealResult,
        _save,
        _save_markdown,
        read_only=False,
        idempotent=False,
    ),
    _spec(
        "list_deals",
        "List deals",
        "List your stored deals, largest first, filtered by stage, owner, open only or text.",
        ListDealsInput,
        ListDealsResult,
        _list,
        _list_markdown,
        read_only=True,
    ),
    _spec(
        "log_activity",
        "Log an activity",
        "Record an email, call, meeting or note on a stored deal and move its last activity date forward.",
        LogActivityInput,
        LogActivityResult,
        _log,
        _log_markdown,
        read_only=False,
        idempotent=False,
    ),
    _spec(
        "import_deals",
        "Import deals from a CRM export",
        "Import a HubSpot, Salesforce or Pipedrive deal export (CSV text) in one transaction; dry_run shows the "
        "column mapping and every rejected row with its reason.",
        ImportDealsInput,
        ImportDealsResult,
        _import,
        import_markdown,
        read_only=False,
        idempotent=True,
    ),
    _spec(
        "review_pipeline",
        "Review the pipeline",
        "The playbook's weekly pipeline review (summary, top ten deals with risk, actions, health) of your "
        "stored deals or the deals given, also as the playbook's YAML.",
        ReviewPipelineInput,
        ReviewPipelineResult,
        run_review,
        review_markdown,
        read_only=True,
    ),
    _spec(
        "forecast",
        "Forecast the period",
        "Categorise deals closing in the period (commit, best case, pipeline, omitted) with reasons, total "
        "them against quota, and score earlier forecasts' accuracy.",
        ForecastInput,
        ForecastResult,
        _forecast,
        forecast_markdown,
        read_only=False,
        idempotent=False,
    ),
    _spec(
        "analyze_win_loss",
        "Analyse wins and losses",
        "Win rate, reasons, stage of loss, competitors, cycle, weakest skill, lessons and the monthly "
        "self-review answered from closed deals.",
        WinLossInput,
        WinLossResult,
        _win_loss,
        win_loss_markdown,
        read_only=True,
    ),
]
