"""SLA targets: how long the team has to answer an item, and when that time runs out.

Targets come from ``[sla]`` per category, with ``urgent`` overriding the category. An item the
model has not seen yet is held to the report target (the strictest non-urgent one) so that an
unclassified report never looks less pressing than it is. With ``clock = "staffed"`` the target
counts staffed minutes only; the due moment is then a wall-clock time (e.g. Monday 08:15).
Urgent items always run on the elapsed clock (DESIGN §4).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from socialdesk.config import Config
from socialdesk.core.audit.hours import MICROS_PER_MINUTE, StaffedClock, from_micros, micros
from socialdesk.core.models import Category, to_iso
from socialdesk.core.store.db import Store
from socialdesk.core.store.items import items_missing_due_time, set_due_times
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

UNCLASSIFIED_TARGET = Category.REPORT.value


class SlaPolicy:
    """First-response targets and due times for one configuration."""

    def __init__(self, config: Config) -> None:
        self.sla = config.sla
        self.clock = StaffedClock(config.staffed_hours, config.team.zone)

    def target_minutes(self, category: str | None, urgent: bool) -> int:
        """The first-response target of an item, in minutes of the configured clock."""
        if urgent:
            return self.sla.minutes["urgent"]
        return self.sla.minutes[category or UNCLASSIFIED_TARGET]

    def due_at(self, created_at: datetime, category: str | None, urgent: bool) -> datetime:
        """When the first response to an item is due. Urgent items run on the elapsed clock
        whatever the configured one: danger at 03:10 does not wait for the morning shift."""
        minutes = self.target_minutes(category, urgent)
        if self.sla.clock == "staffed" and not urgent:
            return self.clock.add(created_at, minutes)
        return created_at + timedelta(minutes=minutes)

    def new_item_due(self, created_at: str) -> str:
        """The due time :func:`fill_due_times` gives a new, unclassified public item created at
        ``created_at`` (stored form), for writers that set it as they insert."""
        return to_iso(self.due_at(datetime.fromisoformat(created_at), None, False))


def due_times(policy: SlaPolicy, rows: Sequence[tuple[str, str | None, int | None]]
              ) -> list[str]:
    """:meth:`SlaPolicy.due_at` of many (created_at, category, urgent) rows at once, as stored
    (ISO text): the staffed ones through :meth:`StaffedClock.add_many`."""
    starts = np.array([micros(datetime.fromisoformat(created)) for created, _, _ in rows],
                      dtype=np.int64)
    minutes = np.array([policy.target_minutes(category, bool(urgent))
                        for _, category, urgent in rows], dtype=np.int64)
    staffed = np.array([policy.sla.clock == "staffed" and not urgent for _, _, urgent in rows],
                       dtype=bool)
    due = starts + minutes * MICROS_PER_MINUTE
    if staffed.any():
        due[staffed] = policy.clock.add_many(starts[staffed], minutes[staffed])
    return [to_iso(from_micros(moment)) for moment in due.tolist()]


def fill_due_times(store: Store, policy: SlaPolicy, batch: int = 50_000) -> int:
    """Set ``sla_due_at`` on the public's items that have none yet; return how many.

    Writes that change an item's category or urgency clear ``sla_due_at`` so this recomputes it.
    """
    done = 0
    while True:
        rows = items_missing_due_time(store, batch)
        if not rows:
            return done
        due = due_times(policy, [(created, category, urgent)
                                 for _, created, category, urgent in rows])
        set_due_times(store, [(moment, row[0]) for moment, row in zip(due, rows, strict=True)])
        done += len(rows)
