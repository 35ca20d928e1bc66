"""The team server under test: real `sales-playbook serve --transport http` processes on free loopback ports,
users issued through the store, and MCP clients that carry a bearer token (the SDK's HTTP client)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from sales_playbook.server.store import open_store
from sales_playbook.server.store.access import new_token

START_TIMEOUT = 30.0
PG_ENV = "SALES_PLAYBOOK_TEST_POSTGRES_URL"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/mcp"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.process.kill()
                self.process.wait(5)


def start_servers(databases: list[tuple[str, int]], log_dir: Path, **settings: str) -> list[list[ServerProcess]]:
    """Start `count` server processes per (database URL, count), all in parallel, and wait until each answers
    /health."""
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("SALES_PLAYBOOK_")}
    base_env.update({"SALES_PLAYBOOK_LOG_LEVEL": "WARNING", "SALES_PLAYBOOK_DATA_DIR": str(log_dir / "data")})
    base_env["SALES_PLAYBOOK_TOOLSETS"] = "all"
    base_env["SALES_PLAYBOOK_RATE_LIMIT_PER_MINUTE"] = "0"  # load tests share tokens; the limit is tested in process
    base_env.update({f"SALES_PLAYBOOK_{k.upper()}": v for k, v in settings.items()})
    groups: list[list[ServerProcess]] = []
    for db_url, count in databases:
        env = {**base_env, "SALES_PLAYBOOK_DATABASE_URL": db_url}
        group = []
        for _ in range(count):
            port = free_port()
            log = log_dir / f"server-{port}.log"
            command = [sys.executable, "-m", "sales_playbook.server.cli", "serve", "--transport", "http"]
            process = subprocess.Popen(
                [*command, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb")
            )
            group.append(ServerProcess(port, process, log))
        groups.append(group)
    deadline = time.monotonic() + START_TIMEOUT
    for server in (s for group in groups for s in group):
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited: {server.log.read_text()[-2000:]}")
            try:
                if httpx2.get(f"{server.base}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start in {START_TIMEOUT}s: {server.log.read_text()[-2000:]}")
            time.sleep(0.05)
    return groups


@dataclass
class Team:
    """A database with users (name → token) and the server processes serving it."""

    db_url: str
    servers: list[ServerProcess]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.servers[0].url


def add_users(db_url: str, users: dict[str, tuple[str, str | None]]) -> dict[str, str]:
    store = open_store(db_url)
    try:
        tokens = {}
        for name, (role, team) in users.items():
            tokens[name] = new_token()
            store.add_user(name, role, team, tokens[name])  # type: ignore[arg-type]
        return tokens
    finally:
        store.close()


USERS: dict[str, tuple[str, str | None]] = {
    "alice": ("rep", "east"),
    "bob": ("rep", "east"),
    "carol": ("rep", "west"),
    "mia": ("manager", "east"),
    "walt": ("manager", "west"),
    "nemo": ("manager", None),
}


@pytest.fixture(scope="session")
def _team_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Team]]:
    """One server process on a SQLite file and, when a test PostgreSQL is configured, two on one PostgreSQL
    database; all with the USERS above, all started at once (start-up is the slow part)."""
    root = tmp_path_factory.mktemp("team")
    databases = {"sqlite": (f"sqlite:///{root / 'team.db'}", 1)}
    pg_url = os.environ.get(PG_ENV)
    if pg_url:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as conn:  # a database of its own, apart from the store tests
            conn.execute("DROP DATABASE IF EXISTS sales_playbook_team_test")
            conn.execute("CREATE DATABASE sales_playbook_team_test")
        databases["postgresql"] = (pg_url.rsplit("/", 1)[0] + "/sales_playbook_team_test", 2)
    tokens = {name: add_users(url, USERS) for name, (url, _) in databases.items()}
    started = start_servers([(url, count) for url, count in databases.values()], root)
    teams = {
        name: Team(url, servers, tokens[name])
        for (name, (url, _)), servers in zip(databases.items(), started, strict=True)
    }
    yield teams
    for team in teams.values():
        for server in team.servers:
            server.stop()


@pytest.fixture(scope="session")
def sqlite_team(_team_servers: dict[str, Team]) -> Team:
    """One server process on a SQLite file (shared by the team tests: use unique company names)."""
    return _team_servers["sqlite"]


@pytest.fixture(scope="session")
def postgres_team(_team_servers: dict[str, Team]) -> Team:
    """Two server processes on one PostgreSQL database (skipped when no test PostgreSQL is configured)."""
    if "postgresql" not in _team_servers:
        pytest.skip(f"{PG_ENV} is not set")
    return _team_servers["postgresql"]


@pytest.fixture
def team_client() -> Callable[..., Any]:
    """`async with team_client(url, token) as client:` an MCP client over streamable HTTP with a bearer token."""

    @asynccontextmanager
    async def open_client(url: str, token: str | None, mode: str = "auto", **hooks: Any) -> AsyncIterator[Client]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        http = httpx2.AsyncClient(headers=headers, timeout=30, **hooks)
        async with http, Client(streamable_http_client(url, http_client=http), mode=mode) as client:  # type: ignore[arg-type]
            yield client

    return open_client
