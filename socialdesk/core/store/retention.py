"""Blanking personal data in place: the items' text, author, attachments (URLs and file
names) and link on the page, the text of answers sent to them. What the reports read (times,
category, urgency, status, officer) is kept."""

from __future__ import annotations

from collections.abc import Callable

from socialdesk.core.store.db import Store
from socialdesk.core.store.people import GROUP_OF

PURGEABLE = "from_page in (0, 1) and purged_at is null and created_at < ?"


def count_purgeable(store: Store, before: str) -> tuple[int, int]:
    """(items, answers with text) created before ``before`` and not purged yet."""
    items = store.conn.execute(f"select count(*) from items where {PURGEABLE}",
                               (before,)).fetchone()[0]
    answers = store.conn.execute(
        f"select count(*) from outbox where text != '' and item_id in "
        f"(select id from items where {PURGEABLE})", (before,)).fetchone()[0]
    return int(items), int(answers)


#: Officers' notes on items and handover notes hold personal data too (names, addresses…).
NOTES = (("item_notes", "at"), ("handover_notes", "at"))


def count_purgeable_notes(store: Store, before: str) -> int:
    """Item notes and handover notes written before ``before`` whose text is not blank yet."""
    return sum(int(store.conn.execute(
        f"select count(*) from {table} where purged_at is null and {column} < ?",
        (before,)).fetchone()[0]) for table, column in NOTES)


#: A safeguarding marker whose person's data goes (one parameter, the cutoff, twice): set
#: before the cutoff, and the person (every linked id) has no item from the cutoff on. While
#: they keep writing the marker stays: it protects them, and its review date keeps it honest.
MARKER_EXPIRED = ("purged_at is null and set_at < ? and not exists (select 1 from items i "
                  "where +i.from_page = 0 and i.created_at >= ? and i.author_id in ("
                  + GROUP_OF.format(author="safeguarding_markers.author_id") + "))")
#: A link between a person's ids, made before the cutoff, of an id with no item from the
#: cutoff on (one parameter, the cutoff, twice): the page-scoped id goes with its items.
LINK_EXPIRED = ("linked_at < ? and not exists (select 1 from items i where i.author_id = "
                "person_links.author_id and i.created_at >= ?)")


def count_purgeable_traces(store: Store, before: str) -> int:
    """Rows older than ``before`` that still name a person without being an item or a note:
    who was acknowledged out of hours, and notices whose text quotes a note."""
    acks = store.conn.execute("select count(*) from acknowledgements where at < ?",
                              (before,)).fetchone()[0]
    notices = store.conn.execute("select count(*) from notifications where text != '' "
                                 "and created_at < ?", (before,)).fetchone()[0]
    markers = store.conn.execute(f"select count(*) from safeguarding_markers "
                                 f"where {MARKER_EXPIRED}", (before, before)).fetchone()[0]
    links = store.conn.execute(f"select count(*) from person_links where {LINK_EXPIRED}",
                               (before, before)).fetchone()[0]
    return int(acks) + int(notices) + int(markers) + int(links)


def blank_personal_data(store: Store, before: str, at: str,
                        then: Callable[[], None] | None = None) -> None:
    """Blank text, author and cues of items created before ``before`` (and their answers'
    text), stamping ``purged_at``, in one transaction — then make sure the words leave the
    file: the full-text index is rebuilt without them (``optimize``), freed pages are zeroed
    (``secure_delete`` is on for every connection) and the WAL is checkpointed and truncated,
    so neither the database nor its WAL holds the purged bytes."""
    with store.write():
        # before the items lose their author ids (which say whose markers and links these are)
        store.conn.execute(
            "update safeguarding_markers set reason = '', author_id = '', purged_at = ?, "
            "removed_at = coalesce(removed_at, ?), removed_by = coalesce(removed_by, 'system') "
            f"where {MARKER_EXPIRED}", (at, at, before, before))
        store.conn.execute(f"delete from person_links where {LINK_EXPIRED}", (before, before))
        store.conn.execute(
            f"update outbox set text = '' where item_id in "
            f"(select id from items where {PURGEABLE})", (before,))
        store.conn.execute(
            f"update items set text = '', author_name = null, author_id = null, "
            f"post_text = null, urgent_cues = null, attachments = null, permalink_url = null, "
            f"snooze_note = null, purged_at = ? where {PURGEABLE}", (at, before))
        for table, column in NOTES:
            store.conn.execute(f"update {table} set text = '', purged_at = ? "
                               f"where purged_at is null and {column} < ?", (at, before))
        # who was acknowledged out of hours is a page-scoped person id: gone with the rest
        store.conn.execute("delete from acknowledgements where at < ?", (before,))
        # a notice quotes the start of a note (a mention) or a snooze's note
        store.conn.execute("update notifications set text = '' "
                           "where text != '' and created_at < ?", (before,))
        store.conn.execute("insert into items_fts(items_fts) values ('optimize')")
        if then is not None:
            then()   # the caller's audit row, in the same transaction
    store.conn.execute("pragma wal_checkpoint(TRUNCATE)")
