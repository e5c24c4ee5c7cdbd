"""Officers' tags on items (table ``item_tags``) and the merging of duplicates (``items
.duplicate_of``). The rules that decide a change live in :mod:`socialdesk.core.triage.tags`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialdesk.core.store.db import Store, as_dicts, chunks, marks


def tags_of(store: Store, item_ids: Sequence[int]) -> dict[int, list[str]]:
    """The tags of each of the given items (sorted), by item id; untagged items are absent."""
    found: dict[int, list[str]] = {}
    for part in chunks(list(item_ids)):
        for item_id, tag in store.conn.execute(
                f"select item_id, tag from item_tags where item_id in ({marks(part)}) "
                "order by item_id, tag", list(part)):
            found.setdefault(item_id, []).append(tag)
    return found


def tag_rows(store: Store, item_id: int) -> list[dict[str, Any]]:
    """One item's tags with who added them and when, oldest first."""
    return as_dicts(store.conn.execute(
        "select tag, added_by, added_at from item_tags where item_id = ? order by added_at, tag",
        (item_id,)))


def add_tag(store: Store, item_id: int, tag: str, actor: str, at: str) -> bool:
    """Put a tag on an item; False when it already had it (nothing changes then)."""
    with store.write():
        cursor = store.conn.execute(
            "insert or ignore into item_tags (item_id, tag, added_by, added_at) "
            "values (?, ?, ?, ?)", (item_id, tag, actor, at))
        return cursor.rowcount > 0


def remove_tag(store: Store, item_id: int, tag: str) -> dict[str, Any] | None:
    """Take a tag off an item; returns the removed row (to put it back on undo) or None."""
    with store.write():
        rows = as_dicts(store.conn.execute(
            "select item_id, tag, added_by, added_at from item_tags where item_id = ? "
            "and tag = ?", (item_id, tag)))
        if not rows:
            return None
        store.conn.execute("delete from item_tags where item_id = ? and tag = ?",
                           (item_id, tag))
        return rows[0]


def restore_tag(store: Store, row: dict[str, Any]) -> None:
    """Put back a tag row exactly as it was (undo of an untag)."""
    with store.write():
        store.conn.execute(
            "insert or ignore into item_tags (item_id, tag, added_by, added_at) "
            "values (?, ?, ?, ?)", (row["item_id"], row["tag"], row["added_by"],
                                    row["added_at"]))


def has_tag(store: Store, item_id: int, tag: str) -> bool:
    """Whether an item carries a tag."""
    return store.conn.execute("select 1 from item_tags where item_id = ? and tag = ?",
                              (item_id, tag)).fetchone() is not None


def tag_counts(store: Store) -> dict[str, int]:
    """How many public items carry each tag (for ``socialdesk tags``)."""
    return {tag: n for tag, n in store.conn.execute(
        "select tag, count(*) from item_tags join items on items.id = item_tags.item_id "
        "where items.from_page = 0 group by tag")}


def duplicates_of(store: Store, item_id: int) -> list[int]:
    """The items merged into this one as its duplicates, by id."""
    return [row[0] for row in store.conn.execute(
        "select id from items where duplicate_of = ? order by id", (item_id,))]


def item_tag_pairs(store: Store, window: str, params: Sequence[Any]) -> list[tuple[int, str]]:
    """(item id, tag) of the public items matching ``window`` (an SQL condition on items,
    e.g. a report's created_at bounds) — the report by tag."""
    return store.conn.execute(
        "select item_tags.item_id, item_tags.tag from item_tags join items "
        f"on items.id = item_tags.item_id where items.from_page = 0 {window}",
        list(params)).fetchall()
