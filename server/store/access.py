"""Who is asking: the caller every scoped store query is filtered by, and the bearer tokens of the team server.

- A rep sees and changes the deals they own (`deals.owner` is their user name); a manager sees and changes
  their own deals and those of every user on their team; the single-user (stdio/CLI) caller sees everything.
- A deal outside the caller's scope is answered exactly like a missing one (the same `DealNotFoundError`).
- Tokens: 32 random bytes (`secrets.token_urlsafe`), shown once, stored as their SHA-256. A slow password hash
  (bcrypt, argon2) protects low-entropy secrets against guessing; a 256-bit random token cannot be guessed, so a
  fast hash loses nothing and lets every request find its user with one indexed lookup on the hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any, Literal

Role = Literal["rep", "manager", "admin"]
ROLES: tuple[Role, ...] = ("rep", "manager")
"""Roles a team-server user can have (`admin` is the single-user local caller, never issued a token)."""
TOKEN_PREFIX = "spb_"
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
TEAM_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$")


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role
    team: str | None = None

    @property
    def unrestricted(self) -> bool:
        return self.role == "admin"


def local_caller(name: str) -> Caller:
    """The single-user caller of a stdio server or the CLI: sees every deal, recorded as `name`."""
    return Caller(name=name, role="admin")


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    team: str | None
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def caller(self) -> Caller:
        return Caller(self.name, self.role, self.team)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def owner_scope(caller: Caller | None, column: str = "owner") -> tuple[str, list[Any]]:
    """SQL condition (with its parameters) limiting `column` (a deal owner) to what `caller` may see;
    ("", []) for the unrestricted caller."""
    if caller is None or caller.unrestricted:
        return "", []
    if caller.role == "manager" and caller.team is not None:
        return (
            f"({column} = ? OR {column} IN (SELECT name FROM users WHERE team = ?))",
            [caller.name, caller.team],
        )
    return f"{column} = ?", [caller.name]


def deal_scope(caller: Caller | None, column: str = "deal_id") -> tuple[str, list[Any]]:
    """SQL condition limiting a table keyed by deal id to the deals `caller` may see."""
    clause, params = owner_scope(caller)
    if not clause:
        return "", []
    return f"{column} IN (SELECT id FROM deals WHERE {clause})", params
