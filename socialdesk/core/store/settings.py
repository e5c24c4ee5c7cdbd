"""Desk-wide settings kept in the database: small JSON values by name (the crisis pause, the
digest of the configuration last seen). They share the ``sync_state`` table with the sync
cursors (key, JSON value) but are not sync state, so they have their own functions here.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store.db import Store

#: The crisis pause of scheduled safety posts: {"paused", "reason", "by", "at"}.
CRISIS_PAUSE = "posts_pause"
#: The SHA-256 of the configuration file last recorded in the audit log.
CONFIG_DIGEST = "config"
#: Marks a database that `socialdesk demo` created (and may therefore throw away).
DEMO = "demo"


def read_setting(store: Store, name: str) -> dict[str, Any]:
    """The setting's value ({} when it was never set or cannot be read)."""
    row = store.conn.execute("select cursor from sync_state where key = ?", (name,)).fetchone()
    try:
        value = json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def is_demo_database(path: Path) -> bool:
    """Whether the database file at ``path`` was created by `socialdesk demo`; False for
    anything else, a file that is not a database included (nothing is written)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("select cursor from sync_state where key = ?", (DEMO,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(row and row[0] and json.loads(row[0]).get("demo"))


def write_setting(store: Store, name: str, value: dict[str, Any]) -> None:
    """Set the setting (inside the caller's transaction, if any)."""
    with store.write():
        store.conn.execute(
            "insert into sync_state (key, cursor, updated_at) values (?, ?, ?) "
            "on conflict(key) do update set cursor = excluded.cursor, "
            "updated_at = excluded.updated_at",
            (name, json.dumps(value, ensure_ascii=False), to_iso(utc_now())))
