"""Numbered schema migrations. The schema version lives in ``PRAGMA user_version``.

Add a migration by appending a function to :data:`MIGRATIONS`; never edit a released one.
Each runs inside the caller's write transaction together with the version bump.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the migrations get the Database from Store.db (sqlite-utils loads late)
    import sqlite_utils

ITEM_COLUMNS: dict[str, type] = {
    "id": int,
    "platform_id": str,      # the platform's id, or "import:<hash>" for imports without one
    "kind": str,             # comment | message
    "source": str,           # graph | import
    "page_id": str,
    "post_id": str,
    "post_text": str,        # the post a comment sits under (context for people and the model)
    "thread_id": str,        # Messenger conversation id
    "parent_id": str,        # parent comment of a reply
    "author_id": str,
    "author_name": str,
    "from_page": int,        # 1 = written by the page itself (a reply by the team)
    "text": str,
    "created_at": str,       # ISO 8601 UTC
    "ingested_at": str,
    "updated_at": str,
    "edited_at": str,
    "deleted_at": str,       # removed on the platform (kept for the record)
    "language": str,         # en | cy | mixed
    "category": str,         # report | concern | chat
    "urgent": int,
    "urgent_cues": str,      # JSON list of the cues behind an urgent flag
    "confidence": float,
    "probabilities": str,    # JSON {"report": p, "concern": p, "chat": p}
    "model_version": str,
    "status": str,           # new | claimed | answered | closed
    "assignee": str,
    "claimed_at": str,
    "first_response_at": str,
    "first_response_by": str,
    "closed_at": str,
    "close_reason": str,
    "purged_at": str,
}


def _v1_initial_schema(db: sqlite_utils.Database) -> None:
    db.table("items").create(
        ITEM_COLUMNS, pk="id", not_null={"platform_id", "kind", "text", "created_at", "status"},
        defaults={"status": "new", "from_page": 0, "source": "import"},
    )
    db.table("items").create_index(["platform_id"], unique=True)
    for columns in (["status"], ["category"], ["urgent"], ["created_at"], ["assignee"],
                    ["language"], ["kind"], ["post_id"], ["thread_id"],
                    ["status", "urgent", "created_at"]):
        db.table("items").create_index(columns)
    db.table("items").enable_fts(["text", "author_name"], fts_version="FTS5", create_triggers=True,
                           tokenize="unicode61 remove_diacritics 2")
    db.table("posts").create(
        {"id": str, "page_id": str, "message": str, "created_at": str, "permalink_url": str,
         "ingested_at": str, "updated_at": str},
        pk="id",
    )
    db.table("outbox").create(
        {"id": int, "item_id": int, "action": str, "text": str, "language": str,
         "idempotency_key": str, "status": str, "platform_id": str, "attempts": int,
         "last_error": str, "created_by": str, "created_at": str, "updated_at": str,
         "sent_at": str},
        pk="id", foreign_keys=[("item_id", "items", "id")],
        not_null={"action", "idempotency_key", "status"},
        defaults={"status": "queued", "attempts": 0},
    )
    db.table("outbox").create_index(["idempotency_key"], unique=True)
    db.table("outbox").create_index(["status"])
    db.table("scheduled_posts").create(
        {"id": int, "template": str, "text_en": str, "text_cy": str, "due_at": str,
         "recurrence": str, "status": str, "author": str, "approver": str, "approved_at": str,
         "platform_id": str, "platform_id_cy": str, "last_error": str, "created_at": str,
         "updated_at": str, "published_at": str},
        pk="id", not_null={"status"}, defaults={"status": "draft"},
    )
    db.table("scheduled_posts").create_index(["status", "due_at"])
    db.table("corrections").create(
        {"id": int, "item_id": int, "old_category": str, "new_category": str,
         "old_urgent": int, "new_urgent": int, "actor": str, "at": str},
        pk="id", foreign_keys=[("item_id", "items", "id")],
    )
    db.table("audit_log").create(
        {"id": int, "at": str, "actor": str, "action": str, "subject": str, "payload": str,
         "prev_hash": str, "hash": str},
        pk="id", not_null={"at", "actor", "action", "hash"},
    )
    db.table("sync_state").create(
        {"key": str, "cursor": str, "last_success_at": str, "last_error": str,
         "backoff_until": str, "updated_at": str},
        pk="key",
    )
    db.table("leases").create({"name": str, "holder": str, "expires_at": str}, pk="name")


def _v2_sla_due(db: sqlite_utils.Database) -> None:
    """When each item's first response is due (filled by the services; NULL = not yet), and
    a full-text index that is only rewritten when the text or author changes."""
    db.table("items").add_column("sla_due_at", str)
    db.table("items").create_index(["urgent", "sla_due_at"])
    db.table("audit_log").create_index(["subject"])
    # Covering indexes for the inbox (measured with 100,000 items: ordered ids of the open
    # items 324 → 41 ms, facet counts 350 → 18 ms, desk counts 200 → 11 ms).
    db.execute("CREATE INDEX idx_items_inbox_open ON items (from_page, urgent DESC, sla_due_at, "
               "created_at DESC, status, category, language, kind, assignee)")
    db.execute("CREATE INDEX idx_items_inbox_done ON items (from_page, status, created_at DESC)")
    db.table("items").create_index(["parent_id"])   # replies under a comment (detail pane)
    # The supervisor's report reads only this index (500,000 items: 4.1 → under 2 s).
    db.execute("CREATE INDEX idx_items_report ON items (from_page, created_at, "
               "first_response_at, closed_at, sla_due_at, category, urgent, language, kind, "
               "close_reason, first_response_by, assignee)")
    db.table("items").create_index(["first_response_by"])
    db.execute("CREATE INDEX idx_items_due_missing ON items (id) "
               "WHERE sla_due_at IS NULL AND from_page = 0")
    db.execute("CREATE INDEX idx_items_facets ON items (from_page, status, category, urgent, "
               "language, kind, assignee)")
    # sqlite-utils' FTS trigger re-indexed the text on EVERY update (a claim, a classification);
    # only a change of the indexed columns needs it. 10× faster triage writes, measured.
    db.execute("DROP TRIGGER IF EXISTS items_au")
    db.execute(
        'CREATE TRIGGER "items_au" AFTER UPDATE OF "text", "author_name" ON "items" BEGIN\n'
        '  INSERT INTO "items_fts" ("items_fts", rowid, "text", "author_name") '
        "VALUES('delete', old.rowid, old.\"text\", old.\"author_name\");\n"
        '  INSERT INTO "items_fts" (rowid, "text", "author_name") '
        'VALUES (new.rowid, new."text", new."author_name");\nEND')


def _v3_post_runs(db: sqlite_utils.Database) -> None:
    """Safety posts: a title, the timing as the person wrote it, an edit version (editing
    revokes approval), and one row per publication attempt of an occurrence.

    ``post_runs`` has one row per (post, due time): inserting it is the claim that makes two
    publishers on one database publish an occurrence once.
    """
    posts = db.table("scheduled_posts")
    for column, kind in (("title", str), ("timing", str), ("version", int),
                         ("cancelled_by", str), ("cancelled_at", str)):
        posts.add_column(column, kind)
    db.table("post_runs").create(
        {"id": int, "post_id": int, "due_at": str, "status": str, "attempts": int,
         "platform_ids": str, "started_at": str, "finished_at": str, "last_error": str,
         "note": str, "dismissed_by": str},
        pk="id", foreign_keys=[("post_id", "scheduled_posts", "id")],
        not_null={"post_id", "due_at", "status"}, defaults={"attempts": 0})
    db.table("post_runs").create_index(["post_id", "due_at"], unique=True)
    db.table("post_runs").create_index(["status"])


def _v4_close_notes_and_urgent_clock(db: sqlite_utils.Database) -> None:
    """A free-text note with a close reason ("answered elsewhere": how), and urgent items'
    due times computed again: they now run on the elapsed clock (DESIGN §4)."""
    db.table("items").add_column("close_note", str)
    db.table("outbox").add_column("covers", str)   # JSON list of other items it answers
    db.table("outbox").add_column("close_after", int)  # 1: close the item once it is sent
    db.execute("UPDATE items SET sla_due_at = NULL WHERE urgent = 1 AND from_page = 0")


def _v5_team(db: sqlite_utils.Database) -> None:
    """The team in the database: members with roles, and the policy (approval, retention,
    unknown accounts), seeded once from the configuration that opens it first."""
    db.table("members").create({"name": str, "role": str, "added_by": str, "added_at": str},
                               pk="name", not_null={"role"})
    db.table("policy").create({"key": str, "value": str}, pk="key")


def _v6_gone_posts_and_first_attempts(db: sqlite_utils.Database) -> None:
    """A post deleted on the page is kept and marked gone; the outbox and the safety-post runs
    remember their first attempt (a page check looks back to it, never further)."""
    db.table("posts").add_column("deleted_at", str)
    db.table("outbox").add_column("first_claimed_at", str)
    db.table("outbox").add_column("check_page", int)  # 1: look on the page before a POST
    db.table("post_runs").add_column("first_started_at", str)
    db.execute("UPDATE outbox SET first_claimed_at = updated_at "
               "WHERE status NOT IN ('queued', 'cancelled')")
    db.execute("UPDATE post_runs SET first_started_at = started_at")


def _v7_notifications(db: sqlite_utils.Database) -> None:
    """Notices for people in every open dashboard (SLA alerts, escalations, mentions…), one
    per key; and which outbox entries are automatic (the out-of-hours acknowledgement: not a
    first response) with the closed period each acknowledges, once per person."""
    db.table("notifications").create(
        {"id": int, "key": str, "recipient": str, "kind": str, "item_id": int, "text": str,
         "created_at": str},
        pk="id", not_null={"key", "recipient", "kind", "text", "created_at"})
    db.table("notifications").create_index(["key"], unique=True)
    db.table("notifications").create_index(["recipient", "id"])
    db.table("outbox").add_column("automatic", int)
    db.table("outbox").add_column("send_before", str)  # an automatic entry goes out before this
    db.table("acknowledgements").create(
        {"person": str, "period": str, "item_id": int, "outbox_id": int, "at": str},
        pk=("person", "period"))


def _v8_reply_library(db: sqlite_utils.Database) -> None:
    """The reply library: answers officers pick in the composer, one row per template and
    language (``key`` ties a template's English and Welsh twins). Seeded from
    prompts/reply_library.toml on first use; every saved version is in the audit chain."""
    db.table("reply_templates").create(
        {"id": int, "key": str, "topic": str, "title": str, "language": str, "text": str,
         "public": int, "version": int, "updated_by": str, "updated_at": str, "retired": int},
        pk="id", not_null={"key", "topic", "title", "language", "text", "version"},
        defaults={"public": 0, "version": 1, "retired": 0})
    db.table("reply_templates").create_index(["key", "language"], unique=True)
    db.table("reply_templates").create_index(["retired", "topic"])


def _v9_media(db: sqlite_utils.Database) -> None:
    """Photos, stickers, links and files of an item (a JSON list, see core/media.py) and the
    item's own link on the page ("open on the page"). Both are personal data: retention
    clears them with the text."""
    db.table("items").add_column("attachments", str)
    db.table("items").add_column("permalink_url", str)


def _v10_snooze_handover(db: sqlite_utils.Database) -> None:
    """Snoozed items (out of To do until a time, by whom, why, since when), officers' internal
    notes on items (with the members they mention) and the handover notes between shifts."""
    for column in ("snoozed_until", "snoozed_by", "snooze_note", "snoozed_at"):
        db.table("items").add_column(column, str)
    db.table("items").create_index(["snoozed_until"])
    # To do, the facet counts and the status bar leave snoozed items out: the inbox's covering
    # indexes carry the snooze too, or each would read every open row from the table (100,000
    # items: open ids 22 → 200 ms, desk counts 7 → 146 ms without; 27 and 10 ms with).
    db.execute("DROP INDEX IF EXISTS idx_items_inbox_open")
    db.execute("CREATE INDEX idx_items_inbox_open ON items (from_page, urgent DESC, sla_due_at, "
               "created_at DESC, status, category, language, kind, assignee, snoozed_until)")
    db.execute("DROP INDEX IF EXISTS idx_items_facets")
    db.execute("CREATE INDEX idx_items_facets ON items (from_page, status, category, urgent, "
               "language, kind, assignee, snoozed_until)")
    db.table("item_notes").create(
        {"id": int, "item_id": int, "author": str, "at": str, "text": str, "mentions": str,
         "purged_at": str},
        pk="id", not_null={"item_id", "author", "at", "text"})
    db.table("item_notes").create_index(["item_id", "id"])
    db.table("handover_notes").create(
        {"id": int, "author": str, "at": str, "text": str, "purged_at": str},
        pk="id", not_null={"author", "at", "text"})


def _v11_tags(db: sqlite_utils.Database) -> None:
    """Officers' tags on items (one row per item and tag, indexed by tag for the filter and
    the report by tag), and the item a duplicate was merged into."""
    db.table("item_tags").create(
        {"item_id": int, "tag": str, "added_by": str, "added_at": str},
        pk=("item_id", "tag"), foreign_keys=[("item_id", "items", "id")],
        not_null={"item_id", "tag"})
    db.execute("CREATE INDEX idx_item_tags_tag ON item_tags (tag, item_id)")
    db.table("items").add_column("duplicate_of", int)
    db.execute("CREATE INDEX idx_items_duplicate_of ON items (duplicate_of) "
               "WHERE duplicate_of IS NOT NULL")


def _v12_places(db: sqlite_utils.Database) -> None:
    """The places each item names (issue 23): one row per item, place (a gazetteer id of
    prompts/places.toml) and where it was named ("text" or "post"), indexed by place for the
    hotspots and the inbox's place filter. Filled as items come in; items already in the
    database are tagged in batches by :func:`socialdesk.core.store.places.tag_new_items` the
    first time the desk looks (its watermark lives in sync_state)."""
    db.table("item_places").create(
        {"item_id": int, "place_id": str, "source": str},
        pk=("item_id", "place_id", "source"), foreign_keys=[("item_id", "items", "id")],
        not_null={"item_id", "place_id", "source"})
    db.execute("CREATE INDEX idx_item_places_place ON item_places (place_id, item_id)")


def _v13_people(db: sqlite_utils.Database) -> None:
    """People: the page-scoped author ids an officer linked as one person (one row per linked
    id; an id without a row is a person by itself), safeguarding markers on a person (set on
    one of their ids; the reason is personal data, blanked by retention), and an index so a
    person's contacts are counted and listed without reading the table (the inbox row counts
    a person's earlier contacts per screenful)."""
    db.table("person_links").create(
        {"author_id": str, "person": str, "linked_by": str, "linked_at": str},
        pk="author_id", not_null={"person", "linked_at"})
    db.execute("CREATE INDEX idx_person_links_person ON person_links (person, author_id)")
    db.table("safeguarding_markers").create(
        {"id": int, "author_id": str, "kind": str, "reason": str, "set_by": str, "set_at": str,
         "review_on": str, "updated_by": str, "updated_at": str, "removed_by": str,
         "removed_at": str, "purged_at": str},
        pk="id", not_null={"author_id", "kind", "set_by", "set_at", "review_on"})
    db.execute("CREATE INDEX idx_markers_active ON safeguarding_markers (author_id) "
               "WHERE removed_at IS NULL")
    db.execute("CREATE INDEX idx_markers_review ON safeguarding_markers (review_on) "
               "WHERE removed_at IS NULL")
    db.execute("CREATE INDEX idx_items_person ON items (author_id, from_page, created_at)")
    # the contact history shows the first answer sent to each item
    db.execute("CREATE INDEX IF NOT EXISTS idx_outbox_item ON outbox (item_id, id)")


