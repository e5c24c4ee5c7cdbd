"""The outbox table: answers waiting to go to the page, being sent, sent, failed or uncertain.

Every state change is one write transaction, so of two senders on one database exactly one
claims an entry (queued → sending) before its POST.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from socialdesk.core.models import ANSWERED
from socialdesk.core.store.db import Store, as_dicts


def entry_by_key(store: Store, key: str) -> int | None:
    """The id of the entry with this idempotency key, if any."""
    row = store.conn.execute("select id from outbox where idempotency_key = ?",
                             (key,)).fetchone()
    return int(row[0]) if row else None


def add_entry(store: Store, item_id: int, action: str, text: str, language: str | None,
              key: str, actor: str, at: str, covers: Sequence[int] = (),
              close_after: bool = False, automatic: bool = False,
              send_before: str | None = None) -> int:
    """A new queued entry; returns its id (inside the caller's transaction, if any).
    ``covers``: other items of the thread the officer said this answer also answers;
    ``close_after``: the item is closed as answered once the answer has gone;
    ``automatic``: written by socialdesk, not a person (never a first response), and sent
    only before ``send_before`` (when the team is back it is no longer true)."""
    with store.write():
        cursor = store.conn.execute(
            "insert into outbox (item_id, action, text, language, idempotency_key, status, "
            "attempts, created_by, created_at, updated_at, covers, close_after, automatic, "
            "send_before) values (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?, ?)",
            (item_id, action, text, language, key, actor, at, at,
             json.dumps(list(covers)) if covers else None, int(close_after), int(automatic),
             send_before))
        return int(cursor.lastrowid or 0)


def sendable_ids(store: Store, max_attempts: int) -> list[int]:
    """Queued entries, and failed ones with attempts left, oldest first."""
    return [int(row[0]) for row in store.conn.execute(
        "select id from outbox where status = 'queued' or "
        "(status = 'failed' and attempts < ?) order by id", (max_attempts,))]


def stale_sending_ids(store: Store, before: str) -> list[int]:
    """Entries left in ``sending`` since before ``before`` (a crash mid-POST)."""
    return [int(row[0]) for row in store.conn.execute(
        "select id from outbox where status = 'sending' and updated_at < ?", (before,))]


def entry_with_item(store: Store, entry_id: int) -> dict[str, Any]:
    """An entry with what sending needs of its item (platform id, author, kind, thread)."""
    return as_dicts(store.conn.execute(
        "select o.*, i.platform_id, i.author_id, i.kind, i.created_at as item_created_at, "
        "i.thread_id from outbox o join items i on i.id = o.item_id where o.id = ?",
        (entry_id,)))[0]


def claim_entry(store: Store, entry_id: int, max_attempts: int, at: str) -> bool:
    """queued (or failed with attempts left) → sending; False when another sender has it."""
    with store.write():
        return store.conn.execute(
            "update outbox set status = 'sending', attempts = attempts + 1, updated_at = ?, "
            "first_claimed_at = coalesce(first_claimed_at, ?) "
            "where id = ? and (status = 'queued' or (status = 'failed' and attempts < ?))",
            (at, at, entry_id, max_attempts)).rowcount == 1


def linked_platform_ids(store: Store, entry_id: int) -> set[str]:
    """Ids of page objects that other outbox entries already stand for (a page check must
    never take one of them for this entry's answer)."""
    return {row[0] for row in store.conn.execute(
        "select platform_id from outbox where platform_id is not null and id != ?",
        (entry_id,))}


def set_entry(store: Store, entry_id: int, status: str, at: str, **fields: Any) -> None:
    """Set an entry's status and other columns, stamped ``at``."""
    fields.update(status=status, updated_at=at)
    assignments = ", ".join(f"{name} = :{name}" for name in fields)
    with store.write():
        store.conn.execute(f"update outbox set {assignments} where id = :id",
                           {**fields, "id": entry_id})


def hand_back(store: Store, entry_id: int) -> None:
    """The POST was refused before it could apply (token, rate limit): queued again, the
    attempt not counted."""
    with store.write():
        store.conn.execute("update outbox set status = 'queued', attempts = attempts - 1 "
                           "where id = ?", (entry_id,))


def last_message_from_person(store: Store, thread_id: str) -> str | None:
    """When the person last wrote in a Messenger thread (the 24-hour window starts there)."""
    row = store.conn.execute(
        "select max(created_at) from items where thread_id = ? and from_page = 0",
        (thread_id,)).fetchone()
    return row[0] if row else None


def record_sent(store: Store, entry: dict[str, Any], platform_id: str | None, at: str,
                answers_item: bool) -> None:
    """The entry went out: sent, and (for an answer by a person, not a hide and not an
    automatic acknowledgement) its item — and the items the officer said it covers — have
    their first response and, if open, are answered."""
    answered = [entry["item_id"], *json.loads(entry.get("covers") or "[]")]
    with store.write():
        set_entry(store, entry["id"], "sent", at, platform_id=platform_id, sent_at=at,
                  last_error=None)
        if answers_item and not entry.get("automatic"):
            store.conn.executemany(
                "update items set first_response_at = coalesce(first_response_at, ?), "
                "first_response_by = coalesce(first_response_by, ?), "
                "status = case when status in ('new', 'claimed') then 'answered' "
                "else status end, updated_at = ? where id = ?",
                [(at, entry["created_by"], at, item_id) for item_id in answered])
            if entry.get("close_after"):
                store.conn.execute(
                    "update items set status = 'closed', closed_at = ?, close_reason = ? "
                    "where id = ? and status != 'closed'", (at, ANSWERED, entry["item_id"]))


def open_items_of_thread(store: Store, item_id: int) -> list[dict[str, Any]]:
    """The other open items (new or claimed) of the person in an item's Messenger thread,
    oldest first: what an answer in that thread may also cover."""
    return as_dicts(store.conn.execute(
        "select o.id, o.created_at, o.text, o.urgent, o.category, o.attachments from items i "
        "join items o on o.thread_id = i.thread_id and o.id != i.id "
        "where i.id = ? and i.thread_id is not null and o.from_page = 0 "
        "and o.status in ('new', 'claimed') order by o.created_at, o.id", (item_id,)))


def entry_status(store: Store, entry_id: int) -> str | None:
    """An entry's status, or None when there is no such entry."""
    row = store.conn.execute("select status from outbox where id = ?", (entry_id,)).fetchone()
    return str(row[0]) if row else None


def requeue(store: Store, entry_id: int, at: str) -> None:
    """A person decided: the entry goes back to the queue with its attempts reset."""
    with store.write():
        store.conn.execute("update outbox set status = 'queued', attempts = 0, updated_at = ? "
                           "where id = ?", (at, entry_id))


def cancel_queued(store: Store, entry_id: int, at: str) -> bool:
    """Cancel an entry still waiting in the queue; False when it is already being sent or
    gone."""
    with store.write():
        return store.conn.execute(
            "update outbox set status = 'cancelled', updated_at = ? "
            "where id = ? and status = 'queued'", (at, entry_id)).rowcount == 1


def newest_entries(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """The newest entries with their item's platform id."""
    return as_dicts(store.conn.execute(
        "select o.id, o.item_id, i.platform_id, o.action, o.status, o.attempts, o.text, "
        "o.last_error, o.created_by, o.created_at, o.automatic from outbox o "
        "join items i on i.id = o.item_id order by o.id desc limit ?", (limit,)))
