"""Sending answers over loopback: exactly once, even when the POST's outcome is unknown."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from socialdesk.config import Config
from socialdesk.core.outbox import sender as outbox
from socialdesk.core.outbox.sender import Action, OutboxError, OutboxSender
from socialdesk.core.store import open_store
from tests.ingest_helpers import client_for, start_fake, syncer


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "outbox.db")
    yield s
    s.close()


def synced(store, config: Config, *faults: str, **kw):
    fake = start_fake(seed=81, faults=faults, slow_seconds=1.0, **kw)
    assert syncer(store, fake, config).run().ok
    return fake


def a_comment(store) -> int:
    return store.conn.execute(
        "select id from items where kind = 'comment' and from_page = 0 and author_id is not null"
        " and platform_id not like 'noid:%' order by created_at desc limit 1").fetchone()[0]


def a_message(store) -> int:
    return store.conn.execute("select id from items where kind = 'message' and from_page = 0 "
                              "order by created_at desc limit 1").fetchone()[0]


def received(fake, kind: str) -> list[dict]:
    return [r for r in httpx.get(f"{fake.url}/_fake/dump").json()["received"]
            if r["kind"] == kind]


def status_of(store, entry: int) -> str:
    return store.conn.execute("select status from outbox where id = ?", (entry,)).fetchone()[0]


def test_reply_is_sent_once_and_sets_first_response(store, config) -> None:
    fake = synced(store, config)
    try:
        item = a_comment(store)
        entry, new = outbox.queue(store, item, Action.REPLY, "Diolch, we're on it.", "gwen")
        again, new_again = outbox.queue(store, item, Action.REPLY, "Diolch,  we're on it.", "x")
        assert new and not new_again and again == entry  # same answer queued twice = once
        report = OutboxSender(store, client_for(fake), fake.page_id).run()
        assert report.sent == 1 and status_of(store, entry) == "sent"
        assert OutboxSender(store, client_for(fake), fake.page_id).run().sent == 0
        assert len(received(fake, "reply")) == 1
        row = store.conn.execute("select status, first_response_by, first_response_at from "
                                 "items where id = ?", (item,)).fetchone()
        assert row[0] == "answered" and row[1] == "gwen" and row[2]
    finally:
        fake.stop()


@pytest.mark.parametrize("fault", ["slow@reply=1", "reset@reply=1", "truncated_json@reply=1"])
def test_reply_whose_outcome_is_unknown_is_found_not_resent(store, config, fault) -> None:
    fake = synced(store, config, fault)
    try:
        entry, _ = outbox.queue(store, a_comment(store), Action.REPLY, "Ring 101 please", "nia")
        report = OutboxSender(store, client_for(fake, timeout=0.3), fake.page_id).run()
        assert report.sent == 1 and report.uncertain == 0
        assert status_of(store, entry) == "sent"
        assert len(received(fake, "reply")) == 1  # on the page exactly once
    finally:
        fake.stop()


def test_message_whose_outcome_is_unknown_is_found_in_the_thread(store, config) -> None:
    fake = synced(store, config, "reset@private_message=1")
    try:
        entry, _ = outbox.queue(store, a_message(store), Action.MESSAGE, "Helo! Diolch.", "nia")
        report = OutboxSender(store, client_for(fake), fake.page_id).run()
        assert report.sent == 1 and status_of(store, entry) == "sent"
        assert len(received(fake, "private_message")) == 1
    finally:
        fake.stop()


def test_not_found_after_unknown_outcome_goes_to_a_person(store, config, monkeypatch) -> None:
    fake = synced(store, config)
    try:
        entry, _ = outbox.queue(store, a_comment(store), Action.REPLY, "Thanks", "nia")
        sender = OutboxSender(store, client_for(fake), fake.page_id)

        def lost(*_args, **_kw):
            raise outbox.UncertainOutcome("ReadTimeout")  # never reached the page

        monkeypatch.setattr(sender.client, "post", lost)
        report = sender.run()
        assert report.uncertain == 1 and status_of(store, entry) == "uncertain"
        assert OutboxSender(store, client_for(fake), fake.page_id).run().sent == 0  # no resend
        outbox.resend(store, entry)  # a person checked the page and decided
        assert OutboxSender(store, client_for(fake), fake.page_id).run().sent == 1
        assert len(received(fake, "reply")) == 1
    finally:
        fake.stop()


def test_crash_while_sending_is_checked_on_restart(store, config) -> None:
    fake = synced(store, config)
    try:
        entry, _ = outbox.queue(store, a_comment(store), Action.REPLY, "On our way", "nia")
        # the process died after the POST reached the page but before it recorded it
        platform_id = store.conn.execute("select i.platform_id from items i join outbox o on "
                                         "o.item_id = i.id where o.id = ?", (entry,)).fetchone()[0]
        OutboxSender(store, client_for(fake), fake.page_id)._post(
            {"action": "reply", "text": "On our way", "platform_id": platform_id})
        store.conn.execute("update outbox set status = 'sending', updated_at = "
                           "'2000-01-01T00:00:00+00:00' where id = ?", (entry,))
        report = OutboxSender(store, client_for(fake), fake.page_id).run()
        assert report.sent == 1 and status_of(store, entry) == "sent"
        assert len(received(fake, "reply")) == 1
    finally:
        fake.stop()


def test_private_reply_hide_and_refusals(store, config) -> None:
    fake = synced(store, config)
    try:
        item = a_comment(store)
        outbox.queue(store, item, Action.PRIVATE_REPLY, "Please DM us the registration", "nia")
        outbox.queue(store, item, Action.HIDE, "", "nia")
        report = OutboxSender(store, client_for(fake), fake.page_id).run()
        assert report.sent == 2
        assert len(received(fake, "private_message")) == 1 and len(received(fake, "hide")) == 1
        # a second private reply to the same comment is refused by Facebook: failed, explained
        outbox.queue(store, item, Action.PRIVATE_REPLY, "And another thing", "nia")
        report = OutboxSender(store, client_for(fake), fake.page_id).run()
        assert report.failed == 1 and "permission or outside the allowed window" in \
            report.details[0]
        with pytest.raises(OutboxError, match="private message"):
            outbox.queue(store, a_message(store), Action.REPLY, "x", "nia")
        with pytest.raises(OutboxError, match="empty"):
            outbox.queue(store, item, Action.REPLY, "   ", "nia")
    finally:
        fake.stop()


def test_message_outside_24h_window_uses_human_agent_tag(store, config) -> None:
    fake = synced(store, config)
    try:
        item = a_message(store)
        store.conn.execute("update items set created_at = '2000-01-01T00:00:00+00:00' where "
                           "thread_id = (select thread_id from items where id = ?)", (item,))
        conversation = fake.state.conversation_by_id(store.conn.execute(
            "select thread_id from items where id = ?", (item,)).fetchone()[0])
        for message in conversation.messages:
            message.created -= 3 * 86_400  # the person wrote three days ago
        outbox.queue(store, item, Action.MESSAGE, "Sorry for the delay", "nia")
        assert OutboxSender(store, client_for(fake), fake.page_id).run().sent == 1
    finally:
        fake.stop()


def test_token_expiry_while_sending_keeps_the_entry_queued(store, config) -> None:
    fake = synced(store, config)
    try:
        entry, _ = outbox.queue(store, a_comment(store), Action.REPLY, "Thanks", "nia")
        fake.plan.expired = True
        report = OutboxSender(store, client_for(fake), fake.page_id).run()
        assert report.error and "renew" in report.error
        assert status_of(store, entry) == "queued" and received(fake, "reply") == []
    finally:
        fake.stop()
