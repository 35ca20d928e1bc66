"""What an assistant sees, through the SDK's in-memory client in both protocol eras."""

from __future__ import annotations

import pytest
from sales_playbook.knowledge import names as knowledge_names
from sales_playbook.prompts import names as prompt_names
from sales_playbook.server.app import PlaybookServer, build_server
from sales_playbook.server.registry import all_specs
from sales_playbook.server.settings import Settings

from .conftest import connect

WORKED = {"headcount": 400, "cost_per_head": 150_000, "automatable_share": 0.6, "solution_cost": 12_000_000}


async def test_lists_tools_with_schemas_and_annotations(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == {spec.name for spec in all_specs()}
    roi = tools["calculate_roi"]
    assert roi.title == "Calculate ROI"
    assert roi.annotations is not None and roi.annotations.read_only_hint is True
    assert roi.output_schema is not None and "payback_months" in roi.output_schema["properties"]
    assert "additionalProperties" not in roi.input_schema  # the instructions say once: unknown fields are rejected
    assert set(roi.input_schema["required"]) == {
        "headcount",
        "cost_per_head",
        "automatable_share",
        "solution_cost",
    }


async def test_calculate_roi_worked_example(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        result = await client.call_tool("calculate_roi", WORKED)
    assert not result.is_error
    data = result.structured_content
    assert data is not None
    assert (data["replaced_headcount"], data["annual_saving"], data["annual_solution_cost"]) == (
        240,
        36_000_000,
        4_000_000,
    )
    assert (data["annual_net"], data["payback_months"]) == (32_000_000, 4.5)
    text = result.content[0].text  # type: ignore[union-attr]
    assert "Payback: 4.5 months" in text


@pytest.mark.parametrize(
    ("arguments", "fragments"),
    [
        ({**WORKED, "headcount": -5}, ["headcount", "greater than or equal to 0"]),
        ({**WORKED, "automatable_share": 1.5}, ["automatable_share", "less than or equal to 1"]),
        ({**WORKED, "cost_per_head": "lots"}, ["cost_per_head", "valid number"]),
        ({**WORKED, "locale": "fr"}, ["locale", "'en' or 'zh'"]),
        ({**WORKED, "headcont": 3}, ["headcont", "unknown field", "allowed: locale, headcount"]),
        ({"headcount": 3}, ["cost_per_head: required", "solution_cost: required"]),
    ],
)
async def test_bad_input_is_a_tool_error_and_the_server_keeps_serving(
    server: PlaybookServer, mode: str, arguments: dict[str, object], fragments: list[str]
) -> None:
    async with connect(server, mode) as client:
        bad = await client.call_tool("calculate_roi", arguments)
        good = await client.call_tool("calculate_roi", WORKED)
    assert bad.is_error
    message = bad.content[0].text  # type: ignore[union-attr]
    for fragment in fragments:
        assert fragment in message
    assert "Traceback" not in message and "pydantic" not in message
    assert not good.is_error


async def test_objects_sent_as_json_text_are_accepted(server: PlaybookServer) -> None:
    async with connect(server) as client:
        result = await client.call_tool(
            "calculate_roi", {**WORKED, "risk": '{"potential_loss": 100, "probability": 0.5, "reduction": 1}'}
        )
    assert not result.is_error
    assert result.structured_content is not None and result.structured_content["risk_value"] == 50


async def test_locale_is_detected_from_chinese_text_and_explicit_locale_wins(server: PlaybookServer) -> None:
    async with connect(server) as client:
        zh = await client.call_tool("calculate_roi", {**WORKED, "locale": "zh"})
        en = await client.call_tool("calculate_roi", WORKED)
    assert zh.structured_content is not None and zh.structured_content["locale"] == "zh"
    assert en.structured_content is not None and en.structured_content["locale"] == "en"


async def test_default_locale_setting_applies_when_nothing_to_detect(tmp_path: object) -> None:
    server = build_server(Settings(default_locale="zh"))
    async with connect(server) as client:
        result = await client.call_tool("calculate_roi", WORKED)
    assert result.structured_content is not None and result.structured_content["locale"] == "zh"


async def test_resources_list_every_knowledge_section_and_read_back(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
        index = await client.read_resource("playbook://index")
        first = knowledge_names()[0]
        section = await client.read_resource(f"playbook://knowledge/{first}")
    playbook = {uri for uri in listed if not uri.startswith("ui://")}  # ui://: the views (tests/views)
    assert playbook == {"playbook://index"} | {f"playbook://knowledge/{n}" for n in knowledge_names()}
    index_text = index.contents[0].text  # type: ignore[union-attr]
    assert all(f"playbook://knowledge/{n}" in index_text for n in knowledge_names())
    assert "title:" in section.contents[0].text  # type: ignore[union-attr]


async def test_prompts_list_and_render_in_both_languages(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        listed = {p.name for p in (await client.list_prompts()).prompts}
        en = await client.get_prompt("business-case-roi", {"company": "Acme"})
        zh = await client.get_prompt("business-case-roi", {"company": "Acme", "locale": "zh"})
    assert listed == set(prompt_names())
    assert "calculate_roi" in en.messages[0].content.text  # type: ignore[union-attr]
    assert "Acme" in zh.messages[0].content.text and "投资回报" in zh.messages[0].content.text  # type: ignore[union-attr]


async def test_toolsets_setting_limits_the_tool_list() -> None:
    server = build_server(Settings(toolsets="coaching"))
    async with connect(server) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
    assert names == {spec.name for spec in all_specs() if spec.toolset == "coaching"}
    assert "calculate_roi" not in names
