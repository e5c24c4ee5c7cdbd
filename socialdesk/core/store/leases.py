"""Leases: which process runs a named background job (sync, sending, publishing) right now.

A lease is one row (name, holder, expiry). Taking it is a write transaction, so of two
processes on one database exactly one holds it; a holder that dies loses it when it expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store.db import Store


def acquire_lease(store: Store, name: str, holder: str, seconds: float,
                  now: datetime | None = None) -> bool:
    """Take or renew the lease ``name`` for ``holder``; False when someone else holds it."""
    moment = now or utc_now()
    expires = to_iso(moment + timedelta(seconds=seconds))
    with store.write():
        row = store.conn.execute("select holder, expires_at from leases where name = ?",
                                 (name,)).fetchone()
        if row and row[0] != holder and row[1] > to_iso(moment):
            return False
        store.conn.execute("insert into leases (name, holder, expires_at) values (?, ?, ?) "
                           "on conflict(name) do update set holder = excluded.holder, "
                           "expires_at = excluded.expires_at", (name, holder, expires))
    return True


def release_lease(store: Store, name: str, holder: str) -> None:
    """Give the lease up if we hold it."""
    with store.write():
        store.conn.execute("delete from leases where name = ? and holder = ?", (name, holder))
