"""A sync pass that brings in many items for the size of the table — the first full sync of a
page into a new or small desk — sets most of the items table's indexes aside and builds them
once at its end, as a bulk import does (issue 22; :mod:`socialdesk.core.store.bulk_indexes`).

The pass decides as it goes, from what it knows: on a full pass, before each write, the new
items it has brought so far (this write's included) against the table's size when the pass
began. Once they reach :data:`BULK_SHARE` of it (as many as it held, and at least
:data:`BULK_MIN`), the indexes are set aside in that write's transaction; they are built
again when the pass ends, however it ends (a failing step, a refused token, Ctrl-C). A
process killed meanwhile leaves the list of what is aside; the next open of the database, or
the next pass, puts them back.

Kept throughout (:data:`KEEP`): the unique indexes (duplicates are found by the platform id's),
the ones the pass itself reads by — a post's comments (deletions), a comment's replies and a
thread's messages (first responses) — so its own reads stay one index probe each, and the ones
other code names with ``INDEXED BY`` (the dashboard, the classifier, retention, reports: such a
query fails outright when its index is missing, where any other one only reads by a scan).
"""

from __future__ import annotations

import contextlib

from socialdesk.core.models import Item
from socialdesk.core.store import bulk_indexes
from socialdesk.core.store.db import Store
from socialdesk.core.store.items import existing_platform_ids, last_item_id
from socialdesk.errors import StoreError

#: A pass sets the indexes aside once its new items reach this share of the table's size at
#: its start, and at least :data:`BULK_MIN` of them. Measured (a full sync of 13,731 new items
#: into a table of N, CPU s set aside / kept, best of 3): N = 0: 1.15 / 1.14 (median 1.18 /
#: 1.56), 14,000: 1.41 / 1.53, 28,000: 1.82 / 1.65, 56,000: 2.53 / 2.20 — building the
#: indexes again covers the rows already there too, and breaks even about where the pass
#: brings as many as the table holds.
BULK_SHARE = 1.0
BULK_MIN = 1_000
#: Indexes never set aside by a sync: the pass's own reads (and, by
#: :func:`~socialdesk.core.store.bulk_indexes.set_aside` itself, those named by INDEXED BY).
KEEP = frozenset({"idx_items_post_id", "idx_items_parent_id", "idx_items_thread_id"})


class BulkIndexes:
    """One pass's bulk mode: :meth:`before_write` in each write's transaction, :meth:`end`
    when the pass ends (in a ``finally``)."""

    def __init__(self, store: Store, full: bool) -> None:
        self.store = store
        self.holder = bulk_indexes.this_process()
        with contextlib.suppress(StoreError):   # a pass or an import that died comes first
            bulk_indexes.restore_abandoned(store)   # (a busy database: the next pass)
        self.eligible = full
        self.table = last_item_id(store) if full else 0
        self.new = 0
        self.aside = False

    def before_write(self, items: list[Item]) -> bool:
        """Count this write's new items; set the indexes aside (in the caller's transaction)
        once the pass has brought enough of them. Returns whether they are aside."""
        if not self.eligible or not items:
            return self.aside
        ids = list({item.platform_id for item in items})
        self.new += len(ids) - len(existing_platform_ids(self.store, ids))
        if self.new >= max(BULK_MIN, BULK_SHARE * self.table):
            self.eligible = False
            self.aside = bool(bulk_indexes.set_aside(self.store, self.holder, KEEP))
        return self.aside

    def end(self) -> None:
        """Build again what this pass set aside (each index in its own transaction)."""
        self.eligible = False
        if self.aside:
            bulk_indexes.put_back(self.store, self.holder)
            self.aside = False


__all__ = ["BULK_MIN", "BULK_SHARE", "KEEP", "BulkIndexes"]
