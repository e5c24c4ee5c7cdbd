"""Sync over real loopback HTTP against the fake page: paging, faults, token expiry, edits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from socialdesk.config import Config
from socialdesk.core.store import open_store
from socialdesk.core.store.cursors import get_state
from tests.ingest_helpers import db_ids, page_ids, start_fake, syncer


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "sync.db")
    yield s
    s.close()


def test_paging_across_many_pages_gets_everything_once(store, config: Config) -> None:
    fake = start_fake(seed=11, posts=4, comments=400, conversations=30)
    try:
        report = syncer(store, fake, config, page_size=7).run()
        assert report.ok, report.error
        assert db_ids(store) == page_ids(fake)
        served = fake.stats()["requests_by_endpoint"]
        assert served["comments"] > 400 / 7  # really paged
        assert store.conn.execute("select count(*) from items").fetchone()[0] == \
            fake.stats()["comments"] + fake.stats()["messages"]
    finally:
        fake.stop()


def test_no_change_resync_costs_one_request_per_post_plus_one_per_list(store, config) -> None:
    fake = start_fake(seed=12, posts=8, comments=150, conversations=20)
    try:
        assert syncer(store, fake, config).run().ok
        again = syncer(store, fake, config).run()
        assert again.ok and not again.full and again.new == [] and again.updated == 0
        assert again.requests == 1 + 8 + 1  # posts list + one per post + conversations
    finally:
        fake.stop()


def test_new_traffic_arrives_incrementally(store, config) -> None:
    fake = start_fake(seed=13)
    try:
        assert syncer(store, fake, config).run().ok
        for _ in range(25):
            fake.state.tick()
        report = syncer(store, fake, config).run()
        assert report.ok and len(report.new) > 0
        assert db_ids(store) == page_ids(fake)
    finally:
        fake.stop()


@pytest.mark.parametrize("fault", ["server_error=0.3", "rate_limit=0.3", "reset=0.3",
                                   "truncated_json=0.3", "duplicates=0.5", "late_items=0.3",
                                   "slow=0.15"])
def test_every_fault_loses_nothing_and_duplicates_nothing(store, config, fault) -> None:
    fake = start_fake(seed=21, faults=(fault,), posts=5, comments=120, conversations=12,
                      slow_seconds=0.6)
    try:
        sleeps: list[float] = []
        for _ in range(6):  # passes fail part-way under heavy faults; later passes finish
            report = syncer(store, fake, config, page_size=10, timeout=0.3,
                            sleeps=sleeps).run(full=True)
            if report.ok:
                break
        assert report.ok, report.error
        assert fake.stats()["faults"][fault.split("=")[0]] > 0  # the fault really fired
        # late items may have been added by the last pass itself: one clean pass settles it
        fake.plan.faults.clear()
        assert syncer(store, fake, config).run(full=True).ok
        assert db_ids(store) == page_ids(fake)
        dupes = store.conn.execute("select count(*) - count(distinct platform_id) from items")
        assert dupes.fetchone()[0] == 0
    finally:
        fake.stop()


def test_cursor_never_passes_uncommitted_rows(store, config, monkeypatch) -> None:
    fake = start_fake(seed=31, posts=1, comments=50, conversations=0)
    try:
        import socialdesk.core.ingest.sync_rows as sync_module

        real = sync_module.upsert_platform_items
        calls = {"n": 0}

        def crash_on_third_page(*args, **kwargs):
            calls["n"] += bool(args[1])  # pages of comments (an empty messages batch too)
            if calls["n"] == 3:
                raise RuntimeError("disk went away")
            return real(*args, **kwargs)

        monkeypatch.setattr(sync_module, "upsert_platform_items", crash_on_third_page)
        crashing = syncer(store, fake, config, page_size=10)
        crashing.commit_items = 10   # a write per page (a real pass writes ~10 pages at once)
        with pytest.raises(RuntimeError):
            crashing.run(full=False)
        stored = store.conn.execute("select count(*) from items").fetchone()[0]
        assert stored == 20  # two pages committed, the third rolled back
        (post_id,) = store.conn.execute("select id from posts").fetchone()
        cursor = get_state(store, f"comments:{post_id}").cursor["after"]
        monkeypatch.setattr(sync_module, "upsert_platform_items", real)
        assert syncer(store, fake, config, page_size=10).run(full=False).ok
        assert db_ids(store) == page_ids(fake)
        assert get_state(store, f"comments:{post_id}").cursor["after"] != cursor
    finally:
        fake.stop()


def test_token_expiry_stops_at_once_without_retry_storm(store, config) -> None:
    fake = start_fake(seed=41, faults=("token_expired=#5",))
    try:
        sleeps: list[float] = []
        report = syncer(store, fake, config, sleeps=sleeps).run()
        assert report.stopped and "renew" in report.error
        assert fake.stats()["requests"] == 5 and sleeps == []
        assert "renew" in (get_state(store, "page").last_error or "")
        second = syncer(store, fake, config, sleeps=sleeps).run()
        assert second.stopped and second.requests == 1
    finally:
        fake.stop()


def test_rate_limit_with_long_wait_pauses_sync_and_says_until_when(store, config) -> None:
    fake = start_fake(seed=42, faults=("rate_limit@comments=1",), rate_limit_minutes=19)
    try:
        report = syncer(store, fake, config).run()
        assert report.stopped and "paused until" in report.error
        state = get_state(store, "page")
        assert state.backoff_until is not None
        before = fake.stats()["requests"]
        skipped = syncer(store, fake, config).run()
        assert skipped.stopped and fake.stats()["requests"] == before  # no request at all
    finally:
        fake.stop()


def test_page_replies_set_first_response_and_missing_authors_are_kept(store, config) -> None:
    fake = start_fake(seed=51, posts=6, comments=200, conversations=20)
    try:
        assert syncer(store, fake, config).run().ok
        answered = store.conn.execute(
            "select i.first_response_at, min(r.created_at) from items i join items r "
            "on r.parent_id = i.platform_id and r.from_page = 1 group by i.id").fetchall()
        assert answered and all(first == reply for first, reply in answered)
        unknown = store.conn.execute("select count(*) from items where author_id is null "
                                     "and kind = 'comment'").fetchone()[0]
        assert unknown > 0  # comments without `from` are kept
        page_items = store.conn.execute("select count(*) from items where from_page = 1 and "
                                        "status = 'closed'").fetchone()[0]
        assert page_items == fake.stats()["page_replies"] + sum(
            1 for c in fake.state.conversations for m in c.messages
            if m.author[0] == fake.page_id)
    finally:
        fake.stop()


def test_edits_and_deletions_on_the_page_are_reflected(store, config) -> None:
    fake = start_fake(seed=61, posts=2, comments=30, conversations=0)
    try:
        assert syncer(store, fake, config).run().ok
        post = fake.state.posts[-1]
        edited, removed = [c for c in post.comments if c.id][:2]
        edited.message = "EDITED: actually it was a red van"
        post.comments.remove(removed)
        report = syncer(store, fake, config).run(full=True)
        assert report.ok and report.updated == 1 and report.deleted == 1
        row = store.conn.execute("select text, edited_at from items where platform_id = ?",
                                 (edited.id,)).fetchone()
        assert row[0].startswith("EDITED") and row[1] is not None
        gone = store.conn.execute("select deleted_at, text from items where platform_id = ?",
                                  (removed.id,)).fetchone()
        assert gone[0] is not None and gone[1] == removed.message  # kept for the record
    finally:
        fake.stop()


def test_sync_of_live_traffic_keeps_up(store, config) -> None:
    fake = start_fake(seed=71, rate=600)  # ~10 items a second
    try:
        time.sleep(1.5)
        assert syncer(store, fake, config).run().ok
        time.sleep(1.0)
        fake.stop_traffic()
        assert syncer(store, fake, config).run(full=True).ok
        assert db_ids(store) == page_ids(fake)
        assert len(db_ids(store)[0]) > 60  # the live items arrived too
    finally:
        fake.stop()