def _v14_supervisor(db: sqlite_utils.Database) -> None:
    """Two partial indexes for the supervisor's work at scale (issue 22): the open, unanswered
    public items by due time (the report's "past SLA right now" reads only these, in order:
    500,000 items, 0.35 → 0.04 s), and the items not purged yet by creation time (each purge
    batch takes the next oldest without walking past the rows already purged)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_items_past_sla ON items (sla_due_at) "
               "WHERE from_page = 0 AND first_response_at IS NULL "
               "AND status IN ('new', 'claimed')")
    db.execute("CREATE INDEX IF NOT EXISTS idx_items_unpurged ON items (created_at, from_page) "
               "WHERE purged_at IS NULL")


def _v15_pending_index(db: sqlite_utils.Database) -> None:
    """An index of the items waiting for the classifier, in the order it takes them (urgent
    first, then oldest): each page of a backlog is read from it instead of sorting every
    waiting item again (100,000 waiting: 0.27 s → 0.5 ms a page, the whole backlog's reads
    O(n) instead of O(n²)). Only waiting items are in it, so it stays small."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_items_pending ON items (urgent DESC, id) "
               "WHERE model_version IS NULL AND from_page = 0 AND purged_at IS NULL")


def _v16_referrals(db: sqlite_utils.Database) -> None:
    """Referrals of items to partner agencies (issue 25): one row per referral written, with
    the agency (its config key and, as it was then, its name and address), who wrote it and
    when, the file it went to and its SHA-256 (never its text: the file is the referral), and
    its state — drafted, sent (an officer sent it), acknowledged (the partner said they have
    it, with their reference) — each with who and when. Indexed by item for the detail pane
    and by state for the open ones."""
    db.table("referrals").create(
        {"id": int, "item_id": int, "agency": str, "agency_name": str, "email": str,
         "grading": str, "format": str, "file_name": str, "sha256": str, "state": str,
         "created_by": str, "created_at": str, "sent_by": str, "sent_at": str,
         "acknowledged_by": str, "acknowledged_at": str, "partner_ref": str},
        pk="id", foreign_keys=[("item_id", "items", "id")],
        not_null={"item_id", "agency", "state", "created_by", "created_at"})
    db.execute("CREATE INDEX idx_referrals_item ON referrals (item_id, id)")
    db.execute("CREATE INDEX idx_referrals_open ON referrals (state, id) "
               "WHERE state != 'acknowledged'")


