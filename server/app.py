"""Builds the MCP server: tools from the registry (validated at the boundary), the knowledge base as
resources, and the prompt templates as MCP prompts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import replace
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument
from mcp.server.mcpserver.resources import FileResource, TextResource
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, CallToolResult, GetPromptResult, InputRequiredResult, TextContent, ToolAnnotations
from mcp.types import Tool as MCPTool

from .. import __version__
from .. import knowledge as kb
from ..schemas.common import ToolInput
from ..tools.errors import PlaybookInputError
from . import views
from .boundary import InvalidArguments, resolve_locale, resolve_today, validate_arguments
from .registry import CallEnv, Published, ToolSpec, publish, published_for, toolset_specs
from .schema_size import share_shapes
from .settings import TOOLSETS, Settings
from .stdio import loop_stdio_server

log = logging.getLogger("sales_playbook")

INSTRUCTIONS = (
    "B2B sales playbook tools: deterministic scores, dates and counts from the playbook's rules "
    "(MEDDPICC, cadences, LAER, forecast categories). Call a tool instead of estimating a number. "
    "Playbook sections are readable as playbook:// resources. "
    "Every tool takes `locale` (en/zh; omitted = zh when most letters of the input are CJK, else en); dated tools "
    "take `as_of` (the day rules are evaluated on, default today). Text fields hold up to 500 characters and "
    "amounts up to 1e13 unless a schema says otherwise; unknown fields are rejected."
)

# The validated input of the tool call being served (set by `PlaybookServer.call_tool`).
_CURRENT_INPUT: ContextVar[ToolInput] = ContextVar("sales_playbook_current_input")


def _today() -> date:
    return date.today()


class PlaybookServer(MCPServer[Any]):
    """MCPServer whose registry tools are validated against their pydantic input model before they run.

    Tools are registered from their published form (`registry.Published`, precomputed in `tools.json`), so
    start-up imports no tool module or model: a tool's toolset module is imported on its first call. Passing
    `ToolSpec`s (tests, embedders) publishes them on the spot instead.
    """

    def __init__(
        self,
        settings: Settings,
        specs: Sequence[ToolSpec[Any, Any] | Published],
        services: Any = None,
        **auth: Any,
    ) -> None:
        self.playbook_settings = settings
        self.services = services
        self._specs: dict[str, ToolSpec[Any, Any]] = {s.name: s for s in specs if isinstance(s, ToolSpec)}
        published = [s if isinstance(s, Published) else publish(s) for s in specs]
        published, view_extensions = views.attach(published)  # MCP Apps views (server/views)
        shared = share_shapes({tool.name: tool.input_schema for tool in published})  # each shape in full once
        published = [replace(tool, input_schema=shared[tool.name]) for tool in published]
        self._toolsets = {tool.name: tool.toolset for tool in published}
        self._warm_up_lock = threading.Lock()
        self._warm_up_started = False
        self.warmed = threading.Event()
        self._calls_in_flight = 0
        super().__init__(
            name="sales-playbook",
            title="Sales Playbook",
            version=__version__,
            instructions=INSTRUCTIONS,
            tools=[self._make_tool(tool) for tool in published],
            log_level=settings.log_level,
            extensions=view_extensions,
            **auth,  # team server (server/http.py): token_verifier=..., auth=AuthSettings(...)
        )

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context[Any, Any] | None = None
    ) -> GetPromptResult | InputRequiredResult:
        """A prompt, after checking the request: an unknown name, a missing or blank required argument, or a locale
        other than en/zh is a clear invalid-params error (not an internal error, nor a silent English prompt)."""
        prompt = self._prompt_manager.get_prompt(name)
        if prompt is None:
            known = ", ".join(sorted(p.name for p in self._prompt_manager.list_prompts()))
            raise MCPError(INVALID_PARAMS, f"unknown prompt {name!r}; the prompts are: {known}")
        values = arguments or {}
        missing = [a.name for a in prompt.arguments or [] if a.required and not str(values.get(a.name) or "").strip()]
        if missing:
            raise MCPError(INVALID_PARAMS, f"prompt {name!r} needs {', '.join(missing)} (required, not blank)")
        if prompt_locale(values.get("locale")) is None:
            raise MCPError(INVALID_PARAMS, f"prompt {name!r}: locale must be en or zh (got {values['locale']!r})")
        return await super().get_prompt(name, arguments, context)

    async def list_tools(self) -> list[MCPTool]:
        """The tool list; the first listing also starts the warm-up (the host is about to offer our tools)."""
        self.start_warm_up()
        return await super().list_tools()

    def start_warm_up(self) -> None:
        """Import the served toolsets and parse the knowledge base in a background thread, once.

        Both are left out of start-up (see tests/test_startup.py) and cost a few hundred milliseconds; done while
        the user is still typing, the first tool call does not pay them. `warmed` is set when it is done.
        """
        with self._warm_up_lock:
            if self._warm_up_started:
                return
            self._warm_up_started = True
        threading.Thread(target=self._warm_up, name="sales-playbook-warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        """One toolset import or knowledge section at a time, each only while no tool call is running: a call that
        arrives mid-way loads what it needs itself instead of sharing the CPU with loading everything else."""
        first_of_toolset = {toolset: name for name, toolset in reversed(self._toolsets.items())}
        steps: list[Callable[[], object]] = [partial(self.spec, name) for name in first_of_toolset.values()]
        steps += [partial(kb.load, section) for section in kb.names()]
        try:
            for step in steps:
                while self._calls_in_flight:
                    time.sleep(0.002)
                step()
        except Exception:  # the first call that needs what failed reports it properly
            log.warning("warm-up stopped early; the first tool call will load what it needs", exc_info=True)
        finally:
            self.warmed.set()

    @property
    def specs(self) -> dict[str, ToolSpec[Any, Any]]:
        """Every served tool's spec (imports all served toolsets)."""
        return {name: self.spec(name) for name in self._toolsets}

    def spec(self, name: str) -> ToolSpec[Any, Any]:
        """The spec of a served tool, importing its toolset module on first use."""
        spec = self._specs.get(name)
        if spec is None:
            for loaded in toolset_specs(self._toolsets[name]):
                self._specs.setdefault(loaded.name, loaded)
            spec = self._specs[name]
        return spec

    async def run_stdio_async(self) -> None:
        """Serve stdio on event-loop pipes (server/stdio.py) rather than the SDK's thread-per-line streams."""
        async with loop_stdio_server() as (read_stream, write_stream):
            await self._lowlevel_server.run(
                read_stream, write_stream, self._lowlevel_server.create_initialization_options()
            )

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        if name not in self._toolsets:
            return await super().call_tool(name, arguments, context)
        self._calls_in_flight += 1  # the warm-up waits while it is non-zero (read from its thread)
        try:
            spec = self.spec(name)
            try:
                validated = validate_arguments(spec.input_model, arguments)
            except InvalidArguments as exc:
                raise ToolError(f"Invalid arguments for {name}: {exc}") from exc
            token = _CURRENT_INPUT.set(validated)
            try:
                return await super().call_tool(name, {}, context)
            finally:
                _CURRENT_INPUT.reset(token)
        finally:
            self._calls_in_flight -= 1

    def _make_tool(self, tool: Published) -> Tool:
        settings = self.playbook_settings
        name = tool.name

        def env_for(inp: ToolInput) -> CallEnv:
            return CallEnv(
                locale=resolve_locale(inp, settings.default_locale),
                today=resolve_today(inp, _today()),
                services=self.services,
                settings=settings,
            )

        async def execute(ctx: Context[Any, Any], resolved: Any) -> CallToolResult:
            spec = self.spec(name)
            inp = _CURRENT_INPUT.get()
            env = env_for(inp)
            try:
                if spec.run_async is not None:
                    result = await spec.run_async(inp, env, ctx, resolved)
                else:
                    result = spec.run(inp, env)
            except PlaybookInputError as exc:
                raise ToolError(str(exc)) from exc
            if not isinstance(result, spec.output_model):  # the model validated the result when it was built
                raise TypeError(f"{name} returned {type(result).__name__}, not {spec.output_model.__name__}")
            return CallToolResult(
                content=[TextContent(type="text", text=spec.render(result))],
                structured_content=result.model_dump(mode="json"),
            )

        handler: Any
        if not tool.has_resolver:

            async def handler(ctx: Context[Any, Any]) -> CallToolResult:
                return await execute(ctx, None)

            handler.__annotations__ = {"ctx": Context, "return": CallToolResult}
        else:

            async def resolver(ctx: Context[Any, Any]) -> Any:
                resolve_fn = self.spec(name).resolve
                if resolve_fn is None:  # pragma: no cover - the manifest says it has one
                    return None
                inp = _CURRENT_INPUT.get()
                return await resolve_fn(inp, env_for(inp), ctx)

            # The SDK keys a resolver's question on the wire by module:qualname; keep it stable and readable.
            resolver.__qualname__ = f"{name}.resolve"
            resolver.__annotations__ = {"ctx": Context, "return": Any}

            async def handler(ctx: Context[Any, Any], resolved: Any) -> CallToolResult:
                return await execute(ctx, resolved)

            handler.__annotations__ = {
                "ctx": Context,
                "resolved": Annotated[Any, Resolve(resolver)],
                "return": CallToolResult,
            }

        handler.__name__ = name
        annotations = ToolAnnotations(
            title=tool.title,
            read_only_hint=tool.read_only,
            destructive_hint=tool.destructive if not tool.read_only else None,
            idempotent_hint=tool.idempotent,
            open_world_hint=tool.open_world,
        )
        # The published schemas come from the manifest: the input model's lean schema (arguments are validated
        # against the model itself in call_tool) and the lean output schema. The result is an instance of the
        # output model, validated as it was built, so the SDK is not asked to validate it a second time.
        if not tool.has_resolver:  # no SDK signature inspection needed: every such handler takes only `ctx`
            return Tool(
                fn=handler,
                name=name,
                title=tool.title,
                description=tool.description,
                parameters=tool.input_schema,
                fn_metadata=FuncMetadata(arg_model=_context_only_arguments(), output_schema=tool.output_schema),
                is_async=True,
                context_kwarg="ctx",
                annotations=annotations,
                meta=tool.meta or None,
            )
        registered = Tool.from_function(
            handler,
            name=name,
            title=tool.title,
            description=tool.description,
            annotations=annotations,
            meta=tool.meta or None,
        )
        registered.parameters = tool.input_schema
        registered.fn_metadata.output_schema = tool.output_schema
        registered.fn_metadata.output_model = None
        return registered


