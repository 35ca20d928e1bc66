"""The deal store: one interface over SQLite (the default, a file in the data dir) and PostgreSQL (for a team).

- Every write runs in one transaction (an import is all or nothing).
- Optimistic concurrency: each deal has a `version`; an update names the version it read and is refused with
  `StaleVersionError` when the stored one moved on. The check is the `WHERE id = ? AND version = ?` of the
  UPDATE itself, so two servers on one database can never overwrite each other's change.
- Stage changes and close-date pushes are recorded with their date and actor.
- SQLite runs in WAL mode with a busy timeout and takes the write lock at BEGIN (BEGIN IMMEDIATE), so
  concurrent writers queue instead of failing halfway; PostgreSQL uses a row-level conditional UPDATE.
- Reads list row ids first and decode only rows not read before: a deal at an unchanged version, a stage or
  close-date change, a forecast snapshot (those three tables are append-only) is reused as decoded.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from ...schemas.deal import Deal
from ...schemas.forecast import ForecastSnapshot
from ...schemas.pipeline import Activity, CloseDateChange, DealIn, StageChange, StoredDeal
from .access import Caller, Role, User, deal_scope, owner_scope, token_hash
from .migrations import LATEST_VERSION, MIGRATIONS, SCHEMA_VERSION_TABLE, Dialect, statements

DEFAULT_ACTOR = "local"
"""The actor recorded by a single-user (stdio) server."""
SQLITE_BUSY_TIMEOUT_MS = 10_000
_CACHE_LIMIT = 50_000
MAX_CLOSE_DATE_CHANGES = 1000
"""Deal.close_date_changes' upper bound: a push past it keeps the count there."""


class StoreError(Exception):
    """A store operation that cannot be done as asked (the message says why)."""


class DealNotFoundError(StoreError):
    """No such deal, or one the caller may not see (the two are answered identically)."""

    def __init__(self, deal_id: str) -> None:
        super().__init__(f"no stored deal has id {deal_id!r}")
        self.deal_id = deal_id


class StaleVersionError(StoreError):
    """An update based on an old read: refused so that nobody's change is silently overwritten."""

    def __init__(self, deal_id: str, expected: int | None, current: int) -> None:
        if expected is None:
            message = (
                f"deal {deal_id!r} already exists at version {current}; send version {current} "
                "(from list_deals) to update it"
            )
        else:
            message = (
                f"deal {deal_id!r} was changed since you read it: expected version {expected}, "
                f"current version {current}; read it again and reapply your change"
            )
        super().__init__(message)
        self.deal_id = deal_id
        self.expected = expected
        self.current = current


@dataclass
class SaveOutcome:
    deal: StoredDeal
    created: bool
    stage_changed: bool
    close_date_pushed: bool


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deal_ids: list[str] = field(default_factory=list)


class _Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


# The Deal columns stored as-is (dates as ISO text, booleans as 0/1, lists and maps as JSON text).
_DATE_FIELDS = ("created", "stage_entered", "close_date", "last_activity", "next_step_date")
_DEAL_COLUMNS = (
    "id",
    "company",
    "value",
    "currency",
    "stage",
    "owner",
    "created",
    "stage_entered",
    "close_date",
    "close_date_changes",
    "last_activity",
    "next_step",
    "next_step_date",
    "verbal_agreement",
    "contract_signed",
    "competitors",
    "loss_reason",
    "meddpicc",
    "notes",
    "version",
    "updated_on",
    "updated_by",
    "external_id",
    "extra",
)
# Deal fields without a column of their own (e.g. `bant`, and any field the Deal shape gains later) are kept
# as JSON in `extra`, so saving and reading a deal never drops a field.
_EXTRA_FIELDS = tuple(name for name in StoredDeal.model_fields if name not in (*_DEAL_COLUMNS, "contacts"))
_SELECT_DEALS = f"SELECT {', '.join(_DEAL_COLUMNS)} FROM deals"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _json(text: str | None, empty: Any) -> Any:
    """Decode a JSON column; the common empty values skip the decoder (10,000 rows add up)."""
    if not text or text in ("[]", "{}"):
        return type(empty)()
    return json.loads(text)


