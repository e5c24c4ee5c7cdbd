"""The items' triage columns (status, assignee, category, urgency, closing) and the officers'
corrections. The rules that decide a change live in :mod:`socialdesk.core.triage.actions`."""

from __future__ import annotations

from typing import Any

from socialdesk.core.store.db import Store, as_dicts

#: The columns a triage action may change (and undo restores).
TRIAGE_FIELDS = ("status", "assignee", "claimed_at", "category", "urgent", "closed_at",
                 "close_reason", "close_note", "sla_due_at", "snoozed_until", "snoozed_by",
                 "snooze_note", "snoozed_at", "duplicate_of")


def triage_fields(store: Store, item_id: int) -> dict[str, Any] | None:
    """An item's triage columns, with its first response, author side and purge stamp; None
    when there is no such item."""
    rows = as_dicts(store.conn.execute(
        f"select id, {', '.join(TRIAGE_FIELDS)}, first_response_at, from_page, purged_at "
        "from items where id = ?", (item_id,)))
    return rows[0] if rows else None


def set_triage_fields(store: Store, item_id: int, changes: dict[str, Any], at: str) -> None:
    """Write triage columns of one item (inside the caller's transaction, if any)."""
    unknown = set(changes) - set(TRIAGE_FIELDS)
    if unknown:
        raise ValueError(f"not triage columns: {sorted(unknown)}")
    sets = ", ".join(f"{key} = ?" for key in changes)
    with store.write():
        store.conn.execute(f"update items set {sets}, updated_at = ? where id = ?",
                           [*changes.values(), at, item_id])


def add_correction(store: Store, item_id: int, old: dict[str, Any], category: str,
                   urgent: bool, actor: str, at: str) -> int:
    """Record an officer's reclassification (old → new); returns the correction's id."""
    with store.write():
        cursor = store.conn.execute(
            "insert into corrections (item_id, old_category, new_category, old_urgent, "
            "new_urgent, actor, at) values (?, ?, ?, ?, ?, ?, ?)",
            (item_id, old["category"], category, old["urgent"], int(urgent), actor, at))
        return int(cursor.lastrowid or 0)


def delete_correction(store: Store, correction_id: int) -> None:
    """Forget a correction (its reclassification was undone)."""
    with store.write():
        store.conn.execute("delete from corrections where id = ?", (correction_id,))
