"""Sync corners over real loopback HTTP: a post deleted on the page, a failing endpoint that
must not starve Messenger, a comment deleted between two pages (issue 20)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from socialdesk.core.store import open_store
from socialdesk.core.store.cursors import get_state
from tests.ingest_helpers import db_ids, page_ids, set_faults, start_fake, syncer


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "sync.db")
    yield s
    s.close()


def delete_on_page(fake, object_id: str) -> httpx.Response:
    """DELETE /{object-id} as a page admin would (real HTTP)."""
    return httpx.delete(f"{fake.url}/v25.0/{object_id}",
                        headers={"Authorization": f"Bearer {fake.token}"})


def test_the_fake_page_deletes_as_the_graph_api_does(config) -> None:
    fake = start_fake(seed=3, posts=2, comments=10, conversations=0)
    try:
        post = fake.state.posts[0]
        answer = delete_on_page(fake, post.id)
        assert answer.status_code == 200 and answer.json() == {"success": True}
        after = httpx.get(f"{fake.url}/v25.0/{post.id}/comments",
                          headers={"Authorization": f"Bearer {fake.token}"})
        error = after.json()["error"]
        assert after.status_code == 400 and (error["code"], error["error_subcode"]) == (100, 33)
        assert delete_on_page(fake, post.id).json()["error"]["code"] == 100
    finally:
        fake.stop()


def test_a_deleted_post_is_marked_gone_and_messenger_keeps_syncing(store, config) -> None:
    fake = start_fake(seed=5, posts=4, comments=40, conversations=6)
    try:
        assert syncer(store, fake, config).run().ok
        post = next(p for p in fake.state.posts if any(c.id for c in p.comments))
        kept = sum(1 for c in post.comments if c.id)
        assert delete_on_page(fake, post.id).status_code == 200
        message = fake.state.add_message(fake.state.conversations[0], fake.state.now())
        report = syncer(store, fake, config).run(full=False)
        assert report.ok, report.error
        assert report.gone_posts == 1 and report.deleted >= kept
        assert store.conn.execute("select count(*) from items where platform_id = ?",
                                  (message.id,)).fetchone()[0] == 1
        gone = store.conn.execute("select deleted_at from posts where id = ?",
                                  (post.id,)).fetchone()[0]
        assert gone is not None
        rows = store.conn.execute("select count(*), count(deleted_at), count(text) from items "
                                  "where post_id = ? and kind = 'comment'", (post.id,)).fetchone()
        assert rows[0] >= kept and rows[0] == rows[1] == rows[2]  # kept, marked, words kept
        assert db_ids(store) == page_ids(fake)
        again = syncer(store, fake, config).run(full=False)
        posts_left = len(fake.state.posts)
        assert again.ok and again.requests == 1 + posts_left + 1  # never asked for again
    finally:
        fake.stop()


def test_a_failing_comments_endpoint_does_not_starve_messages(store, config) -> None:
    fake = start_fake(seed=7, posts=6, comments=60, conversations=8)
    try:
        set_faults(fake, "server_error@comments=1")
        sleeps: list[float] = []
        report = syncer(store, fake, config, sleeps=sleeps).run()
        assert not report.ok
        assert report.error.startswith("comments of 3 posts not synced — messages, posts ok (")
        assert db_ids(store)[1] == page_ids(fake)[1]  # every message is in
        assert get_state(store, "page").last_error == report.error  # what the status bar shows
        served = fake.stats()["requests_by_endpoint"]["comments"]
        assert served == 3 * 5  # three posts tried (1 + 4 retries each), then the step gave up
        set_faults(fake)
        assert syncer(store, fake, config).run().ok
        assert db_ids(store) == page_ids(fake)
    finally:
        fake.stop()


def test_a_comment_deleted_between_two_pages_is_not_lost_or_invented(store, config) -> None:
    fake = start_fake(seed=9, posts=2, comments=80, conversations=0)
    try:
        set_faults(fake, "vanishing@comments=0.5", seed=4)
        assert syncer(store, fake, config, page_size=7).run().ok
        assert fake.stats()["faults"]["vanishing"] > 0
        set_faults(fake)
        assert syncer(store, fake, config).run(full=True).ok
        assert db_ids(store) == page_ids(fake)
    finally:
        fake.stop()
