"""The tool registry: every tool's name, toolset, title, one-line description, annotations and typed I/O.

Each toolset module (`server/toolsets/*.py`) lists `ToolSpec`s that bind a pure tool function to the server.
The server publishes `input_model`'s JSON schema, validates arguments against it at the boundary (so errors
name the field and the allowed values), runs the tool, and returns its output model as structured content
plus a short markdown text block.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from ..schemas.common import Locale, ToolInput, ToolOutput

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


def all_specs() -> list[ToolSpec[Any, Any]]:
    """Every tool the server knows, in toolset order."""
    from .toolsets import coaching, deals, pipeline, prospecting

    specs: list[ToolSpec[Any, Any]] = []
    for module in (prospecting, deals, coaching, pipeline):
        specs.extend(module.SPECS)
    names = [spec.name for spec in specs]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"tool names registered twice: {sorted(duplicates)}")
    return specs


def specs_for(toolsets: tuple[str, ...]) -> list[ToolSpec[Any, Any]]:
    return [spec for spec in all_specs() if spec.toolset in toolsets]


def output_text(model: BaseModel) -> str:  # pragma: no cover - fallback for specs without a renderer
    return model.model_dump_json(indent=2)