def _v17_listening(db: sqlite_utils.Database) -> None:
    """The embedding cache of community listening (issue 24): one MiniLM vector per item and
    embedding version (float16 bytes; the version is a fingerprint of the encoder and the
    glossary that produced it), so that a second look embeds only the items that are new.
    Retention deletes an item's vectors when it blanks the item."""
    db.table("item_embeddings").create(
        {"item_id": int, "version": str, "vector": bytes},
        pk=("item_id", "version"), foreign_keys=[("item_id", "items", "id")],
        not_null={"item_id", "version", "vector"})


def _v18_dropin_sessions(db: sqlite_utils.Database) -> None:
    """Drop-in sessions (issue 24): an announced window in which officers answer the page
    live. One row per session (start and end in UTC, the place or topic in both languages,
    who planned it, when it was cancelled and by whom); the safety posts that announce it,
    move it or call it off are linked in ``dropin_posts`` (kind announce / moved /
    cancelled), so the session follows its posts through the safety-post workflow."""
    db.table("dropin_sessions").create(
        {"id": int, "start_at": str, "end_at": str, "topic": str, "topic_cy": str,
         "planned_by": str, "created_at": str, "updated_at": str, "cancelled_by": str,
         "cancelled_at": str, "cancel_reason": str},
        pk="id", not_null={"start_at", "end_at", "topic", "planned_by", "created_at"})
    db.execute("CREATE INDEX idx_dropin_sessions_start ON dropin_sessions (start_at)")
    db.table("dropin_posts").create(
        {"session_id": int, "post_id": int, "kind": str, "at": str},
        pk=("session_id", "post_id"),
        foreign_keys=[("session_id", "dropin_sessions", "id"),
                      ("post_id", "scheduled_posts", "id")],
        not_null={"session_id", "post_id", "kind"})
    db.execute("CREATE INDEX idx_dropin_posts_post ON dropin_posts (post_id)")


