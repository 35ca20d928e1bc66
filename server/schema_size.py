"""Lean JSON schemas for the wire: every `tools/list` costs tokens in every conversation.

Both forms stay correct descriptions (types are never changed or narrowed; whatever the server accepts, the schema
allows):

- `lean_input_schema`: the input model's full schema, minus pydantic's auto-generated titles, defaults that
  restate the obvious (null, false, 0, empty) and the limits every tool shares (`SHARED_LIMITS`, stated once in
  the server instructions), without `additionalProperties: false` (the instructions say once that unknown fields
  are rejected), without a `type` beside an `enum` (the values fix it), with `anyOf [X, null]` written as
  `type: [X, "null"]`.
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
    schema = _nullable(schema)
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and _obvious_default(value):
            continue
        if key in SHARED_LIMITS and value == SHARED_LIMITS[key]:
            continue
        if key == "additionalProperties" and value is False:  # stated once: unknown fields are rejected
            continue
        if key == "type" and isinstance(schema.get("enum"), list):  # the enum's values already fix the type
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


def _union(options: list[dict[str, Any]]) -> dict[str, Any]:
    """Summarised options as one schema: bare types as a `type` list, an enum or null as one `enum`, else `anyOf`
    (the same values either way; one keyword is shorter to read and quicker for a client to check)."""
    if all(option.keys() == {"type"} and isinstance(option["type"], str) for option in options):
        return {"type": [option["type"] for option in options]}
    if len(options) == 2 and {"type": "null"} in options:
        other = options[0] if options[1] == {"type": "null"} else options[1]
        if other.keys() == {"enum"}:
            return {"enum": [*other["enum"], None]}
    return {"anyOf": options}


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
            return options[0] if len(options) == 1 else _union(options)
    out: dict[str, Any] = {}
    kind = schema.get("type")
    if kind is not None:
        out["type"] = kind
    if "const" in schema:
        out["const"] = schema["const"]
    if isinstance(schema.get("enum"), list) and len(schema["enum"]) <= 12:
        out.pop("type", None)  # the values fix the type
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


# Shapes several tools take: shown in full once per `tools/list` (by the first served tool of its preference
# list) and, in every other tool, summarised as an object that points there. A summary only widens the schema:
# arguments are validated against the full model on the server, so a wrong field still gets a precise error.
# Definition name -> its possible homes in order of preference (tool -> the field that holds the shape there).
SHARED_SHAPES: dict[str, dict[str, str]] = {
    "Deal": {
        "qualify_deal": "deal",
        "close_plan": "deal",
        "review_pipeline": "deals[]",
        "forecast": "deals[]",
        "prep_discovery": "deal",
    },
}


def _refs(node: Any) -> set[str]:
    """Names of the `$defs` entries `node` points at directly."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            found.add(ref.removeprefix("#/$defs/"))
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _drop_unreferenced(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return schema
    root = {key: value for key, value in schema.items() if key != "$defs"}
    reachable: set[str] = set()
    pending = _refs(root)
    while pending:
        name = pending.pop()
        if name in reachable or name not in defs:
            continue
        reachable.add(name)
        pending |= _refs(defs[name])
    kept = {name: value for name, value in defs.items() if name in reachable}
    return {**root, "$defs": kept} if kept else root


def _summarised(definition: dict[str, Any], shape: dict[str, Any], where: str) -> dict[str, Any] | None:
    """`definition` as "the fields of <where>, plus its own", when it is `shape` or extends it."""
    props, base = definition.get("properties"), shape.get("properties")
    if not isinstance(props, dict) or not isinstance(base, dict):
        return None
    if any(props.get(name) != sub for name, sub in base.items()):
        return None  # not the shared shape (or a variant that changes one of its fields)
    summary: dict[str, Any] = {"type": "object"}
    own = {name: sub for name, sub in props.items() if name not in base}
    intro = f"{definition['description']} " if isinstance(definition.get("description"), str) else ""
    summary["description"] = f"{intro}Same fields as {where}" + (", plus these." if own else ".")
    if own:
        summary["properties"] = own
    required = [name for name in definition.get("required", []) if name in own or name in base]
    if required:
        summary["required"] = required
    return summary


def share_shapes(schemas: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The input schemas of the served tools (name -> schema), each shared shape shown in full only once."""
    out = dict(schemas)
    for shape_name, homes in SHARED_SHAPES.items():
        home = next((name for name in homes if shape_name in schemas.get(name, {}).get("$defs", {})), None)
        if home is None:
            continue
        shape = schemas[home]["$defs"][shape_name]
        where = f"`{homes[home]}` in {home}"
        for name, schema in out.items():
            if name == home or not isinstance(schema.get("$defs"), dict):
                continue
            defs = dict(schema["$defs"])
            changed = False
            for def_name, definition in schema["$defs"].items():
                summary = _summarised(definition, shape, where)
                if summary is not None:
                    defs[def_name] = summary
                    changed = True
            if changed:
                out[name] = _drop_unreferenced({**schema, "$defs": defs})
    return out
