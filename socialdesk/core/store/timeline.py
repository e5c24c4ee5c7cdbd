"""What an evidence timeline reads: chosen items with their post, the team's actions on them
from the audit log, the answers from the outbox and the officers' notes; and a person's items.

The rules (what is left out, pseudonyms, the HTML) live in
:mod:`socialdesk.core.audit.timeline`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialdesk.core.store.audit_log import ABOUT_AN_ITEM
from socialdesk.core.store.db import Store, as_dicts

#: The item columns a timeline shows (never the media or the model's probabilities).
ITEM_FIELDS = ("id, platform_id, kind, created_at, language, category, urgent, text, status, "
               "author_id, author_name, post_id, post_text, thread_id, from_page, assignee, "
               "first_response_at, first_response_by, closed_at, close_reason, close_note, "
               "purged_at")


def _in(ids: Sequence[object]) -> str:
    return ", ".join("?" for _ in ids)


def timeline_items(store: Store, item_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The chosen items that exist, oldest first, each with ``post_message`` (the stored
    post's text, else the text the item came with)."""
    ids = sorted({int(i) for i in item_ids})
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), 500):   # SQLite's limit on bound values
        chunk = ids[start:start + 500]
        rows.extend(as_dicts(store.conn.execute(
            f"select {ITEM_FIELDS}, (select message from posts where posts.id = items.post_id) "
            f"as post_message from items where id in ({_in(chunk)})", chunk)))
    for row in rows:
        row["post_message"] = row["post_message"] or row["post_text"]
    return sorted(rows, key=lambda row: (row["created_at"], row["id"]))


def _by_item(store: Store, item_ids: Sequence[int], select: str, key: str,
             as_text: bool = False) -> dict[int, list[dict[str, Any]]]:
    """Rows of ``select`` (a query ending in "where <key> in") whose ``key`` is one of the
    items, grouped by item, in id order; ``as_text``: the key column holds the id as text."""
    found: dict[int, list[dict[str, Any]]] = {int(i): [] for i in item_ids}
    keys: list[Any] = [str(i) if as_text else i for i in found]
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        for row in as_dicts(store.conn.execute(f"{select} ({_in(chunk)}) order by id", chunk)):
            found[int(row[key])].append(row)
    return found


def timeline_history(store: Store, item_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The audit rows whose subject is one of the items, by item, in chain order."""
    return _by_item(store, item_ids, "select id, at, actor, action, subject, payload from "
                    f"audit_log where {ABOUT_AN_ITEM} and subject in", "subject",
                    as_text=True)


def timeline_notes(store: Store, item_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The officers' notes on the items, by item, oldest first."""
    return _by_item(store, item_ids, "select id, item_id, author, at, text, purged_at from "
                    "item_notes where item_id in", "item_id")


def timeline_answers(store: Store, item_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The outbox entries of the items (the answers the team wrote), by item, oldest first."""
    return _by_item(store, item_ids, "select id, item_id, action, status, text, created_by, "
                    "created_at, sent_at, automatic from outbox where item_id in", "item_id")


def items_of_author(store: Store, item_id: int) -> list[int]:
    """The public items written by the author of ``item_id``, newest first: by the author's
    platform id, or by the name when there is no id (imported items). Empty when the item
    does not exist or its author is unknown (purged)."""
    row = store.conn.execute("select author_id, author_name from items where id = ?",
                             (item_id,)).fetchone()
    if row is None or not (row[0] or row[1]):
        return []
    same = "author_id = ?" if row[0] else "author_id is null and author_name = ?"
    return [r[0] for r in store.conn.execute(
        f"select id from items where from_page = 0 and {same} "
        "order by created_at desc, id desc", (row[0] or row[1],))]
