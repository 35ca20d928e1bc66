"""coach_call, handle_objection and the coaching prompts through the MCP in-memory client, both protocol eras."""

from __future__ import annotations

from pathlib import Path

import pytest
from sales_playbook.server.app import PlaybookServer

from ..conftest import connect

TRANSCRIPT = (Path(__file__).parent / "data" / "transcripts" / "01_teams_voice.vtt").read_text(encoding="utf-8")
ZH = (Path(__file__).parent / "data" / "transcripts" / "09_zh_labels.txt").read_text(encoding="utf-8")


async def test_coach_call_structured_and_text(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        result = await client.call_tool("coach_call", {"transcript": TRANSCRIPT})
    assert not result.is_error
    data = result.structured_content
    assert data is not None
    assert data["metrics"]["rep_talk_ratio"] == 0.4627
    assert data["metrics"]["talk_time_ratio"] == 0.3864
    assert data["targets"]["max_rep_talk_ratio"] == 0.3
    assert data["next_step"] == {
        "found": True,
        "quote": "Could we meet next Tuesday at 2pm to map the rollout?",
        "has_date": True,
        "date_phrase": "Tuesday",
        "speaker": "Dana Lee",
    }
    text = result.content[0].text  # type: ignore[union-attr]
    assert "Score" in text and "46%" in text


async def test_coach_call_answers_chinese_in_chinese(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        result = await client.call_tool("coach_call", {"transcript": ZH})
    assert not result.is_error
    assert result.structured_content is not None and result.structured_content["locale"] == "zh"
    assert "销售讲话占比" in result.content[0].text  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("arguments", "fragments"),
    [
        ({"transcript": ""}, ["transcript", "empty"]),
        ({"transcript": "\x00\x01\x02\x03" * 100}, ["transcript", "binary"]),
        ({"transcript": "Ann: only me here\nAnn: still only me"}, ["transcript", "only one speaker"]),
        ({"transcript": "x" * 1_000_001}, ["transcript", "at most 1000000 characters"]),
        ({"transcript": TRANSCRIPT, "call_type": "webinar"}, ["call_type", "discovery"]),
        ({"transcript": TRANSCRIPT, "rep_names": ["Nobody"]}, ["rep_names", "Dana Lee"]),
        ({"transcript": TRANSCRIPT, "speakers": 2}, ["speakers", "unknown field"]),
    ],
)
async def test_coach_call_bad_input_is_a_tool_error(
    server: PlaybookServer, mode: str, arguments: dict[str, object], fragments: list[str]
) -> None:
    async with connect(server, mode) as client:
        result = await client.call_tool("coach_call", arguments)
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    for fragment in fragments:
        assert fragment in text


async def test_handle_objection_through_mcp(server: PlaybookServer, mode: str) -> None:
    arguments = {
        "objection": "Honestly, let's pick this up again next quarter.",
        "context": {"cost_of_inaction_per_month": 10000, "times_objected": 3},
    }
    async with connect(server, mode) as client:
        result = await client.call_tool("handle_objection", arguments)
        bad = await client.call_tool("handle_objection", {"objection": "too pricey", "context": {"times_objected": -2}})
    assert not result.is_error
    data = result.structured_content
    assert data is not None
    assert data["category"] == "timing"
    assert "30,000 USD" in data["laer"]["respond"]
    assert data["reverse_option"] is not None
    assert bad.is_error
    assert "context.times_objected" in bad.content[0].text  # type: ignore[union-attr]


async def test_coaching_prompts_are_served(server: PlaybookServer, mode: str) -> None:
    async with connect(server, mode) as client:
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        coach = await client.get_prompt("coach-my-call", {"transcript": "Rep: hi\nBuyer: hello", "locale": "zh"})
        roleplay = await client.get_prompt("objection-roleplay", {"scenario": "CFO of a 200-person logistics firm"})
    assert {"coach-my-call", "objection-roleplay"} <= prompts
    coach_text = coach.messages[0].content.text  # type: ignore[union-attr]
    assert "coach_call" in coach_text and "Rep: hi" in coach_text and "销售教练" in coach_text
    roleplay_text = roleplay.messages[0].content.text  # type: ignore[union-attr]
    assert "handle_objection" in roleplay_text and "logistics" in roleplay_text
