"""Lean JSON schemas for the wire: drops pydantic's auto-generated titles (every tools/list costs tokens)."""

from __future__ import annotations

from typing import Any

_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_VALUES = ("items", "additionalProperties", "not")


def lean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` without `title` keys on schema objects (property names are left alone)."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: lean_schema(sub) if isinstance(sub, dict) else sub for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [lean_schema(sub) if isinstance(sub, dict) else sub for sub in value]
        elif key in _SCHEMA_VALUES and isinstance(value, dict):
            out[key] = lean_schema(value)
        else:
            out[key] = value
    return out
