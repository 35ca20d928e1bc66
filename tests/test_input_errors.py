"""What an assistant sees when it calls a tool wrongly, for every field of every tool's input schema, through the
SDK's in-memory client: a tool error naming the field path and what is allowed, no Python internals, no echo of a
huge value, nothing written to the store, and the server answers the next call normally."""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from sales_playbook.server.app import PlaybookServer, build_server
from sales_playbook.server.registry import all_specs
from sales_playbook.server.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from inputs import REALISTIC  # type: ignore[import-not-found]

SPECS = {spec.name: spec for spec in all_specs()}
INTERNALS = re.compile(
    r"Traceback|File \"|pydantic|sales_playbook|instance of|\[key\]|<class|None\b|True\b|False\b|after validation"
)
STORED_DEAL_ID = "bench-acme"  # the deal bench/inputs.py logs an activity on


# ------------------------------------------------------------------------------- walking the input schemas


def resolved(root: dict[str, Any], node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The node behind $ref and `X | None`, and whether null is allowed."""
    while "$ref" in node:
        node = {**root["$defs"][node["$ref"].split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    if isinstance(node.get("type"), list):
        types = [t for t in node["type"] if t != "null"]
        return {**node, "type": types[0]}, "null" in node["type"]
    if "anyOf" in node:
        branches = [resolved(root, branch)[0] for branch in node["anyOf"]]
        rest = [branch for branch in branches if branch.get("type") != "null"]
        assert len(rest) == 1, node
        return {**{k: v for k, v in node.items() if k != "anyOf"}, **rest[0]}, len(rest) < len(branches)
    return node, False


def kind(node: dict[str, Any]) -> str:
    if "enum" in node:
        return "enum"
    if node.get("type") == "object":
        return "model" if "properties" in node else "map"
    return "date" if node.get("format") == "date" else str(node.get("type"))


def minimal(root: dict[str, Any], node: dict[str, Any]) -> Any:
    """A valid value for the node (only its required fields, when an object)."""
    node, _ = resolved(root, node)
    k = kind(node)
    if k == "enum":
        return node["enum"][0]
    if k in ("integer", "number"):
        return max(node.get("minimum", 1), node.get("exclusiveMinimum", 0) + 1)
    if k == "string":
        return "USD" if "pattern" in node else "x"
    if k == "model":
        required = node.get("required", [])
        return {name: minimal(root, sub) for name, sub in node["properties"].items() if name in required}
    return {"date": "2026-11-23", "boolean": False, "array": [], "map": {}}.get(k)


def fields(root: dict[str, Any], node: dict[str, Any], path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """(path, node, required, nullable, parent) for every property and list item below `node`."""
    node, _ = resolved(root, node)
    k = kind(node)
    if k == "model":
        for name, sub in node["properties"].items():
            inner, nullable = resolved(root, sub)
            yield (*path, name), inner, name in node.get("required", []), nullable, node
            yield from fields(root, sub, (*path, name))
    elif k == "array":
        inner, nullable = resolved(root, node["items"])
        yield (*path, 0), inner, False, nullable, node
        yield from fields(root, node["items"], (*path, 0))
    elif k == "map" and isinstance(node.get("additionalProperties"), dict):
        key = resolved(root, node.get("propertyNames", {"enum": ["key"]}))[0]["enum"][0]
        inner, nullable = resolved(root, node["additionalProperties"])
        yield (*path, key), inner, False, nullable, node
        yield from fields(root, node["additionalProperties"], (*path, key))


def with_value(root: dict[str, Any], args: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of `args` with `value` at `path` (None from `DELETE`); missing objects on the way are made minimal."""
    out = copy.deepcopy(args)
    target: Any = out
    node: dict[str, Any] = root
    for key in path[:-1]:
        node = resolved(root, node)[0]
        node = (
            node["items"]
            if isinstance(key, int)
            else node.get("properties", {}).get(key) or node["additionalProperties"]
        )
        if isinstance(target, list):
            if not target:
                target.append(minimal(root, node))
        elif not isinstance(target.get(key), dict | list) or target[key] == []:
            target[key] = minimal(root, node) if kind(resolved(root, node)[0]) != "array" else [None]
            if isinstance(target[key], list):
                target[key][0] = minimal(root, resolved(root, node)[0]["items"])
        target = target[key]
    if value is DELETE:
        if isinstance(target, dict):
            target.pop(path[-1], None)
    elif isinstance(target, list) and not target:
        target.append(value)
    else:
        target[path[-1]] = value
    return out


DELETE = object()


def wrong_inputs(node: dict[str, Any], required: bool, nullable: bool, parent: dict[str, Any]) -> Iterator[Any]:
    """(label, value, words the message must contain one of)."""
    k = kind(node)
    wrong_type = {"integer": "abc", "number": "abc", "boolean": "maybe", "array": 5, "model": 5, "map": 5}
    yield "wrong type", wrong_type.get(k, 12.5), ["should be", "should have"]
    if not nullable:
        yield "null", None, ["(got null)"]
    if required:
        yield "missing", DELETE, ["required"]
    if k == "enum":
        yield "unknown enum value", "bogus", [repr(value) for value in node["enum"][:1]]
    if "maximum" in node:
        limit = node["maximum"]
        yield "above the maximum", limit * 2 + 1, [str(int(limit) if float(limit).is_integer() else limit)]
    if "maxLength" in node:
        yield "too long", "y" * (node["maxLength"] * 3 + 1), [f"at most {node['maxLength']} characters"]
    if "maxItems" in node:
        yield "too many", [None] * (node["maxItems"] + 1), [f"at most {node['maxItems']} item"]
    if k == "date":
        yield "not YYYY-MM-DD", "23/11/2026", ["YYYY-MM-DD"]
        yield "a timestamp", 1767225600, ["YYYY-MM-DD"]
    if k == "model":
        yield "unknown field", ("EXTRA",), [f"allowed: {', '.join(node['properties'])}"]


# ------------------------------------------------------------------------------------------------ the sweep


@pytest.fixture(scope="module")
def sweep_server(tmp_path_factory: pytest.TempPathFactory) -> PlaybookServer:
    return build_server(Settings(data_dir=tmp_path_factory.mktemp("errors") / "data", toolsets="all"))


def text_of(result: Any) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


@pytest.mark.parametrize("tool", sorted(SPECS))
async def test_every_wrong_field_is_a_clear_error_that_writes_nothing(sweep_server: PlaybookServer, tool: str) -> None:
    root = SPECS[tool].input_model.model_json_schema()
    base = REALISTIC[tool]
    store = sweep_server.services.raw_store
    failures: list[str] = []
    async with Client(sweep_server) as client:  # type: ignore[arg-type]
        await client.call_tool("save_deal", {"deal": {"company": "Acme", "id": STORED_DEAL_ID}})
        before = store.counts()
        for path, node, required, nullable, parent in fields(root, root):
            where = ".".join(str(part) for part in path)
            for label, value, words in wrong_inputs(node, required, nullable, parent):
                if value == ("EXTRA",):
                    args, where_shown = with_value(root, base, (*path, "zz_extra"), 1), f"{where}.zz_extra"
                else:
                    args, where_shown = with_value(root, base, path, value), where
                result = await client.call_tool(tool, args)
                text = text_of(result)
                problems = [
                    problem
                    for problem, bad in [
                        ("accepted", not result.is_error),
                        ("path not named", where_shown not in text),
                        ("allowed not said", not any(word in text for word in words)),
                        (f"internals {INTERNALS.findall(text)}", INTERNALS.search(text) is not None),
                        ("value echoed", len(text) > 1500 or "y" * 100 in text),
                    ]
                    if bad
                ]
                if problems:
                    failures.append(f"{tool} {where} {label}: {problems}: {text[:300]}")
        after = store.counts()
        healthy = await client.call_tool(tool, base) if tool != "log_activity" else None
    assert not failures, "\n".join(failures[:20])
    assert before == after
    assert healthy is None or not healthy.is_error, text_of(healthy)


# ------------------------------------------------------------------------------------ particular regressions


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        # a blank deal id passed validation and then failed the store's own check: 'Error executing tool save_deal'
        ("save_deal", {"deal": {"company": "Acme", "id": "   "}}, "deal.id: String should have at least 1 character"),
        # an as_of at the calendar's end: 'year 10000 is out of range' from inside the quarter arithmetic
        ("review_pipeline", {"as_of": "9999-12-31"}, "as_of: 9999-12-31 is too close to the calendar's limits"),
        ("review_pipeline", {"as_of": "0001-01-01"}, "as_of: 0001-01-01 is too close to the calendar's limits"),
        ("forecast", {"as_of": "9999-10-01"}, "as_of: 9999-10-01 is too close to the calendar's limits"),
        ("forecast", {"as_of": "9999-10-01", "deals": []}, "as_of: 9999-10-01 is too close to the calendar's limits"),
        # a number for a date was read as seconds since 1970 (and saved)
        ("save_deal", {"deal": {"company": "Acme", "close_date": 0}}, "deal.close_date: Input should be a date"),
    ],
)
async def test_refusals_that_used_to_crash_or_guess(
    sweep_server: PlaybookServer, tool: str, arguments: dict[str, Any], expected: str
) -> None:
    store = sweep_server.services.raw_store
    async with Client(sweep_server) as client:  # type: ignore[arg-type]
        before = store.counts()
        result = await client.call_tool(tool, arguments)
        after = store.counts()
        healthy = await client.call_tool("calculate_roi", REALISTIC["calculate_roi"])
    assert result.is_error and expected in text_of(result), text_of(result)
    assert before == after
    assert not healthy.is_error


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("review_pipeline", {"as_of": "2026-11-23", "period_start": "0001-01-01", "period_end": "9999-12-31"}),
        ("forecast", {"as_of": "2026-11-23", "period_start": "0001-01-01", "period_end": "9999-12-31", "deals": []}),
        ("qualify_deal", {"deal": {"company": "A", "id": "x" * 100, "notes": "n" * 20_000}, "as_of": "2026-11-23"}),
        ("list_deals", {"text": "t" * 200, "limit": 1000, "offset": 1_000_000}),
    ],
)
async def test_unusual_but_valid_input_is_accepted(
    sweep_server: PlaybookServer, tool: str, arguments: dict[str, Any]
) -> None:
    async with Client(sweep_server) as client:  # type: ignore[arg-type]
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, text_of(result)
