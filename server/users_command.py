"""`sales-playbook users add|revoke|list`: the team server's users and their bearer tokens.

A new token is printed once (stdout, alone on its line, for scripts) and stored only as its SHA-256.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .command_errors import fail
from .settings import Settings


def add_parser(commands: Any) -> None:
    users = commands.add_parser("users", help="team server: add, revoke and list users (bearer tokens)")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="create a user and print their new token (shown once)")
    add.add_argument("name", help="user name (letters, digits, . _ @ -); deals they own carry it as owner")
    add.add_argument("--role", choices=("rep", "manager"), required=True)
    add.add_argument("--team", help="team name (a manager sees every deal of their team's users)")
    revoke = actions.add_parser("revoke", help="revoke a user's token at once (their deals stay)")
    revoke.add_argument("name")
    listing = actions.add_parser("list", help="list users, roles, teams and whether their token is active")
    for parser in (add, revoke, listing):
        parser.add_argument("--data-dir", help="overrides SALES_PLAYBOOK_DATA_DIR")
        parser.add_argument("--database-url", help="overrides SALES_PLAYBOOK_DATABASE_URL")
        parser.set_defaults(locale=None, toolsets=None, model=None, log_level=None, allowed_hosts=None)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from .store import StoreError, open_store
    from .store.access import TEAM_NAME, USER_NAME, new_token

    try:
        store = open_store(settings.effective_database_url)
    except StoreError as exc:
        return fail(str(exc), 1)
    try:
        if args.users_command == "add":
            if not USER_NAME.match(args.name):
                return fail(f"user name {args.name!r}: 1–64 letters, digits, '.', '_', '@' or '-'")
            if args.team is not None and not TEAM_NAME.match(args.team):
                return fail(f"team {args.team!r}: 1–64 letters, digits, spaces, '.', '_', '@' or '-'")
            token = new_token()
            user = store.add_user(args.name, args.role, args.team, token)
            print(token)
            team = f", team {user.team}" if user.team else ""
            print(
                f"user {user.name} ({user.role}{team}) added; the token above is shown only once. "
                f"Send it as 'Authorization: Bearer <token>'.",
                file=sys.stderr,
            )
            return 0
        if args.users_command == "revoke":
            if not store.revoke_user(args.name):
                return fail(f"no active user named {args.name!r}", 1)
            print(f"user {args.name}: token revoked", file=sys.stderr)
            return 0
        rows = store.users()
        print(f"{'name':<24} {'role':<8} {'team':<16} {'created':<26} status")
        for u in rows:
            status = "active" if u.active else f"revoked {u.revoked_at}"
            print(f"{u.name:<24} {u.role:<8} {u.team or '-':<16} {u.created_at:<26} {status}")
        return 0
    except StoreError as exc:
        return fail(str(exc), 1)
    finally:
        store.close()
