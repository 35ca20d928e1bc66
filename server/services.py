"""Shell-side services handed to tool adapters through `CallEnv.services`: the settings and the deal store.

The store is opened on first use (so start-up and tools that never touch it pay nothing), once per server.
Tools get the store as the caller sees it (`ScopedStore`): over stdio and in the CLI the caller is the local
single user (every deal); on the team server it is the user whose bearer token the request carried, read from
the SDK's auth context (`get_access_token()`), never from tool arguments.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:
    from .store import Store
    from .store.access import Caller
    from .store.scoped import ScopedStore


DEFAULT_ACTOR = "local"
"""The same as `store.store.DEFAULT_ACTOR` (a test checks); not imported from there, since importing the store
loads its models, which a server start-up that may never touch the store should not pay for."""


class NotAuthenticatedError(RuntimeError):
    """A team-server tool call without an authenticated user (the HTTP layer answers 401 before this)."""


class Services:
    def __init__(self, settings: Settings, actor: str | None = None, *, authenticated: bool = False) -> None:
        self.settings = settings
        self.local_actor = actor or DEFAULT_ACTOR
        """Who is recorded on changes when there is no authenticated user (single-user stdio and the CLI)."""
        self.authenticated = authenticated
        """True on the team server: every call must come from a token's user (fails closed otherwise)."""
        self._store: Store | None = None
        self._lock = threading.Lock()

    @property
    def caller(self) -> Caller:
        from .store.access import local_caller

        if not self.authenticated:
            return local_caller(self.local_actor)
        from .auth import caller_from_context

        caller = caller_from_context()
        if caller is None:
            raise NotAuthenticatedError("this server needs a bearer token")
        return caller

    @property
    def actor(self) -> str:
        """Who is recorded on stage changes and activities: the caller."""
        return self.caller.name

    @property
    def raw_store(self) -> Store:
        """The unscoped store (administration: users, migrations); tools use `store`."""
        with self._lock:
            if self._store is None:
                from .store import open_store

                self._store = open_store(self.settings.effective_database_url)
            return self._store

    @property
    def store(self) -> ScopedStore:
        """The store as the current caller sees it."""
        from .store.scoped import ScopedStore

        return ScopedStore(self.raw_store, self.caller)

    @property
    def store_opened(self) -> bool:
        return self._store is not None

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
