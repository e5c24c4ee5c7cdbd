"""Every answer and safety post exactly once in the corners (issue 20): a POST applied but
answered with a server error, a page check that must not take an older identical message, a
retry long after the first attempt, an undo and a new answer. (The safety-post corners are in
test_posts.py.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from socialdesk.core.desk import Desk
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.outbox.sender import Action, OutboxSender
from socialdesk.core.store import open_store
from socialdesk.core.store.outbox import cancel_queued
from socialdesk.core.triage.actions import ActionRefused
from tests.functional.test_outbox import a_comment, received, status_of, synced
from tests.ingest_helpers import client_for, set_faults, syncer


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "once.db")
    yield s
    s.close()


def lost_post(*_args, **_kw):
    raise outbox.UncertainOutcome("ReadTimeout")  # the POST never reached the page


def platform_id_of(store, item: int) -> str:
    return store.conn.execute("select platform_id from items where id = ?",
                              (item,)).fetchone()[0]


# ── the outbox ───────────────────────────────────────────────────────────────────────────────


def test_a_reply_applied_but_answered_500_is_found_not_sent_again(store, config) -> None:
    fake = synced(store, config, "applied_error@reply=1")
    try:
        entry, _ = outbox.queue(store, a_comment(store), Action.REPLY, "We'll call you", "nia")
        first = OutboxSender(store, client_for(fake), fake.page_id).run()
        assert first.failed == 1 and len(received(fake, "reply")) == 1  # applied, yet 500
        second = OutboxSender(store, client_for(fake), fake.page_id).run()
        assert second.sent == 1 and status_of(store, entry) == "sent"
        assert len(received(fake, "reply")) == 1  # found on the page, not posted again
        sent_as = store.conn.execute("select platform_id from outbox where id = ?",
                                     (entry,)).fetchone()[0]
        assert sent_as == received(fake, "reply")[0]["id"]
    finally:
        fake.stop()


def test_a_reply_answered_500_and_not_applied_is_sent_after_a_page_check(store, config) -> None:
    fake = synced(store, config, "server_error@reply=1")
    try:
        entry, _ = outbox.queue(store, a_comment(store), Action.REPLY, "Diolch", "nia")
        assert OutboxSender(store, client_for(fake), fake.page_id).run().failed == 1
        set_faults(fake)
        before = fake.stats()["requests_by_endpoint"].get("comments", 0)
        assert OutboxSender(store, client_for(fake), fake.page_id).run().sent == 1
        assert fake.stats()["requests_by_endpoint"]["comments"] > before  # looked first
        assert len(received(fake, "reply")) == 1 and status_of(store, entry) == "sent"
    finally:
        fake.stop()


def test_the_page_check_ignores_an_older_identical_reply(store, config) -> None:
    fake = synced(store, config)
    try:
        item = a_comment(store)
        parent = fake.state.comments_by_id[platform_id_of(store, item)]
        fake.state.add_reply(parent, "Thanks", created=time.time() - 3600)  # an hour ago
        entry, _ = outbox.queue(store, item, Action.REPLY, "Thanks", "nia")
        sender = OutboxSender(store, client_for(fake), fake.page_id)
        sender.client.post = lost_post  # type: ignore[method-assign]
        report = sender.run()
        assert report.uncertain == 1 and status_of(store, entry) == "uncertain"
    finally:
        fake.stop()


def test_the_page_check_ignores_a_message_another_entry_already_stands_for(
        store, config) -> None:
    fake = synced(store, config)
    try:
        conversation = fake.state.conversations[0]
        for _ in range(2):  # the person writes twice
            fake.state.add_message(conversation, fake.state.now())
        assert syncer(store, fake, config).run().ok
        first, second = [row[0] for row in store.conn.execute(
            "select id from items where thread_id = ? and from_page = 0 order by created_at "
            "desc limit 2", (conversation.id,))]
        one, _ = outbox.queue(store, first, Action.MESSAGE, "Diolch yn fawr", "nia")
        assert OutboxSender(store, client_for(fake), fake.page_id).run().sent == 1
        two, _ = outbox.queue(store, second, Action.MESSAGE, "Diolch yn fawr", "nia")
        sender = OutboxSender(store, client_for(fake), fake.page_id)
        sender.client.post = lost_post  # type: ignore[method-assign]
        assert sender.run().uncertain == 1  # the first answer's message is not taken for it
        assert status_of(store, one) == "sent" and status_of(store, two) == "uncertain"
    finally:
        fake.stop()


def test_undo_then_the_same_answer_again_is_sent(store, config) -> None:
    fake = synced(store, config)
    try:
        item = a_comment(store)
        entry, _ = outbox.queue(store, item, Action.REPLY, "Ring 101", "nia")
        assert cancel_queued(store, entry, "2026-12-07T10:00:00+00:00")  # undo
        again, new = outbox.queue(store, item, Action.REPLY, "Ring 101", "nia")
        assert new and again != entry
        assert OutboxSender(store, client_for(fake), fake.page_id).run().sent == 1
        assert [r["message"] for r in received(fake, "reply")] == ["Ring 101"]
    finally:
        fake.stop()


def test_the_desk_says_when_the_same_answer_is_already_waiting_or_gone(
        tmp_path, config) -> None:
    desk = Desk(config, tmp_path / "desk.db", actor="tester")
    fake = synced(desk.store, config)
    try:
        item = a_comment(desk.store)
        desk.answer(item, "On our way", Action.REPLY)
        with pytest.raises(ActionRefused, match="already waiting to go out"):
            desk.answer(item, "On our  way", Action.REPLY)
        OutboxSender(desk.store, client_for(fake), fake.page_id).run()
        with pytest.raises(ActionRefused, match="already gone to the page"):
            desk.answer(item, "On our way", Action.REPLY)
        assert len(received(fake, "reply")) == 1
    finally:
        desk.close()
        fake.stop()
