"""Queries behind the alerts: items an out-of-hours acknowledgement may be owed, open items
near or past their first-response target, urgent items nobody has claimed — and the
acknowledgements already given (one per person per closed period)."""

from __future__ import annotations

from typing import Any

from socialdesk.core.store.db import Store, as_dicts

#: Open public items that have not had a first response (the ones an alert is about).
WAITING = ("from_page = 0 and status in ('new', 'claimed') and first_response_at is null "
           "and deleted_at is null and purged_at is null")


def acknowledgement_candidates(store: Store, since: str, kinds: tuple[str, ...],
                               ) -> list[dict[str, Any]]:
    """Items from the page created since ``since`` of the given kinds that are still waiting,
    unclaimed, with no answer queued by a person and no automatic one yet, oldest first."""
    return as_dicts(store.conn.execute(
        "select id, platform_id, kind, thread_id, author_id, language, urgent, category, "
        f"created_at from items where {WAITING} and source = 'graph' and created_at >= ? "
        f"and status = 'new' and kind in ({', '.join('?' * len(kinds))}) "
        "and not exists (select 1 from outbox o where o.item_id = items.id "
        "and (o.automatic = 1 or o.status != 'cancelled')) order by created_at, id",
        (since, *kinds)))


def claim_acknowledgement(store: Store, person: str, period: str, item_id: int,
                          at: str) -> bool:
    """Record that ``person`` is acknowledged for ``period`` (by ``item_id``); False when
    they already were (inside the caller's transaction)."""
    with store.write():
        return store.conn.execute(
            "insert or ignore into acknowledgements (person, period, item_id, at) "
            "values (?, ?, ?, ?)", (person, period, item_id, at)).rowcount == 1


def release_acknowledgement(store: Store, person: str, period: str) -> None:
    """Give the claim back (its answer could not be queued: another item of the person's may
    still be acknowledged)."""
    with store.write():
        store.conn.execute("delete from acknowledgements where person = ? and period = ?",
                           (person, period))


def set_acknowledgement_entry(store: Store, person: str, period: str, outbox_id: int) -> None:
    """Link an acknowledgement to the outbox entry that carries it."""
    with store.write():
        store.conn.execute("update acknowledgements set outbox_id = ? where person = ? "
                           "and period = ?", (outbox_id, person, period))


def due_between(store: Store, start: str, end: str, now: str) -> list[dict[str, Any]]:
    """Waiting items whose first response falls due between ``start`` and ``end``, but not
    those an officer has snoozed past ``now`` (they decided to wait; urgent ones are never
    snoozed)."""
    return as_dicts(store.conn.execute(
        "select id, kind, category, urgent, language, assignee, sla_due_at, created_at "
        f"from items where {WAITING} and sla_due_at >= ? and sla_due_at <= ? "
        "and (snoozed_until is null or snoozed_until <= ? or urgent = 1) "
        "order by sla_due_at", (start, end, now)))


def unclaimed_urgent(store: Store, created_from: str, created_to: str) -> list[dict[str, Any]]:
    """Urgent items nobody has claimed, created between the two times, oldest first."""
    return as_dicts(store.conn.execute(
        "select id, kind, category, language, created_at from items "
        f"where {WAITING} and urgent = 1 and status = 'new' and assignee is null "
        "and created_at >= ? and created_at <= ? order by created_at", (created_from, created_to)))
