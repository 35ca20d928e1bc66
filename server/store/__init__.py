"""Persistence: the deal store over SQLite (default) or PostgreSQL, with versioned migrations."""

from __future__ import annotations

from ...schemas.pipeline import CloseDateChange
from .store import (
    DEFAULT_ACTOR,
    DealNotFoundError,
    ImportOutcome,
    SaveOutcome,
    StaleVersionError,
    Store,
    StoreError,
    open_store,
    parse_url,
)

__all__ = [
    "DEFAULT_ACTOR",
    "CloseDateChange",
    "DealNotFoundError",
    "ImportOutcome",
    "SaveOutcome",
    "StaleVersionError",
    "Store",
    "StoreError",
    "open_store",
    "parse_url",
]
