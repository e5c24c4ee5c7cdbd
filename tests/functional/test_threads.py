"""A page's answer in a Messenger thread, or under a comment, found by sync: it counts as the
first response, but an item leaves To do only when an officer acts on that item.

The officers' first day (issue 27, item 1): answering the HMRC question in a thread marked
the same writer's earlier urgent welfare message as answered; it left To do and the banner.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from socialdesk.config import Config
from socialdesk.core.desk import Desk
from socialdesk.core.outbox.sender import Action
from tests.ingest_helpers import client_for, page_config

URGENT = "My elderly neighbour hasn't opened her curtains since Friday and won't answer the door"
QUESTION = "Also got an email from HMRC saying I'm owed a refund, is it real?"


@pytest.fixture
def fake(fake_page):
    return fake_page


@pytest.fixture
def live(tmp_path: Path, config: Config, fake) -> Desk:
    desk = Desk(replace(config, page=page_config(config, fake)), tmp_path / "threads.db",
                actor="tester")
    yield desk
    desk.close()


def label(desk: Desk, platform_id: str, category: str, urgent: bool) -> int:
    """Label an item as the model would, and return its id."""
    with desk.store.write():
        desk.store.conn.execute(
            "update items set category = ?, urgent = ?, model_version = 'test', "
            "sla_due_at = null where platform_id = ?", (category, int(urgent), platform_id))
    desk.fill_due_times()
    return desk.find_item(platform_id)


def status(desk: Desk, item_id: int) -> tuple[str, str | None]:
    return desk.store.conn.execute("select status, first_response_at from items where id = ?",
                                   (item_id,)).fetchone()


def test_answering_one_message_of_a_thread_leaves_its_urgent_one_to_do(live, fake) -> None:
    now = time.time()
    urgent = fake.state.add_message(None, now - 1800)
    urgent.text = URGENT
    thread = fake.state.conversations[-1]
    question = fake.state.add_message(thread, now - 600)
    question.text = QUESTION
    client = client_for(fake)
    assert live.sync_once(client=client).ok
    urgent_id = label(live, urgent.id, "concern", True)
    question_id = label(live, question.id, "concern", False)
    assert urgent_id in live.desk_counts().open_urgent_ids

    live.answer(question_id, "That email is a scam: please don't click the link.",
                Action.MESSAGE)
    assert live.send_outbox(client).sent == 1
    assert live.sync_once(client=client).ok   # the page's message comes back from the page

    assert status(live, question_id)[0] == "answered"
    urgent_status, first_response = status(live, urgent_id)
    assert urgent_status == "new"                        # still To do …
    assert urgent_id in live.desk_counts().open_urgent_ids   # … and in the banner count
    assert first_response is not None                    # the page did respond (FRT)


def test_a_page_message_typed_elsewhere_changes_no_status_in_its_thread(live, fake) -> None:
    now = time.time()
    first = fake.state.add_message(None, now - 900)
    thread = fake.state.conversations[-1]
    fake.state.add_page_message(thread, "Thanks, an officer will be in touch.", now - 300)
    client = client_for(fake)
    assert live.sync_once(client=client).ok
    item = live.find_item(first.id)
    item_status, first_response = status(live, item)
    assert item_status == "new" and first_response is not None


def test_a_reply_typed_on_the_page_under_an_urgent_comment_leaves_it_to_do(live, fake) -> None:
    client = client_for(fake)
    assert live.sync_once(client=client).ok
    post = fake.state.posts[-1]
    answered = {c.parent_id for c in post.comments if c.author and c.author[0] == fake.page_id}
    urgent, plain = [c for c in post.comments if c.id and c.id not in answered
                     and c.author and c.author[0] != fake.page_id][:2]
    urgent_id = label(live, urgent.id, "report", True)
    plain_id = label(live, plain.id, "chat", False)
    fake.state.add_reply(urgent, "Please ring 999 now.")
    fake.state.add_reply(plain, "Diolch!")
    assert live.sync_once(full=True, client=client).ok
    assert status(live, urgent_id)[0] == "new" and status(live, urgent_id)[1] is not None
    assert urgent_id in live.desk_counts().open_urgent_ids
    # a reply right under an ordinary comment answers that comment
    assert status(live, plain_id)[0] == "answered"


def test_a_page_answered_comment_waits_for_the_model_before_leaving_to_do(live, fake) -> None:
    from socialdesk.core.store.items import settle_answered_comments

    post = fake.state.posts[-1]
    for text in ("Well done all", "Is the station open on Sunday?"):
        comment = fake.state.add_public_comment(post, time.time() - 3600)
        comment.message = text
        fake.state.add_reply(comment, "Diolch / Thank you", time.time() - 1800)
    assert live.sync_once(client=client_for(fake)).ok
    rows = live.store.conn.execute(
        "select id from items where kind = 'comment' and from_page = 0 "
        "and first_response_by = 'page' order by id").fetchall()
    ids = [row[0] for row in rows]
    assert len(ids) >= 2
    assert all(status(live, i)[0] == "new" for i in ids)  # not classified yet: still To do
    urgent, plain = ids[:2]
    with live.store.write():
        live.store.conn.execute("update items set urgent = (id = ?) where id in (?, ?)",
                                (urgent, urgent, plain))
    assert settle_answered_comments(live.store, [urgent, plain]) == 1
    assert status(live, plain)[0] == "answered" and status(live, urgent)[0] == "new"


def test_an_answer_covers_the_earlier_messages_the_officer_ticks(live, fake) -> None:
    now = time.time()
    first = fake.state.add_message(None, now - 1800)
    thread = fake.state.conversations[-1]
    second = fake.state.add_message(thread, now - 900)
    third = fake.state.add_message(thread, now - 600)
    client = client_for(fake)
    assert live.sync_once(client=client).ok
    ids = [label(live, m.id, "concern", False) for m in (first, second, third)]
    other = fake.state.add_message(None, now - 300)          # another person's thread
    assert live.sync_once(client=client).ok
    stranger = live.find_item(other.id)
    assert {r["id"] for r in live.thread_open_items(ids[2])} == {ids[0], ids[1]}
    from socialdesk.core.triage.actions import ActionRefused
    with pytest.raises(ActionRefused, match="not an open item of this conversation"):
        live.answer(ids[2], "Thanks, we'll be in touch.", Action.MESSAGE, covers=[stranger])
    live.answer(ids[2], "Thanks, we'll be in touch.", Action.MESSAGE, covers=[ids[0]],
                close_after=True)
    assert live.send_outbox(client).sent == 1
    assert status(live, ids[0])[0] == "answered"            # ticked
    assert status(live, ids[1])[0] == "new"                 # not ticked: still To do
    assert status(live, ids[2])[0] == "closed"              # send and close
    assert live.item_detail(ids[2])["close_reason"] == "answered"
    history = [h["action"] for h in live.item_detail(ids[0])["history"]]
    assert "covered" in history
