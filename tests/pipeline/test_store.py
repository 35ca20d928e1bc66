"""The deal store over SQLite and PostgreSQL: round trips, versions, history, imports, migrations, concurrency."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sales_playbook.schemas.deal import Deal
from sales_playbook.schemas.forecast import ForecastSnapshot
from sales_playbook.schemas.pipeline import DealIn
from sales_playbook.server.store import DealNotFoundError, StaleVersionError, StoreError, open_store, parse_url
from sales_playbook.server.store.migrations import LATEST_VERSION, MIGRATIONS, statements

DAY = date(2026, 11, 2)

FULL_DEAL = {
    "company": "Acme Robotics",
    "value": 48000,
    "currency": "EUR",
    "stage": "evaluation",
    "owner": "dana",
    "created": "2026-09-01",
    "stage_entered": "2026-10-20",
    "close_date": "2026-12-15",
    "last_activity": "2026-11-01",
    "next_step": "Security review",
    "next_step_date": "2026-11-26",
    "verbal_agreement": True,
    "competitors": ["Globex", "Initech"],
    "contacts": [
        {"name": "Dana Lee", "title": "VP Ops", "role": "champion", "engaged": True, "last_contact": "2026-11-01"},
        {"name": "Sam Po", "role": "economic_buyer"},
    ],
    "meddpicc": {"metrics": {"score": 2, "evidence": "cut onboarding 30%"}},
    "bant": {"budget": {"score": 3}},
    "notes": "Wants a pilot. 想先试点。",
}


def test_round_trip_keeps_every_field(db_url: str) -> None:
    store = open_store(db_url)
    saved = store.save_deal(DealIn.model_validate(FULL_DEAL), DAY).deal
    assert saved.id.startswith("D-") and saved.version == 1
    again = store.get_deal(saved.id)
    assert again == saved
    expected = Deal.model_validate(FULL_DEAL).model_dump(exclude={"id"})
    assert again is not None and again.model_dump(exclude={"id", "version", "external_id", "updated_on"}) == expected
    store.close()


def test_new_deal_defaults_and_first_history_entry(db_url: str) -> None:
    store = open_store(db_url)
    saved = store.save_deal(DealIn(company="Initech", stage="discovery"), DAY, actor="rep-1").deal
    assert (saved.created, saved.stage_entered) == (DAY, DAY)
    history = store.stage_history([saved.id])[saved.id]
    assert [(h.from_stage, h.to_stage, h.changed_on, h.actor) for h in history] == [(None, "discovery", DAY, "rep-1")]


def test_update_needs_the_current_version_and_stale_writes_are_refused(db_url: str) -> None:
    store = open_store(db_url)
    saved = store.save_deal(DealIn(company="Acme", value=100), DAY).deal
    with pytest.raises(StaleVersionError, match=r"already exists at version 1; send version 1"):
        store.save_deal(DealIn(id=saved.id, company="Acme", value=200), DAY)
    second = store.save_deal(DealIn(id=saved.id, company="Acme", value=200, version=1), DAY).deal
    assert second.version == 2
    with pytest.raises(StaleVersionError, match=r"expected version 1, current version 2") as caught:
        store.save_deal(DealIn(id=saved.id, company="Acme", value=300, version=1), DAY)
    assert (caught.value.expected, caught.value.current) == (1, 2)
    stored = store.get_deal(saved.id)
    assert stored is not None and stored.value == 200 and stored.version == 2


def test_unknown_id_with_a_version_is_not_found(db_url: str) -> None:
    store = open_store(db_url)
    with pytest.raises(DealNotFoundError, match="no stored deal has id 'nope'"):
        store.save_deal(DealIn(id="nope", company="X", version=3), DAY)
    created = store.save_deal(DealIn(id="mine-1", company="X"), DAY).deal  # a caller-chosen id without version
    assert created.id == "mine-1" and created.version == 1


def test_update_merges_given_fields_and_records_stage_and_close_date_changes(db_url: str) -> None:
    store = open_store(db_url)
    saved = store.save_deal(DealIn.model_validate(FULL_DEAL), DAY).deal
    outcome = store.save_deal(
        DealIn(id=saved.id, company="Acme Robotics", stage="proposal", close_date=date(2027, 1, 20), version=1),
        date(2026, 11, 10),
        actor="rep-2",
    )
    deal = outcome.deal
    assert outcome.stage_changed and outcome.close_date_pushed
    assert deal.stage_entered == date(2026, 11, 10)
    assert deal.close_date_changes == 1
    assert deal.contacts == saved.contacts and deal.notes == saved.notes and deal.bant == saved.bant  # kept
    history = store.stage_history([saved.id])[saved.id]
    assert [(h.from_stage, h.to_stage, h.actor) for h in history] == [
        (None, "evaluation", "local"),
        ("evaluation", "proposal", "rep-2"),
    ]
    pushes = store.close_date_history()[saved.id]
    assert [(p.old_date, p.new_date) for p in pushes] == [(date(2026, 12, 15), date(2027, 1, 20))]


def test_a_save_that_changes_nothing_keeps_the_version(db_url: str) -> None:
    store = open_store(db_url)
    saved = store.save_deal(DealIn(company="Acme", value=5), DAY).deal
    same = store.save_deal(DealIn(id=saved.id, company="Acme", value=5, version=1), DAY)
    assert same.deal.version == 1 and not same.stage_changed


def test_list_filters(db_url: str) -> None:
    store = open_store(db_url)
    for company, stage, owner, value, notes in [
        ("Acme", "proposal", "dana", 50, "100% committed"),
        ("Globex", "closed_won", "dana", 80, ""),
        ("Initech", "discovery", "lee", 20, "security_review first"),
    ]:
        store.save_deal(DealIn(company=company, stage=stage, owner=owner, value=value, notes=notes), DAY)
    names = lambda deals: [d.company for d in deals]  # noqa: E731
    assert names(store.list_deals()[0]) == ["Globex", "Acme", "Initech"]  # largest first
    assert names(store.list_deals(open_only=True)[0]) == ["Acme", "Initech"]
    assert names(store.list_deals(owner="lee")[0]) == ["Initech"]
    assert names(store.list_deals(stage="closed_won")[0]) == ["Globex"]
    assert names(store.list_deals(text="GLOB")[0]) == ["Globex"]
    assert names(store.list_deals(text="100%")[0]) == ["Acme"]  # % is literal, not a wildcard
    assert names(store.list_deals(text="it_ch")[0]) == []  # _ is literal too (a wildcard would match Initech)
    assert names(store.list_deals(text="y_r")[0]) == ["Initech"]
    assert names(store.list_deals(text="' OR 1=1 --")[0]) == []
    page, total = store.list_deals(limit=1, offset=1)
    assert names(page) == ["Acme"] and total == 3


def test_log_activity_moves_last_activity_forward_only(db_url: str) -> None:
    store = open_store(db_url)
    saved = store.save_deal(DealIn(company="Acme", last_activity=date(2026, 11, 5)), DAY).deal
    _, deal, moved = store.log_activity(saved.id, "call", date(2026, 11, 3), "older call", actor="rep")
    assert not moved and deal.last_activity == date(2026, 11, 5) and deal.version == 1
    _, deal, moved = store.log_activity(saved.id, "meeting", date(2026, 11, 9), "demo")
    assert moved and deal.last_activity == date(2026, 11, 9) and deal.version == 2
    assert [a.summary for a in store.activities(saved.id)] == ["older call", "demo"]
    with pytest.raises(DealNotFoundError):
        store.log_activity("missing", "note", DAY, "x")


def _rows(n: int, value: float = 10.0) -> list[tuple[str, Deal]]:
    return [(f"test:{i}", Deal(company=f"Co {i}", value=value, stage="discovery")) for i in range(n)]


def test_import_is_one_transaction_and_reimport_does_not_duplicate(db_url: str) -> None:
    store = open_store(db_url)
    first = store.import_deals(_rows(5), DAY)
    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    again = store.import_deals(_rows(5), DAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert again.deal_ids == first.deal_ids
    changed = store.import_deals(_rows(5, value=99), DAY)
    assert (changed.created, changed.updated) == (0, 5)
    assert store.counts()["deals"] == 5
    assert {d.value for d in store.all_deals()} == {99}


def test_a_failing_import_writes_nothing(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(db_url)
    store.import_deals(_rows(2), DAY)
    before = store.counts()
    original = store._save
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk on fire")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_save", failing)
    with pytest.raises(RuntimeError):
        store.import_deals(_rows(6, value=50), DAY)
    monkeypatch.undo()
    assert store.counts() == before
    assert {d.value for d in store.all_deals()} == {10}


def test_snapshots_round_trip(db_url: str) -> None:
    store = open_store(db_url)
    snap = ForecastSnapshot(
        taken_on=DAY,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        quota=100.0,
        commit=10,
        best_case=20,
        pipeline=30,
        closed=5,
        forecast=30,
        deal_count=3,
    )
    store.save_snapshot(snap, None)
    store.save_snapshot(snap.model_copy(update={"forecast": 1}), "lee")
    assert store.snapshots() == [snap]
    assert [s.forecast for s in store.snapshots("lee")] == [1]


def test_deals_survive_reopening(db_url: str) -> None:
    first = open_store(db_url)
    saved = first.save_deal(DealIn.model_validate(FULL_DEAL), DAY).deal
    first.close()
    second = open_store(db_url)
    assert second.get_deal(saved.id) == saved
    assert second.schema_version() == LATEST_VERSION


def test_a_version_1_database_is_upgraded_in_place(db_url: str) -> None:
    dialect, target = parse_url(db_url)
    v1_rows = [
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        *statements(MIGRATIONS[0][2], dialect),
        "INSERT INTO schema_version (version, applied_at) VALUES (1, '2026-01-01T00:00:00')",
        "INSERT INTO deals (id, company, value, stage, created, stage_entered, version) "
        "VALUES ('old-1', 'Legacy Co', 1234, 'proposal', '2026-01-02', '2026-02-03', 4)",
        "INSERT INTO contacts (deal_id, position, name, role, engaged) VALUES ('old-1', 0, 'Ann', 'champion', 1)",
        "INSERT INTO stage_history (deal_id, from_stage, to_stage, changed_on, actor) "
        "VALUES ('old-1', 'evaluation', 'proposal', '2026-02-03', 'local')",
    ]
    if dialect == "sqlite":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(target)
        for sql in v1_rows:
            conn.execute(sql)
        conn.commit()
        conn.close()
    else:
        import psycopg

        with psycopg.connect(target, autocommit=True) as conn:
            for sql in v1_rows:
                conn.execute(sql)
    store = open_store(db_url)
    assert store.schema_version() == LATEST_VERSION == 3
    old = store.get_deal("old-1")
    assert old is not None and old.company == "Legacy Co" and old.version == 4 and old.external_id is None
    assert old.contacts[0].name == "Ann" and old.contacts[0].engaged
    updated = store.save_deal(DealIn(id="old-1", company="Legacy Co", stage="negotiation", version=4), DAY).deal
    assert updated.version == 5
    assert [h.to_stage for h in store.stage_history(["old-1"])["old-1"]] == ["proposal", "negotiation"]
    assert store.import_deals([("x:1", Deal(company="New"))], DAY).created == 1  # v2 columns work
    store.close()
    assert open_store(db_url).schema_version() == LATEST_VERSION  # opening again migrates nothing


def test_bad_urls_are_refused() -> None:
    with pytest.raises(StoreError, match="sqlite:/// or postgresql://"):
        open_store("mysql://x")
    with pytest.raises(StoreError, match="sqlite:///PATH"):
        open_store("sqlite://relative.db")


def test_two_stores_on_one_database_never_lose_an_update(db_url: str) -> None:
    """Concurrent read-modify-write loops through two store instances (two servers): every write either lands
    or is refused as stale; the final deal holds exactly the accepted writes."""
    stores = [open_store(db_url), open_store(db_url)]
    deal_id = stores[0].save_deal(DealIn(company="Contended", notes=""), DAY).deal.id
    accepted: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def writer(worker: int) -> None:
        store = stores[worker % 2]
        barrier.wait()
        for attempt in range(15):
            current = store.get_deal(deal_id)
            assert current is not None
            marker = f"[w{worker}a{attempt}]"
            try:
                store.save_deal(
                    DealIn(id=deal_id, company="Contended", notes=current.notes + marker, version=current.version), DAY
                )
            except StaleVersionError:
                with lock:
                    refused.append(marker)
            else:
                with lock:
                    accepted.append(marker)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = stores[1].get_deal(deal_id)
    assert final is not None
    print(f"accepted {len(accepted)}, refused as stale {len(refused)}")
    assert len(accepted) + len(refused) == 90 and accepted
    assert final.version == 1 + len(accepted)
    assert all(marker in final.notes for marker in accepted)
    assert not any(marker in final.notes for marker in refused)
    assert final.notes.count("[") == len(accepted)
    for store in stores:
        store.close()


def _at_once(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..count-1) in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_activities_never_move_last_activity_back(db_url: str) -> None:
    """Activities logged at once through several stores (replicas): last_activity ends at the latest date and the
    version counts exactly the activities that moved it (PostgreSQL reads committed: the check is in the UPDATE)."""
    stores = [open_store(db_url) for _ in range(4)]
    deal_id = stores[0].save_deal(DealIn(company="Busy"), DAY).deal.id
    version = 1
    for round_ in range(8):
        days = [date(2026, 1 + round_, 1 + (day * 5) % 8) for day in range(8)]
        results = _at_once(8, lambda i, days=days: stores[i % 4].log_activity(deal_id, "call", days[i], f"c{i}"))
        assert not [r for r in results if isinstance(r, Exception)], results
        version += sum(1 for r in results if r[2])  # type: ignore[index]
        final = stores[0].get_deal(deal_id)
        assert final is not None and final.last_activity == max(days), (round_, final and final.last_activity)
        assert final.version == version
    for store in stores:
        store.close()


def test_the_same_external_id_imported_at_once_is_stored_once(db_url: str) -> None:
    """Two replicas importing the same CRM row at the same moment: one creates it; the other updates it, finds it
    unchanged, or (PostgreSQL) is refused with a StoreError saying to retry, never a database exception."""
    stores = [open_store(db_url) for _ in range(4)]
    for round_ in range(6):
        rows = [(f"race:{round_}", Deal(company=f"Race {round_}", value=10, stage="discovery"))]
        results = _at_once(4, lambda i, rows=rows: stores[i].import_deals(rows, DAY))
        errors = [r for r in results if isinstance(r, Exception)]
        assert all(type(e) is StoreError and "retry" in str(e) for e in errors), errors
        assert sum(r.created for r in results if not isinstance(r, Exception)) == 1  # type: ignore[attr-defined]
    assert stores[0].counts()["deals"] == 6
    for store in stores:
        store.close()


def test_a_lost_postgresql_connection_fails_one_call_clearly_then_reconnects(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    import psycopg

    store = open_store(db_url)
    saved = store.save_deal(DealIn(company="Acme"), DAY).deal
    pid = store._conn.info.backend_pid
    with psycopg.connect(parse_url(db_url)[1], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(StoreError, match="PostgreSQL connection failed"):
        store.get_deal(saved.id)
    assert store.get_deal(saved.id) == saved


def test_a_stage_change_never_dates_before_creation(db_url: str) -> None:
    store = open_store(db_url)
    saved = store.save_deal(DealIn(company="Future", created=date(2026, 12, 1)), DAY).deal
    moved = store.save_deal(DealIn(id=saved.id, company="Future", stage="discovery", version=1), DAY).deal
    assert moved.stage_entered == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("first", "update", "expected"),
    [
        # `created` corrected to after the stored stage_entered: stage_entered follows (was a ValidationError)
        ({}, {"created": date(2026, 11, 10)}, {"created": date(2026, 11, 10), "stage_entered": date(2026, 11, 10)}),
        # a push at the 1,000-change limit keeps the count there (was a ValidationError at 1,001)
        (
            {"close_date": date(2026, 12, 1), "close_date_changes": 1000},
            {"close_date": date(2026, 12, 15)},
            {"close_date": date(2026, 12, 15), "close_date_changes": 1000},
        ),
    ],
)
def test_updates_stay_within_the_deal_rules(
    db_url: str, first: dict[str, object], update: dict[str, object], expected: dict[str, object]
) -> None:
    store = open_store(db_url)
    saved = store.save_deal(DealIn.model_validate({"company": "A", **first}), DAY).deal
    moved = store.save_deal(DealIn.model_validate({"id": saved.id, "company": "A", "version": 1, **update}), DAY).deal
    assert {name: getattr(moved, name) for name in expected} == expected
    store.close()


@pytest.mark.parametrize("make", ["not_a_database", "folder_is_a_file"])
def test_a_sqlite_file_that_cannot_be_opened_is_a_store_error(tmp_path: Path, make: str) -> None:
    """It used to surface as a bare sqlite3.DatabaseError or FileExistsError (a generic tool error over MCP)."""
    if make == "not_a_database":
        target = tmp_path / "deals.db"
        target.write_bytes(b"\x00garbage, not SQLite" * 100)
    else:
        (tmp_path / "taken").write_text("a file where the data folder should be", encoding="utf-8")
        target = tmp_path / "taken" / "deals.db"
    with pytest.raises(StoreError, match="cannot open the SQLite database"):
        open_store(f"sqlite:///{target}")
