"""The published schemas are lean but correct: every tool's structured content validates against its published
output schema (realistic inputs from bench/inputs.py), and the leaning rules never change a type."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sales_playbook.server.app import PlaybookServer, build_server
from sales_playbook.server.schema_size import lean_input_schema, lean_output_schema, share_shapes
from sales_playbook.server.settings import Settings

from .conftest import connect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from inputs import REALISTIC, SETUP


async def test_structured_content_validates_against_the_published_output_schema(server: PlaybookServer) -> None:
    async with connect(server) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(REALISTIC) == set(tools), "bench/inputs.py needs a realistic input for every tool"
        for name, args in SETUP:
            assert not (await client.call_tool(name, args)).is_error
        for name in sorted(REALISTIC):
            result = await client.call_tool(name, REALISTIC[name])  # the client validates against outputSchema
            assert not result.is_error, (name, result.content)
            schema = tools[name].output_schema
            assert schema is not None
            jsonschema.validate(result.structured_content, schema)  # and so do we, explicitly
            assert set(result.structured_content) == set(schema["properties"]), name


@pytest.mark.parametrize(
    ("schema", "lean"),
    [
        (
            {"anyOf": [{"type": "string", "maxLength": 80}, {"type": "null"}], "default": None},
            {"type": ["string", "null"], "maxLength": 80},
        ),
        (
            {"anyOf": [{"enum": ["en", "zh"], "type": "string"}, {"type": "null"}]},
            {"enum": ["en", "zh", None]},
        ),
        ({"type": "string", "enum": ["a", "b"], "default": "a"}, {"enum": ["a", "b"], "default": "a"}),
        (
            {"type": "object", "additionalProperties": False, "properties": {"a": {"type": "integer"}}},
            {"type": "object", "properties": {"a": {"type": "integer"}}},
        ),
        (
            {"type": "object", "additionalProperties": {"type": "integer"}},
            {"type": "object", "additionalProperties": {"type": "integer"}},
        ),
        (
            {"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}], "default": None},
            {"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}]},
        ),
        ({"type": "boolean", "default": False, "title": "Engaged"}, {"type": "boolean"}),
        ({"type": "string", "default": "USD"}, {"type": "string", "default": "USD"}),
        ({"type": "string", "maxLength": 500}, {"type": "string"}),
        ({"type": "string", "maxLength": 200}, {"type": "string", "maxLength": 200}),
        ({"type": "number", "minimum": 0, "maximum": 1e13}, {"type": "number", "minimum": 0}),
    ],
)
def test_lean_input_schema(schema: dict[str, Any], lean: dict[str, Any]) -> None:
    assert lean_input_schema(schema) == lean


def test_lean_output_schema_keeps_top_level_types_and_summarises_nesting() -> None:
    schema = {
        "$defs": {"Item": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}},
        "type": "object",
        "properties": {
            "score": {"type": "integer", "minimum": 0, "maximum": 100, "description": "0-100."},
            "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}, "description": "Why."},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 500}},
            "best": {"anyOf": [{"$ref": "#/$defs/Item"}, {"type": "null"}]},
            "locale": {"enum": ["en", "zh"], "type": "string"},
            "stage": {"anyOf": [{"enum": ["won", "lost"], "type": "string"}, {"type": "null"}]},
            "either": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]},
            "mixed": {"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}]},
        },
        "required": ["score", "items", "tags", "best", "locale"],
    }
    assert lean_output_schema(schema) == {
        "type": "object",
        "properties": {
            "score": {"type": "integer", "description": "0-100."},
            "items": {"type": "array", "description": "Why."},
            "tags": {"type": "array", "items": {"type": "string"}},
            "best": {"type": ["object", "null"]},  # one `type` list instead of an `anyOf` of bare types
            "locale": {"enum": ["en", "zh"]},
            "stage": {"enum": ["won", "lost", None]},
            "either": {"type": ["integer", "string"]},
            "mixed": {"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}]},
        },
    }


def _defs(tool: Any) -> dict[str, Any]:
    defs: dict[str, Any] = tool.input_schema.get("$defs", {})
    return defs


async def test_the_deal_shape_is_shown_in_full_once_and_referred_to_elsewhere(server: PlaybookServer) -> None:
    async with connect(server) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    full = _defs(tools["qualify_deal"])["Deal"]
    assert {"stage", "contacts", "meddpicc"} <= set(full["properties"]) and "Contact" in _defs(tools["qualify_deal"])
    for name in ("close_plan", "review_pipeline", "forecast", "prep_discovery"):
        summary = _defs(tools[name])["Deal"]
        assert summary == {
            "type": "object",
            "description": "Same fields as `deal` in qualify_deal.",
            "required": ["company"],
        }, name
        assert "Contact" not in _defs(tools[name]), name  # only the full shape used it
    saved = _defs(tools["save_deal"])["DealIn"]
    assert set(saved["properties"]) == {"version"}
    assert saved["description"].endswith("Same fields as `deal` in qualify_deal, plus these.")
    closed = _defs(tools["analyze_win_loss"])["ClosedDeal"]
    assert {"won_because", "lost_because", "process_score"} <= set(closed["properties"])
    assert "stage" not in closed["properties"]


async def test_without_qualify_deal_the_next_served_tool_holds_the_full_deal(tmp_path: Path) -> None:
    server = build_server(Settings(toolsets=("pipeline",), data_dir=tmp_path))
    async with connect(server) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert "stage" in _defs(tools["review_pipeline"])["Deal"]["properties"]
    assert _defs(tools["forecast"])["Deal"]["description"] == "Same fields as `deals[]` in review_pipeline."


async def test_every_realistic_input_validates_against_the_published_input_schema(server: PlaybookServer) -> None:
    """Leaning and sharing only widen: what the server accepts, the published schema allows."""
    async with connect(server) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    for name, args in [*REALISTIC.items(), *SETUP]:
        jsonschema.validate(args, tools[name].input_schema)


def test_a_variant_that_changes_a_shared_field_keeps_its_full_schema() -> None:
    deal = {"type": "object", "properties": {"company": {"type": "string"}, "value": {"type": "number"}}}
    variant = {"type": "object", "properties": {"company": {"type": "string"}, "value": {"type": "integer"}}}
    schemas = {
        "qualify_deal": {"type": "object", "properties": {"deal": {"$ref": "#/$defs/Deal"}}, "$defs": {"Deal": deal}},
        "other": {"type": "object", "properties": {"deal": {"$ref": "#/$defs/Deal"}}, "$defs": {"Deal": variant}},
    }
    assert share_shapes(schemas) == schemas
