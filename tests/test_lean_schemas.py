"""The published schemas are lean but correct: every tool's structured content validates against its published
output schema (realistic inputs from bench/inputs.py), and the leaning rules never change a type."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sales_playbook.server.app import PlaybookServer
from sales_playbook.server.schema_size import lean_input_schema, lean_output_schema

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
            {"enum": ["en", "zh", None], "type": ["string", "null"]},
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
        },
        "required": ["score", "items", "tags", "best", "locale"],
    }
    assert lean_output_schema(schema) == {
        "type": "object",
        "properties": {
            "score": {"type": "integer", "description": "0-100."},
            "items": {"type": "array", "description": "Why."},
            "tags": {"type": "array", "items": {"type": "string"}},
            "best": {"anyOf": [{"type": "object"}, {"type": "null"}]},
            "locale": {"type": "string", "enum": ["en", "zh"]},
        },
    }
