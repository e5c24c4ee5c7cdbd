"""Queries on the items table (every query parameterised)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from socialdesk.core.media import attachments_to_json
from socialdesk.core.models import Item
from socialdesk.core.places import aliases_at, words_of
from socialdesk.core.store.db import Store, as_dicts, chunks, marks
from socialdesk.core.store.migrations import ITEM_COLUMNS
from socialdesk.core.store.places import retag_edited
from socialdesk.core.welsh import search_forms


def get_item(store: Store, item_id: int) -> dict[str, Any] | None:
    """Every column of one item, or None when there is no such item."""
    rows = as_dicts(store.conn.execute("select * from items where id = ?", (item_id,)))
    return rows[0] if rows else None


def item_exists(store: Store, item_id: int) -> bool:
    """True when the desk holds an item numbered ``item_id`` (purged or not)."""
    return store.conn.execute("select 1 from items where id = ?", (item_id,)).fetchone() is not None


def author_of(store: Store, item_id: int) -> str | None:
    """The platform author id of item ``item_id``; None when there is no such item, or its
    author is unknown or purged."""
    row = store.conn.execute("select author_id from items where id = ?", (item_id,)).fetchone()
    return str(row[0]) if row and row[0] else None


def find_item_id(store: Store, ref: str) -> int | None:
    """The id of the item whose platform id is ``ref``, or whose number is ``ref``."""
    row = store.conn.execute(
        "select id from items where platform_id = ? or (? glob '[0-9]*' and id = ?)",
        (ref, ref, ref)).fetchone()
    return int(row[0]) if row else None


def items_by_platform_ids(store: Store, platform_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The items with these platform ids, oldest first."""
    found: list[dict[str, Any]] = []
    for chunk in chunks(platform_ids):
        found += as_dicts(store.conn.execute(
            f"select * from items where platform_id in ({marks(chunk)})", list(chunk)))
    return sorted(found, key=lambda item: (item["created_at"], item["id"]))


def existing_platform_ids(store: Store, platform_ids: list[str]) -> set[str]:
    """Which of these platform ids are already in the items table."""
    found: set[str] = set()
    for chunk in chunks(platform_ids):
        found.update(row[0] for row in store.conn.execute(
            f"select platform_id from items where platform_id in ({marks(chunk)})", chunk))
    return found


def _row(item: Item, purge_before: str | None, now: str) -> dict[str, object]:
    """An item's row; one created before ``purge_before`` (the retention cutoff) is stored
    already purged: its times and labels for the reports, never its words or its author."""
    row = item.to_row()
    if purge_before and str(row["created_at"]) < purge_before:
        row.update(text="", author_name=None, author_id=None, post_text=None, attachments=None,
                   permalink_url=None, purged_at=now)
    return row


#: The columns an item's new row is written with, in order (:meth:`Item.to_row`'s, the
#: purge mark, and the first-response due time when the caller knows it).
NEW_ROW_COLUMNS = ("platform_id", "kind", "page_id", "post_id", "thread_id", "parent_id",
                   "author_id", "author_name", "text", "post_text", "from_page", "source",
                   "created_at", "ingested_at", "language", "category", "urgent", "confidence",
                   "status", "assignee", "closed_at", "close_reason", "attachments",
                   "permalink_url", "purged_at", "sla_due_at")
_NEW_ROW = itemgetter(*NEW_ROW_COLUMNS)
_NO_VALUES: dict[str, object] = dict.fromkeys(NEW_ROW_COLUMNS)
_CREATED_AT = itemgetter(1 + NEW_ROW_COLUMNS.index("created_at"))
_INSERT_NEW = (f"insert into items (id, {', '.join(NEW_ROW_COLUMNS)}) "
               f"values ({', '.join('?' * (len(NEW_ROW_COLUMNS) + 1))})")