def _v19_import_indexes_aside(db: sqlite_utils.Database) -> None:
    """The items table's secondary indexes a bulk import has set aside, to be built again once
    at its end (issue 22; :mod:`socialdesk.core.store.bulk_indexes`): each one's name, its
    ``CREATE INDEX`` statement and the import that set it aside (host:pid), so that the next
    open of the database puts back the indexes of an import that died.

    Also drops two indexes that others already cover: ``status`` leads
    idx_items_status_urgent_created_at and ``urgent`` leads idx_items_urgent_sla_due_at, so
    SQLite answers the same queries from those; each new item wrote both for nothing."""
    db.execute("CREATE TABLE IF NOT EXISTS items_indexes_aside (name TEXT PRIMARY KEY, "
               "sql TEXT NOT NULL, holder TEXT NOT NULL)")
    db.execute("DROP INDEX IF EXISTS idx_items_status")
    db.execute("DROP INDEX IF EXISTS idx_items_urgent")


Migration = Callable[["sqlite_utils.Database"], None]

#: Position + 1 is the schema version the migration produces.
MIGRATIONS: list[Migration] = [_v1_initial_schema, _v2_sla_due, _v3_post_runs,
                               _v4_close_notes_and_urgent_clock, _v5_team,
                               _v6_gone_posts_and_first_attempts, _v7_notifications,
                               _v8_reply_library, _v9_media, _v10_snooze_handover, _v11_tags,
                               _v12_places, _v13_people, _v14_supervisor,
                               _v15_pending_index, _v16_referrals,
                               _v17_listening, _v18_dropin_sessions,
                               _v19_import_indexes_aside]

LATEST_VERSION = len(MIGRATIONS)
