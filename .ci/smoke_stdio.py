"""CI smoke test of a non-editable install: spawn the installed `sales-playbook serve` and call a tool."""

import asyncio
import sys
import tempfile

from mcp import Client, StdioServerParameters


async def main(command: str) -> None:
    params = StdioServerParameters(command=command, args=["serve", "--data-dir", tempfile.mkdtemp()])
    async with Client(params, mode="legacy") as client:
        tools = (await client.list_tools()).tools
        resources = (await client.list_resources()).resources
        prompts = (await client.list_prompts()).prompts
        result = await client.call_tool(
            "calculate_roi",
            {"headcount": 400, "cost_per_head": 150000, "automatable_share": 0.6, "solution_cost": 12000000},
        )
        deal = await client.call_tool("qualify_deal", {"deal": {"company": "Acme"}})
    assert result.structured_content and result.structured_content["payback_months"] == 4.5, result
    assert deal.structured_content and deal.structured_content["band"] == "unqualified", deal
    print(f"wheel install serves {len(tools)} tools, {len(resources)} resources, {len(prompts)} prompts")


asyncio.run(main(sys.argv[1]))
