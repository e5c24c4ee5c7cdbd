"""A first full sync into a new desk (issue 22): the items table's ordinary indexes are set aside
while it writes and built once at its end. The pass's own reads stay on their indexes, the
dashboard's queries still answer meanwhile, the end state has every index and a correct search,
and a sync killed meanwhile leaves them to be put back by the next open."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from socialdesk.config import Config
from socialdesk.core.ingest import sync_bulk
from socialdesk.core.models import InboxFilter
from socialdesk.core.store import bulk_indexes, open_store
from socialdesk.core.store.inbox import inbox_ids
from socialdesk.core.store.items import search_items
from tests.functional.test_import_bulk import fresh_schema, items_schema
from tests.ingest_helpers import db_ids, page_ids, start_fake, syncer

ROOT = Path(__file__).resolve().parents[2]


def answers(db: Path) -> list[tuple[object, ...]]:
    """What a sync decided for each item: its first response and status."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select platform_id, first_response_at, first_response_by, status, "
                            "deleted_at is null from items order by platform_id").fetchall()
    finally:
        conn.close()


def assert_search_matches_the_table(db: Path) -> None:
    """The full-text index holds every item and nothing else, and finds an item by its words."""
    store = open_store(db)
    try:
        rows = store.conn.execute("select id, text from items where text != ''").fetchall()
        assert store.conn.execute("select count(*) from items_fts_docsize").fetchone()[0] == \
            store.conn.execute("select count(*) from items").fetchone()[0]
        store.conn.execute("insert into items_fts(items_fts, rank) values('integrity-check', 1)")
        for item_id, text in rows[:: max(1, len(rows) // 25)]:
            words = re.findall(r"\w{4,}", text)
            if words:
                found = {r["id"] for r in search_items(store, " ".join(words[:3]), limit=10_000)}
                assert item_id in found, (item_id, text)
    finally:
        store.close()


def test_a_first_full_sync_sets_the_indexes_aside_and_ends_with_all_of_them(
        tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_bulk, "BULK_MIN", 50)
    fake = start_fake(seed=41, posts=6, comments=400, conversations=12)
    fresh = fresh_schema(tmp_path)
    keep = sync_bulk.KEEP | bulk_indexes.NAMED_BY_QUERIES
    kept = {name for name, sql in fresh if "UNIQUE" in sql.upper() or name in keep}
    heard: list[list[str]] = []
    plans: list[str] = []
    statements: list[str] = []
    try:
        store = open_store(tmp_path / "bulk.db")
        second = open_store(tmp_path / "bulk.db")   # the dashboard, polling meanwhile

        def meanwhile(done: int, total: int) -> None:
            aside = bulk_indexes.aside_now(store)
            heard.append(aside)
            if not aside:
                return
            # the pass's reads, without the indexes set aside: each one on an index
            for sql in dict.fromkeys(statements):
                for row in store.conn.execute(f"explain query plan {sql}"):
                    plans.append(row[3])
            statements.clear()
            # the dashboard's inbox still answers (by scanning), every id once
            public = {r[0] for r in second.conn.execute(
                "select id from items where from_page = 0 and deleted_at is null")}
            ids = inbox_ids(second, InboxFilter(view="all"), "officer")
            assert len(ids) == len(set(ids)) and set(ids) <= public and ids

        def traced(sql: str) -> None:
            words = sql.lstrip().split(None, 1)
            if words and words[0].lower() in ("select", "update", "delete") and \
                    " items " in f"{sql} " and "items_fts" not in sql:
                statements.append(sql)

        store.conn.set_trace_callback(traced)
        sync = syncer(store, fake, config, page_size=20)
        sync.commit_items = 60
        report = sync.run(progress=meanwhile)
        store.conn.set_trace_callback(None)
        assert report.ok and report.full, report.error
        second.close()
        store.close()

        aside_seen = [set(names) for names in heard if names]
        assert aside_seen, "the first full sync never set the indexes aside"
        assert aside_seen[0] == {name for name, _ in fresh} - kept
        assert plans and not [p for p in plans if re.fullmatch(r"SCAN items", p)], plans
        assert items_schema(tmp_path / "bulk.db") == fresh   # every index, in schema order
        conn = sqlite3.connect(tmp_path / "bulk.db")
        assert conn.execute(f"select count(*) from {bulk_indexes.TABLE}").fetchone()[0] == 0
        conn.close()
        assert_search_matches_the_table(tmp_path / "bulk.db")

        # the same page synced with every index in place decides the same for every item
        monkeypatch.setattr(sync_bulk, "BULK_MIN", 10**9)
        control = open_store(tmp_path / "control.db")
        again = syncer(control, fake, config, page_size=20).run()
        assert again.ok and db_ids(control) == page_ids(fake)
        control.close()
        assert answers(tmp_path / "bulk.db") == answers(tmp_path / "control.db")
    finally:
        fake.stop()


def test_a_sync_that_brings_little_for_the_table_keeps_its_indexes(
        tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_bulk, "BULK_MIN", 50)
    fake = start_fake(seed=42, posts=4, comments=200, conversations=6)
    try:
        store = open_store(tmp_path / "d.db")
        assert syncer(store, fake, config).run().ok
        heard: list[list[str]] = []
        again = syncer(store, fake, config, page_size=20).run(
            full=True, progress=lambda done, total: heard.append(bulk_indexes.aside_now(store)))
        assert again.ok and again.new == [] and heard and not any(heard)
        store.close()
    finally:
        fake.stop()


def test_every_index_named_by_a_query_is_kept_by_a_sync() -> None:
    """A query naming a missing index (INDEXED BY) fails outright: the dashboard, classifier,
    retention and reports must find every index they name while a first sync runs."""
    named = set()
    for source in (ROOT / "socialdesk").rglob("*.py"):
        named |= set(re.findall(r"indexed by (idx_items_\w+)", source.read_text("utf-8")))
    assert named
    assert named - {"idx_items_platform_id"} <= sync_bulk.KEEP | bulk_indexes.NAMED_BY_QUERIES


#: A sync in a process of its own (killed by the test), every pass of more than 50 new items a
#: bulk one.
RUNNER = """
import sys
from socialdesk.config import load_config
from socialdesk.core.ingest import sync_bulk
from socialdesk.core.store import open_store
from tests.ingest_helpers import syncer
from tests.functional.test_sync_bulk import FakeAt
sync_bulk.BULK_MIN = 50
store = open_store(sys.argv[1])
sync = syncer(store, FakeAt(sys.argv[2], sys.argv[3], sys.argv[4]),
              load_config(sys.argv[5]), page_size=5)
sync.commit_items = 10
print(sync.run().ok, flush=True)
"""


class FakeAt:
    """A running fake page's address, as :func:`tests.ingest_helpers.syncer` reads it."""

    def __init__(self, url: str, page_id: str, token: str) -> None:
        self.url, self.page_id, self.token = url, page_id, token


def test_a_first_sync_killed_with_its_indexes_aside_gets_them_back_at_the_next_open(
        tmp_path: Path, config: Config, team_config_file: Path) -> None:
    fake = start_fake(seed=43, posts=20, comments=2_000, conversations=8)
    db = tmp_path / "killed.db"
    open_store(db).close()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", RUNNER, str(db), fake.url, fake.page_id, fake.token,
             str(team_config_file)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 60
        conn = sqlite3.connect(db, timeout=30)
        while not conn.execute(f"select count(*) from {bulk_indexes.TABLE}").fetchone()[0]:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sync never set the indexes aside"
            time.sleep(0.01)
        time.sleep(0.2)   # a few writes with the indexes aside
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert len(items_schema(db)) < len(fresh_schema(tmp_path))   # died with them aside
        conn.close()

        store = open_store(db)   # the next open puts them back
        assert bulk_indexes.aside_now(store) == []
        assert items_schema(db) == fresh_schema(tmp_path)
        report = syncer(store, fake, config).run()   # and the next pass finishes the job
        assert report.ok, report.error
        assert db_ids(store) == page_ids(fake)
        store.close()
        assert items_schema(db) == fresh_schema(tmp_path)
        assert_search_matches_the_table(db)
    finally:
        fake.stop()