@cache
def _context_only_arguments() -> type[Any]:
    """The SDK's (empty) argument model of a handler that takes only the request context."""

    async def handler(ctx: Context[Any, Any]) -> CallToolResult:  # pragma: no cover - never called
        raise NotImplementedError

    handler.__annotations__ = {"ctx": Context, "return": CallToolResult}
    arg_model: type[Any] = Tool.from_function(handler, name="context_only").fn_metadata.arg_model
    return arg_model


def _register_knowledge(server: MCPServer[Any], stamp_dir: Path | None) -> int:
    sections = kb.checked_index(stamp_dir)  # cheap unless the knowledge files changed (then: full validation)
    index_lines = ["# Sales playbook: sections", ""]
    for section in sections:
        uri = f"playbook://knowledge/{section.name}"
        title = f"{section.title_en} / {section.title_zh}"
        index_lines.append(f"- `{uri}`: {title}: {section.summary_en}")
        server.add_resource(  # the file is read when a client reads the resource
            FileResource(
                uri=uri,
                name=section.name,
                title=title,
                description=section.summary_en,
                mime_type="application/yaml",
                path=kb.path_of(section.name),
                encoding="utf-8",
            )
        )
    server.add_resource(
        TextResource(
            uri="playbook://index",
            name="index",
            title="Playbook sections",
            description="Every playbook section with its URI.",
            mime_type="text/markdown",
            text="\n".join(index_lines) + "\n",
        )
    )
    return len(sections) + 1


