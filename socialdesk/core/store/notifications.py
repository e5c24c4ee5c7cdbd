"""The notifications table: what the background jobs (and officers) tell people in every open
dashboard — an SLA about to pass or passed, an urgent item escalated, a snoozed item back, a
mention. One row per notice; its ``key`` makes writing the same notice twice a no-op, so two
processes (or two turns of one job) never notify twice."""

from __future__ import annotations

from typing import Any

from socialdesk.core.store.db import Store, as_dicts

#: Recipient of a notice for every member.
EVERYONE = "*"
#: Recipient of a notice for the supervisors only.
SUPERVISORS = "@supervisors"


def add_notice(store: Store, key: str, recipient: str, kind: str, text: str, at: str,
               item_id: int | None = None) -> bool:
    """Write a notice unless one with this key exists; True when it was new (inside the
    caller's transaction, if any)."""
    with store.write():
        return store.conn.execute(
            "insert or ignore into notifications (key, recipient, kind, item_id, text, "
            "created_at) values (?, ?, ?, ?, ?, ?)",
            (key, recipient, kind, item_id, text, at)).rowcount == 1


def _for(store: Store, user: str, supervisor: bool, after_id: int, newest_first: bool,
         limit: int) -> list[dict[str, Any]]:
    """The notices for ``user`` (theirs, everyone's and, for a supervisor, the
    supervisors') with an id above ``after_id``."""
    recipients = [user, EVERYONE] + ([SUPERVISORS] if supervisor else [])
    return as_dicts(store.conn.execute(
        "select id, recipient, kind, item_id, text, created_at from notifications "
        f"where id > ? and recipient in ({', '.join('?' * len(recipients))}) "
        f"order by id {'desc' if newest_first else ''} limit ?",
        (after_id, *recipients, limit)))


def notices_after(store: Store, after_id: int, user: str, supervisor: bool,
                  limit: int = 50) -> list[dict[str, Any]]:
    """The notices for ``user`` newer than ``after_id``, oldest first: theirs, everyone's and,
    for a supervisor, the supervisors'."""
    return _for(store, user, supervisor, after_id, False, limit)


def recent_notices(store: Store, user: str, supervisor: bool,
                   limit: int = 50) -> list[dict[str, Any]]:
    """The newest notices for ``user``, newest first."""
    return _for(store, user, supervisor, 0, True, limit)


def last_notice_id(store: Store) -> int:
    """The newest notice's id (0 when there is none)."""
    row = store.conn.execute("select max(id) from notifications").fetchone()
    return int(row[0] or 0)
