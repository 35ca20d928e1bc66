"""The prospecting tools and prompts through a real in-memory MCP client, in both protocol eras."""

from __future__ import annotations

import time
from typing import Any

from mcp import Client
from sales_playbook.schemas.accounts import AccountsResult
from sales_playbook.schemas.cadence import CadenceResult
from sales_playbook.schemas.discovery import DiscoveryPrep
from sales_playbook.schemas.emails import EmailDraft
from sales_playbook.schemas.icp import IcpResult
from sales_playbook.server.app import PlaybookServer

CALLS: list[tuple[str, dict[str, Any], type[Any]]] = [
    (
        "generate_icp",
        {"product": "Onboarding automation", "best_customers": [{"company": "A", "industry": "SaaS"}]},
        IcpResult,
    ),
    ("score_accounts", {"accounts": [{"name": "A", "industry": "SaaS", "employees": 100}]}, AccountsResult),
    (
        "build_cadence",
        {"company": "Acme", "contact": {"name": "Dana Lee"}, "tier": 1, "start_date": "2026-11-28"},
        CadenceResult,
    ),
    ("draft_email", {"kind": "breakup", "company": "Acme", "contact": "Dana Lee", "problem": "onboarding"}, EmailDraft),
    ("prep_discovery", {"company": "Acme", "industry": "SaaS", "persona": "champion"}, DiscoveryPrep),
]


async def test_tools_return_structured_output(server: PlaybookServer, mode: str) -> None:
    async with Client(server, mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        for name, args, model in CALLS:
            assert tools[name].output_schema is not None
            assert tools[name].annotations is not None and tools[name].annotations.read_only_hint
            result = await client.call_tool(name, args)
            assert not result.is_error, result.content
            parsed = model.model_validate(result.structured_content)
            assert parsed.locale == "en"
            assert result.content[0].text  # the markdown block


async def test_zh_is_detected(server: PlaybookServer, mode: str) -> None:
    async with Client(server, mode=mode) as client:
        result = await client.call_tool(
            "prep_discovery", {"company": "艾克美机器人", "industry": "物流", "persona": "economic_buyer"}
        )
        assert result.structured_content is not None and result.structured_content["locale"] == "zh"


BAD = [
    ("build_cadence", {"company": "Acme", "contact": {"name": "D"}, "tier": 4, "start_date": "2026-11-28"}, "tier"),
    (
        "build_cadence",
        {"company": "Acme", "contact": {"name": "D"}, "tier": 1, "start_date": "28/11/2026"},
        "start_date",
    ),
    ("draft_email", {"kind": "follow_up", "company": "Acme", "contact": "Dana"}, "meeting_type"),
    ("draft_email", {"kind": "hello", "company": "Acme", "contact": "Dana"}, "kind"),
    ("prep_discovery", {"company": "Acme", "industry": "SaaS", "persona": "ceo"}, "persona"),
    ("prep_discovery", {"company": "Acme", "industry": "SaaS", "persona": "champion", "minutes": 3}, "minutes"),
    ("score_accounts", {"accounts": [{"name": "A", "buying_power": 9}]}, "buying_power"),
    ("score_accounts", {"accounts": []}, "accounts"),
    ("generate_icp", {"product": "x", "best_customers": [{"company": "A", "employees": -1}]}, "employees"),
    ("generate_icp", {"product": "x", "colour": "red"}, "colour"),
]


async def test_bad_input_names_the_field(server: PlaybookServer, mode: str) -> None:
    async with Client(server, mode=mode) as client:
        for name, args, field in BAD:
            result = await client.call_tool(name, args)
            assert result.is_error, (name, args)
            assert field in result.content[0].text, result.content[0].text


async def test_a_thousand_accounts_through_the_protocol(server: PlaybookServer, mode: str) -> None:
    accounts = [
        {"name": f"Account {i}", "industry": "SaaS", "employees": 50 + i, "pain_signals": ["hiring"] if i % 2 else []}
        for i in range(1000)
    ]
    async with Client(server, mode=mode) as client:
        started = time.perf_counter()
        result = await client.call_tool("score_accounts", {"accounts": accounts})
        elapsed = time.perf_counter() - started
    assert not result.is_error
    assert result.structured_content is not None and len(result.structured_content["accounts"]) == 1000
    assert elapsed < 10, f"score_accounts with 1,000 accounts took {elapsed:.2f} s"


async def test_prompts_are_listed_with_their_arguments(server: PlaybookServer, mode: str) -> None:
    async with Client(server, mode=mode) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        expected = {
            "cold-email": {"company", "contact", "trigger", "similar_company", "problem", "locale"},
            "follow-up-email": {"company", "contact", "meeting_type", "notes", "next_step", "locale"},
            "discovery-prep": {"company", "persona", "industry", "known_facts", "minutes", "locale"},
            "polish-email": {"draft", "facts", "keep", "language", "locale"},
        }
        for name, args in expected.items():
            assert {a.name for a in prompts[name].arguments or []} == args
        rendered = await client.get_prompt("cold-email", {"company": "Acme", "contact": "Dana", "trigger": "Series B"})
        text = rendered.messages[0].content.text  # type: ignore[union-attr]
        assert "Acme" in text and "Series B" in text and "draft_email" in text and "(not given)" in text
        zh = await client.get_prompt("discovery-prep", {"company": "艾克美", "persona": "champion", "locale": "zh"})
        assert "prep_discovery" in zh.messages[0].content.text  # type: ignore[union-attr]
        assert "艾克美" in zh.messages[0].content.text  # type: ignore[union-attr]
