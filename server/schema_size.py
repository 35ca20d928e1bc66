"""Lean JSON schemas for the wire: every `tools/list` costs tokens in every conversation.

Both forms stay correct descriptions (types are never changed or narrowed; whatever the server accepts, the schema
allows):

- `lean_input_schema`: the input model's full schema, minus pydantic's auto-generated titles, defaults that
  restate the obvious (null, false, 0, empty) and the limits every tool shares (`SHARED_LIMITS`, stated once in
  the server instructions), with `anyOf [X, null]` written as `type: [X, "null"]`.
- `lean_output_schema`: the output model's top-level fields typed (and described), nested structures summarised
  to `type: object` / `type: array` past `depth` levels. The full pydantic model still builds every result on the
  server, so the structured content is validated in full before it is sent.
"""

from __future__ import annotations

from typing import Any

_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "propertyNames")
_OBVIOUS_DEFAULTS: tuple[Any, ...] = (None, False, 0, "", [], {})
# Limits every tool shares, stated once in the server instructions instead of on every field.
SHARED_LIMITS: dict[str, Any] = {"maxLength": 500, "maximum": 1e13}


def _obvious_default(value: Any) -> bool:
    return any(type(value) is type(obvious) and value == obvious for obvious in _OBVIOUS_DEFAULTS)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`{"anyOf": [X, {"type": "null"}]}` as `{**X, "type": [X.type, "null"]}` when X is a plain typed schema."""
    options = schema.get("anyOf")
    if not isinstance(options, list) or len(options) != 2 or {"type": "null"} not in options:
        return schema
    other = options[0] if options[1] == {"type": "null"} else options[1]
    if not isinstance(other, dict) or not isinstance(other.get("type"), str) or "$ref" in other:
        return schema
    merged = {key: value for key, value in schema.items() if key != "anyOf"}
    merged.update(other)
    merged["type"] = [other["type"], "null"]
    if isinstance(other.get("enum"), list):
        merged["enum"] = [*other["enum"], None]
    return merged


def lean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` without titles or obvious defaults, nullable unions folded into `type` lists."""
    out: dict[str, Any] = {}
    for key, value in _nullable(schema).items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and _obvious_default(value):
            continue
        if key in SHARED_LIMITS and value == SHARED_LIMITS[key]:
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


lean_input_schema = lean_schema


def _deref(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = defs[ref.removeprefix("#/$defs/")]
        return {**target, **{key: value for key, value in schema.items() if key != "$ref"}}
    return schema


def _summary(schema: dict[str, Any], defs: dict[str, Any], depth: int) -> dict[str, Any]:
    """The type of `schema`, with object properties kept while `depth` > 0; constraints and prose dropped."""
    schema = _deref(schema, defs)
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            options: list[dict[str, Any]] = []
            for option in schema[key]:
                summary = _summary(option, defs, depth)
                if summary not in options:
                    options.append(summary)
            return options[0] if len(options) == 1 else {"anyOf": options}
    out: dict[str, Any] = {}
    kind = schema.get("type")
    if kind is not None:
        out["type"] = kind
    if "const" in schema:
        out["const"] = schema["const"]
    if isinstance(schema.get("enum"), list) and len(schema["enum"]) <= 12:
        out["enum"] = schema["enum"]
    if kind == "array" and isinstance(schema.get("items"), dict):
        items = _summary(schema["items"], defs, depth)
        if items.get("type") not in (None, "object"):  # a list of records stays `type: array`
            out["items"] = items
    if kind == "object" and depth > 0 and isinstance(schema.get("properties"), dict):
        out["properties"] = {name: _summary(sub, defs, depth - 1) for name, sub in schema["properties"].items()}
        if schema.get("required"):
            out["required"] = schema["required"]
    return out


def lean_output_schema(schema: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """The output schema with its top-level fields typed and described, nested structures summarised."""
    defs = schema.get("$defs", {})
    root = _deref(schema, defs)
    properties: dict[str, Any] = {}
    for name, sub in root.get("properties", {}).items():
        summary = _summary(sub, defs, depth)
        description = sub.get("description")
        if isinstance(description, str):
            summary["description"] = description
        properties[name] = summary
    return {"type": "object", "properties": properties}