PROMPT_INDEX = Path(__file__).resolve().parent / "prompts.json"
"""The prompts' names, titles, descriptions and arguments (their templates' front matter), stamped with a hash of
the templates, so listing them needs no YAML; a template is parsed when its prompt is first rendered. Written by
`write_prompt_index()`; a test checks it is current; a server whose templates changed since parses them all."""

_TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "prompts" / "templates"


def _templates_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(_TEMPLATE_DIR.glob("*.md")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def prompt_index_data() -> dict[str, Any]:
    from .. import prompts as prompt_templates  # parses every template's front matter (imports YAML)

    tool_names = {tool.name for tool in published_for(TOOLSETS)}
    listing = []
    for name in prompt_templates.names():
        template = prompt_templates.load(name)
        arguments = [{"name": a.name, "description": a.description, "required": a.required} for a in template.arguments]
        tools = sorted(tool_names & set(re.findall(r"`([a-z_]+)`", template.bodies["en"])))  # the tools it calls
        listing.append(
            {
                "name": name,
                "title": template.title,
                "description": template.description,
                "arguments": arguments,
                "tools": tools,
            }
        )
    return {"fingerprint": _templates_fingerprint(), "prompts": listing}


def write_prompt_index() -> Path:
    PROMPT_INDEX.write_text(json.dumps(prompt_index_data(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return PROMPT_INDEX


def _prompt_listing() -> list[dict[str, Any]]:
    try:
        data = json.loads(PROMPT_INDEX.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("fingerprint") != _templates_fingerprint():
        data = prompt_index_data()
    listing: list[dict[str, Any]] = data["prompts"]
    return listing


def prompt_locale(value: str | None) -> str | None:
    """A prompt's `locale` argument as en or zh (omitted or blank: en; zh-CN, EN-us and the like by language);
    None for any other value."""
    language = (value or "en").strip().lower().replace("_", "-").split("-")[0] or "en"
    return language if language in ("en", "zh") else None


def _prompt_renderer(name: str) -> Callable[..., str]:
    def render(**values: str) -> str:
        from .. import prompts as prompt_templates

        locale = prompt_locale(values.pop("locale", None)) or "en"  # checked before rendering (get_prompt)
        return prompt_templates.load(name).render(locale, values)

    return render


def _register_prompts(server: MCPServer[Any], served: set[str]) -> int:
    """Register the prompts whose tools are all served (`served`): a prompt that tells the assistant to call a
    tool of a toolset left out (draft_email for cold-email, by default) would send it to a tool it does not have."""
    listing = [entry for entry in _prompt_listing() if set(entry.get("tools", ())) <= served]
    for entry in listing:
        arguments = [PromptArgument(**argument) for argument in entry["arguments"]]
        arguments.append(PromptArgument(name="locale", description="en or zh (default en).", required=False))
        server.add_prompt(
            Prompt(
                name=entry["name"],
                title=entry["title"],
                description=entry["description"],
                arguments=arguments,
                fn=_prompt_renderer(entry["name"]),
            )
        )
    return len(listing)


def build_server(settings: Settings, services: Any = None, **auth: Any) -> PlaybookServer:
    tools = published_for(settings.toolsets)
    if services is None:
        from .services import Services  # the store inside opens lazily, on the first tool that needs it

        services = Services(settings)
    server = PlaybookServer(settings, tools, services, **auth)
    resources = _register_knowledge(server, settings.data_dir)
    prompts = _register_prompts(server, {tool.name for tool in tools})
    log.info(
        "sales-playbook %s: data in %s, database %s; serving %d tools (%s), %d prompts, %d resources",
        __version__,
        settings.data_dir,
        settings.effective_database_url.split("@")[-1],
        len(tools),
        ",".join(settings.toolsets),
        prompts,
        resources,
    )
    return server
