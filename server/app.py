"""Builds the MCP server: tools from the registry (validated at the boundary), the knowledge base as
resources, and the prompt templates as MCP prompts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, InputRequiredResult, TextContent, ToolAnnotations

from .. import __version__
from .. import knowledge as kb
from .. import prompts as prompt_templates
from ..schemas.common import ToolInput
from ..tools.errors import PlaybookInputError
from .boundary import InvalidArguments, resolve_locale, resolve_today, validate_arguments
from .registry import CallEnv, ToolSpec, specs_for
from .schema_size import lean_schema
from .settings import Settings

log = logging.getLogger("sales_playbook")

INSTRUCTIONS = (
    "B2B sales playbook tools: deterministic scores, dates and counts from the playbook's rules "
    "(MEDDPICC, cadences, LAER, forecast categories). Call a tool instead of estimating a number. "
    "Playbook sections are readable as playbook:// resources."
)

# The validated input of the tool call being served (set by `PlaybookServer.call_tool`).
_CURRENT_INPUT: ContextVar[ToolInput] = ContextVar("sales_playbook_current_input")


def _today() -> date:
    return date.today()


class PlaybookServer(MCPServer[Any]):
    """MCPServer whose registry tools are validated against their pydantic input model before they run."""

    def __init__(self, settings: Settings, specs: list[ToolSpec[Any, Any]], services: Any = None) -> None:
        self.playbook_settings = settings
        self.specs = {spec.name: spec for spec in specs}
        self.services = services
        super().__init__(
            name="sales-playbook",
            title="Sales Playbook",
            version=__version__,
            instructions=INSTRUCTIONS,
            tools=[self._make_tool(spec) for spec in specs],
            log_level=settings.log_level,
        )

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        spec = self.specs.get(name)
        if spec is None:
            return await super().call_tool(name, arguments, context)
        try:
            validated = validate_arguments(spec.input_model, arguments)
        except InvalidArguments as exc:
            raise ToolError(f"Invalid arguments for {name}: {exc}") from exc
        token = _CURRENT_INPUT.set(validated)
        try:
            return await super().call_tool(name, {}, context)
        finally:
            _CURRENT_INPUT.reset(token)

    def _make_tool(self, spec: ToolSpec[Any, Any]) -> Tool:
        settings = self.playbook_settings

        def env_for(inp: ToolInput) -> CallEnv:
            return CallEnv(
                locale=resolve_locale(inp, settings.default_locale),
                today=resolve_today(inp, _today()),
                services=self.services,
                settings=settings,
            )

        async def execute(ctx: Context[Any, Any], resolved: Any) -> CallToolResult:
            inp = _CURRENT_INPUT.get()
            env = env_for(inp)
            try:
                if spec.run_async is not None:
                    result = await spec.run_async(inp, env, ctx, resolved)
                else:
                    result = spec.run(inp, env)
            except PlaybookInputError as exc:
                raise ToolError(str(exc)) from exc
            return CallToolResult(
                content=[TextContent(type="text", text=spec.render(result))],
                structured_content=result.model_dump(mode="json"),
            )

        returns = Annotated[CallToolResult, spec.output_model]
        handler: Any
        if spec.resolve is None:

            async def handler(ctx: Context[Any, Any]) -> CallToolResult:
                return await execute(ctx, None)

            handler.__annotations__ = {"ctx": Context, "return": returns}
        else:
            resolve_fn = spec.resolve

            async def resolver(ctx: Context[Any, Any]) -> Any:
                inp = _CURRENT_INPUT.get()
                return await resolve_fn(inp, env_for(inp), ctx)

            # The SDK keys a resolver's question on the wire by module:qualname; keep it stable and readable.
            resolver.__qualname__ = f"{spec.name}.resolve"
            resolver.__annotations__ = {"ctx": Context, "return": Any}

            async def handler(ctx: Context[Any, Any], resolved: Any) -> CallToolResult:
                return await execute(ctx, resolved)

            handler.__annotations__ = {"ctx": Context, "resolved": Annotated[Any, Resolve(resolver)], "return": returns}

        handler.__name__ = spec.name
        tool = Tool.from_function(
            handler,
            name=spec.name,
            title=spec.title,
            description=spec.description,
            annotations=ToolAnnotations(
                title=spec.title,
                read_only_hint=spec.read_only,
                destructive_hint=spec.destructive if not spec.read_only else None,
                idempotent_hint=spec.idempotent,
                open_world_hint=spec.open_world,
            ),
            meta=spec.meta or None,
        )
        # Publish the input model's own schema (the arguments are validated against it in call_tool).
        tool.parameters = lean_schema(spec.input_model.model_json_schema())
        tool.fn_metadata.output_schema = lean_schema(tool.fn_metadata.output_schema or {})
        return tool


def _section_reader(name: str) -> Callable[[], str]:
    def read() -> str:
        return kb.raw_text(name)

    return read


def _register_knowledge(server: MCPServer[Any]) -> int:
    sections = kb.load_all()
    index_lines = ["# Sales playbook: sections", ""]
    for name, section in sections.items():
        uri = f"playbook://knowledge/{name}"
        index_lines.append(f"- `{uri}`: {section.title.en} / {section.title.zh}: {section.summary.en}")

        server.resource(
            uri,
            name=name,
            title=f"{section.title.en} / {section.title.zh}",
            description=section.summary.en,
            mime_type="application/yaml",
        )(_section_reader(name))
    index = "\n".join(index_lines) + "\n"
    server.resource(
        "playbook://index",
        name="index",
        title="Playbook sections",
        description="Every playbook section with its URI.",
        mime_type="text/markdown",
    )(lambda: index)
    return len(sections) + 1


def _prompt_renderer(template: prompt_templates.PromptTemplate) -> Callable[..., str]:
    def render(**values: str) -> str:
        locale = values.pop("locale", "") or "en"
        return template.render("zh" if locale.lower().startswith("zh") else "en", values)

    return render


def _register_prompts(server: MCPServer[Any]) -> int:
    count = 0
    for name in prompt_templates.names():
        template = prompt_templates.load(name)
        arguments = [
            PromptArgument(name=a.name, description=a.description, required=a.required) for a in template.arguments
        ]
        arguments.append(PromptArgument(name="locale", description="en or zh (default en).", required=False))
        server.add_prompt(
            Prompt(
                name=name,
                title=template.title,
                description=template.description,
                arguments=arguments,
                fn=_prompt_renderer(template),
            )
        )
        count += 1
    return count


def build_server(settings: Settings, services: Any = None) -> PlaybookServer:
    specs = specs_for(settings.toolsets)
    if services is None:
        from .services import Services  # the store inside opens lazily, on the first tool that needs it

        services = Services(settings)
    server = PlaybookServer(settings, specs, services)
    resources = _register_knowledge(server)
    prompts = _register_prompts(server)
    log.info(
        "sales-playbook %s: data in %s, database %s; serving %d tools (%s), %d prompts, %d resources",
        __version__,
        settings.data_dir,
        settings.effective_database_url.split("@")[-1],
        len(specs),
        ",".join(settings.toolsets),
        prompts,
        resources,
    )
    return server
