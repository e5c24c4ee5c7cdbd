"""Per-endpoint sync bookkeeping: cursors, last success, last error and back-off."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store.db import Store


@dataclass
class SyncState:
    """One row of sync_state."""

    key: str
    cursor: dict[str, Any]
    last_success_at: str | None = None
    last_error: str | None = None
    backoff_until: str | None = None


def get_state(store: Store, key: str) -> SyncState:
    """The state of one endpoint (empty if never synced)."""
    row = store.conn.execute("select cursor, last_success_at, last_error, backoff_until "
                             "from sync_state where key = ?", (key,)).fetchone()
    if row is None:
        return SyncState(key, {})
    try:
        cursor = json.loads(row[0]) if row[0] else {}
    except ValueError:
        cursor = {}
    return SyncState(key, cursor if isinstance(cursor, dict) else {}, row[1], row[2], row[3])


def save_state(store: Store, key: str, *, cursor: dict[str, Any] | None = None,
               success: bool = False, error: str | None = None,
               backoff_until: str | None = None) -> None:
    """Update one endpoint's row (in the caller's transaction, if any).

    ``cursor`` None keeps the old cursor; ``success`` stamps last_success_at and clears the
    error; ``error`` records one.
    """
    now = to_iso(utc_now())
    old = get_state(store, key)
    row = {
        "key": key,
        "cursor": json.dumps(old.cursor if cursor is None else cursor),
        "last_success_at": now if success else old.last_success_at,
        "last_error": None if success else (error if error is not None else old.last_error),
        "backoff_until": backoff_until,
        "updated_at": now,
    }
    # plain SQL: sqlite-utils' upsert reads the table's schema on every call (two
    # sqlite_master queries and a table_info), and a sync saves a cursor after every page
    with store.write():
        store.conn.execute(
            "insert into sync_state (key, cursor, last_success_at, last_error, backoff_until, "
            "updated_at) values (:key, :cursor, :last_success_at, :last_error, :backoff_until, "
            ":updated_at) on conflict (key) do update set cursor = excluded.cursor, "
            "last_success_at = excluded.last_success_at, last_error = excluded.last_error, "
            "backoff_until = excluded.backoff_until, updated_at = excluded.updated_at", row)
