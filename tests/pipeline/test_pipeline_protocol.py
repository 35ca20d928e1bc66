"""The pipeline tools through the SDK's in-memory client: the store behind them, errors, annotations, restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from sales_playbook.server.app import PlaybookServer, build_server
from sales_playbook.server.registry import specs_for
from sales_playbook.server.services import Services
from sales_playbook.server.settings import Settings

AS_OF = "2026-11-20"
ACME = {
    "company": "Acme Robotics",
    "value": 48000,
    "stage": "proposal",
    "created": "2026-09-01",
    "close_date": "2026-12-15",
    "last_activity": "2026-11-10",
    "next_step": "Security review",
    "next_step_date": "2026-11-26",
    "contacts": [{"name": "Dana", "role": "champion", "engaged": True}],
}
CSV = """Record ID,Deal Name,Associated Company,Deal Stage,Amount,Close Date,Create Date
1,Globex deal,Globex,Contract Sent,90000,2026-12-01,2026-08-01
2,Initech deal,Initech,Closed Won,30000,2026-10-10,2026-07-01
3,Hooli deal,Hooli,Closed Lost,12000,2026-10-20,2026-07-15
"""


@asynccontextmanager
async def connect(server: PlaybookServer, mode: str = "auto") -> AsyncIterator[Client]:
    async with Client(server, mode=mode) as client:  # type: ignore[arg-type]
        yield client


async def call(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
    assert result.structured_content is not None
    return result.structured_content


async def error_of(client: Client, name: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(name, arguments)
    assert result.is_error
    return result.content[0].text  # type: ignore[union-attr,no-any-return]


async def test_annotations(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    for name in ("save_deal", "log_activity", "import_deals", "forecast"):
        annotations = tools[name].annotations
        assert annotations is not None and annotations.read_only_hint is False and annotations.destructive_hint is False
    for name in ("list_deals", "review_pipeline", "analyze_win_loss"):
        annotations = tools[name].annotations
        assert annotations is not None and annotations.read_only_hint is True


async def test_save_list_log_review_forecast(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        saved = (await call(client, "save_deal", {"deal": ACME, "as_of": "2026-11-01"}))["deal"]
        assert saved["version"] == 1
        moved = await call(
            client,
            "save_deal",
            {
                "deal": {"id": saved["id"], "company": "Acme Robotics", "stage": "negotiation", "version": 1},
                "as_of": "2026-11-18",
            },
        )
        assert moved["stage_changed"] and moved["deal"]["stage_entered"] == "2026-11-18"
        assert [h["to_stage"] for h in moved["stage_history"]] == ["proposal", "negotiation"]
        stale = await error_of(
            client, "save_deal", {"deal": {"id": saved["id"], "company": "Acme Robotics", "version": 1}}
        )
        assert "deal.version" in stale and "expected version 1, current version 2" in stale
        logged = await call(
            client, "log_activity", {"deal_id": saved["id"], "kind": "call", "date": "2026-11-19", "summary": "pricing"}
        )
        assert logged["deal"]["last_activity"] == "2026-11-19" and logged["deal"]["version"] == 3
        listed = await call(client, "list_deals", {"open_only": True})
        assert listed["total"] == 1 and listed["deals"][0]["version"] == 3
        review = await call(client, "review_pipeline", {"as_of": AS_OF, "quota": 100000})
        assert review["source"] == "store" and review["summary"]["advanced_this_week"] == 1
        assert review["deals_to_review"][0]["age_in_stage_days"] == 2
        assert "pipeline_review:" in review["yaml"]
        fc = await call(client, "forecast", {"as_of": AS_OF, "quota": 100000})
        assert fc["snapshot_saved"] and fc["source"] == "store"
        # negotiation with an engaged champion = best_case, dropped to pipeline by single_threaded (high)
        assert fc["deals"][0]["category"] == "pipeline"
        assert "single_threaded" in fc["deals"][0]["reasons"][-1]
        assert (await error_of(client, "log_activity", {"deal_id": "nope", "kind": "call", "summary": "x"})).count(
            "deal_id"
        )


async def test_import_dry_run_then_import_then_reimport(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        dry = await call(client, "import_deals", {"csv": CSV, "dry_run": True, "as_of": AS_OF})
        assert dry["source"] == "hubspot" and dry["accepted"] == 3 and not dry["written"]
        assert (await call(client, "list_deals", {}))["total"] == 0
        first = await call(client, "import_deals", {"csv": CSV, "as_of": AS_OF})
        assert first["written"] and first["created"] == 3
        again = await call(client, "import_deals", {"csv": CSV, "as_of": AS_OF})
        assert (again["created"], again["unchanged"]) == (0, 3)
        bad = await call(client, "import_deals", {"csv": CSV + "4,x,Bad,Contract Sent,-1,2026-12-01,2026-08-01\n"})
        assert not bad["written"] and bad["rejected"] == [
            {"row": 5, "field": "value", "reason": bad["rejected"][0]["reason"]}
        ]
        assert (await call(client, "list_deals", {}))["total"] == 3
        wl = await call(client, "analyze_win_loss", {})
        assert (wl["source"], wl["won"], wl["lost"], wl["win_rate"]) == ("store", 1, 1, 0.5)
        missing = await error_of(client, "import_deals", {"csv": "Amount\n5\n"})
        assert "csv" in missing and "missing required column" in missing


async def test_oversized_csv_is_refused_with_the_limit(server: PlaybookServer) -> None:
    async with connect(server) as client:
        text = await error_of(client, "import_deals", {"csv": "company,stage\n" + "x" * 5_000_001})
    assert "csv" in text and "5000000" in text


async def test_inline_deals_do_not_touch_the_store(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "inline")
    services = Services(settings)
    server = build_server(settings, services)
    async with connect(server) as client:
        review = await call(client, "review_pipeline", {"deals": [ACME], "as_of": AS_OF})
        fc = await call(client, "forecast", {"deals": [ACME], "as_of": AS_OF})
    assert review["source"] == "inline" and not fc["snapshot_saved"]
    assert not services.store_opened and not (tmp_path / "inline").exists()


async def test_deals_survive_a_restart_and_two_servers_share_a_file(settings: Settings) -> None:
    first = build_server(settings)
    async with connect(first) as client:
        saved = (await call(client, "save_deal", {"deal": ACME, "as_of": AS_OF}))["deal"]
    first.services.close()
    second, third = build_server(settings), build_server(settings)
    async with connect(second) as a, connect(third) as b:
        listed = await call(a, "list_deals", {})
        assert [d["id"] for d in listed["deals"]] == [saved["id"]]
        await call(b, "save_deal", {"deal": {"id": saved["id"], "company": "Acme Robotics", "value": 1, "version": 1}})
        stale = await error_of(
            a, "save_deal", {"deal": {"id": saved["id"], "company": "Acme Robotics", "value": 2, "version": 1}}
        )
        assert "current version 2" in stale
        assert (await call(a, "list_deals", {}))["deals"][0]["value"] == 1


@pytest.mark.parametrize("tool", ["review_pipeline", "forecast", "analyze_win_loss"])
async def test_store_backed_calls_without_a_store_say_so(tool: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d")
    server = PlaybookServer(settings, specs_for(("pipeline",)), services=None)
    async with connect(server) as client:
        text = await error_of(client, tool, {})
    assert "deals" in text and "pass the deals inline" in text


async def test_forecast_accuracy_reported_on_a_later_call(server: PlaybookServer) -> None:
    won_later = {
        **ACME,
        "stage": "negotiation",
        "verbal_agreement": True,
        "close_date": "2026-09-20",
        "created": "2026-06-01",
        "last_activity": "2026-09-01",
        "next_step_date": "2026-09-05",
    }
    async with connect(server) as client:
        saved = (await call(client, "save_deal", {"deal": won_later, "as_of": "2026-09-01"}))["deal"]
        fc = await call(client, "forecast", {"as_of": "2026-09-01"})
        assert fc["forecast"] == 48000 and fc["accuracy"] == []
        await call(
            client,
            "save_deal",
            {
                "deal": {
                    "id": saved["id"],
                    "company": "Acme Robotics",
                    "stage": "closed_won",
                    "value": 45600,
                    "version": 1,
                },
                "as_of": "2026-09-20",
            },
        )
        later = await call(client, "forecast", {"as_of": "2026-10-05"})
    [item] = later["accuracy"]
    assert (item["forecast"], item["actual"], item["accuracy"], item["on_target"]) == (48000, 45600, 0.95, True)


async def test_list_rows_are_summaries_unless_full_detail_is_asked(server: PlaybookServer, mode: str) -> None:
    """A list row leaves out contacts (counted), MEDDPICC/BANT and notes; `detail: full` returns the stored deal."""
    deal = {
        "company": "Acme Robotics",
        "value": 48000,
        "stage": "evaluation",
        "contacts": [
            {"name": "Dana Lee", "role": "champion", "engaged": True},
            {"name": "Sam Ortiz", "role": "economic_buyer"},
        ],
        "meddpicc": {"metrics": {"score": 2}},
        "notes": "long notes " * 500,
    }
    async with connect(server, mode) as client:
        saved = (await call(client, "save_deal", {"deal": deal, "as_of": AS_OF}))["deal"]
        summary = (await call(client, "list_deals", {}))["deals"][0]
        full = (await call(client, "list_deals", {"detail": "full"}))["deals"][0]
    assert full == saved
    assert (summary["contacts"], summary["engaged_contacts"]) == (2, 1)
    assert not {"meddpicc", "bant", "notes"} & set(summary)
    assert {key: full[key] for key in summary if key not in ("contacts", "engaged_contacts")} == {
        key: value for key, value in summary.items() if key not in ("contacts", "engaged_contacts")
    }
    # what the deal does not record is left out of the row, not sent as null (the full deal keeps its nulls)
    assert None not in summary.values()
    assert full["loss_reason"] is None and "loss_reason" not in summary
    assert {key for key, value in full.items() if value is None} - set(summary) == {
        key for key, value in full.items() if value is None
    }


async def text_of(client: Client, name: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
    return result.content[0].text  # type: ignore[union-attr,no-any-return]


STORE_TEXT = {
    "en": {
        "save_deal": "Created Acme Robotics (A1) v1: proposal, 48,000 USD",
        "list_deals": "1 / 1 deals\n\n| id | company | stage | value | close | v |\n|---|---|---|---:|---|---:|\n"
        "| A1 | Acme Robotics | proposal | 48,000 | 2026-12-15 | 1 |",
        "log_activity": "call 2026-11-19 · Acme Robotics (A1): Demo — last_activity 2026-11-19",
        "import_deals": "DRY RUN — hubspot export: 4 rows, 3 valid, 1 rejected; created 0, updated 0, unchanged 0\n"
        "Mapping: Record ID → record_id, Deal Name → deal_name, Associated Company → company, Deal Stage → stage, "
        "Amount → value, Close Date → close_date, Create Date → created\n- line 5: stage: unknown stage 'Weird'",
    },
    "zh": {
        "save_deal": "已新建 Acme Robotics (A1) v1: 提案, 48,000 USD",
        "list_deals": "1 / 1 笔交易\n\n| id | 客户 | 阶段 | 金额 | 预计成交 | 版本 |\n|---|---|---|---:|---|---:|\n"
        "| A1 | Acme Robotics | 提案 | 48,000 | 2026-12-15 | 1 |",
        "log_activity": "通话 2026-11-19 · Acme Robotics (A1): Demo — 最近活动：2026-11-19",
        "import_deals": "试运行（未写入） — HubSpot导出文件：共4行，有效3行，拒绝1行；新建0笔，更新0笔，未变0笔\n"
        "列映射：Record ID → record_id，Deal Name → deal_name，Associated Company → company，Deal Stage → stage，"
        "Amount → value，Close Date → close_date，Create Date → created\n- 第5行：stage：未知阶段“Weird”",
    },
}


@pytest.mark.parametrize("locale", ["en", "zh"])
async def test_store_tool_text_is_in_the_locale(server: PlaybookServer, locale: str) -> None:
    """The text block of save/list/log/import reads in the caller's locale; zh shows stage labels, not codes."""
    expected = STORE_TEXT[locale]
    bad_row = "4,Weird deal,Weird Co,Weird,100,2026-12-01,2026-08-01\n"
    async with connect(server) as client:
        texts = {
            "save_deal": await text_of(
                client, "save_deal", {"deal": {**ACME, "id": "A1"}, "as_of": AS_OF, "locale": locale}
            ),
            "list_deals": await text_of(client, "list_deals", {"locale": locale}),
            "log_activity": await text_of(
                client,
                "log_activity",
                {"deal_id": "A1", "kind": "call", "summary": "Demo", "date": "2026-11-19", "locale": locale},
            ),
            "import_deals": await text_of(
                client, "import_deals", {"csv": CSV + bad_row, "dry_run": True, "locale": locale}
            ),
        }
    assert texts == expected


@pytest.mark.parametrize(
    ("locale", "warning"),
    [
        (
            "en",
            "nothing was imported: 1 of 4 rows were rejected (see `rejected`); fix them, or pass "
            "skip_invalid_rows to import the valid rows",
        ),
        (
            "zh",
            "没有导入任何交易：4行中有1行被拒绝（见`rejected`）；请修正这些行，或传入skip_invalid_rows只导入有效的行",
        ),
    ],
)
async def test_an_import_refused_for_bad_rows_says_so_in_the_locale(
    server: PlaybookServer, locale: str, warning: str
) -> None:
    bad_row = "4,Weird deal,Weird Co,Weird,100,2026-12-01,2026-08-01\n"
    async with connect(server) as client:
        result = await call(client, "import_deals", {"csv": CSV + bad_row, "locale": locale})
    assert not result["written"] and result["warnings"] == [warning]
    assert [r["reason"] for r in result["rejected"]] == [
        {"en": "unknown stage 'Weird'", "zh": "未知阶段“Weird”"}[locale]
    ]
