"""SLA alerts and escalations, decided from the waiting items and the time.

- An open item whose first response falls due soon gets a "soon" alert; once the due time has
  passed, a "passed" alert. Both go to its assignee, or to everyone when nobody has it.
- An urgent item nobody has claimed after ``[alerts] escalate_urgent_after_minutes`` is
  escalated to the supervisors.

Each alert has a key (kind, item, due time), so however often the job runs, a person is told
once; a reclassification that moves the due time is a new due time, told again. The texts
name the item by its number and what the model said about it, never its words or its author:
a notice may be seen over a shoulder, and an escalation may leave the desk (webhook, e-mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.core.store.notifications import EVERYONE, SUPERVISORS

#: Items whose due time passed longer ago than this are not alerted any more (an import of
#: old items, or a desk that was off for a day, must not flood every dashboard).
LOOKBACK = timedelta(hours=12)
LANGUAGES = {"cy": "Cymraeg", "en": "English", "mixed": "mixed"}


@dataclass(frozen=True)
class Alert:
    """One notice to write (once, by its key)."""

    key: str
    recipient: str
    kind: str
    text: str
    item_id: int


def warn_window(target_minutes: int, warn_before_minutes: int) -> timedelta:
    """How long before its due time an item is "soon": the configured minutes, but never more
    than a third of its target (an urgent item's 15 minutes warn at 5 left)."""
    return timedelta(minutes=min(warn_before_minutes, max(1, target_minutes // 3)))


def describe(row: dict[str, Any]) -> str:
    """"#12 (urgent report, Cymraeg message)": the item without its words."""
    what = " ".join(part for part in ("urgent" if row.get("urgent") else "",
                                      row.get("category") or "unclassified") if part)
    language = LANGUAGES.get(row.get("language") or "", "")
    kind = row.get("kind") or "item"
    return f"#{row['id']} ({what}, {language + ' ' if language else ''}{kind})"


def minutes(count: int) -> str:
    """A wait as people say it: "12 min", "4 h 5 min"."""
    hours, rest = divmod(count, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def _local(moment: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(moment).astimezone(zone).strftime("%H:%M")


def sla_alerts(rows: list[dict[str, Any]], now: datetime, window: dict[int, timedelta],
               zone: ZoneInfo) -> list[Alert]:
    """The alerts for waiting items due from :data:`LOOKBACK` ago to the end of their warn
    window (``window`` by item id)."""
    alerts = []
    for row in rows:
        due = datetime.fromisoformat(row["sla_due_at"])
        recipient = row.get("assignee") or EVERYONE
        when = _local(row["sla_due_at"], zone)
        if due <= now:
            if due >= now - LOOKBACK:
                alerts.append(Alert(f"sla_passed:{row['id']}:{row['sla_due_at']}", recipient,
                                    "sla_passed", f"{describe(row)} has passed its "
                                    f"first-response target ({when}) with no answer.",
                                    row["id"]))
        elif due - now <= window[row["id"]]:
            left = max(1, round((due - now).total_seconds() / 60))
            alerts.append(Alert(f"sla_soon:{row['id']}:{row['sla_due_at']}", recipient,
                                "sla_soon", f"{describe(row)} must be answered by {when} "
                                f"({left} min left).", row["id"]))
    return alerts


def escalations(rows: list[dict[str, Any]], now: datetime) -> list[Alert]:
    """The escalations of unclaimed urgent items (the rows are already old enough)."""
    alerts = []
    for row in rows:
        waited = round((now - datetime.fromisoformat(row["created_at"])).total_seconds() / 60)
        alerts.append(Alert(f"escalated:{row['id']}", SUPERVISORS, "escalated",
                            f"URGENT {describe(row)} has waited {minutes(waited)} and nobody "
                            "has claimed it.", row["id"]))
    return alerts
