"""What the MCP SDK itself spends on one tool call's request and result, measured in-process (no pipe, no loop).

A stdio round trip is: the client builds and sends the request; the server parses it, runs the tool, dumps the
result, checks it against the protocol's result shape and writes it as JSON; the client parses it, checks the shape
again, builds the result model and validates `structuredContent` against the tool's output schema. This module
times the SDK's steps of that list with the SDK's own functions on a given request and result, so bench/run.py can
split a round trip into our server's work, the SDK's per-payload work and the rest (transport, event loops).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from jsonschema.validators import validator_for
from mcp import types
from mcp.types import CallToolResult
from mcp_types import methods

PROTOCOL = "2025-11-25"
"""The protocol version the bench's legacy-mode client negotiates."""


def median_us(fn: Callable[[], object], runs: int = 200) -> float:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def request_us(name: str, arguments: dict[str, Any]) -> float:
    """Client: build the tools/call request and write it as JSON; server: parse the line and the request."""

    def client() -> str:
        request = types.CallToolRequest(params=types.CallToolRequestParams(name=name, arguments=arguments))
        body = request.model_dump(by_alias=True, mode="json", exclude_none=True)
        message = types.JSONRPCRequest(jsonrpc="2.0", id=1, method=body["method"], params=body.get("params"))
        return message.model_dump_json(by_alias=True, exclude_unset=True)

    line = client()

    def server() -> object:
        message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
        assert isinstance(message, types.JSONRPCRequest)
        return methods.parse_client_request(message.method, PROTOCOL, message.params)

    return median_us(client) + median_us(server)


def result_us(result: CallToolResult, output_schema: dict[str, Any] | None) -> tuple[float, int]:
    """(µs, bytes of the JSON line) for the server's dump, shape check and JSON of `result` plus the client's parse,
    shape check, result model and output-schema validation of it."""

    def server() -> str:
        dumped = result.model_dump(by_alias=True, mode="json", exclude_none=True)
        dumped = methods.serialize_server_result("tools/call", PROTOCOL, dumped)
        return types.JSONRPCResponse(jsonrpc="2.0", id=1, result=dumped).model_dump_json(
            by_alias=True, exclude_unset=True
        )

    line = server()
    validator = validator_for(output_schema)(output_schema) if output_schema else None

    def client() -> None:
        message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
        assert isinstance(message, types.JSONRPCResponse)
        methods.validate_server_result("tools/call", PROTOCOL, message.result)
        parsed = CallToolResult.model_validate(message.result, by_name=False)
        if validator is not None and parsed.structured_content is not None:
            for error in validator.iter_errors(parsed.structured_content):
                raise AssertionError(f"the result does not match its output schema: {error.message}")

    return median_us(server) + median_us(client), len(line)
