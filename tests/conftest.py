"""Shared fixtures: isolated settings (a temp data dir) and an in-memory MCP client in both protocol eras."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from sales_playbook.server.app import PlaybookServer, build_server
from sales_playbook.server.settings import Settings

# The two protocol eras the SDK speaks: 2026-07-28 (stateless envelope) and the handshake era (`initialize`).
PROTOCOL_MODES = ("auto", "legacy")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("DATA_DIR", "DATABASE_URL", "DEFAULT_LOCALE", "TOOLSETS", "MODEL", "LOG_LEVEL"):
        monkeypatch.delenv(f"SALES_PLAYBOOK_{key}", raising=False)
    monkeypatch.setenv("SALES_PLAYBOOK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SALES_PLAYBOOK_TOOLSETS", "all")  # tests exercise every tool; the default is tested itself
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def server(settings: Settings) -> PlaybookServer:
    return build_server(settings)


@asynccontextmanager
async def connect(server: PlaybookServer, mode: str = "auto", **kwargs: Any) -> AsyncIterator[Client]:
    """An in-memory client; used inside each test (async client fixtures break at teardown, see notes)."""
    async with Client(server, mode=mode, **kwargs) as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture(params=PROTOCOL_MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)
