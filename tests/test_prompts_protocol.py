"""Prompts through the MCP client: a bad request is a clear invalid-params error in both protocol eras."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS
from sales_playbook.prompts import names as prompt_names
from sales_playbook.server.app import PlaybookServer, build_server, prompt_locale
from sales_playbook.server.settings import Settings

from .conftest import connect


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("nope", {}, "unknown prompt 'nope'; the prompts are: business-case-roi"),
        ("qualify-deal", {}, "prompt 'qualify-deal' needs company"),
        ("qualify-deal", {"company": "  "}, "prompt 'qualify-deal' needs company"),
        ("cold-email", {"company": "Acme"}, "prompt 'cold-email' needs contact"),
        ("qualify-deal", {"company": "Acme", "locale": "fr"}, "locale must be en or zh (got 'fr')"),
    ],
)
async def test_bad_prompt_requests_are_invalid_params(
    server: PlaybookServer, mode: str, name: str, arguments: dict[str, str], message: str
) -> None:
    async with connect(server, mode) as client:
        with pytest.raises(MCPError) as info:
            await client.get_prompt(name, arguments)
    assert info.value.code == INVALID_PARAMS and message in info.value.message


@pytest.mark.parametrize(
    ("value", "locale"),
    [
        *[(None, "en"), ("", "en"), ("en", "en"), ("EN-us", "en"), ("zh", "zh"), ("zh-CN", "zh"), ("zh_TW", "zh")],
        *[("fr", None), ("english", None), ("zhx", None)],
    ],
)
def test_prompt_locale(value: str | None, locale: str | None) -> None:
    assert prompt_locale(value) == locale


async def test_a_regional_locale_renders_that_language(server: PlaybookServer) -> None:
    async with connect(server) as client:
        zh = await client.get_prompt("qualify-deal", {"company": "艾克美", "locale": "zh-CN"})
    assert "艾克美" in zh.messages[0].content.text and "商机" in zh.messages[0].content.text  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("toolsets", "prompts"),
    [
        ("all", set(prompt_names())),
        (
            "deals,coaching",  # the default: no draft_email or prep_discovery to call
            {"business-case-roi", "coach-my-call", "draft-proposal", "objection-roleplay", "polish-email"}
            | {"prepare-close", "qualify-deal"},
        ),
        ("coaching", {"coach-my-call", "objection-roleplay", "polish-email"}),
        ("prospecting", {"cold-email", "discovery-prep", "follow-up-email", "polish-email"}),
    ],
)
async def test_a_prompt_is_listed_only_with_the_tools_it_calls(toolsets: str, prompts: set[str]) -> None:
    async with connect(build_server(Settings(toolsets=toolsets))) as client:
        listed = {prompt.name for prompt in (await client.list_prompts()).prompts}
        with pytest.raises(MCPError, match="unknown prompt") if "cold-email" not in prompts else nullcontext():
            await client.get_prompt("cold-email", {"company": "Acme", "contact": "Dana"})
    assert listed == prompts
