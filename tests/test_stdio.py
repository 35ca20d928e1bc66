"""End to end: spawn the installed `sales-playbook serve` over stdio and call a tool, as a desktop host would."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from mcp import Client, StdioServerParameters


def _command() -> str:
    beside_python = Path(sys.executable).parent / "sales-playbook"
    found = str(beside_python) if beside_python.exists() else shutil.which("sales-playbook")
    assert found, "the sales-playbook console script is not installed"
    return found


async def test_serve_over_stdio_lists_and_calls(tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=_command(),
        args=["serve", "--data-dir", str(tmp_path / "data")],
        env={**os.environ, "SALES_PLAYBOOK_LOG_LEVEL": "WARNING"},
    )
    async with Client(params, mode="legacy") as client:  # type: ignore[arg-type]
        tools = {tool.name for tool in (await client.list_tools()).tools}
        resources = (await client.list_resources()).resources
        prompts = (await client.list_prompts()).prompts
        result = await client.call_tool(
            "calculate_roi",
            {"headcount": 400, "cost_per_head": 150000, "automatable_share": 0.6, "solution_cost": 12000000},
        )
        bad = await client.call_tool("calculate_roi", {"headcount": "many"})
        again = await client.call_tool(
            "calculate_roi", {"headcount": 1, "cost_per_head": 1, "automatable_share": 1, "solution_cost": 1}
        )
    assert "calculate_roi" in tools
    assert resources and prompts
    assert result.structured_content is not None
    assert result.structured_content["payback_months"] == 4.5
    assert bad.is_error and "headcount" in bad.content[0].text  # type: ignore[union-attr]
    assert not again.is_error