def _new_id() -> str:
    return "D-" + uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class _Decoder:
    """How the rows of an append-only table are read (`columns`, after the id) and turned into models."""

    columns: str
    decode: Callable[[Sequence[Any]], Any]


def _stage_change(row: Sequence[Any]) -> tuple[str, StageChange]:
    deal_id, from_stage, to_stage, changed_on, actor = row
    return deal_id, StageChange(from_stage=from_stage, to_stage=to_stage, changed_on=changed_on, actor=actor)


def _close_date_change(row: Sequence[Any]) -> tuple[str, CloseDateChange]:
    deal_id, old, new, changed_on, actor = row
    return deal_id, CloseDateChange(old_date=_day(old), new_date=_day(new), changed_on=changed_on, actor=actor)


_SNAPSHOT_FIELDS = (
    "taken_on",
    "period_start",
    "period_end",
    "quota",
    "commit",
    "best_case",
    "pipeline",
    "closed",
    "forecast",
    "deal_count",
)


def _snapshot(row: Sequence[Any]) -> ForecastSnapshot:
    return ForecastSnapshot.model_validate(dict(zip(_SNAPSHOT_FIELDS, row, strict=True)))


_STAGE_CHANGE = _Decoder("deal_id, from_stage, to_stage, changed_on, actor", _stage_change)
_CLOSE_DATE_CHANGE = _Decoder("deal_id, old_date, new_date, changed_on, actor", _close_date_change)
_SNAPSHOT = _Decoder(
    "taken_on, period_start, period_end, quota, commit_value, best_case_value, pipeline_value, closed_value, "
    "forecast_value, deal_count",
    _snapshot,
)


def parse_url(url: str) -> tuple[Dialect, str]:
    """('sqlite', path) or ('postgresql', conninfo) for a database URL; anything else is refused."""
    if url.startswith("sqlite:///"):
        return "sqlite", url[len("sqlite:///") :]
    if url.startswith("sqlite://"):
        raise StoreError(f"SQLite URLs take the form sqlite:///PATH, got {url!r}")
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql", "postgresql://" + url[len(prefix) :]
    raise StoreError("database URL must start with sqlite:/// or postgresql:// (got a different scheme)")


