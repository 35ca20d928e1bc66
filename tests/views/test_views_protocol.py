"""The views through MCP: a client that advertises the MCP Apps extension sees each view tool's `_meta` point at
its `ui://` resource, reads the page with the apps MIME type, and gets the same HTML `sales-playbook report`
writes (there with the result embedded). Hosts without apps keep the unchanged text block.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from mcp.client.extension import advertise
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from sales_playbook.server import views
from sales_playbook.server.app import build_server
from sales_playbook.server.cli import main
from sales_playbook.server.report import CALL_TYPES, KINDS
from sales_playbook.server.settings import Settings

from ..conftest import connect

APPS = advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})
TRANSCRIPTS = Path(__file__).resolve().parents[1] / "coaching" / "data" / "transcripts"
CSV = """Opportunity ID,Opportunity Name,Account Name,Stage,Amount,Close Date,Created Date,Next Step
006A,Big,Umbrella,Negotiation/Review,"250,000",2026-12-01,2026-07-01,Legal redlines
006B,Small,Hooli,Closed Won,9000,2026-10-15,2026-08-10,
006C,Mid,Initech,Proposal/Price Quote,"40,000",2026-12-20,2026-09-01,Send pricing
"""
DATA = re.compile(r'<script type="application/json" id="sp-data">.*?</script>', re.S)


def _report(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    assert main(["report", *args, "--out", str(out), "--as-of", "2026-11-20"]) == 0
    return out.read_text(encoding="utf-8")


def _import(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    assert main(["import", str(path), "--as-of", "2026-11-20"]) == 0


async def test_tools_link_their_views_and_the_pages_are_the_reports(
    settings: Settings, tmp_path: Path, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(tmp_path)
    server = build_server(settings)
    async with connect(server, mode, extensions=[APPS]) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        for name in views.VIEWS:
            meta = tools[name].meta or {}
            assert meta["ui"] == {"resourceUri": views.uri(name)}
            assert meta["ui/resourceUri"] == views.uri(name)  # the legacy flat key older hosts read
        assert all("ui" not in (tool.meta or {}) for name, tool in tools.items() if name not in views.VIEWS)
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
        for name in views.VIEWS:
            resource = listed[views.uri(name)]
            assert resource.mime_type == APP_MIME_TYPE
            content = (await client.read_resource(views.uri(name))).contents[0]
            assert content.mime_type == APP_MIME_TYPE
            assert content.text == views.html(name)  # type: ignore[union-attr]

        # the report of the store's pipeline is the served page with this very result embedded
        reviewed = await client.call_tool("review_pipeline", {"quota": 500_000, "as_of": "2026-11-20"})
        page = _report(tmp_path, "pipeline", "--quota", "500000")
        assert page == views.report_html("review_pipeline", reviewed.structured_content or {})
        assert DATA.sub(views.DATA_SLOT, page) == views.html("review_pipeline")
        funnel = {row["stage"]: row["count"] for row in (reviewed.structured_content or {})["funnel"]}
        assert (funnel["negotiation"], funnel["proposal"]) == (1, 1)

        transcript = TRANSCRIPTS / "10_zh_voice.vtt"
        coached = await client.call_tool("coach_call", {"transcript": transcript.read_text(encoding="utf-8")})
        assert (coached.structured_content or {})["locale"] == "zh"
        assert _report(tmp_path, "call", str(transcript)) == views.report_html(
            "coach_call", coached.structured_content or {}
        )

        listed_deals = await client.call_tool("list_deals", {"text": "Umbrella"})
        umbrella = (listed_deals.structured_content or {})["deals"][0]["id"]
        for kind, target in (("forecast", None), ("deal", umbrella)):
            page = _report(tmp_path, kind, *([target] if target else []))
            assert DATA.sub(views.DATA_SLOT, page) == views.html(KINDS[kind])
    capsys.readouterr()


async def test_text_fallback_is_unchanged_without_apps(settings: Settings, mode: str) -> None:
    from sales_playbook.schemas.coaching import CoachCallInput
    from sales_playbook.tools.coaching import coach_call, coach_call_markdown

    text = (TRANSCRIPTS / "01_teams_voice.vtt").read_text(encoding="utf-8")
    async with connect(build_server(settings), mode) as client:
        result = await client.call_tool("coach_call", {"transcript": text})
    assert not result.is_error
    assert [block.type for block in result.content] == ["text"]
    expected = coach_call(CoachCallInput(transcript=text), "en")
    assert result.content[0].text == coach_call_markdown(expected)  # type: ignore[union-attr]


def test_report_errors_name_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "r.html")
    assert main(["report", "deal", "NOPE", "--out", out]) == 2
    assert "ID: no stored deal has id 'NOPE'" in capsys.readouterr().err
    assert main(["report", "deal", "--out", out]) == 2
    assert "name the stored deal" in capsys.readouterr().err
    assert main(["report", "call", str(tmp_path / "missing.vtt"), "--out", out]) == 2
    assert "cannot read" in capsys.readouterr().err
    one_speaker = tmp_path / "one.txt"
    one_speaker.write_text("Rep: hello there\n", encoding="utf-8")
    assert main(["report", "call", str(one_speaker), "--out", out]) == 2
    assert "transcript: only one speaker found" in capsys.readouterr().err
    assert main(["report", "pipeline", "extra", "--out", out]) == 2
    assert not Path(out).exists()


def test_empty_store_reports_render_and_call_types_match_the_schema(tmp_path: Path) -> None:
    from sales_playbook.schemas.knowledge.coaching import CALL_TYPES as SCHEMA_CALL_TYPES

    assert CALL_TYPES == SCHEMA_CALL_TYPES
    page: Any = _report(tmp_path, "pipeline")
    assert '"deal_count":0' in page and '"source":"store"' in page