def insert_rows_indexed(store: Store, rows: Sequence[dict[str, object]],
                        in_order_of_time: bool = True) -> None:
    """Insert new item rows (keys of :data:`NEW_ROW_COLUMNS`; a missing one is NULL) and
    index their words with ONE statement, in the caller's write transaction.

    The full-text trigger indexes a row at a time, and merely having it fire (even to do
    nothing) cost over half of an import of 100,000 lines. So inside the transaction the
    insert trigger is set aside, the rows go in (ids in the given order, written in order of
    time: most of the table's indexes lead with it), one ``INSERT … SELECT`` indexes their
    words, and the trigger is put back as it was, all before the commit. No other connection
    can write meanwhile nor ever sees the table without its trigger, and a crash rolls the
    whole lot back: the index matches the table at every commit, whoever wrote.

    With ``in_order_of_time`` False the rows are written in id order instead: when the
    table's secondary indexes are set aside (a bulk import), appending to the table itself
    is what costs, and out of id order it cost 2.4× as much.
    """
    if not rows:
        return
    if not store.conn.in_transaction:
        raise RuntimeError("insert_rows_indexed runs inside a write transaction")
    first = int(store.conn.execute("select coalesce(max(id), 0) + 1 from items").fetchone()[0])
    values = [(first + n, *_NEW_ROW(_NO_VALUES | row)) for n, row in enumerate(rows)]
    if in_order_of_time:
        values.sort(key=_CREATED_AT)
    trigger = store.conn.execute("select sql from sqlite_master where type = 'trigger' "
                                 "and name = 'items_ai'").fetchone()
    dropped = False
    try:
        if trigger:
            store.conn.execute('DROP TRIGGER "items_ai"')
            dropped = True
        store.conn.executemany(_INSERT_NEW, values)
        store.conn.execute("insert into items_fts (rowid, text, author_name) "
                           "select id, text, author_name from items where id between ? and ?",
                           (first, first + len(rows) - 1))
    finally:   # on an error too, should the caller not roll back
        if dropped and store.conn.in_transaction:
            store.conn.execute(trigger[0])


def insert_new_items(store: Store, items: Iterable[Item], purge_before: str | None = None,
                     now: str = "", due: Callable[[list[str]], list[str]] | None = None,
                     bulk: bool = False) -> int:
    """Insert items whose platform id is not in the DB yet; return how many were new.

    Existing rows are left untouched (importing a file twice adds nothing); a platform id
    repeated within ``items`` counts once; an item older than ``purge_before`` keeps no
    personal data; ``due`` gives public items' first-response due times from their stored
    ``created_at``, all at once (else the next fill of due times does). ``bulk``: the
    table's secondary indexes are set aside (see :func:`insert_rows_indexed`). Runs inside
    the caller's transaction if there is one.
    """
    batch = list(items)
    if not batch:
        return 0
    with store.write():
        seen = existing_platform_ids(store, [item.platform_id for item in batch])
        rows = []
        for item in batch:
            if item.platform_id not in seen:
                seen.add(item.platform_id)
                rows.append(_row(item, purge_before, now))
        if due is not None:
            public = [row for row in rows if not row["from_page"]]
            for row, due_at in zip(public, due([str(row["created_at"]) for row in public]),
                                   strict=True):
                row["sla_due_at"] = due_at
        insert_rows_indexed(store, rows, in_order_of_time=not bulk)
        return len(rows)


def last_item_id(store: Store) -> int:
    """The highest item id (0 for an empty table): about how many items there are."""
    return int(store.conn.execute("select coalesce(max(id), 0) from items").fetchone()[0])


def count_items(store: Store, **equals: Any) -> int:
    """Count items whose columns equal the given values, e.g. ``count_items(s, status="new")``."""
    unknown = set(equals) - set(ITEM_COLUMNS)
    if unknown:
        raise ValueError(f"not item columns: {sorted(unknown)}")
    where = " and ".join(f"[{column}] = ?" for column in equals) or "1"
    row = store.conn.execute(f"select count(*) from items where {where}",
                             list(equals.values())).fetchone()
    return int(row[0])


def _word_group(word: str) -> str:
    """One typed word as an FTS5 group: any of its Welsh mutated forms, as a prefix."""
    forms = [f'"{form.replace(chr(34), chr(34) * 2)}"*' for form in search_forms(word)]
    return forms[0] if len(forms) == 1 else f"({' OR '.join(forms)})"


