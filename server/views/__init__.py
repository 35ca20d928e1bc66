"""The MCP Apps views: one self-contained HTML page per picture-worthy tool (review_pipeline, forecast,
qualify_deal, coach_call), served as `ui://` resources with the apps MIME type and linked from each tool's
`_meta`. A host with MCP Apps renders the page in a sandboxed iframe and hands it the tool result over the
host protocol (`ui/notifications/tool-result`); hosts without it keep the text block. `sales-playbook report`
writes the same page with the result embedded as JSON (`report_html`), so a rep can share or print it.

Each page is `base.css` + `<tool>.css` + `base.js` + `<tool>.js`, inlined: no network fetch, no framework.
Data goes into the DOM as text only (never markup). Labels are English or Chinese by the result's `locale`,
numbers go through `Intl.NumberFormat`, and every colour has a second signal (a text label and an icon, or a
fill pattern), so the pages read in greyscale and print well.

- review_pipeline: KPIs, the funnel (open value per stage with its stage-weighted part hatched), the ten deals
  to review with risk (▲ high / ◆ medium / ✓ low) and reasons, the actions.
- forecast: quota, forecast, closed and the gap; one stacked bar (closed, commit, best case hatched, pipeline
  dotted) against a dashed quota line, one bar per category, warnings, the forecast deals by category.
- qualify_deal: score and band, the scorecard (three pips per element; weak elements ▲ labelled and ruled),
  evidence or the gap question, red flags, next moves.
- coach_call: KPIs against the targets, the talk-time timeline (a lane per speaker, rep turns solid, buyer turns
  hatched, over time or, without cue times, over words), long rep monologues bracketed, objections pinned
  (!1, !2 …) where raised, the score breakdown and what to improve.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any, ClassVar, Protocol, TypeVar

URI_PREFIX = "ui://sales-playbook/"
VIEWS: dict[str, str] = {
    "review_pipeline": "Pipeline review: funnel and deals to review",
    "forecast": "Forecast against quota",
    "qualify_deal": "Qualification scorecard",
    "coach_call": "Call talk-time timeline",
}
"""Tool name → the view's title."""
DATA_SLOT = "<!--sp-data-->"
"""Where `report_html` puts the embedded result; the served page keeps the (inert) comment."""

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
<main id="app" data-view="{tool}"></main>
{slot}
<script>
{js}</script>
</body>
</html>
"""


_COMMENT = re.compile(r"/\*(?:(?!\*/).)*\*/")
"""A line that is one comment and nothing else (the sources put comments on lines of their own)."""


def uri(tool: str) -> str:
    return f"{URI_PREFIX}{tool}.html"


def _read(name: str) -> str:
    """A view source file with its indentation, blank lines and whole-line `/* … */` comments dropped (a quarter
    smaller; still one statement per line, so still readable in the host's inspector)."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return "".join(line + "\n" for line in lines if line and not _COMMENT.fullmatch(line))


@cache
def html(tool: str) -> str:
    """The view page of `tool` as served at `uri(tool)`."""
    if tool not in VIEWS:
        raise KeyError(f"no view for tool {tool!r}")
    return _PAGE.format(
        title=VIEWS[tool],
        tool=tool,
        css=_read("base.css") + _read(f"{tool}.css"),
        slot=DATA_SLOT,
        js=_read("base.js") + _read(f"{tool}.js"),
    )


def report_html(tool: str, result: dict[str, Any]) -> str:
    """The static page: the view of `tool` with `result` (the tool's structured result) embedded as JSON."""
    data = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, only "</" can end the element early; "<!--" could start an escaped-text state.
    data = data.replace("</", "<\\/").replace("<!--", "<\\!--")
    return html(tool).replace(DATA_SLOT, f'<script type="application/json" id="sp-data">{data}</script>', 1)


class _Linkable(Protocol):
    """A tool as registered (`ToolSpec` or its published form): a dataclass with a name and `_meta`."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def name(self) -> str: ...

    @property
    def meta(self) -> dict[str, Any]: ...


ToolT = TypeVar("ToolT", bound=_Linkable)


def attach(tools: Sequence[ToolT]) -> tuple[list[ToolT], list[Any]]:
    """The tools with each view's `_meta` link added, and the server extensions serving the view pages.

    `_meta.ui.resourceUri` is the MCP Apps key; the flat `ui/resourceUri` is what older hosts read. Tools without
    a view, and the text each tool returns, are unchanged (hosts without MCP Apps see nothing new).
    """
    from mcp.server.apps import Apps

    apps = Apps()
    linked: list[ToolT] = []
    for tool in tools:
        if tool.name in VIEWS:
            link = uri(tool.name)
            tool = dataclasses.replace(tool, meta={**tool.meta, "ui": {"resourceUri": link}, "ui/resourceUri": link})
            apps.add_html_resource(
                link, html(tool.name), name=f"{tool.name}_view", title=VIEWS[tool.name], prefers_border=True
            )
        linked.append(tool)
    return linked, [apps]
