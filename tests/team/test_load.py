"""Concurrency on the team server: 8 concurrent clients, mixed calls, on one SQLite process and on two
PostgreSQL processes: zero lost updates (every stale write refused, every accepted write present), zero 5xx.
A bounded count here; `bench/load_team.py` runs the full 2,000 calls."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from load_team import run_load, verify  # type: ignore[import-not-found]

CALLS = 96
CLIENTS = 8


async def _check(team: Any) -> None:
    urls = [server.url for server in team.servers]
    result, expected = await run_load(
        urls, [team.tokens["alice"], team.tokens["mia"]], clients=CLIENTS, calls=CALLS, deals=3
    )
    verify(team.db_url, result, expected)
    assert result.failures == []
    assert result.lost_updates == []
    assert result.server_errors == 0 and set(result.http_status) <= {200, 202}, result.http_status
    assert result.calls == CALLS
    assert result.accepted_writes > 0 and result.stale_refused > 0  # both paths were exercised


async def test_sqlite_one_process_loses_no_update(sqlite_team: Any) -> None:
    await _check(sqlite_team)


async def test_postgres_two_processes_lose_no_update(postgres_team: Any) -> None:
    await _check(postgres_team)
