"""Bearer-token authentication for the team server, through the SDK's token-verifier hook.

`StoreTokenVerifier` looks the token's SHA-256 up among the active users (one indexed query per request, so a
revocation takes effect on the next request on every replica). A token the store does not know, or one that
was revoked, verifies to None and the SDK answers 401 before any tool runs. The verified user travels in the
SDK's auth context; `caller_from_context()` reads it back inside a tool call (never from the tool's arguments).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken, TokenVerifier

from .store.access import TOKEN_PREFIX, Caller, Role

if TYPE_CHECKING:
    from .store import Store

MAX_TOKEN_CHARS = 200


class UserAccessToken(AccessToken):
    """The SDK's access token plus the user's role and team (client_id is the user name)."""

    role: Role
    team: str | None = None

    @property
    def caller(self) -> Caller:
        return Caller(self.client_id, self.role, self.team)


class StoreTokenVerifier(TokenVerifier):
    def __init__(self, store: Callable[[], Store]) -> None:
        self._store = store

    async def verify_token(self, token: str) -> AccessToken | None:
        token = token.strip()
        if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_CHARS:
            return None  # not one of ours: no database round trip
        user = self._store().user_for_token(token)
        if user is None:
            return None
        return UserAccessToken(token="", client_id=user.name, scopes=[user.role], role=user.role, team=user.team)


def caller_from_context() -> Caller | None:
    """The authenticated user of the request being served, or None."""
    token = get_access_token()
    return token.caller if isinstance(token, UserAccessToken) else None
