"""People: which page-scoped author ids are one person, their contacts, and safeguarding
markers. The one place identity is resolved: every other query asks :func:`person_ids` (or
embeds :data:`GROUP_OF`) rather than reading ``person_links`` itself.

A person is the group of author ids an officer linked (``person_links``: one row per linked
id, all rows of a group sharing a ``person`` key); an id with no row is a person by itself.
The key is a fresh label (``person:…``), never an author id, so unlinking the id a group was
named after cannot leave two groups under one key.

A marker is set on one author id and belongs to the person that id is part of: linking shows
it on every linked id, unlinking keeps it with the id it was set on.
"""

from __future__ import annotations

import uuid
from typing import Any

from socialdesk.core.store.db import Store, as_dicts, marks

#: The author ids of the person ``{author}`` belongs to (``{author}``: a column or ``?``).
GROUP_OF = ("select l2.author_id from person_links l1 join person_links l2 "
            "on l2.person = l1.person where l1.author_id = {author} union all select {author}")

#: Marker kinds, by the words shown and typed.
MARKER_KINDS = ("vulnerable adult", "child at risk", "repeat victim", "other")

#: Columns of a person's items (the contact history, and the evidence timeline's contract).
PERSON_ITEM_COLUMNS = (
    "id", "created_at", "kind", "category", "urgent", "language", "text", "status",
    "first_response_at", "first_response_by", "assignee", "close_reason", "post_id",
    "thread_id")

ACTIVE = "removed_at is null"


def person_key(store: Store, author_id: str) -> str | None:
    """The group key of a linked id (None: the id is a person by itself)."""
    row = store.conn.execute("select person from person_links where author_id = ?",
                             (author_id,)).fetchone()
    return str(row[0]) if row else None


def person_ids(store: Store, author_id: str) -> list[str]:
    """Every author id of the person ``author_id`` is part of (itself first, the rest
    sorted)."""
    key = person_key(store, author_id)
    if key is None:
        return [author_id]
    others = sorted(str(row[0]) for row in store.conn.execute(
        "select author_id from person_links where person = ? and author_id != ?",
        (key, author_id)))
    return [author_id, *others]


def link_rows(store: Store, author_ids: list[str]) -> list[dict[str, Any]]:
    """The link rows of the groups these ids belong to (what an undo restores)."""
    keys = [k for k in {person_key(store, a) for a in author_ids} if k is not None]
    if not keys:
        return []
    return as_dicts(store.conn.execute(
        f"select author_id, person, linked_by, linked_at from person_links "
        f"where person in ({marks(keys)}) order by author_id", keys))


def link(store: Store, author_id: str, other: str, by: str, at: str) -> None:
    """Make ``author_id`` and ``other`` one person, merging their groups (inside the caller's
    transaction)."""
    mine, theirs = person_key(store, author_id), person_key(store, other)
    key = mine or theirs or f"person:{uuid.uuid4().hex[:16]}"
    if mine and theirs and mine != theirs:
        store.conn.execute("update person_links set person = ? where person = ?", (key, theirs))
    for author in (author_id, other):
        store.conn.execute(
            "insert into person_links (author_id, person, linked_by, linked_at) "
            "values (?, ?, ?, ?) on conflict(author_id) do nothing", (author, key, by, at))


def unlink(store: Store, author_id: str) -> None:
    """Split ``author_id`` out of its group (a group left with one id is dissolved)."""
    key = person_key(store, author_id)
    if key is None:
        return
    store.conn.execute("delete from person_links where author_id = ?", (author_id,))
    left = store.conn.execute("select count(*) from person_links where person = ?",
                              (key,)).fetchone()[0]
    if left < 2:
        store.conn.execute("delete from person_links where person = ?", (key,))


def restore_links(store: Store, author_ids: list[str], rows: list[dict[str, Any]]) -> None:
    """Put the groups of ``author_ids`` back as ``rows`` held them (an undo)."""
    touched = set(author_ids) | {str(r["author_id"]) for r in rows}
    keys = {k for k in (person_key(store, a) for a in touched) if k is not None}
    for key in keys:
        store.conn.execute("delete from person_links where person = ?", (key,))
    for row in rows:
        store.conn.execute(
            "insert or replace into person_links (author_id, person, linked_by, linked_at) "
            "values (:author_id, :person, :linked_by, :linked_at)", row)


def known_author(store: Store, author_id: str) -> bool:
    """Whether any item, link or marker names this author id."""
    return any(store.conn.execute(sql, (author_id,)).fetchone() for sql in (
        "select 1 from items where author_id = ? limit 1",
        "select 1 from person_links where author_id = ?",
        "select 1 from safeguarding_markers where author_id = ? limit 1"))


def newest_item(store: Store, author_id: str) -> int | None:
    """The newest public item of one author id (None: none left)."""
    row = store.conn.execute(
        "select id from items where author_id = ? and +from_page = 0 "
        "order by created_at desc, id desc limit 1", (author_id,)).fetchone()
    return int(row[0]) if row else None


def author_name(store: Store, author_ids: list[str]) -> str | None:
    """The newest name the person wrote under (None: unknown or purged)."""
    row = store.conn.execute(
        f"select author_name from items where author_id in ({marks(author_ids)}) "
        "and author_name is not null order by created_at desc limit 1", author_ids).fetchone()
    return str(row[0]) if row else None