class Store:
    """Deals, contacts, activities, stage and close-date history, and forecast snapshots in one database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect, target = parse_url(url)
        self._lock = threading.RLock()
        self._cache: dict[str, StoredDeal] = {}
        """Deals read by list_deals, by id (valid while the stored version is the same); treat as read-only."""
        self._rows: dict[str, dict[int, Any]] = {}
        """History entries and forecast snapshots already decoded, per table by row id; treat as read-only."""
        self._conn: Any
        if self.dialect == "sqlite":
            try:
                self._open_sqlite(target)
                self.migrate()
            except (OSError, sqlite3.Error) as exc:  # a folder that cannot be created, a file that is no database
                raise StoreError(f"cannot open the SQLite database at {target}: {exc}") from exc
        else:
            self._target = target
            self._conn = self._pg_connect()
            self.migrate()

    def _open_sqlite(self, target: str) -> None:
        if target != ":memory:":
            Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            target, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self._conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if target != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA synchronous = NORMAL")

    def _pg_connect(self) -> Any:
        import psycopg  # lazily: only a PostgreSQL store pays for the driver

        try:
            return psycopg.connect(self._target, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from exc

    @contextmanager
    def _pg_transaction(self, isolation: str | None = None) -> Iterator[None]:
        """A PostgreSQL transaction on a live connection (a connection lost earlier is reopened first);
        database failures surface as StoreError, after the transaction was rolled back."""
        import psycopg

        if self._conn.closed or self._conn.broken:
            self._conn = self._pg_connect()
        try:
            with self._conn.transaction():
                if isolation:
                    self._conn.execute(f"SET TRANSACTION ISOLATION LEVEL {isolation}")
                yield
        except psycopg.OperationalError as exc:
            raise StoreError(f"PostgreSQL connection failed ({exc}); nothing was written, retry the call") from exc
        except psycopg.DataError as exc:  # e.g. an integer beyond BIGINT: the transaction was rolled back
            raise StoreError(f"a value is out of the database's range ({exc.diag.message_primary})") from exc
        except psycopg.errors.UniqueViolation as exc:
            # Read committed: two calls at once (on two replicas) may both find no row with a key, e.g. an
            # import's external id, and both insert it; the second is rolled back and can simply be retried.
            raise StoreError(
                "another call stored the same record at the same moment; nothing was written, retry the call"
            ) from exc

    # ------------------------------------------------------------------------------------- plumbing

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        try:
            cursor: _Cursor = self._conn.execute(self._sql(sql), tuple(params))
        except OverflowError as exc:  # SQLite: an integer beyond 64 bits
            raise StoreError("a number is beyond what the database stores (64-bit integers)") from exc
        return cursor

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: committed when the block ends, rolled back (nothing written) on any error."""
        with self._lock:
            if self.dialect == "sqlite":
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            else:
                with self._pg_transaction():
                    yield

    @contextmanager
    def _read(self) -> Iterator[None]:
        """A consistent read (one snapshot for multi-query reads)."""
        with self._lock:
            if self.dialect == "sqlite":
                self._conn.execute("BEGIN")
                try:
                    yield
                finally:
                    self._conn.execute("COMMIT")
            else:
                with self._pg_transaction("REPEATABLE READ"):
                    yield

    # ------------------------------------------------------------------------------------ migrations

    def schema_version(self) -> int:
        with self._lock:
            self._exec(SCHEMA_VERSION_TABLE)
            row = self._exec("SELECT MAX(version) FROM schema_version").fetchone()
            return int(row[0]) if row and row[0] is not None else 0

    def migrate(self, target: int = LATEST_VERSION) -> int:
        """Bring the schema up to `target` in place, one transaction per version; returns the version."""
        with self._lock:
            self._exec(SCHEMA_VERSION_TABLE)
            for version, _title, script in MIGRATIONS:
                if version > target:
                    break
                with self.transaction():
                    if self.dialect == "postgresql":
                        self._exec("SELECT pg_advisory_xact_lock(?)", (727_001,))
                    row = self._exec("SELECT MAX(version) FROM schema_version").fetchone()
                    current = int(row[0]) if row and row[0] is not None else 0
                    if current >= version:
                        continue
                    for statement in statements(script, self.dialect):
                        self._exec(statement)
                    self._exec(
                        "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                        (version, datetime.now(UTC).isoformat(timespec="seconds")),
                    )
            return self.schema_version()

    # ------------------------------------------------------------------------------------------ deals

    def _row_to_deal(self, row: Sequence[Any], contacts: list[dict[str, Any]]) -> StoredDeal:
        data = dict(zip(_DEAL_COLUMNS, row, strict=True))
        data["competitors"] = _json(data["competitors"], [])
        data["meddpicc"] = _json(data["meddpicc"], {})
        data["verbal_agreement"] = bool(data["verbal_agreement"])
        data["contract_signed"] = bool(data["contract_signed"])
        data["contacts"] = contacts
        data.pop("updated_by")
        extra = _json(data.pop("extra"), {})
        data.update({name: value for name, value in extra.items() if name in _EXTRA_FIELDS})
        return StoredDeal.model_validate(data)

    def _contacts_for(self, deal_ids: Sequence[str] | None) -> dict[str, list[dict[str, Any]]]:
        sql = "SELECT deal_id, name, title, role, engaged, last_contact FROM contacts"
        params: list[Any] = []
        if deal_ids is not None:
            if not deal_ids:
                return {}
            sql += f" WHERE deal_id IN ({', '.join('?' for _ in deal_ids)})"
            params = list(deal_ids)
        sql += " ORDER BY deal_id, position"
        found: dict[str, list[dict[str, Any]]] = {}
        for deal_id, name, title, role, engaged, last_contact in self._exec(sql, params).fetchall():
            found.setdefault(deal_id, []).append(
                {"name": name, "title": title, "role": role, "engaged": bool(engaged), "last_contact": last_contact}
            )
        return found

    def _get(self, deal_id: str, scope: Caller | None = None) -> StoredDeal | None:
        clause, params = owner_scope(scope)
        sql = f"{_SELECT_DEALS} WHERE id = ?" + (f" AND {clause}" if clause else "")
        row = self._exec(sql, (deal_id, *params)).fetchone()
        if row is None:
            return None
        return self._row_to_deal(row, self._contacts_for([deal_id]).get(deal_id, []))

    def _append_only(
        self, table: str, decoder: _Decoder, where: str, params: Sequence[Any], order: str, *, few: bool = False
    ) -> list[Any]:
        """The rows of an append-only table (history entries, forecast snapshots: never updated) matching `where`,
        in `order`, decoded; a row read before is reused as is. The matching row ids are listed first and only
        rows not seen yet are read in full, unless `few` rows are expected (one deal's history): then they are
        read in full at once. Call inside a read."""
        known = self._rows.setdefault(table, {})
        if len(known) > _CACHE_LIMIT:
            known.clear()
        if few:
            rows = self._exec(f"SELECT id, {decoder.columns} FROM {table}{where} ORDER BY {order}", params).fetchall()
            for row in rows:
                if row[0] not in known:
                    known[row[0]] = decoder.decode(row[1:])
            return [known[row[0]] for row in rows]
        ids = [row[0] for row in self._exec(f"SELECT id FROM {table}{where} ORDER BY {order}", params).fetchall()]
        missing = [row_id for row_id in ids if row_id not in known]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            sql = f"SELECT id, {decoder.columns} FROM {table} WHERE id IN ({', '.join('?' for _ in chunk)})"
            for row in self._exec(sql, chunk).fetchall():
                known[row[0]] = decoder.decode(row[1:])
        return [known[row_id] for row_id in ids]

    def get_deal(self, deal_id: str, scope: Caller | None = None) -> StoredDeal | None:
        with self._read():
            return self._get(deal_id, scope)

    def list_deals(
        self,
        *,
        stage: str | None = None,
        owner: str | None = None,
        open_only: bool = False,
        text: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        scope: Caller | None = None,
    ) -> tuple[list[StoredDeal], int]:
        """Deals matching every given filter (within `scope`), largest value first, and how many match in all."""
        where: list[str] = []
        params: list[Any] = []
        clause, scope_params = owner_scope(scope)
        if clause:
            where.append(clause)
            params.extend(scope_params)
        if stage is not None:
            where.append("stage = ?")
            params.append(stage)
        if owner is not None:
            where.append("owner = ?")
            params.append(owner)
        if open_only:
            where.append("stage NOT IN ('closed_won', 'closed_lost')")
        if text:
            # The text is a bound parameter (never SQL); LIKE wildcards in it are escaped.
            pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(
                "(LOWER(company) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(next_step, '')) LIKE ? ESCAPE '\\' "
                "OR LOWER(notes) LIKE ? ESCAPE '\\')"
            )
            params.extend([pattern, pattern, pattern])
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        page = ""
        page_params: list[Any] = []
        if limit is not None:
            page = " LIMIT ? OFFSET ?"
            page_params = [limit, offset]
        order = " ORDER BY value DESC, company, id"
        with self._read():
            # Committed (id, version) pairs never repeat, so a deal read before at the same version is reused
            # as is: the page is listed by id and version first, and only new or changed rows are read in full,
            # decoded and validated again.
            listed = self._exec(f"SELECT id, version FROM deals{clause}{order}{page}", [*params, *page_params])
            rows: list[tuple[str, int]] = listed.fetchall()
            if limit is None:
                total = len(rows)
            elif 0 < len(rows) < limit or (not rows and offset == 0):
                total = offset + len(rows)  # the last page: everything before it and on it
            else:
                total = int(self._exec(f"SELECT COUNT(*) FROM deals{clause}", params).fetchone()[0])
            stale = [
                deal_id
                for deal_id, version in rows
                if (cached := self._cache.get(deal_id)) is None or cached.version != version
            ]
            if len(stale) > 500:  # a first read of a large pipeline: one pass over the page
                wanted = set(stale)
                page_rows = self._exec(f"{_SELECT_DEALS}{clause}{order}{page}", [*params, *page_params])
                full = [row for row in page_rows.fetchall() if row[0] in wanted]
                contacts = self._contacts_for(None)
            elif stale:
                marks = ", ".join("?" for _ in stale)
                full = self._exec(f"{_SELECT_DEALS} WHERE id IN ({marks})", stale).fetchall()
                contacts = self._contacts_for(stale)
            else:
                full, contacts = [], {}
            for row in full:
                self._cache[row[0]] = self._row_to_deal(row, contacts.get(row[0], []))
            if len(self._cache) > _CACHE_LIMIT:
                keep = {deal_id for deal_id, _ in rows}
                self._cache = {key: deal for key, deal in self._cache.items() if key in keep}
            return [self._cache[deal_id] for deal_id, _ in rows], total

    def all_deals(self, owner: str | None = None, scope: Caller | None = None) -> list[StoredDeal]:
        deals, _ = self.list_deals(owner=owner, scope=scope)
        return deals

    def stage_history(
        self, deal_ids: Sequence[str] | None = None, scope: Caller | None = None
    ) -> dict[str, list[StageChange]]:
        """Stage changes (with who made them) per deal, oldest first."""
        clause, params = deal_scope(scope)
        where = [clause] if clause else []
        if deal_ids is not None:
            if not deal_ids:
                return {}
            where.append(f"deal_id IN ({', '.join('?' for _ in deal_ids)})")
            params = [*params, *deal_ids]
        condition = " WHERE " + " AND ".join(where) if where else ""
        with self._read():
            entries = self._append_only(
                "stage_history", _STAGE_CHANGE, condition, params, "deal_id, id", few=deal_ids is not None
            )
        history: dict[str, list[StageChange]] = {}
        for deal_id, change in entries:
            history.setdefault(deal_id, []).append(change)
        return history

    def close_date_history(self, scope: Caller | None = None) -> dict[str, list[CloseDateChange]]:
        clause, params = deal_scope(scope)
        with self._read():
            entries = self._append_only(
                "close_date_history", _CLOSE_DATE_CHANGE, f" WHERE {clause}" if clause else "", params, "deal_id, id"
            )
        history: dict[str, list[CloseDateChange]] = {}
        for deal_id, change in entries:
            history.setdefault(deal_id, []).append(change)
        return history

    def _write_deal(self, deal: StoredDeal, actor: str, *, insert: bool, expected: int | None) -> bool:
        """INSERT or version-checked UPDATE of the deal row and its contacts; False when the row moved on."""
        values: dict[str, Any] = {
            name: getattr(deal, name)
            for name in _DEAL_COLUMNS
            if name not in ("competitors", "meddpicc", "updated_by", "verbal_agreement", "contract_signed", "extra")
        }
        for name in (*_DATE_FIELDS, "updated_on"):
            values[name] = _iso(values[name])
        values["verbal_agreement"] = int(deal.verbal_agreement)
        values["contract_signed"] = int(deal.contract_signed)
        values["competitors"] = json.dumps(deal.competitors, ensure_ascii=False)
        values["meddpicc"] = json.dumps(
            {k: v.model_dump(exclude_none=True) for k, v in deal.meddpicc.items()}, ensure_ascii=False
        )
        values["updated_by"] = actor
        extra = deal.model_dump(mode="json", include=set(_EXTRA_FIELDS))
        values["extra"] = json.dumps({k: v for k, v in extra.items() if v not in ({}, [], None)}, ensure_ascii=False)
        if insert:
            names = list(values)
            cursor = self._exec(
                f"INSERT INTO deals ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
                "ON CONFLICT (id) DO NOTHING",
                [values[n] for n in names],
            )
        else:
            names = [n for n in values if n != "id"]
            cursor = self._exec(
                f"UPDATE deals SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ? AND version = ?",
                [*(values[n] for n in names), deal.id, expected],
            )
        if cursor.rowcount != 1:
            return False
        self._exec("DELETE FROM contacts WHERE deal_id = ?", (deal.id,))
        for position, contact in enumerate(deal.contacts):
            self._exec(
                "INSERT INTO contacts (deal_id, position, name, title, role, engaged, last_contact) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    deal.id,
                    position,
                    contact.name,
                    contact.title,
                    contact.role,
                    int(contact.engaged),
                    _iso(contact.last_contact),
                ),
            )
        return True

    def _current_version(self, deal_id: str) -> int:
        row = self._exec("SELECT version FROM deals WHERE id = ?", (deal_id,)).fetchone()
        return int(row[0]) if row else 0

    def _record_stage(self, deal_id: str, old: str | None, new: str, on: date, actor: str) -> None:
        self._exec(
            "INSERT INTO stage_history (deal_id, from_stage, to_stage, changed_on, actor) VALUES (?, ?, ?, ?, ?)",
            (deal_id, old, new, on.isoformat(), actor),
        )

    def _owner_for(self, scope: Caller | None, owner: str | None, default: str | None) -> str | None:
        """The owner a scoped caller may give a deal: a rep only themselves; a manager themselves or a user on
        their team. Omitted → `default`. Refused with a StoreError naming the rule otherwise."""
        if scope is None or scope.unrestricted:
            return owner if owner is not None else default
        if owner is None or owner == scope.name:
            return default if owner is None else owner
        if scope.role == "manager" and scope.team is not None:
            row = self._exec("SELECT 1 FROM users WHERE name = ? AND team = ?", (owner, scope.team)).fetchone()
            if row is not None:
                return owner
            raise StoreError(
                f"deal.owner: {owner!r} is not a user on your team {scope.team!r}; "
                "a manager assigns deals to themselves or to their team's users"
            )
        raise StoreError(f"deal.owner: you save deals you own; set owner to {scope.name!r} or leave it out")

    def _save(
        self,
        incoming: Deal,
        version: int | None,
        as_of: date,
        actor: str,
        external_id: str | None = None,
        scope: Caller | None = None,
    ) -> SaveOutcome:
        """Insert or update one deal inside the caller's transaction (within `scope`: a deal the caller may not
        see is "not found", exactly like a missing one)."""
        scoped = scope is not None and not scope.unrestricted
        given = incoming.model_fields_set - {"version"}
        deal_id = incoming.id
        existing = self._get(deal_id, scope) if deal_id is not None else None
        if existing is None and deal_id is not None and scoped:
            # A scoped caller names an id only to update a deal it can see; new deals get a fresh id.
            raise DealNotFoundError(deal_id)
        if existing is None and external_id is not None:
            row = self._exec("SELECT id FROM deals WHERE external_id = ?", (external_id,)).fetchone()
            if row is not None:
                existing = self._get(row[0], scope)
                if existing is None:
                    raise StoreError(
                        f"csv: external id {external_id!r} belongs to a deal outside your pipeline; "
                        "remove that row or ask its owner's manager"
                    )
                deal_id = row[0]
                version = existing.version
        if existing is None:
            if version is not None and deal_id is not None:
                raise DealNotFoundError(deal_id)
            data = incoming.model_dump(exclude={"version"} if isinstance(incoming, DealIn) else set())
            if scoped and scope is not None:
                data["owner"] = self._owner_for(scope, incoming.owner, scope.name)
            data.update(
                id=deal_id or _new_id(),
                version=1,
                created=incoming.created or as_of,
                stage_entered=incoming.stage_entered or incoming.created or as_of,
                updated_on=as_of,
                external_id=external_id,
            )
            if data["stage_entered"] < data["created"]:
                data["stage_entered"] = data["created"]
            stored = StoredDeal.model_validate(data)
            if not self._write_deal(stored, actor, insert=True, expected=None):
                raise StaleVersionError(stored.id, None, self._current_version(stored.id))
            self._record_stage(stored.id, None, stored.stage, stored.stage_entered or as_of, actor)
            return SaveOutcome(stored, created=True, stage_changed=False, close_date_pushed=False)

        if version is None:
            raise StaleVersionError(existing.id, None, existing.version)
        if version != existing.version:
            raise StaleVersionError(existing.id, version, existing.version)
        merged = existing.model_dump()
        merged.update({name: getattr(incoming, name) for name in given if name != "id"})
        if scoped and "owner" in given:
            merged["owner"] = self._owner_for(scope, incoming.owner, existing.owner)
        stage_changed = merged["stage"] != existing.stage
        if stage_changed:
            entered = incoming.stage_entered if "stage_entered" in given else None
            merged["stage_entered"] = entered if entered and entered != existing.stage_entered else as_of
        if merged["created"] and merged["stage_entered"] and merged["stage_entered"] < merged["created"]:
            # a deal cannot enter a stage before it existed (also when an update moves `created` later)
            merged["stage_entered"] = merged["created"]
        pushed = bool(existing.close_date and merged["close_date"] and merged["close_date"] > existing.close_date)
        if pushed and merged["close_date_changes"] <= existing.close_date_changes:
            merged["close_date_changes"] = min(existing.close_date_changes + 1, MAX_CLOSE_DATE_CHANGES)
        merged.update(version=existing.version + 1, updated_on=as_of)
        if external_id is not None:
            merged["external_id"] = external_id
        stored = StoredDeal.model_validate(merged)
        if stored.model_dump(exclude={"version", "updated_on"}) == existing.model_dump(
            exclude={"version", "updated_on"}
        ):
            return SaveOutcome(existing, created=False, stage_changed=False, close_date_pushed=False)
        if not self._write_deal(stored, actor, insert=False, expected=existing.version):
            raise StaleVersionError(existing.id, version, self._current_version(existing.id))
        if stage_changed:
            self._record_stage(stored.id, existing.stage, stored.stage, stored.stage_entered or as_of, actor)
        if stored.close_date != existing.close_date:
            self._exec(
                "INSERT INTO close_date_history (deal_id, old_date, new_date, changed_on, actor) "
                "VALUES (?, ?, ?, ?, ?)",
                (stored.id, _iso(existing.close_date), _iso(stored.close_date), as_of.isoformat(), actor),
            )
        return SaveOutcome(stored, created=False, stage_changed=stage_changed, close_date_pushed=pushed)

    def save_deal(
        self, deal: DealIn, as_of: date, actor: str = DEFAULT_ACTOR, scope: Caller | None = None
    ) -> SaveOutcome:
        """Insert a new deal (id assigned when omitted) or update a stored one at the version it was read.

        On update, the fields the caller set replace the stored ones; fields left out keep their stored values.
        """
        with self.transaction():
            return self._save(deal, deal.version, as_of, actor, scope=scope)

    def import_deals(
        self, rows: Sequence[tuple[str, Deal]], as_of: date, actor: str = DEFAULT_ACTOR, scope: Caller | None = None
    ) -> ImportOutcome:
        """Upsert (external_id, deal) rows in ONE transaction: any failure writes nothing.

        A row whose external id is already stored updates that deal (re-importing a file never duplicates).
        """
        outcome = ImportOutcome()
        with self.transaction():
            for external_id, deal in rows:
                before = self._exec("SELECT version FROM deals WHERE external_id = ?", (external_id,)).fetchone()
                result = self._save(deal, None, as_of, actor, external_id=external_id, scope=scope)
                if result.created:
                    outcome.created += 1
                elif before is not None and result.deal.version == int(before[0]):
                    outcome.unchanged += 1
                else:
                    outcome.updated += 1
                outcome.deal_ids.append(result.deal.id)
        return outcome

    # ------------------------------------------------------------------------------------- activities

    def log_activity(
        self, deal_id: str, kind: str, on: date, summary: str, actor: str = DEFAULT_ACTOR, scope: Caller | None = None
    ) -> tuple[Activity, StoredDeal, bool]:
        """Record an activity and move the deal's last_activity forward to its date (a version bump)."""
        with self.transaction():
            deal = self._get(deal_id, scope)
            if deal is None:
                raise DealNotFoundError(deal_id)
            row = self._exec(
                "INSERT INTO activities (deal_id, kind, activity_date, summary, actor) VALUES (?, ?, ?, ?, ?) "
                "RETURNING id",
                (deal_id, kind, on.isoformat(), summary, actor),
            ).fetchone()
            activity = Activity(id=int(row[0]), deal_id=deal_id, kind=kind, date=on, summary=summary, actor=actor)
            # The date comparison is part of the UPDATE: on PostgreSQL (read committed) another activity may
            # have moved last_activity since the read above, and it must never move back (ISO dates sort as text).
            cursor = self._exec(
                "UPDATE deals SET last_activity = ?, version = version + 1, updated_by = ? "
                "WHERE id = ? AND (last_activity IS NULL OR last_activity < ?)",
                (on.isoformat(), actor, deal_id, on.isoformat()),
            )
            moved = cursor.rowcount == 1
            if moved or (deal.last_activity is None or on > deal.last_activity):
                deal = self._get(deal_id) or deal
            return activity, deal, moved

    def activities(self, deal_id: str | None = None, scope: Caller | None = None) -> list[Activity]:
        sql = "SELECT id, deal_id, kind, activity_date, summary, actor FROM activities"
        clause, params = deal_scope(scope)
        where = [clause] if clause else []
        if deal_id is not None:
            where.append("deal_id = ?")
            params.append(deal_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._read():
            rows = self._exec(sql + " ORDER BY activity_date, id", params).fetchall()
        return [
            Activity(id=r[0], deal_id=r[1], kind=r[2], date=date.fromisoformat(r[3]), summary=r[4], actor=r[5])
            for r in rows
        ]

    # --------------------------------------------------------------------------------- forecast runs

    def save_snapshot(self, snapshot: ForecastSnapshot, owner: str | None, actor: str = DEFAULT_ACTOR) -> None:
        with self.transaction():
            self._exec(
                "INSERT INTO forecast_snapshots (owner, taken_on, period_start, period_end, quota, commit_value, "
                "best_case_value, pipeline_value, closed_value, forecast_value, deal_count, actor) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    owner,
                    snapshot.taken_on.isoformat(),
                    snapshot.period_start.isoformat(),
                    snapshot.period_end.isoformat(),
                    snapshot.quota,
                    snapshot.commit,
                    snapshot.best_case,
                    snapshot.pipeline,
                    snapshot.closed,
                    snapshot.forecast,
                    snapshot.deal_count,
                    actor,
                ),
            )

    def snapshots(self, owner: str | None = None, scope: Caller | None = None) -> list[ForecastSnapshot]:
        """Earlier forecast runs for `owner` (None: the whole pipeline); a scoped caller sees only its own runs."""
        where = " WHERE owner IS NULL" if owner is None else " WHERE owner = ?"
        params: list[Any] = [] if owner is None else [owner]
        if scope is not None and not scope.unrestricted:
            where += " AND actor = ?"
            params.append(scope.name)
        with self._read():
            snapshots: list[ForecastSnapshot] = self._append_only(
                "forecast_snapshots", _SNAPSHOT, where, params, "taken_on, id"
            )
        return snapshots

    def counts(self) -> Mapping[str, int]:
        """Rows per table (for tests and the CLI's report)."""
        tables = ("deals", "contacts", "activities", "stage_history", "close_date_history", "forecast_snapshots")
        with self._read():
            return {t: int(self._exec(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in tables}

    # ------------------------------------------------------------------------------------------ users

    def add_user(self, name: str, role: Role, team: str | None, token: str) -> User:
        """Issue `token` (stored as its hash) to a new user, or to a revoked one (re-activated); an active user
        of that name is refused."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction():
            row = self._exec("SELECT revoked_at FROM users WHERE name = ?", (name,)).fetchone()
            if row is not None and row[0] is None:
                raise StoreError(f"user {name!r} already exists; revoke it first to issue a new token")
            if row is None:
                self._exec(
                    "INSERT INTO users (name, role, team, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    (name, role, team, token_hash(token), now),
                )
            else:
                self._exec(
                    "UPDATE users SET role = ?, team = ?, token_hash = ?, created_at = ?, revoked_at = NULL "
                    "WHERE name = ?",
                    (role, team, token_hash(token), now, name),
                )
        return User(name, role, team, now, None)

    def revoke_user(self, name: str) -> bool:
        """Revoke the user's token (their deals stay, visible to their manager); False when no active user."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction():
            cursor = self._exec("UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", (now, name))
            return cursor.rowcount == 1

    def users(self) -> list[User]:
        with self._read():
            rows = self._exec("SELECT name, role, team, created_at, revoked_at FROM users ORDER BY name").fetchall()
        return [User(*row) for row in rows]

    def user_for_token(self, token: str) -> User | None:
        """The active user holding `token` (looked up by its hash), or None."""
        with self._read():
            row = self._exec(
                "SELECT name, role, team, created_at, revoked_at FROM users "
                "WHERE token_hash = ? AND revoked_at IS NULL",
                (token_hash(token),),
            ).fetchone()
        return User(*row) if row else None


def open_store(url: str) -> Store:
    return Store(url)
