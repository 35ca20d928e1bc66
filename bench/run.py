"""One command for the speed and size figures, each printed as a ratio to a reference measured in the same run.

    .venv/bin/python bench/run.py [--spawns 20] [--calls 60] [--record]

- cold start: spawn -> `initialize` result over stdio, median of --spawns, ours vs the bare one-tool SDK server
  (bench/bare_server.py), alternating so both see the same machine state;
- call round trip over stdio per tool with a realistic input (bench/inputs.py), p50 and p95, vs the bare
  server's trivial `echo` call;
- in-process cost of each tool function (µs per call, median) and of the heavy inputs (15,000-word transcript,
  10,000-deal review and forecast, 1,000 accounts);
- the size of `tools/list` in bytes and estimated tokens (bytes / 4), per tool, per toolset, in total.

--record writes the tables to bench/RESULTS.md with the date, the machine and this command.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from inputs import HEAVY, REALISTIC, SETUP  # noqa: E402
from sales_playbook.server.app import build_server  # noqa: E402
from sales_playbook.server.boundary import validate_arguments  # noqa: E402
from sales_playbook.server.registry import CallEnv, all_specs  # noqa: E402
from sales_playbook.server.services import Services  # noqa: E402
from sales_playbook.server.settings import DEFAULT_TOOLSETS, TOOLSETS, Settings  # noqa: E402
from sdk_cost import request_us, result_us  # noqa: E402

OURS = [str(Path(sys.executable).parent / "sales-playbook"), "serve", "--toolsets", "all"]
BARE = [sys.executable, str(HERE / "bare_server.py")]
WARM_UP_SECONDS = 2.0
HISTORY_MARKER = "<!-- history: bench/run.py --record keeps what follows this line -->"
FIRST_CALL_TOOLS = ("qualify_deal", "coach_call", "review_pipeline")


def _params(command: list[str], data_dir: str) -> StdioServerParameters:
    env = {**os.environ, "SALES_PLAYBOOK_DATA_DIR": data_dir, "SALES_PLAYBOOK_LOG_LEVEL": "WARNING"}
    return StdioServerParameters(command=command[0], args=command[1:], env=env)


async def _cold_start(command: list[str], data_dir: str) -> float:
    started = time.perf_counter()
    async with Client(_params(command, data_dir), mode="legacy"):  # type: ignore[arg-type]
        return time.perf_counter() - started


async def _first_call(command: list[str], data_dir: str, name: str, args: dict[str, Any], idle: float) -> float:
    """Seconds of the first call of a fresh session, sent `idle` seconds after the tools were listed."""
    async with Client(_params(command, data_dir), mode="legacy") as client:  # type: ignore[arg-type]
        await client.list_tools()
        await asyncio.sleep(idle)
        started = time.perf_counter()
        result = await client.call_tool(name, args)
        elapsed = time.perf_counter() - started
    if result.is_error:
        raise SystemExit(f"{name} failed during the benchmark: {result.content[0]}")
    return elapsed


GROWS_THE_PIPELINE = ("save_deal",)  # its realistic input saves a new deal on every call


def _store_order(specs: dict[str, Any], name: str) -> int:
    """Timing order: tools that only read, then the ones that write, then the one that adds deals, so every tool
    reading the store sees the pipeline SETUP stored (forecast adds a snapshot per call, log_activity an activity)."""
    return 2 if name in GROWS_THE_PIPELINE else 0 if specs[name].read_only else 1


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _round_trips(
    command: list[str], data_dir: str, calls: list[tuple[str, dict[str, Any]]], n: int
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    async with Client(_params(command, data_dir), mode="legacy") as client:  # type: ignore[arg-type]
        if command == OURS:
            for name, args in SETUP:
                setup = await client.call_tool(name, args)
                if setup.is_error and "already exists" not in str(setup.content[0]):
                    raise SystemExit(f"bench setup {name} failed: {setup.content[0]}")
            # The first tools/list (the client sent one before its first call) starts the server's warm-up
            # thread; a host lists tools long before the first call, so let it finish before measuring.
            await asyncio.sleep(WARM_UP_SECONDS)
        for name, args in calls:
            for _ in range(3):  # warm-up (first call loads what the tool needs)
                await client.call_tool(name, args)
            samples = []
            for _ in range(n):
                t = time.perf_counter()
                result = await client.call_tool(name, args)
                samples.append(time.perf_counter() - t)
                if result.is_error:
                    raise SystemExit(f"{name} failed during the benchmark: {result.content[0]}")
            timings[name] = samples
    return timings


async def _server_handling(calls: list[tuple[str, dict[str, Any]]], runs: int = 40) -> dict[str, dict[str, float]]:
    """Per tool, in-process: our server's whole handling of the call (`PlaybookServer.call_tool`: argument
    validation, locale, the tool, rendering and dumping its result) and the SDK's per-payload work on the request
    and on the result (bench/sdk_cost.py), on a server holding the same SETUP deals as the stdio run."""
    server = build_server(
        Settings(data_dir=Path(tempfile.mkdtemp(prefix="sp-bench-split-")), toolsets=",".join(TOOLSETS))
    )
    for name, args in SETUP:
        await server.call_tool(name, args)
    schemas = {tool.name: tool.output_schema for tool in await server.list_tools()}
    split: dict[str, dict[str, float]] = {}
    for name, args in calls:
        result = await server.call_tool(name, args)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            await server.call_tool(name, args)
            samples.append(time.perf_counter() - start)
        assert isinstance(result, CallToolResult)
        payload_us, line_bytes = result_us(result, schemas.get(name))
        split[name] = {
            "ours": statistics.median(samples) * 1e6,
            "sdk": request_us(name, args) + payload_us,
            "bytes": float(line_bytes),
        }
    return split


def _in_process(spec_run: Callable[[], object], budget_s: float = 0.3, min_runs: int = 7) -> float:
    """Median wall time of one call over at least `min_runs` runs and `budget_s` seconds (after a warm-up): a
    median, because on a shared machine a single slow run would move a mean of the 3–7 runs a heavy input gets."""
    spec_run()
    samples: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < budget_s or len(samples) < min_runs:
        t = time.perf_counter()
        spec_run()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


async def _tool_sizes(data_dir: str) -> dict[str, int]:
    """Each tool's entry in `tools/list` as it goes over the wire (compact JSON, UTF-8 bytes)."""
    server = build_server(Settings(toolsets=TOOLSETS, data_dir=Path(data_dir)))
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
    return {tool.name: len(tool.model_dump_json(by_alias=True, exclude_none=True).encode()) for tool in tools}


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spawns", type=int, default=20)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--record", action="store_true", help="write bench/RESULTS.md")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sp-bench-")
    sections: list[str] = []
    specs = {spec.name: spec for spec in all_specs()}

    # Cold start
    ours, bare = [], []
    for _ in range(args.spawns):
        bare.append(await _cold_start(BARE, data_dir))
        ours.append(await _cold_start(OURS, data_dir))
    bare_med, ours_med = statistics.median(bare), statistics.median(ours)
    sections.append(
        f"## Cold start (spawn → initialize, stdio, median of {args.spawns})\n\n"
        + _table(
            ["server", "median ms", "ratio"],
            [
                ["bare SDK server (1 tool)", f"{bare_med * 1000:.0f}", "1.00"],
                ["sales-playbook (all toolsets)", f"{ours_med * 1000:.0f}", f"{ours_med / bare_med:.2f}"],
            ],
        )
    )

    # First call of a session: after the warm-up had time (a host lists tools well before the model calls one)
    # and sent right after the listing (the worst case: the call waits for what the warm-up is loading).
    first_rows = []
    for name in FIRST_CALL_TOOLS:
        row = [name]
        for idle in (1.0, 0.0):
            samples = [await _first_call(OURS, data_dir, name, REALISTIC[name], idle) for _ in range(3)]
            row.append(f"{statistics.median(samples) * 1000:.0f}")
        first_rows.append(row)
    sections.append(
        "## First call of a session (stdio, median of 3 spawns)\n\n"
        + _table(["tool", "1 s after tools/list, ms", "right after tools/list, ms"], first_rows)
    )

    # Round trips
    calls = [(name, REALISTIC[name]) for name in specs if name in REALISTIC]
    calls.sort(key=lambda call: _store_order(specs, call[0]))
    missing = sorted(name for name in specs if name not in REALISTIC)
    bare_rt = (await _round_trips(BARE, data_dir, [("echo", {"text": "hello"})], args.calls))["echo"]
    ours_rt = await _round_trips(OURS, data_dir, calls, args.calls)
    base_p50 = _pct(bare_rt, 0.5)
    rows = [["echo (bare)", f"{base_p50 * 1000:.2f}", f"{_pct(bare_rt, 0.95) * 1000:.2f}", "1.00"]]
    for name, samples in ours_rt.items():
        p50 = _pct(samples, 0.5)
        rows.append([name, f"{p50 * 1000:.2f}", f"{_pct(samples, 0.95) * 1000:.2f}", f"{p50 / base_p50:.2f}"])
    rows += [[name, "no input", "", ""] for name in missing]
    sections.append(
        f"## Call round trip over stdio ({args.calls} calls each)\n\n"
        + _table(["tool", "p50 ms", "p95 ms", "p50 ratio"], rows)
    )

    # Where the round trip goes: the budget is 1.5× the bare call; what our server does and what the SDK does with
    # this payload are measured in-process, the rest (pipes, event loops, the SDK's per-message dispatch) is what
    # the stdio p50 leaves.
    split = await _server_handling(calls)
    echo_sdk = request_us("echo", {"text": "hello"})
    budget = 1.5 * base_p50 * 1e6
    rows = []
    for name, samples in ours_rt.items():
        p50 = _pct(samples, 0.5) * 1e6
        part = split[name]
        rest = p50 - part["ours"] - part["sdk"]
        over = p50 - budget
        rows.append(
            [
                name,
                f"{p50 / 1000:.2f}",
                f"{part['ours'] / 1000:.2f}",
                f"{part['sdk'] / 1000:.2f}",
                f"{part['bytes'] / 1000:.1f}",
                f"{rest / 1000:.2f}",
                f"{over / 1000:+.2f}" if over > 0 else "within",
            ]
        )
    sections.append(
        f"## Where a round trip goes (budget: 1.5 × {base_p50 * 1000:.2f} = {budget / 1000:.2f} ms)\n\n"
        "`ours`: `PlaybookServer.call_tool` in-process (validation, locale, the tool, render, dump). `SDK payload`:\n"
        "the SDK's own steps on this request and result in-process (bench/sdk_cost.py: request build and parse,\n"
        "result dump, shape checks, JSON, client parse and output-schema validation); "
        f"for the bare echo request it is {echo_sdk:.0f} µs. "
        "`rest`: p50 minus both (pipes, event loops, per-message dispatch).\n\n"
        + _table(["tool", "p50 ms", "ours ms", "SDK payload ms", "result KB", "rest ms", "over budget ms"], rows)
    )

    # In-process cost (store-backed tools on a fresh data dir holding only the SETUP deal)
    today = date(2026, 11, 23)
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="sp-bench-inproc-")))
    services = Services(settings)
    for name, payload in SETUP:
        specs[name].run(
            validate_arguments(specs[name].input_model, payload),
            CallEnv(locale="en", today=today, services=services, settings=settings),
        )
    rows = []
    heavy: dict[str, float] = {}
    realistic = sorted(REALISTIC.items(), key=lambda item: _store_order(specs, item[0]))
    for label, (name, payload) in [(n, (n, a)) for n, a in realistic] + list(HEAVY.items()):
        spec = specs.get(name)
        if spec is None:
            rows.append([label, "tool not registered"])
            continue
        env = CallEnv(locale="en", today=today, services=services, settings=settings)
        inp = validate_arguments(spec.input_model, payload)
        try:
            seconds = _in_process(partial(spec.run, inp, env))
            validated = _in_process(
                lambda spec=spec, payload=payload, env=env: spec.run(  # type: ignore[misc]
                    validate_arguments(spec.input_model, payload), env
                )
            )
        except Exception as exc:  # a store-backed tool without inline data, say
            rows.append([label, f"not measurable in-process: {type(exc).__name__}", ""])
            continue
        heavy[label] = validated
        rows.append([label, f"{seconds * 1e6:,.0f} µs", f"{validated * 1e6:,.0f} µs"])
    sections.append(
        "## In-process cost per call (median of at least 7 runs)\n\n"
        + _table(["input", "tool function", "input validation + tool function"], rows)
    )

    # tools/list size
    sizes = await _tool_sizes(data_dir)
    default = DEFAULT_TOOLSETS
    rows = [[name, spec.toolset, f"{sizes[name]:,}", f"{sizes[name] // 4:,}"] for name, spec in specs.items()]
    for toolset in TOOLSETS:
        total = sum(size for name, size in sizes.items() if specs[name].toolset == toolset)
        rows.append([f"**toolset {toolset}**", "", f"{total:,}", f"{total // 4:,}"])
    all_total = sum(sizes.values())
    default_total = sum(size for name, size in sizes.items() if specs[name].toolset in default)
    rows.append(["**all toolsets**", "", f"{all_total:,}", f"{all_total // 4:,}"])
    rows.append([f"**default toolsets** ({','.join(default)})", "", f"{default_total:,}", f"{default_total // 4:,}"])
    sections.append(
        "## tools/list size (JSON bytes; tokens ≈ bytes / 4)\n\n"
        + _table(["tool", "toolset", "bytes", "≈ tokens"], rows)
    )

    # Targets (issue 8), each from the figures above
    worst = max(ours_rt, key=lambda name: _pct(ours_rt[name], 0.5))
    worst_ratio = _pct(ours_rt[worst], 0.5) / base_p50
    pipeline = heavy["review_pipeline 10,000 deals"] + heavy["forecast 10,000 deals"]
    checks = [
        ("cold start, all toolsets", "≤ 1.10× bare", f"{ours_med / bare_med:.2f}×", ours_med / bare_med <= 1.10),
        ("call round trip p50, worst tool", "≤ 1.5× bare", f"{worst_ratio:.2f}× ({worst})", worst_ratio <= 1.5),
        (
            "15,000-word transcript coached",
            "≤ 50 ms",
            f"{heavy['coach_call 15,000 words'] * 1000:.0f} ms",
            heavy["coach_call 15,000 words"] <= 0.050,
        ),
        ("10,000 deals reviewed + forecast", "≤ 500 ms", f"{pipeline * 1000:.0f} ms", pipeline <= 0.5),
        ("tools/list, all toolsets", "≤ 40 KB", f"{all_total / 1000:.1f} KB", all_total <= 40_000),
        ("tools/list, default toolsets", "≤ 24 KB", f"{default_total / 1000:.1f} KB", default_total <= 24_000),
    ]
    sections.insert(
        0,
        "## Targets\n\n(heavy inputs timed with input validation; KB = 1,000 bytes)\n\n"
        + _table(
            ["target", "goal", "measured", "met"],
            [[name, goal, measured, "yes" if ok else "**no**"] for name, goal, measured, ok in checks],
        ),
    )
    report = "\n\n".join(sections)
    print(report)
    if args.record:
        header = (
            f"# Benchmark results\n\nDate: {date.today().isoformat()}  \n"
            f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}  \n"
            f"Command: `.venv/bin/python bench/run.py --spawns {args.spawns} --calls {args.calls} --record`  \n"
            f"Load: {os.getloadavg()[0]:.1f} (1-minute load average when the run ended; others share the machine)\n\n"
        )
        results = HERE / "RESULTS.md"
        kept = ""  # the hand-written history below the marker survives a new record
        if results.exists():
            previous = results.read_text(encoding="utf-8")
            if HISTORY_MARKER in previous:
                kept = previous[previous.index(HISTORY_MARKER) :]
        results.write_text(header + report + "\n\n" + (kept or HISTORY_MARKER + "\n"), encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
