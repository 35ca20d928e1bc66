"""Team-server load: 8 concurrent MCP clients doing mixed calls against real server processes on loopback.

Checks optimistic concurrency end to end: every stale write is refused, every accepted write is present (the
final version and value of each deal are exactly what the accepted writes add up to, and no two accepted
writes claim the same version), the activities logged are all stored, and no response is a 5xx.

Run: `.venv/bin/python bench/load_team.py [--calls 2000] [--clients 8] [--postgres URL]` — one process on a
SQLite file, and (with --postgres or SALES_PLAYBOOK_TEST_POSTGRES_URL) two processes on one PostgreSQL
database. The test suite runs `run_load` with a smaller count (tests/team/test_load.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

AS_OF = "2026-11-16"
OLD_ACTIVITY = "2026-11-01"  # before every deal's last_activity: logging it never bumps a version
STALE = "was changed since you read it"
ROI = {"headcount": 40, "cost_per_head": 150_000, "automatable_share": 0.5, "solution_cost": 900_000}


@dataclass
class LoadResult:
    calls: int = 0
    accepted_writes: int = 0
    stale_refused: int = 0
    activities: int = 0
    reads: int = 0
    http_status: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    lost_updates: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.http_status.items() if status >= 500)

    def summary(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "seconds": round(self.seconds, 2),
            "calls_per_second": round(self.calls / self.seconds, 1) if self.seconds else None,
            "accepted_writes": self.accepted_writes,
            "stale_writes_refused": self.stale_refused,
            "activities_logged": self.activities,
            "reads": self.reads,
            "http_status": dict(sorted(self.http_status.items())),
            "5xx": self.server_errors,
            "lost_updates": len(self.lost_updates),
            "failures": self.failures[:5],
        }


@contextmanager
def shared_output_validators() -> Iterator[None]:
    """Share the SDK client's compiled output-schema validators between the load clients.

    Each `ClientSession` compiles a tool's output schema once (~0.1 s for the big ones) and caches it per
    session; with 8 clients that compile time, in the load generator's own process, would dwarf the server's
    work. Results are still validated against the schema; only the compiled validator is reused.
    """
    from mcp.client.session import ClientSession

    original = ClientSession._output_schema_validator
    cache: dict[str, Any] = {}

    def cached(self: Any, name: str, output_schema: dict[str, Any]) -> Any:
        key = json.dumps(output_schema, sort_keys=True)
        if key not in cache:
            cache[key] = original(self, name, output_schema)
        return cache[key]

    ClientSession._output_schema_validator = cached  # type: ignore[method-assign]
    try:
        yield
    finally:
        ClientSession._output_schema_validator = original  # type: ignore[method-assign]


def _text(result: Any) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


async def run_load(
    urls: list[str], tokens: list[str], *, clients: int = 8, calls: int = 2000, deals: int = 6, seed: int = 7
) -> tuple[LoadResult, dict[str, Any]]:
    """`clients` concurrent clients (client i uses urls[i % len] and tokens[i % len]) share `deals` deals and
    make about `calls` tool calls in all. Every token must see every deal (one rep and their manager, say).
    Returns the tally and the expected final state per deal id, checked by `verify`."""
    result = LoadResult()
    tag = uuid.uuid4().hex[:8]
    rng = random.Random(seed)

    def hooks() -> dict[str, Any]:
        async def on_response(response: httpx2.Response) -> None:
            result.http_status[response.status_code] += 1

        return {"response": [on_response]}

    def client_for(i: int) -> tuple[httpx2.AsyncClient, Client]:
        http = httpx2.AsyncClient(
            headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"}, timeout=60, event_hooks=hooks()
        )
        return http, Client(streamable_http_client(urls[i % len(urls)], http_client=http))  # type: ignore[arg-type]

    http, setup = client_for(0)
    initial: dict[str, dict[str, Any]] = {}
    async with http, setup:
        for n in range(deals):
            deal = {"company": f"Load {tag} {n}", "stage": "proposal", "value": 1000, "last_activity": AS_OF}
            saved = await setup.call_tool("save_deal", {"deal": deal, "as_of": AS_OF})
            if saved.is_error:
                raise RuntimeError(f"setup failed: {_text(saved)}")
            d = saved.structured_content["deal"]
            initial[d["id"]] = d
    ids = sorted(initial)
    accepted: dict[str, list[tuple[int, str]]] = defaultdict(list)
    logged: Counter[str] = Counter()
    budget = [calls]

    def take(n: int = 1) -> bool:
        if budget[0] < n:
            return False
        budget[0] -= n
        return True

    async def worker(i: int) -> None:
        local = random.Random(rng.random())
        http, client = client_for(i)
        async with http, client:
            while True:
                op = local.random()
                if op < 0.5:
                    if not take(2):
                        return
                    deal_id = local.choice(ids)
                    listed = await client.call_tool("list_deals", {"text": f"Load {tag}", "limit": 100})
                    result.calls += 1
                    current = next(d for d in listed.structured_content["deals"] if d["id"] == deal_id)
                    marker = f"w{i}-{uuid.uuid4().hex[:6]}"
                    saved = await client.call_tool(
                        "save_deal",
                        {
                            "deal": {
                                "id": deal_id,
                                "company": current["company"],
                                "version": current["version"],
                                "value": current["value"] + 1,
                                "notes": marker,
                            },
                            "as_of": AS_OF,
                        },
                    )
                    result.calls += 1
                    if not saved.is_error:
                        version = saved.structured_content["deal"]["version"]
                        accepted[deal_id].append((version, marker))
                        result.accepted_writes += 1
                    elif STALE in _text(saved):
                        result.stale_refused += 1
                    else:
                        result.failures.append(f"save_deal: {_text(saved)[:200]}")
                elif op < 0.7:
                    if not take():
                        return
                    deal_id = local.choice(ids)
                    r = await client.call_tool(
                        "log_activity",
                        {"deal_id": deal_id, "kind": "call", "summary": f"load {i}", "date": OLD_ACTIVITY},
                    )
                    result.calls += 1
                    if r.is_error:
                        result.failures.append(f"log_activity: {_text(r)[:200]}")
                    else:
                        logged[deal_id] += 1
                        result.activities += 1
                else:
                    if not take():
                        return
                    name, args = local.choice(
                        [
                            ("list_deals", {"open_only": True, "limit": 50}),
                            ("review_pipeline", {"as_of": AS_OF}),
                            ("forecast", {"as_of": AS_OF, "quota": 50_000}),
                            ("calculate_roi", ROI),
                            ("list_deals", {"text": f"Load {tag}"}),
                        ]
                    )
                    r = await client.call_tool(name, args)
                    result.calls += 1
                    result.reads += 1
                    if r.is_error:
                        result.failures.append(f"{name}: {_text(r)[:200]}")

    started = time.perf_counter()
    with shared_output_validators():
        async with anyio.create_task_group() as group:
            for i in range(clients):
                group.start_soon(worker, i)
    result.seconds = time.perf_counter() - started
    expected = {
        deal_id: {"initial": initial[deal_id], "accepted": accepted[deal_id], "activities": logged[deal_id]}
        for deal_id in ids
    }
    return result, expected


def verify(db_url: str, result: LoadResult, expected: dict[str, Any]) -> None:
    """Compare the database with what the clients were told (fills `result.lost_updates`)."""
    from sales_playbook.server.store import open_store

    store = open_store(db_url)
    try:
        for deal_id, want in expected.items():
            deal = store.get_deal(deal_id)
            if deal is None:
                result.lost_updates.append(f"{deal_id}: missing")
                continue
            writes = want["accepted"]
            versions = sorted(v for v, _ in writes)
            if versions != list(range(2, 2 + len(writes))):
                result.lost_updates.append(f"{deal_id}: accepted versions {versions} are not 2..{1 + len(writes)}")
            if deal.version != 1 + len(writes):
                result.lost_updates.append(f"{deal_id}: version {deal.version}, {len(writes)} writes accepted")
            if deal.value != want["initial"]["value"] + len(writes):
                result.lost_updates.append(f"{deal_id}: value {deal.value} after {len(writes)} +1 writes")
            if writes and deal.notes != max(writes)[1]:
                result.lost_updates.append(f"{deal_id}: notes {deal.notes!r}, last accepted {max(writes)[1]!r}")
            stored = len([a for a in store.activities(deal_id) if a.date.isoformat() == OLD_ACTIVITY])
            if stored != want["activities"]:
                result.lost_updates.append(f"{deal_id}: {stored} activities stored, {want['activities']} accepted")
    finally:
        store.close()


def _scenario(name: str, db_url: str, processes: int, calls: int, clients: int, root: Path) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "team"))
    from conftest import add_users, start_servers  # type: ignore[import-not-found]

    tokens = add_users(db_url, {"lr": ("rep", "load"), "lm": ("manager", "load")})
    [servers] = start_servers([(db_url, processes)], root)
    try:
        urls = [s.url for s in servers]
        result, expected = anyio.run(lambda: run_load(urls, [tokens["lr"], tokens["lm"]], clients=clients, calls=calls))
        verify(db_url, result, expected)
    finally:
        for server in servers:
            server.stop()
    return {"scenario": name, **result.summary()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--postgres", default=os.environ.get("SALES_PLAYBOOK_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        reports.append(
            _scenario("sqlite, 1 process", f"sqlite:///{root / 'load.db'}", 1, args.calls, args.clients, root)
        )
        if args.postgres:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS sales_playbook_load")
                conn.execute("CREATE DATABASE sales_playbook_load")
            pg_url = args.postgres.rsplit("/", 1)[0] + "/sales_playbook_load"
            reports.append(_scenario("postgresql, 2 processes", pg_url, 2, args.calls, args.clients, root))
    print(json.dumps(reports, indent=2))
    ok = all(r["5xx"] == 0 and r["lost_updates"] == 0 and not r["failures"] for r in reports)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