def person_items(store: Store, author_ids: list[str]) -> list[dict[str, Any]]:
    """Every public item of these author ids, newest first, with the first answer the team
    sent to each (``answer``: its text, ``answer_by``)."""
    columns = ", ".join(PERSON_ITEM_COLUMNS)
    return as_dicts(store.conn.execute(
        f"select {columns}, author_id, author_name, purged_at, "
        "(select text from outbox o where o.item_id = items.id and o.status = 'sent' "
        " and o.action in ('reply', 'private_reply', 'message') order by o.id limit 1) "
        "as answer, "
        "(select created_by from outbox o where o.item_id = items.id and o.status = 'sent' "
        " and o.action in ('reply', 'private_reply', 'message') order by o.id limit 1) "
        "as answer_by "
        # "+from_page": the person index, not a from_page index, must lead (100,000 items:
        # 190 ms through the wrong one for a person with 600 items)
        f"from items where author_id in ({marks(author_ids)}) and +from_page = 0 "
        "order by created_at desc, id desc", author_ids))


def contact_counts(store: Store, author_ids: list[str], created_at: str,
                   since: str) -> tuple[int, int, int]:
    """(earlier contacts, contacts since ``since`` up to and including ``created_at``, all
    contacts) of a person."""
    row = store.conn.execute(
        f"select coalesce(sum(created_at < ?), 0), "
        f"coalesce(sum(created_at >= ? and created_at <= ?), 0), count(*) from items "
        f"where author_id in ({marks(author_ids)}) and +from_page = 0",
        [created_at, since, created_at, *author_ids]).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def recent_authors(store: Store, limit: int = 30) -> list[dict[str, Any]]:
    """The authors who wrote most recently (to pick one to link), newest first."""
    return as_dicts(store.conn.execute(
        "select author_id, author_name, max(created_at) as last_at from items "
        "where from_page = 0 and author_id is not null and author_id != '' "
        "and id in (select id from items where from_page = 0 order by created_at desc "
        "limit ?) group by author_id order by last_at desc", (limit * 5,)))[:limit]


# ── safeguarding markers ─────────────────────────────────────────────────────────────────

MARKER_COLUMNS = ("id, author_id, kind, reason, set_by, set_at, review_on, updated_by, "
                  "updated_at, removed_by, removed_at, purged_at")


def active_markers(store: Store, author_ids: list[str]) -> list[dict[str, Any]]:
    """The markers in force on any of these ids, newest first."""
    return as_dicts(store.conn.execute(
        f"select {MARKER_COLUMNS} from safeguarding_markers where {ACTIVE} "
        f"and author_id in ({marks(author_ids)}) order by set_at desc, id desc", author_ids))


def marker(store: Store, marker_id: int) -> dict[str, Any] | None:
    """One marker by id."""
    rows = as_dicts(store.conn.execute(
        f"select {MARKER_COLUMNS} from safeguarding_markers where id = ?", (marker_id,)))
    return rows[0] if rows else None


def add_marker(store: Store, author_id: str, kind: str, reason: str, review_on: str,
               by: str, at: str) -> int:
    """A new marker (inside the caller's transaction); its id."""
    cursor = store.conn.execute(
        "insert into safeguarding_markers (author_id, kind, reason, set_by, set_at, review_on) "
        "values (?, ?, ?, ?, ?, ?)", (author_id, kind, reason, by, at, review_on))
    return int(cursor.lastrowid or 0)


def update_marker(store: Store, marker_id: int, kind: str, reason: str, review_on: str,
                  by: str, at: str) -> None:
    """Change a marker's kind, reason and review date."""
    store.conn.execute(
        "update safeguarding_markers set kind = ?, reason = ?, review_on = ?, updated_by = ?, "
        "updated_at = ? where id = ?", (kind, reason, review_on, by, at, marker_id))


def remove_marker(store: Store, marker_id: int, by: str, at: str) -> None:
    """End a marker (the row stays: who set and removed it, when)."""
    store.conn.execute("update safeguarding_markers set removed_by = ?, removed_at = ? "
                       "where id = ?", (by, at, marker_id))


def markers(store: Store, due_on: str | None = None) -> list[dict[str, Any]]:
    """Markers in force (``due_on``: only those whose review date is on or before it), the
    soonest review first, with the newest name of the person they mark."""
    where, params = ACTIVE, []
    if due_on is not None:
        where += " and review_on <= ?"
        params.append(due_on)
    return as_dicts(store.conn.execute(
        f"select {MARKER_COLUMNS}, (select author_name from items i where i.author_id = "
        "m.author_id and author_name is not null order by created_at desc limit 1) "
        f"as author_name from safeguarding_markers m where {where} order by review_on, id",
        params))


def marked_author_ids(store: Store) -> list[str]:
    """Every author id of every person with a marker in force (a small set)."""
    return [str(row[0]) for row in store.conn.execute(
        f"select author_id from safeguarding_markers where {ACTIVE} union "
        "select l2.author_id from safeguarding_markers m join person_links l1 "
        "on l1.author_id = m.author_id join person_links l2 on l2.person = l1.person "
        f"where m.{ACTIVE}")]
