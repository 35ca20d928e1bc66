"""End to end: spawn the installed `sales-playbook serve` over stdio and call a tool, as a desktop host would."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from sales_playbook.server.stdio import _LineReader


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


async def test_large_request_and_response_cross_the_event_loop_pipes(tmp_path: Path) -> None:
    """A ~100 KB transcript in and a large result out: multi-chunk reads and writes that wait for the pipe."""
    lines = [
        f"{'Alex' if i % 2 else 'Dana'}: " + "we need to cut onboarding time across every plant " * 4
        for i in range(600)
    ]
    params = StdioServerParameters(
        command=_command(),
        args=["serve", "--toolsets", "coaching", "--data-dir", str(tmp_path / "data")],
        env={**os.environ, "SALES_PLAYBOOK_LOG_LEVEL": "WARNING"},
    )
    async with Client(params, mode="legacy") as client:  # type: ignore[arg-type]
        results = [
            await client.call_tool("coach_call", {"transcript": "\n".join(lines), "rep_names": ["Alex"]})
            for _ in range(3)
        ]
    assert len("\n".join(lines)) > 100_000
    for result in results:
        assert not result.is_error, result.content
        assert result.structured_content is not None
        assert result.structured_content["metrics"]["rep_talk_ratio"] == 0.5
        assert result.structured_content == results[0].structured_content


_STRAY_OUTPUT = """
import os, sys
import anyio
import mcp_types as types
from mcp.shared.message import SessionMessage
from sales_playbook.server.stdio import loop_stdio_server

async def main():
    async with loop_stdio_server() as (read, write):
        print("stray print", flush=True)
        os.write(1, b"stray write\\n")
        async with read, write:
            async for _ in read:
                await write.send(SessionMessage(types.JSONRPCNotification(jsonrpc="2.0", method="answered")))
                break
    print("after", flush=True)
    assert os.get_blocking(0) and os.get_blocking(1), "the pipes are left non-blocking"

anyio.run(main)
"""


def test_stray_output_goes_to_stderr_while_serving() -> None:
    """While the transport serves, fd 1 points at stderr: a print cannot corrupt the JSON-RPC stream."""
    request = '{"jsonrpc": "2.0", "method": "notifications/initialized"}\n'
    done = subprocess.run(
        [sys.executable, "-c", _STRAY_OUTPUT], input=request, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ['{"jsonrpc":"2.0","method":"answered"}', "after"]
    assert "stray print" in done.stderr and "stray write" in done.stderr


def test_stdin_from_a_regular_file_falls_back_to_the_sdk_transport(tmp_path: Path) -> None:
    """The event loop cannot watch a regular file; the server still answers, through the SDK's own transport.
    (Only `initialize`, which the SDK answers inline: at end of file it cancels requests still in flight.)"""
    requests = tmp_path / "requests.jsonl"
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    requests.write_text(json.dumps(initialize) + "\n", encoding="utf-8")
    with requests.open("rb") as stdin:
        done = subprocess.run(
            [_command(), "serve", "--data-dir", str(tmp_path / "data")],
            stdin=stdin,
            capture_output=True,
            timeout=60,
            env={**os.environ, "SALES_PLAYBOOK_LOG_LEVEL": "WARNING"},
        )
    answers = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [answer["id"] for answer in answers] == [1], done.stderr
    assert answers[0]["result"]["serverInfo"]["name"] == "sales-playbook"


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/null and epoll are POSIX")
def test_stdin_from_dev_null_ends_the_session_quietly(tmp_path: Path) -> None:
    """/dev/null is a character device epoll refuses (EPERM, raised inside a loop callback): it used to log an
    asyncio traceback and leave the server waiting for ever. It goes to the SDK transport, which reads EOF."""
    done = subprocess.run(
        [_command(), "serve", "--data-dir", str(tmp_path / "data")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr and done.stdout == b""


async def test_an_oversized_line_is_dropped_and_reading_goes_on() -> None:
    reader = asyncio.StreamReader(limit=64)
    reader.feed_data(b'{"too": "' + b"x" * 200 + b'"}\n{"jsonrpc": "2.0"}\n')
    reader.feed_eof()
    lines = [line async for line in _LineReader(reader)]
    assert lines == ["\n", '{"jsonrpc": "2.0"}\n']


async def test_a_result_larger_than_the_pipe_buffer_arrives_whole(tmp_path: Path) -> None:
    """A result several times the 64 KB pipe buffer: the writer waits for the client to read (drain), no loss."""
    rows = [f"Company {i},{1000 + i},evaluation,{'notes about the account ' * 20}" for i in range(300)]
    params = StdioServerParameters(
        command=_command(),
        args=["serve", "--toolsets", "pipeline", "--data-dir", str(tmp_path / "data")],
        env={**os.environ, "SALES_PLAYBOOK_LOG_LEVEL": "WARNING"},
    )
    async with Client(params, mode="legacy") as client:  # type: ignore[arg-type]
        imported = await client.call_tool("import_deals", {"csv": "company,value,stage,notes\n" + "\n".join(rows)})
        assert not imported.is_error, imported.content
        listed = [await client.call_tool("list_deals", {"detail": "full", "limit": 300}) for _ in range(2)]
    for result in listed:
        assert result.structured_content is not None
        deals = result.structured_content["deals"]
        assert len(deals) == 300 and {deal["company"] for deal in deals} == {f"Company {i}" for i in range(300)}
        assert len(json.dumps(result.structured_content)) > 3 * 64 * 1024