def _name_group(name: tuple[str, ...]) -> str:
    """A place name as FTS5: a one-word name in all its mutated forms, a longer one as a
    phrase (its first word in each mutated form: "ym Mhorthaethwy", "i Fiwmares")."""
    if len(name) == 1:
        return _word_group(name[0])
    rest = " ".join(name[1:])
    return " OR ".join(f'"{first} {rest}"' for first in search_forms(name[0]))


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word must match, as a prefix,
    in any of its Welsh mutated forms (see :mod:`socialdesk.core.welsh`), and a place name
    matches under any of its names (Caergybi or Holyhead: :mod:`socialdesk.core.places`)."""
    words = words_of(text)
    groups, at = [], 0
    while at < len(words):
        taken, names = aliases_at(words, at)
        if taken:
            groups.append(f"({' OR '.join(_name_group(name) for name in names)})")
            at += taken
            continue
        groups.append(_word_group(words[at]))
        at += 1
    return " AND ".join(groups)


def search_items(store: Store, text: str, limit: int = 100) -> list[dict[str, Any]]:
    """Items whose text or author match all the typed words (newest first)."""
    query = fts_query(text)
    if not query:
        return []
    return as_dicts(store.conn.execute(
        "select items.* from items join items_fts on items_fts.rowid = items.id "
        "where items_fts match ? order by items.created_at desc limit ?", (query, limit)))


def upsert_platform_items(store: Store, items: list[Item], now: str,
                          purge_before: str | None = None,
                          bulk: bool = False) -> tuple[list[str], int]:
    """Insert new items, update text/author/attachments of changed ones, leave the rest
    untouched.

    Returns (platform ids of new items, number of changed items). Triage fields (status,
    category, assignee…) are never overwritten by a sync. An item seen again after being marked
    deleted is restored. A purged item is never written to again (its words stay gone), and a
    new item older than ``purge_before`` is stored without them. ``bulk``: the table's
    secondary indexes are set aside (see :func:`insert_rows_indexed`). Runs inside the
    caller's transaction.
    """
    if not items:
        return [], 0
    by_id = {item.platform_id: item for item in items}
    known: dict[str, tuple[Any, ...]] = {}
    for chunk in chunks(list(by_id)):
        for pid, *rest in store.conn.execute(
                f"select platform_id, text, author_name, deleted_at, purged_at, attachments, "
                f"permalink_url from items where platform_id in ({marks(chunk)})", chunk):
            known[pid] = tuple(rest)
    new = [item for pid, item in by_id.items() if pid not in known]
    changed = [item for pid, item in by_id.items() if pid in known and known[pid][3] is None
               and (known[pid][0] != item.text or known[pid][1] != item.author_name
                    or known[pid][2] is not None
                    or _media_changed(item, known[pid][4], known[pid][5]))]
    with store.write():
        insert_rows_indexed(store, [_row(item, purge_before, now) for item in new],
                            in_order_of_time=not bulk)
        # attachments and the permalink are only ever replaced by something: a pass whose
        # answer lacked them (not asked for, or malformed) never blanks what was stored
        store.conn.executemany(
            "update items set text = :text, author_name = :author, deleted_at = null, "
            "edited_at = case when text != :text then :now else edited_at end, "
            "attachments = coalesce(:attachments, attachments), "
            "permalink_url = coalesce(:permalink, permalink_url), "
            "updated_at = :now where platform_id = :pid",
            [{"text": i.text, "author": i.author_name, "now": now, "pid": i.platform_id,
              "attachments": attachments_to_json(i.attachments), "permalink": i.permalink_url}
             for i in changed])
        # an edited text names other places (the watermark tags the new items)
        retag_edited(store, [(i.platform_id, i.text) for i in changed
                             if known[i.platform_id][0] != i.text])
    return [item.platform_id for item in new], len(changed)


#: A page item that is not socialdesk's automatic acknowledgement (which is no first response):
#: neither the page object an automatic entry stands for, nor — when its sending ended
#: uncertain and it has no id — a page reply with its words in the same thread or under the
#: same comment.
PERSON_WROTE = (
    "not exists (select 1 from outbox ao join items ai on ai.id = ao.item_id "
    "where ao.automatic = 1 and (ao.platform_id = items.platform_id "
    "or (ao.text = items.text and (ai.thread_id = items.thread_id "
    "or ai.platform_id = items.parent_id))))")


def _media_changed(item: Item, stored_attachments: str | None,
                   stored_permalink: str | None) -> bool:
    """Whether a synced item brings attachments or a permalink the stored row lacks."""
    fresh = attachments_to_json(item.attachments)
    return bool((fresh and fresh != stored_attachments)
                or (item.permalink_url and item.permalink_url != stored_permalink))


def link_page_replies(store: Store, parent_ids: Iterable[str], thread_ids: Iterable[str]) -> int:
    """Set first responses from the page's own replies (comments) and messages (threads).

    A comment's first response is the earliest page reply under it; a message's is the earliest
    page message in its thread after it. That is all a page message does to a thread: which of
    the thread's messages an answer covers is an officer's call (DESIGN §4), so their status is
    left alone. A reply right under a comment answers that comment: see
    :func:`settle_answered_comments`. Returns how many items got a (earlier) first response.
    """
    # Each unary + keeps SQLite on the parent_id / thread_id index: left to itself (there is
    # no ANALYZE) it read every page reply, or every public item, through
    # idx_items_inbox_done for each page of a sync (13,731 items: 3.9 ms per page of 100).
    parents, threads = sorted(set(parent_ids)), sorted(set(thread_ids))
    changed = 0
    with store.write():
        for chunk in chunks(parents):
            changed += store.conn.execute(
                f"""update items set first_response_at = r.t,
                        first_response_by = coalesce(items.first_response_by, 'page')
                    from (select parent_id, min(created_at) as t from items
                          where +from_page = 1 and parent_id in ({marks(chunk)})
                            and {PERSON_WROTE}
                          group by parent_id) r
                    where items.platform_id = r.parent_id and items.from_page = 0
                      and (items.first_response_at is null or items.first_response_at > r.t)""",
                chunk).rowcount
            # by platform id, not by idx_items_inbox_open (every non-urgent public item)
            store.conn.execute(f"update items indexed by idx_items_platform_id "
                               f"set {ANSWERED_ON_PAGE} and platform_id in ({marks(chunk)})",
                               chunk)
        for chunk in chunks(threads):
            changed += store.conn.execute(
                f"""update items set first_response_at = r.t,
                        first_response_by = coalesce(items.first_response_by, 'page')
                    from (select u.id as uid, min(p.created_at) as t
                          from items u join items p on p.thread_id = u.thread_id
                          where u.thread_id in ({marks(chunk)}) and +u.from_page = 0
                            and +p.from_page = 1 and +p.created_at >= u.created_at
                            and {PERSON_WROTE.replace("items.", "p.")}
                          group by u.id) r
                    where items.id = r.uid
                      and (items.first_response_at is null or items.first_response_at > r.t)""",
                chunk).rowcount
    return changed


#: A comment the page replied to right under it (typed in socialdesk or elsewhere) is answered,
#: once the model has said it is not urgent: an urgent item, or one not classified yet, stays
#: To do until an officer acts on it.
ANSWERED_ON_PAGE = ("status = 'answered' where kind = 'comment' and from_page = 0 "
                    "and status in ('new', 'claimed') and urgent = 0 "
                    "and first_response_at is not null")


def settle_answered_comments(store: Store, item_ids: Sequence[int]) -> int:
    """Mark answered those of the given items that are non-urgent comments with a page reply
    under them (called once the model has classified them); returns how many changed."""
    changed = 0
    with store.write():
        for chunk in chunks(item_ids):
            changed += store.conn.execute(
                f"update items set {ANSWERED_ON_PAGE} and id in ({marks(chunk)})",
                list(chunk)).rowcount
    return changed


def mark_deleted(store: Store, post_id: str, seen: set[str], now: str) -> int:
    """Mark comments of a post that the platform no longer lists as deleted; return how many."""
    rows = store.conn.execute(
        "select platform_id from items where post_id = ? and kind = 'comment' "
        "and source = 'graph' and deleted_at is null", (post_id,)).fetchall()
    gone = [pid for (pid,) in rows if pid not in seen]
    with store.write():
        store.conn.executemany("update items set deleted_at = ?, updated_at = ? "
                               "where platform_id = ?", [(now, now, pid) for pid in gone])
    return len(gone)


def items_missing_due_time(store: Store, limit: int) -> list[tuple[int, str, str | None, int]]:
    """(id, created_at, category, urgent) of up to ``limit`` public items with no first-response
    due time yet."""
    # The partial index holds exactly the items still waiting, so a batch never re-scans
    # the ones already done, and "nothing to do" costs one index probe.
    return store.conn.execute(
        "select id, created_at, category, urgent from items indexed by idx_items_due_missing "
        "where sla_due_at is null and from_page = 0 limit ?", (limit,)).fetchall()


def set_due_times(store: Store, due: Sequence[tuple[str, int]]) -> None:
    """Write (due time, item id) pairs in one transaction."""
    with store.write():
        store.conn.executemany("update items set sla_due_at = ? where id = ?", due)
