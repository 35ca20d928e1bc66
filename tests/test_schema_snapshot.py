"""Every tool's published schema is pinned, so a schema change is a deliberate, reviewed diff.

Regenerate with: UPDATE_SNAPSHOTS=1 python -m pytest tests/test_schema_snapshot.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sales_playbook.server.app import PlaybookServer

from .conftest import connect

SNAPSHOT = Path(__file__).parent / "snapshots" / "tools.json"


async def test_tool_schemas_match_the_snapshot(server: PlaybookServer) -> None:
    async with connect(server) as client:
        tools = (await client.list_tools()).tools
    current = {
        tool.name: {
            "title": tool.title,
            "description": tool.description,
            "annotations": tool.annotations.model_dump(exclude_none=True) if tool.annotations else None,
            "input_schema": tool.input_schema,
            "output_schema": tool.output_schema,
        }
        for tool in sorted(tools, key=lambda t: t.name)
    }
    rendered = json.dumps(current, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_SNAPSHOTS=1"
    assert rendered == SNAPSHOT.read_text(encoding="utf-8"), (
        "tool schemas changed; if intended, regenerate with UPDATE_SNAPSHOTS=1 and review the diff"
    )
