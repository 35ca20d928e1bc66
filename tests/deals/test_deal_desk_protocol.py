"""qualify_deal, close_plan and draft_proposal through the MCP client, in both protocol eras."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp import Client
from sales_playbook.server.app import PlaybookServer


@asynccontextmanager
async def connect(server: PlaybookServer, mode: str = "auto") -> AsyncIterator[Client]:
    """An in-memory client (the same as tests/conftest.py's helper, which importlib mode cannot import)."""
    async with Client(server, mode=mode) as client:  # type: ignore[arg-type]
        yield client


AS_OF = "2026-11-23"


async def test_company_only_deal_is_unqualified_not_an_error(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        result = await client.call_tool("qualify_deal", {"deal": {"company": "Acme"}, "as_of": AS_OF})
    assert not result.is_error
    out = result.structured_content
    assert out is not None
    assert out["band"] == "unqualified" and out["total"] == 8 and out["max"] == 24
    assert len([e for e in out["elements"] if e["gap_question"]]) == 8
    assert out["locale"] == "en"


MALFORMED: list[tuple[dict[str, Any], str]] = [
    ({"company": "Acme", "stage": "pondering"}, "deal.stage"),
    ({"company": "Acme", "meddpicc": {"champion": {"score": 4}}}, "deal.meddpicc.champion.score"),
    ({"company": "Acme", "meddpicc": {"champion": {"score": 0}}}, "deal.meddpicc.champion.score"),
    ({"company": "Acme", "meddpicc": {"vibes": {"score": 2}}}, "deal.meddpicc.vibes"),
    ({"company": "Acme", "bant": {"budget": {"score": 5}}}, "deal.bant.budget.score"),
    ({"company": "Acme", "value": -1}, "deal.value"),
    ({"company": "Acme", "close_date": "next Tuesday"}, "deal.close_date"),
    ({"company": "Acme", "last_activity": "2026-13-40"}, "deal.last_activity"),
    ({"company": "Acme", "contacts": [{"name": "Dana", "role": "hero"}]}, "deal.contacts.0.role"),
    ({"company": ""}, "deal.company"),
]


async def test_malformed_deals_name_the_field(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        for deal, field in MALFORMED:
            for tool in ("qualify_deal", "close_plan"):
                result = await client.call_tool(tool, {"deal": deal})
                text = result.content[0].text  # type: ignore[union-attr]
                assert result.is_error, (tool, deal)
                assert field in text and "Traceback" not in text, (tool, text)


async def test_bad_framework_lists_the_allowed_values(server: PlaybookServer) -> None:
    async with connect(server) as client:
        result = await client.call_tool("qualify_deal", {"deal": {"company": "Acme"}, "framework": "spiced"})
    text = result.content[0].text  # type: ignore[union-attr]
    assert result.is_error and "framework" in text and "meddpicc" in text and "bant" in text


async def test_chinese_deal_is_answered_in_chinese(server: PlaybookServer, mode: str) -> None:
    deal = {"company": "北京星辰科技", "stage": "需求挖掘", "notes": "还没见到老板，客户对账全靠手工，经常出错。"}
    async with connect(server, mode) as client:
        result = await client.call_tool("qualify_deal", {"deal": deal, "as_of": AS_OF})
    out = result.structured_content
    assert out is not None and out["locale"] == "zh"
    by = {e["key"]: e for e in out["elements"]}
    assert by["economic_buyer"]["source"] == "missing"
    assert by["identified_pain"]["source"] == "inferred"
    assert out["stage_probability"] == 0.15


async def test_close_plan_over_the_wire(server: PlaybookServer, mode: str) -> None:
    args = {
        "deal": {"company": "Acme", "stage": "negotiation", "value": 40_000, "notes": "Can we do a trial?"},
        "target_go_live": "2027-03-01",
        "discount_requested_pct": 30,
        "has_budget": False,
        "strategic": True,
        "as_of": AS_OF,
    }
    async with connect(server, mode) as client:
        result = await client.call_tool("close_plan", args)
    out = result.structured_content
    assert out is not None and not result.is_error
    assert out["discount"]["decision"] == "trade" and out["discount"]["max_pct"] == 20
    assert len(out["stall_checklist"]) == 8 and len(out["mutual_action_plan"]) == 7
    assert out["technique"] == "pilot"


async def test_close_plan_refuses_a_closed_deal(server: PlaybookServer) -> None:
    async with connect(server) as client:
        result = await client.call_tool("close_plan", {"deal": {"company": "Acme", "stage": "closed_won"}})
    assert result.is_error and "deal.stage" in result.content[0].text  # type: ignore[union-attr]


async def test_roi_output_feeds_draft_proposal(server: PlaybookServer, mode: str) -> None:
    roi_args = {"headcount": 400, "cost_per_head": 150_000, "automatable_share": 0.6, "solution_cost": 12_000_000}
    async with connect(server, mode) as client:
        roi = await client.call_tool("calculate_roi", roi_args)
        assert roi.structured_content is not None
        result = await client.call_tool(
            "draft_proposal",
            {
                "company": "Acme",
                "problem": "Onboarding takes six weeks",
                "cost_of_inaction_per_month": 20_000,
                "criteria": ["SSO", "Time to value", "Support"],
                "solution_points": ["Okta SSO", "Live in 30 days", "24/7 support"],
                "roi": roi.structured_content,
                "price": 48_000,
                "target_go_live": "2027-03-01",
                "as_of": AS_OF,
            },
        )
    out = result.structured_content
    assert out is not None and not result.is_error
    assert "Payback: 4.5 months." in out["markdown"]
    assert out["warnings"][0].startswith("Budget is not confirmed.")


async def test_too_many_criteria_are_refused_with_the_limit(server: PlaybookServer) -> None:
    args = {
        "company": "Acme",
        "problem": "p",
        "cost_of_inaction_per_month": 1,
        "criteria": ["a", "b", "c", "d"],
        "solution_points": ["x"],
        "price": 1,
    }
    async with connect(server) as client:
        result = await client.call_tool("draft_proposal", args)
    text = result.content[0].text  # type: ignore[union-attr]
    assert result.is_error and "criteria" in text and "3" in text


async def test_the_three_prompts_render(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        names = {p.name for p in (await client.list_prompts()).prompts}
        assert {"qualify-deal", "prepare-close", "draft-proposal"} <= names
        for name, tool in (
            ("qualify-deal", "qualify_deal"),
            ("prepare-close", "close_plan"),
            ("draft-proposal", "draft_proposal"),
        ):
            prompt = await client.get_prompt(name, {"company": "Acme"})
            text = prompt.messages[0].content.text  # type: ignore[union-attr]
            assert "Acme" in text and f"`{tool}`" in text
