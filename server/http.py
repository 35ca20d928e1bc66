"""The team server's HTTP application: the SDK's stateless streamable HTTP transport at `/mcp`, behind

- `/health` (unauthenticated, no database, no MCP): `{"status": "ok", "version": …}` for load balancers;
- a request body limit (413 naming the limit) checked on the declared length and on the bytes as they arrive;
- a per-token rate limit (token bucket per bearer token per process: 429 with Retry-After);
- the SDK's bearer authentication (`StoreTokenVerifier`: no token or an unknown/revoked one → 401, before any
  tool runs) and its DNS-rebinding protection (Host and Origin checked against loopback plus `allowed_hosts`).

Stateless: no session lives in a process, so any replica can answer any request; the database is the only
shared state.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.auth.settings import AuthSettings
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from .app import PlaybookServer, build_server
from .auth import StoreTokenVerifier
from .services import Services
from .settings import Settings

MCP_PATH = "/mcp"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_LOOPBACK_HEADERS = ("127.0.0.1", "localhost", "[::1]")


class HttpConfigError(ValueError):
    """A combination of HTTP options that would be unsafe or cannot work (the message says what to change)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def transport_security(host: str, allowed_hosts: tuple[str, ...]) -> TransportSecuritySettings:
    """DNS-rebinding protection always on: loopback names plus the configured public names."""
    if not is_loopback(host) and not allowed_hosts:
        raise HttpConfigError(
            f"binding {host} exposes the server beyond this machine: name the host names clients use with "
            "--allowed-host (or SALES_PLAYBOOK_ALLOWED_HOSTS), e.g. --allowed-host sales.example.com"
        )
    hosts: list[str] = []
    origins: list[str] = []
    for name in (*_LOOPBACK_HEADERS, *allowed_hosts):
        hosts.append(name)
        origins.extend((f"http://{name}", f"https://{name}"))
        if ":" not in name.strip("[]") or name.startswith("["):
            hosts.append(f"{name}:*")
            origins.extend((f"http://{name}:*", f"https://{name}:*"))
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


# ----------------------------------------------------------------------------------------------- limits


def _plain(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": text}, status_code=status, headers=headers)


class BodyLimit:
    """413 for a body over `limit` bytes: by its Content-Length before reading, else (chunked) while reading it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _too_large(self) -> Response:
        return _plain(413, f"request body is larger than the limit of {self.limit:,} bytes (max_request_bytes)")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", ()):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _plain(400, "Content-Length is not a number")(scope, receive, send)
                    return
                if declared > self.limit:
                    await self._too_large()(scope, receive, send)
                    return
        if any(key == b"content-length" for key, _ in scope.get("headers", ())):
            await self.app(scope, receive, send)  # the server enforces the declared length
            return
        # No declared length (chunked): read the body up to the limit first, then hand it on in one piece.
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body.extend(message.get("body", b""))
            if len(body) > self.limit:
                await self._too_large()(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class TokenBuckets:
    """A token bucket per key: `burst` requests at once, refilled at `per_minute`/60 per second."""

    MAX_KEYS = 100_000

    def __init__(self, per_minute: int, burst: int, clock: Any = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when a request may go now, else the seconds until it may."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > self.MAX_KEYS:
                self._buckets.popitem(last=False)
            return wait


class RateLimit:
    """429 with Retry-After once a bearer token (or, without one, the client address) exceeds its rate."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets) -> None:
        self.app = app
        self.buckets = buckets

    @staticmethod
    def key(scope: Scope) -> str:
        """The token as the authentication reads it (the first Authorization header; the scheme in any case,
        spaces around the token ignored), so no other spelling of one header gets a bucket of its own."""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                if value[:7].lower() == b"bearer ":
                    value = value[7:].strip()
                return "t:" + hashlib.sha256(value).hexdigest()
        client = scope.get("client")
        return "a:" + (str(client[0]) if client else "?")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(self.key(scope))
        if wait > 0:
            retry = max(1, math.ceil(wait))
            response = _plain(
                429,
                f"rate limit exceeded ({self.buckets.rate * 60:g} requests per minute per token, bursts of "
                f"{self.buckets.burst:g}); retry after {retry} s",
                {"Retry-After": str(retry)},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


# ---------------------------------------------------------------------------------------------- the app


def _accept_log_levels(server: PlaybookServer) -> None:
    """Answer `logging/setLevel` (handshake-era clients send it; the conformance suite checks it). The stateless
    JSON transport keeps no session to send log messages on, so the level is acknowledged, not stored."""
    from mcp import types

    async def set_level(ctx: Any, params: types.SetLevelRequestParams) -> types.EmptyResult:
        return types.EmptyResult()

    server._lowlevel_server.add_request_handler("logging/setLevel", types.SetLevelRequestParams, set_level)


def build_http_app(settings: Settings, *, host: str = "127.0.0.1", port: int = 8765) -> Starlette:
    """The team server as an ASGI app (uvicorn serves it in `sales-playbook serve --transport http`)."""
    security = transport_security(host, settings.allowed_hosts)
    services = Services(settings, authenticated=True)
    verifier = StoreTokenVerifier(lambda: services.raw_store)
    auth = AuthSettings(
        issuer_url=f"http://{host if ':' not in host else f'[{host}]'}:{port}", resource_server_url=None
    )
    server: PlaybookServer = build_server(settings, services, token_verifier=verifier, auth=auth)
    _accept_log_levels(server)
    mcp_app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        json_response=True,
        transport_security=security,
        max_request_body_size=settings.max_request_bytes + 1,  # ours answers first, naming the limit
        host=host,
    )
    protected: ASGIApp = mcp_app
    if settings.rate_limit_per_minute > 0:
        protected = RateLimit(protected, TokenBuckets(settings.rate_limit_per_minute, settings.rate_limit_burst))
    protected = BodyLimit(protected, settings.max_request_bytes)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services.raw_store  # noqa: B018 - open (and migrate) the database before the first request
        async with server.session_manager.run():
            try:
                yield
            finally:
                services.close()

    app = Starlette(routes=[Route("/health", health, methods=["GET"]), Mount("/", app=protected)], lifespan=lifespan)
    app.state.services = services
    app.state.server = server
    return app


def serve_http(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    app = build_http_app(settings, host=host, port=port)
    shown = f"[{host}]" if ":" in host else host
    logging.getLogger("sales_playbook").info(
        "sales-playbook %s ready on http://%s:%d%s", __version__, shown, port, MCP_PATH
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        log_config=None,  # keep the CLI's stderr logging
        timeout_graceful_shutdown=5,
        limit_concurrency=1000,
    )


__all__ = ["HttpConfigError", "build_http_app", "serve_http", "transport_security"]
