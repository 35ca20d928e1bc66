"""The team server's HTTP edge: health, 401 before any tool runs, revocation, DNS-rebinding protection, the
body limit (413) and the per-token rate limit (429 + Retry-After)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp.shared.exceptions import MCPError
from sales_playbook.server.cli import main
from sales_playbook.server.http import HttpConfigError, TokenBuckets, build_http_app, transport_security
from sales_playbook.server.settings import Settings
from sales_playbook.server.store import open_store
from sales_playbook.server.store.access import new_token, token_hash

JSON = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


def rpc(method: str, params: dict[str, Any] | None = None, id_: int = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id_, "method": method, "params": params or {}}


def save_call(company: str) -> dict[str, Any]:
    return rpc(
        "tools/call",
        {
            "name": "save_deal",
            "arguments": {"deal": {"company": company, "stage": "discovery"}},
            "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"},
        },
    )


def stored_companies(db_url: str) -> set[str]:
    store = open_store(db_url)
    try:
        return {d.company for d in store.all_deals()}
    finally:
        store.close()


async def test_health_needs_no_token(sqlite_team: Any) -> None:
    async with httpx2.AsyncClient() as http:
        response = await http.get(f"{sqlite_team.servers[0].base}/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer spb_not-a-real-token",
        "Bearer not-even-ours",
        "Basic YWxpY2U6cHc=",
        "Bearer spb_" + "A" * 5000,
    ],
)
async def test_no_or_bad_token_is_401_and_no_tool_runs(sqlite_team: Any, header: str | None) -> None:
    company = f"Intruder {header!r}"
    headers = {**JSON, **({"authorization": header} if header is not None else {})}
    async with httpx2.AsyncClient() as http:
        response = await http.post(sqlite_team.url, headers=headers, content=json.dumps(save_call(company)))
    assert response.status_code == 401
    assert "Bearer" in response.headers["www-authenticate"]
    assert company not in stored_companies(sqlite_team.db_url)


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error, *([] if error.__cause__ is None else _leaves(error.__cause__))]


async def test_the_sdk_client_with_a_bad_token_is_refused(sqlite_team: Any, team_client: Callable[..., Any]) -> None:
    with pytest.raises(BaseException) as caught:
        async with team_client(sqlite_team.url, "spb_wrong") as client:
            await client.call_tool("list_deals", {})
    # The SDK client surfaces the 401 as an MCPError (the raw status is checked in the test above).
    assert any(isinstance(leaf, MCPError) or "401" in repr(leaf) for leaf in _leaves(caught.value)), caught.value


async def test_a_revoked_token_is_refused_on_the_next_request(
    sqlite_team: Any, team_client: Callable[..., Any]
) -> None:
    token = new_token()
    store = open_store(sqlite_team.db_url)
    store.add_user("temp", "rep", "east", token)
    async with team_client(sqlite_team.url, token) as client:
        result = await client.call_tool("list_deals", {})
        assert not result.is_error
        assert store.revoke_user("temp")
        async with httpx2.AsyncClient() as http:
            response = await http.post(
                sqlite_team.url,
                headers={**JSON, "authorization": f"Bearer {token}"},
                content=json.dumps(save_call("After revocation")),
            )
    store.close()
    assert response.status_code == 401
    assert "After revocation" not in stored_companies(sqlite_team.db_url)


def test_tokens_are_stored_only_as_their_hash(sqlite_team: Any) -> None:
    store = open_store(sqlite_team.db_url)
    try:
        hashes = [row[0] for row in store._exec("SELECT token_hash FROM users").fetchall()]
    finally:
        store.close()
    flat = json.dumps(hashes, default=str)
    for token in sqlite_team.tokens.values():
        assert token not in flat and token_hash(token) in flat


def test_users_cli_add_list_revoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--data-dir", str(tmp_path)]
    assert main(["users", "add", "dana", "--role", "manager", "--team", "north", *args]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("spb_") and len(token) > 40
    assert main(["users", "add", "dana", "--role", "rep", *args]) == 1  # active: refused
    assert "already exists" in capsys.readouterr().err
    assert main(["users", "list", *args]) == 0
    listing = capsys.readouterr().out
    assert "dana" in listing and "manager" in listing and "north" in listing and token not in listing
    assert main(["users", "revoke", "dana", *args]) == 0
    assert main(["users", "revoke", "dana", *args]) == 1
    assert main(["users", "add", "dana", "--role", "rep", *args]) == 0  # re-issued after revocation
    assert capsys.readouterr().out.strip() != token
    assert main(["users", "add", "bad name", "--role", "rep", *args]) == 2


# ------------------------------------------------------------------------------ the app, in process


@asynccontextmanager
async def app_client(tmp_path: Path, host: str = "127.0.0.1", **settings: Any) -> AsyncIterator[httpx2.AsyncClient]:
    app = build_http_app(Settings(data_dir=tmp_path / "data", **settings), host=host, port=8765)
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as http:
            yield http


def local_user(tmp_path: Path, name: str = "ann") -> str:
    """A user in the database the in-process app of `app_client(tmp_path)` opens; returns the token."""
    token = new_token()
    store = open_store(Settings(data_dir=tmp_path / "data").effective_database_url)
    store.add_user(name, "rep", None, token)
    store.close()
    return token


async def test_oversized_bodies_get_413_naming_the_limit(tmp_path: Path) -> None:
    token = local_user(tmp_path)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"y" * 1000

    async with app_client(tmp_path, max_request_bytes=4096) as http:
        declared = await http.post("/mcp", headers=JSON, content=b"x" * 5000)
        auth = {**JSON, "authorization": f"Bearer {token}"}
        streamed = await http.post("/mcp", headers=auth, content=chunks())  # no Content-Length: counted as read
        small = await http.post("/mcp", headers=JSON, content=json.dumps(rpc("ping")))
        after = await http.post("/mcp", headers=auth, content=json.dumps(rpc("ping")))
    for response in (declared, streamed):
        assert response.status_code == 413
        assert "4,096 bytes" in response.json()["error"] and "max_request_bytes" in response.json()["error"]
    assert small.status_code == 401  # under the limit: on to authentication
    assert after.status_code == 200


async def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    async with app_client(tmp_path, rate_limit_per_minute=60, rate_limit_burst=3) as http:
        headers = {**JSON, "authorization": "Bearer spb_someone"}
        codes = [(await http.post("/mcp", headers=headers, content=b"{}")).status_code for _ in range(4)]
        limited = await http.post("/mcp", headers=headers, content=b"{}")
        other = await http.post("/mcp", headers={**JSON, "authorization": "Bearer spb_other"}, content=b"{}")
        health = await http.get("/health")
    assert codes[:3] == [401, 401, 401] and codes[3] == 429
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "60 requests per minute" in limited.json()["error"]
    assert other.status_code == 401  # the limit is per token
    assert health.status_code == 200


@pytest.mark.parametrize(
    "spelling",
    ["bearer {token}", "BEARER {token}", "Bearer  {token}", "bEaReR   {token}"],
)
async def test_every_spelling_of_one_token_shares_its_rate_limit(tmp_path: Path, spelling: str) -> None:
    """The SDK accepts the scheme in any case and spaces before the token, so the limit counts the token itself:
    another spelling of the same header is not a fresh bucket."""
    token = local_user(tmp_path)
    ping = json.dumps(rpc("ping"))
    async with app_client(tmp_path, rate_limit_per_minute=60, rate_limit_burst=2) as http:
        plain = {**JSON, "authorization": f"Bearer {token}"}
        codes = [(await http.post("/mcp", headers=plain, content=ping)).status_code for _ in range(2)]
        other = {**JSON, "authorization": spelling.format(token=token)}
        codes.append((await http.post("/mcp", headers=other, content=ping)).status_code)
    assert codes == [200, 200, 429]


def test_token_buckets_refill_at_the_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(per_minute=120, burst=2, clock=lambda: now[0])
    assert [buckets.take("a"), buckets.take("a")] == [0, 0]
    assert buckets.take("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert buckets.take("a") == 0
    assert buckets.take("b") == 0


async def test_dns_rebinding_protection_checks_host_and_origin(tmp_path: Path) -> None:
    async with app_client(tmp_path) as http:
        bad_host = await http.post("/mcp", headers={**JSON, "host": "evil.example"}, content=b"{}")
        bad_origin = await http.post("/mcp", headers={**JSON, "origin": "http://evil.example"}, content=b"{}")
    # Authentication runs first (no token → 401); with a token the SDK's Host/Origin checks answer 421/403.
    assert bad_host.status_code in (401, 421) and bad_origin.status_code in (401, 403)


async def test_dns_rebinding_protection_with_a_valid_token(tmp_path: Path) -> None:
    token = local_user(tmp_path)
    async with app_client(tmp_path) as http:
        auth = {**JSON, "authorization": f"Bearer {token}"}
        bad_host = await http.post("/mcp", headers={**auth, "host": "evil.example"}, content=json.dumps(rpc("ping")))
        bad_origin = await http.post(
            "/mcp", headers={**auth, "origin": "http://evil.example"}, content=json.dumps(rpc("ping"))
        )
        good = await http.post(
            "/mcp", headers={**auth, "origin": "http://localhost:3000"}, content=json.dumps(rpc("ping"))
        )
    assert bad_host.status_code == 421 and bad_origin.status_code == 403
    assert good.status_code == 200


def test_a_public_bind_needs_allowed_hosts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(HttpConfigError, match="--allowed-host"):
        transport_security("0.0.0.0", ())
    security = transport_security("0.0.0.0", ("sales.example.com",))
    assert security.enable_dns_rebinding_protection
    assert "sales.example.com" in security.allowed_hosts and "https://sales.example.com" in security.allowed_origins
    code = main(["serve", "--transport", "http", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    assert code == 2 and "--allowed-host" in capsys.readouterr().err


async def test_an_allowed_public_host_passes_the_host_check(tmp_path: Path) -> None:
    async with app_client(tmp_path, host="0.0.0.0", allowed_hosts=("sales.example.com",)) as http:
        response = await http.post("/mcp", headers={**JSON, "host": "sales.example.com"}, content=b"{}")
    assert response.status_code == 401  # Host accepted; no token


async def test_logging_set_level_is_acknowledged(tmp_path: Path) -> None:
    token = local_user(tmp_path)
    async with app_client(tmp_path) as http:
        headers = {**JSON, "authorization": f"Bearer {token}", "mcp-protocol-version": "2025-11-25"}
        response = await http.post(
            "/mcp", headers=headers, content=json.dumps(rpc("logging/setLevel", {"level": "info"}))
        )
    assert response.status_code == 200 and response.json()["result"] == {}
