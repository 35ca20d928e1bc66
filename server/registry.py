"""The tool registry: every tool's name, toolset, title, one-line description, annotations and typed I/O.

Each toolset module (`server/toolsets/*.py`) lists `ToolSpec`s that bind a pure tool function to the server.
The server publishes `input_model`'s JSON schema, validates arguments against it at the boundary (so errors
name the field and the allowed values), runs the tool, and returns its output model as structured content
plus a short markdown text block.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from ..schemas.common import Locale, ToolInput, ToolOutput

log = logging.getLogger("sales_playbook")

Toolset = Literal["prospecting", "deals", "coaching", "pipeline"]

InT = TypeVar("InT", bound=ToolInput)
OutT = TypeVar("OutT", bound=ToolOutput)


@dataclass(frozen=True)
class CallEnv:
    """What the shell hands a tool besides its input: resolved locale, 'today', and shell services."""

    locale: Locale
    today: date
    services: Any = None
    """Shell-side services a tool adapter may need (the deal store, the model client); None in pure calls."""
    settings: Any = None
    """The server's `Settings` (model name, timeouts) for adapters that call out; None in pure calls."""


@dataclass(frozen=True)
class ToolSpec(Generic[InT, OutT]):
    name: str
    toolset: Toolset
    title: str
    description: str
    input_model: type[InT]
    output_model: type[OutT]
    run: Callable[[InT, CallEnv], OutT]
    render: Callable[[OutT], str]
    read_only: bool = True
    idempotent: bool = True
    destructive: bool = False
    open_world: bool = False
    """True when the tool may reach outside the server (a model API)."""
    meta: dict[str, Any] = field(default_factory=dict)
    resolve: Callable[[InT, CallEnv, Any], Awaitable[Any]] | None = None
    """Optional async resolver `(inp, env, ctx)` run before the tool through the SDK's `Resolve` mechanism: it may
    return an SDK request marker (`Sample`, `Elicit`), answered by the client in both protocol eras, or any value;
    the answer reaches `run_async` as `resolved`."""
    run_async: Callable[[InT, CallEnv, Any, Any], Awaitable[OutT]] | None = None
    """Optional async form of `run`, `(inp, env, ctx, resolved)`, for adapters that do I/O (model calls); used
    instead of `run` when set. `ctx` is the request's MCP `Context`."""


TOOLSET_ORDER: tuple[Toolset, ...] = ("prospecting", "deals", "coaching", "pipeline")


def toolset_specs(toolset: str) -> list[ToolSpec[Any, Any]]:
    """The specs of one toolset; importing its module imports its schemas and tool functions (done lazily)."""
    module = import_module(f"{__package__}.toolsets.{toolset}")
    specs: list[ToolSpec[Any, Any]] = module.SPECS
    return specs


def all_specs() -> list[ToolSpec[Any, Any]]:
    """Every tool the server knows, in toolset order."""
    specs: list[ToolSpec[Any, Any]] = []
    for toolset in TOOLSET_ORDER:
        specs.extend(toolset_specs(toolset))
    names = [spec.name for spec in specs]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"tool names registered twice: {sorted(duplicates)}")
    return specs


def specs_for(toolsets: tuple[str, ...]) -> list[ToolSpec[Any, Any]]:
    return [spec for spec in all_specs() if spec.toolset in toolsets]


# --- What `tools/list` publishes, precomputed so start-up imports no schema or tool module -----------------------

MANIFEST = Path(__file__).resolve().parent / "tools.json"
"""Every tool's published form (`Published`), generated from the specs by `write_manifest()`; a test checks it
equals what the specs produce now, so a schema change means regenerating it deliberately (like the snapshot).
It is stamped with `sources_fingerprint()`: a server started from edited sources without a regenerated manifest
publishes from the specs instead (slower start, never a stale schema)."""

_PACKAGE = Path(__file__).resolve().parent.parent
_SOURCES = ("schemas/**/*.py", "server/toolsets/*.py", "server/registry.py", "server/schema_size.py")


def sources_fingerprint() -> str:
    """A hash of the files the published schemas are generated from (about a millisecond)."""
    digest = hashlib.sha256()
    for pattern in _SOURCES:
        for path in sorted(_PACKAGE.glob(pattern)):
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Published:
    """A tool as `tools/list` shows it: enough to register it without importing its models or function."""

    name: str
    toolset: str
    title: str
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    read_only: bool
    idempotent: bool
    destructive: bool
    open_world: bool
    meta: dict[str, Any]
    has_resolver: bool


def publish(spec: ToolSpec[Any, Any]) -> Published:
    """The published form of a spec: lean input and output schemas (see `schema_size`)."""
    from .schema_size import lean_input_schema, lean_output_schema

    return Published(
        name=spec.name,
        toolset=spec.toolset,
        title=spec.title,
        description=spec.description,
        input_schema=lean_input_schema(spec.input_model.model_json_schema()),
        output_schema=lean_output_schema(spec.output_model.model_json_schema(mode="serialization")),
        read_only=spec.read_only,
        idempotent=spec.idempotent,
        destructive=spec.destructive,
        open_world=spec.open_world,
        meta=dict(spec.meta),
        has_resolver=spec.resolve is not None,
    )


def manifest_text() -> str:
    tools = [publish(spec).__dict__ for spec in all_specs()]
    return json.dumps({"fingerprint": sources_fingerprint(), "tools": tools}, indent=1, ensure_ascii=False) + "\n"


def write_manifest() -> Path:
    """Regenerate `tools.json` (`python -m sales_playbook.server.registry`)."""
    MANIFEST.write_text(manifest_text(), encoding="utf-8")
    return MANIFEST


@cache
def _manifest() -> tuple[Published, ...]:
    try:
        data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if isinstance(data, dict) and data.get("fingerprint") == sources_fingerprint():
        return tuple(Published(**entry) for entry in data["tools"])
    log.warning("server/tools.json does not match the sources; publishing from the specs (regenerate it)")
    return tuple(publish(spec) for spec in all_specs())


def published_for(toolsets: tuple[str, ...]) -> list[Published]:
    """The published tools of `toolsets`, from the precomputed manifest (no model or tool import)."""
    return [tool for tool in _manifest() if tool.toolset in toolsets]


def output_text(model: BaseModel) -> str:  # pragma: no cover - fallback for specs without a renderer
    return model.model_dump_json(indent=2)


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {write_manifest()}")
