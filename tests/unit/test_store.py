"""The SQLite store on real files: schema, migrations, version check, WAL, FTS, transactions."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from socialdesk.core.models import Item, Kind
from socialdesk.core.store import open_store
from socialdesk.core.store.items import count_items, insert_new_items, search_items
from socialdesk.core.store.migrations import LATEST_VERSION
from socialdesk.errors import StoreError

TABLES = {"items", "posts", "outbox", "scheduled_posts", "corrections", "audit_log",
          "sync_state", "leases"}


def item(pid: str, text: str, **kw: object) -> Item:
    return Item(platform_id=pid, kind=Kind.MESSAGE, text=text,
                created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), **kw)  # type: ignore[arg-type]


def test_new_database_has_schema_wal_and_indexes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "new" / "desk.db")
    assert set(store.db.table_names()) >= TABLES
    assert store.schema_version() == LATEST_VERSION
    assert store.conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("pragma busy_timeout").fetchone()[0] >= 1000
    indexed = {tuple(ix.columns) for ix in store.db["items"].indexes}
    for column in ("category", "created_at", "assignee"):
        assert (column,) in indexed
    for column in ("status", "urgent"):   # each leads a wider index (v19 dropped their own)
        assert (column,) not in indexed and any(ix[0] == column for ix in indexed)
    assert ("platform_id",) in indexed
    assert store.db["items"].detect_fts() == "items_fts"


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    first = open_store(tmp_path / "desk.db")
    insert_new_items(first, [item("a", "hello")])
    first.close()
    again = open_store(tmp_path / "desk.db")
    assert count_items(again) == 1 and again.schema_version() == LATEST_VERSION


def test_newer_schema_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"pragma user_version = {LATEST_VERSION + 3}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this socialdesk understands"):
        open_store(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="is not a socialdesk database"):
        open_store(path)
    assert path.read_text().startswith("these are my notes")  # nothing overwritten


def test_write_rolls_back_on_error(tmp_path: Path) -> None:
    store = open_store(tmp_path / "desk.db")
    with pytest.raises(RuntimeError), store.write():
        insert_new_items(store, [item("a", "one")])
        raise RuntimeError("crash mid-transaction")
    assert count_items(store) == 0


def test_duplicates_within_and_across_batches_count_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "desk.db")
    batch = [item("a", "one"), item("a", "one again"), item("b", "two")]
    assert insert_new_items(store, batch) == 2
    assert insert_new_items(store, [item("b", "two"), item("c", "three")]) == 1
    assert count_items(store) == 3
    assert store.conn.execute("select text from items where platform_id='a'").fetchone()[0] == "one"


def test_full_text_search_prefix_welsh_diacritics_and_hostile_queries(tmp_path: Path) -> None:
    store = open_store(tmp_path / "desk.db")
    insert_new_items(store, [
        item("1", "Mae dŵr ar y ffordd ger Llangefni"),
        item("2", "Bike stolen outside Holyhead leisure centre", author_name="Gwen"),
        item("3", "Diolch o galon"),
    ])
    assert [r["platform_id"] for r in search_items(store, "dwr")] == ["1"]
    assert [r["platform_id"] for r in search_items(store, "holy leis")] == ["2"]
    assert [r["platform_id"] for r in search_items(store, "gwen")] == ["2"]
    for hostile in ['"', "NEAR(", "a OR", "*", "') drop table items; --", "^"]:
        search_items(store, hostile)  # must not raise
    assert count_items(store) == 3


def test_count_items_refuses_unknown_columns(tmp_path: Path) -> None:
    store = open_store(tmp_path / "desk.db")
    with pytest.raises(ValueError):
        count_items(store, **{"1=1; drop table items; --": 1})


def test_two_connections_write_concurrently_without_lock_errors(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    open_store(path).close()
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        store = open_store(path)
        try:
            for n in range(200):
                insert_new_items(store, [item(f"{prefix}{n}", f"text {n}")])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=writer, args=(p,)) for p in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert count_items(open_store(path)) == 600


def test_locked_database_is_one_sentence(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "desk.db"
    open_store(path).close()
    monkeypatch.setenv("SOCIALDESK_BUSY_TIMEOUT_MS", "200")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("begin exclusive")
    try:
        store = open_store(path)
        with pytest.raises(StoreError, match="is busy"):
            insert_new_items(store, [item("x", "y")])
    finally:
        holder.execute("rollback")


def test_text_edits_reindex_but_triage_updates_leave_the_index_alone(tmp_path: Path) -> None:
    store = open_store(tmp_path / "desk.db")
    insert_new_items(store, [item("1", "Bike stolen in Amlwch")])
    with store.write():
        store.conn.execute("update items set status = 'claimed', assignee = 'ann'")
    assert [r["platform_id"] for r in search_items(store, "amlwch")] == ["1"]
    with store.write():
        store.conn.execute("update items set text = 'Beic wedi ei ddwyn yn Nghemaes'")
    assert search_items(store, "amlwch") == []
    assert [r["platform_id"] for r in search_items(store, "cemaes")] == ["1"]  # mutation too
    integrity = store.conn.execute(
        "insert into items_fts(items_fts, rank) values('integrity-check', 1)")
    assert integrity is not None  # raises if the index disagrees with the table


def test_many_openers_of_a_brand_new_file_all_succeed(tmp_path: Path) -> None:
    """Threads and processes creating and migrating the same new DB at once (the worker test,
    with sync and send jobs starting beside the test's own connection, once met "locked")."""
    import subprocess
    import sys

    path = tmp_path / "new.db"
    code = ("import sys; from socialdesk.core.store import open_store; "
            "open_store(sys.argv[1]).close()")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)]) for _ in range(3)]
    errors: list[Exception] = []

    def open_one() -> None:
        try:
            open_store(path).close()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(p.wait(timeout=60) == 0 for p in procs)
    assert open_store(path).schema_version() == LATEST_VERSION


def test_every_commit_is_on_the_disk_before_it_returns(tmp_path) -> None:
    """synchronous=FULL (issue 20): with NORMAL a power cut may lose a committed claim, and
    the outbox entry would go out again without a page check."""
    from socialdesk.core.store import open_store

    store = open_store(tmp_path / "sync.db")
    assert store.conn.execute("pragma synchronous").fetchone()[0] == 2  # FULL
    store.close()


def test_bulk_inserts_index_their_words_and_leave_the_trigger_for_other_writers(
        tmp_path: Path) -> None:
    from socialdesk.core.store.items import upsert_platform_items

    store = open_store(tmp_path / "desk.db")
    trigger = "select sql from sqlite_master where type = 'trigger' and name = 'items_ai'"
    before = store.conn.execute(trigger).fetchone()
    assert insert_new_items(store, [item("a", "Beic wedi ei ddwyn yn Amlwch"),
                                    item("b", "Car doors tried in Holyhead")]) == 2
    assert store.conn.execute(trigger).fetchone() == before   # put back as it was
    # another writer (the sync) inserts through the trigger: its rows are indexed too
    upsert_platform_items(store, [item("c", "Speeding through Amlwch again")], now="now")
    with pytest.raises(RuntimeError), store.write():   # a failed batch rolls back whole
        insert_new_items(store, [item("d", "never kept Amlwch")])
        raise RuntimeError("the batch fails after its insert")
    assert store.conn.execute(trigger).fetchone() == before
    assert sorted(r["platform_id"] for r in search_items(store, "amlwch")) == ["a", "c"]
    assert [r["platform_id"] for r in search_items(store, "caergybi")] == ["b"]
    store.conn.execute("insert into items_fts(items_fts, rank) values('integrity-check', 1)")
