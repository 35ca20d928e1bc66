"""The store as one caller sees it: every read and write is filtered by the caller's scope, and every change is
recorded with the caller as its actor. Tool adapters only ever get this view (through `Services.store`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from ...schemas.deal import Deal
from ...schemas.forecast import ForecastSnapshot
from ...schemas.pipeline import Activity, CloseDateChange, DealIn, StageChange, StoredDeal
from .access import Caller
from .store import ImportOutcome, SaveOutcome, Store, StoreError


class ScopedStore:
    def __init__(self, store: Store, caller: Caller) -> None:
        self.raw = store
        self.caller = caller

    def _actor(self, actor: str | None) -> str:
        """The actor is always the caller; an explicit one must agree (it never comes from tool arguments)."""
        if actor is not None and actor != self.caller.name:
            raise StoreError(f"actor {actor!r} is not the caller {self.caller.name!r}")
        return self.caller.name

    def get_deal(self, deal_id: str) -> StoredDeal | None:
        return self.raw.get_deal(deal_id, self.caller)

    def list_deals(
        self,
        *,
        stage: str | None = None,
        owner: str | None = None,
        open_only: bool = False,
        text: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[list[StoredDeal], int]:
        return self.raw.list_deals(
            stage=stage, owner=owner, open_only=open_only, text=text, limit=limit, offset=offset, scope=self.caller
        )

    def all_deals(self, owner: str | None = None) -> list[StoredDeal]:
        return self.raw.all_deals(owner, self.caller)

    def stage_history(self, deal_ids: Sequence[str] | None = None) -> dict[str, list[StageChange]]:
        return self.raw.stage_history(deal_ids, self.caller)

    def close_date_history(self) -> dict[str, list[CloseDateChange]]:
        return self.raw.close_date_history(self.caller)

    def save_deal(self, deal: DealIn, as_of: date, actor: str | None = None) -> SaveOutcome:
        return self.raw.save_deal(deal, as_of, self._actor(actor), self.caller)

    def import_deals(self, rows: Sequence[tuple[str, Deal]], as_of: date, actor: str | None = None) -> ImportOutcome:
        return self.raw.import_deals(rows, as_of, self._actor(actor), self.caller)

    def log_activity(
        self, deal_id: str, kind: str, on: date, summary: str, actor: str | None = None
    ) -> tuple[Activity, StoredDeal, bool]:
        return self.raw.log_activity(deal_id, kind, on, summary, self._actor(actor), self.caller)

    def activities(self, deal_id: str | None = None) -> list[Activity]:
        return self.raw.activities(deal_id, self.caller)

    def save_snapshot(self, snapshot: ForecastSnapshot, owner: str | None, actor: str | None = None) -> None:
        self.raw.save_snapshot(snapshot, owner, self._actor(actor))

    def snapshots(self, owner: str | None = None) -> list[ForecastSnapshot]:
        return self.raw.snapshots(owner, self.caller)

    def counts(self) -> Mapping[str, int]:
        if not self.caller.unrestricted:
            raise StoreError("table counts are for the server's administrator")
        return self.raw.counts()

    def close(self) -> None:
        self.raw.close()
