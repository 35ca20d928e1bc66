"""Shell-side services handed to tool adapters through `CallEnv.services`: the settings and the deal store.

The store is opened on first use (so start-up and tools that never touch it pay nothing), once per server.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:
    from .store import Store


class Services:
    def __init__(self, settings: Settings, actor: str | None = None) -> None:
        from .store.store import DEFAULT_ACTOR

        self.settings = settings
        self.actor = actor or DEFAULT_ACTOR
        """Who is recorded on stage changes and activities (single-user stdio: the local default)."""
        self._store: Store | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                from .store import open_store

                self._store = open_store(self.settings.effective_database_url)
            return self._store

    @property
    def store_opened(self) -> bool:
        return self._store is not None

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
