"""Follow-up: snoozed items coming back, officers' notes on items (with the members they
mention) and the handover notes between shifts. The rules live in
:mod:`socialdesk.core.triage.actions` and :mod:`socialdesk.core.desk.followup`."""

from __future__ import annotations

import json
from typing import Any

from socialdesk.core.store.db import Store, as_dicts

#: The person wrote again while their item was snoozed: in its Messenger thread, under the
#: comment, or another comment of theirs under the same comment.
_WROTE_AGAIN = """
    n.from_page = 0 and n.id != s.id and n.ingested_at > s.snoozed_at and (
        (s.thread_id is not null and n.thread_id = s.thread_id)
        or (s.kind = 'comment' and n.parent_id = s.platform_id)
        or (s.parent_id is not null and n.parent_id = s.parent_id
            and n.author_id = s.author_id))"""


def snoozes_over(store: Store, now: str) -> list[dict[str, Any]]:
    """Items whose snooze time has come (``snoozed_until`` <= ``now``), oldest first."""
    return as_dicts(store.conn.execute(
        "select id, status, snoozed_until, snoozed_by, snooze_note from items "
        "where snoozed_until is not null and snoozed_until <= ? order by snoozed_until, id",
        (now,)))


def next_snooze_end(store: Store, now: str) -> str | None:
    """The soonest time a snooze still running ends (None: nothing is snoozed)."""
    row = store.conn.execute("select min(snoozed_until) from items where snoozed_until > ?",
                             (now,)).fetchone()
    return row[0] if row else None


def snoozes_broken(store: Store, now: str) -> list[dict[str, Any]]:
    """Items still snoozed whose person has written again since: (item fields, ``by``: the
    first new item)."""
    return as_dicts(store.conn.execute(
        "select s.id, s.status, s.snoozed_until, s.snoozed_by, s.snooze_note, "
        f"min(n.id) as by_item from items s join items n on {_WROTE_AGAIN} "
        "where s.snoozed_until > ? group by s.id order by s.id", (now,)))


def add_note(store: Store, item_id: int, author: str, at: str, text: str,
             mentions: list[str]) -> int:
    """An officer's internal note on an item (inside the caller's transaction); its id."""
    with store.write():
        cursor = store.conn.execute(
            "insert into item_notes (item_id, author, at, text, mentions) values (?, ?, ?, ?, ?)",
            (item_id, author, at, text, json.dumps(mentions)))
        return int(cursor.lastrowid or 0)


def add_handover(store: Store, author: str, at: str, text: str) -> int:
    """A handover note for the next shift (inside the caller's transaction); its id."""
    with store.write():
        cursor = store.conn.execute(
            "insert into handover_notes (author, at, text) values (?, ?, ?)", (author, at, text))
        return int(cursor.lastrowid or 0)


def handover_notes(store: Store, after: str | None = None,
                   limit: int = 50) -> list[dict[str, Any]]:
    """Handover notes written after ``after`` (all: None), newest first."""
    return as_dicts(store.conn.execute(
        "select id, author, at, text, purged_at from handover_notes "
        "where at > coalesce(?, '') order by at desc, id desc limit ?", (after, limit)))
