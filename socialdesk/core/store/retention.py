"""Blanking personal data in place: the items' text, author, attachments (URLs and file
names) and link on the page, the text of answers sent to them. What the reports read (times,
category, urgency, status, officer) is kept."""

from __future__ import annotations

from socialdesk.core.store.db import Store
from socialdesk.core.store.people import GROUP_OF
from socialdesk.core.store.settings import read_setting, write_setting

PURGEABLE = "from_page in (0, 1) and purged_at is null and created_at < ?"


def count_purgeable(store: Store, before: str) -> tuple[int, int]:
    """(items, answers with text) created before ``before`` and not purged yet."""
    items = store.conn.execute(f"select count(*) from items indexed by idx_items_unpurged "
                               f"where {PURGEABLE}", (before,)).fetchone()[0]
    answers = store.conn.execute(
        f"select count(*) from outbox where text != '' and item_id in "
        f"(select id from items indexed by idx_items_unpurged where {PURGEABLE})",
        (before,)).fetchone()[0]
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


#: Settings key: a purge blanked items whose words may still sit in the full-text index's
#: segments (it was stopped before its last step); the next purge finishes that step.
SWEEP_PENDING = "retention_sweep_pending"

#: The next items to purge, oldest first (one parameter, the cutoff; then the batch size).
#: The partial index holds only items not purged yet, so each batch starts where the last
#: one ended instead of walking past everything already purged.
NEXT_BATCH = ("select id from items indexed by idx_items_unpurged where purged_at is null "
              "and created_at < ? and from_page in (0, 1) order by created_at limit ?")


def blank_notes_and_traces(store: Store, before: str, at: str) -> None:
    """Blank the personal data that is not an item (inside the caller's transaction): expired
    safeguarding markers and person links, officers' item and handover notes, out-of-hours
    acknowledgements and the text of notices, older than ``before``. Runs before any item
    loses its author id (markers and links say whose they are through the items)."""
    with store.write():
        store.conn.execute(
            "update safeguarding_markers set reason = '', author_id = '', purged_at = ?, "
            "removed_at = coalesce(removed_at, ?), removed_by = coalesce(removed_by, 'system') "
            f"where {MARKER_EXPIRED}", (at, at, before, before))
        store.conn.execute(f"delete from person_links where {LINK_EXPIRED}", (before, before))
        for table, column in NOTES:
            store.conn.execute(f"update {table} set text = '', purged_at = ? "
                               f"where purged_at is null and {column} < ?", (at, before))
        # who was acknowledged out of hours is a page-scoped person id: gone with the rest
        store.conn.execute("delete from acknowledgements where at < ?", (before,))
        # a notice quotes the start of a note (a mention) or a snooze's note
        store.conn.execute("update notifications set text = '' "
                           "where text != '' and created_at < ?", (before,))
        # the items come next: until the sweep, their words may sit in the index's segments
        write_setting(store, SWEEP_PENDING, {"pending": True})


def blank_items(store: Store, before: str, at: str, batch: int) -> tuple[int, int]:
    """Blank text, author and cues of the next ``batch`` items created before ``before`` (and
    their answers' text), stamping ``purged_at``, inside the caller's transaction; return
    (items, answers with text) blanked."""
    with store.write():
        # listening's cached embeddings are derived from the text: they go with it
        store.conn.execute(f"delete from item_embeddings where item_id in ({NEXT_BATCH})",
                           (before, batch))
        answers = store.conn.execute(
            f"update outbox set text = '' where text != '' and item_id in ({NEXT_BATCH})",
            (before, batch)).rowcount
        items = store.conn.execute(
            f"update items set text = '', author_name = null, author_id = null, "
            f"post_text = null, urgent_cues = null, attachments = null, permalink_url = null, "
            f"snooze_note = null, close_note = null, purged_at = ? where id in ({NEXT_BATCH})",
            (at, before, batch)).rowcount
    return int(items), int(answers)


def sweep_pending(store: Store) -> bool:
    """Whether a purge blanked items and was stopped before :func:`sweep`."""
    return bool(read_setting(store, SWEEP_PENDING).get("pending"))


def sweep(store: Store) -> None:
    """Make sure the purged words leave the file: the full-text index is rebuilt without them
    (``optimize``), freed pages are zeroed (``secure_delete`` is on for every connection) and
    the WAL is checkpointed and truncated, so neither the database nor its WAL holds the
    purged bytes."""
    with store.write():
        store.conn.execute("insert into items_fts(items_fts) values ('optimize')")
        write_setting(store, SWEEP_PENDING, {})
    store.conn.execute("pragma wal_checkpoint(TRUNCATE)")
