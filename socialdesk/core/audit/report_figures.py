"""The supervisor report's figures as values: a group's counts and times, the Welsh parity
verdict, referrals by agency, the whole report, and how a duration or share reads on screen.
:mod:`socialdesk.core.audit.metrics` computes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from socialdesk.core.models import to_iso
from socialdesk.core.store import referrals
from socialdesk.core.store.db import Store
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")


DIMENSIONS = ("category", "urgent", "officer", "language", "kind", "week", "tag")
#: The tag group of items that carry no tag.
NO_TAG = "(no tag)"
#: Welsh is slower when its median FRT exceeds English's by more than this share …
PARITY_TOLERANCE = 0.10
#: … or when its share answered within SLA is lower by more than this many points.
PARITY_SHARE_TOLERANCE = 0.05


@dataclass
class GroupStats:
    """The figures of one group of items."""

    key: str
    count: int
    answered: int
    no_reply_needed: int
    frt_elapsed_median: float | None
    frt_elapsed_p90: float | None
    frt_staffed_median: float | None
    frt_staffed_p90: float | None
    resolution_median: float | None
    resolution_p90: float | None
    sla_met: int
    sla_missed: int
    #: the group's item ids as an array (a Python list of 500,000 ints per group, for every
    #: group of every dimension, cost more than the figures); see :attr:`item_ids`
    ids: np.ndarray = field(repr=False, compare=False,
                            default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: closed as answered by phone or in person: no first response on the page, left out of
    #: FRT and SLA like "no reply needed"
    answered_elsewhere: int = 0

    @property
    def item_ids(self) -> list[int]:
        """The ids of the group's items (for drill-down), made when asked for."""
        return list(self.ids.tolist())

    @property
    def sla_share(self) -> float | None:
        """Share of judged items answered within SLA."""
        judged = self.sla_met + self.sla_missed
        return self.sla_met / judged if judged else None

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON/CSV (ids left out: use drill-down)."""
        return {"key": self.key, "count": self.count, "answered": self.answered,
                "no_reply_needed": self.no_reply_needed,
                "answered_elsewhere": self.answered_elsewhere,
                "frt_elapsed_median_min": _round(self.frt_elapsed_median),
                "frt_elapsed_p90_min": _round(self.frt_elapsed_p90),
                "frt_staffed_median_min": _round(self.frt_staffed_median),
                "frt_staffed_p90_min": _round(self.frt_staffed_p90),
                "resolution_median_min": _round(self.resolution_median),
                "resolution_p90_min": _round(self.resolution_p90),
                "sla_met": self.sla_met, "sla_missed": self.sla_missed,
                "sla_share": _round(self.sla_share, 4)}


@dataclass(frozen=True)
class Parity:
    """Welsh against English contacts: one sentence, and whether Welsh is slower."""

    text: str
    welsh_slower: bool = False


@dataclass(frozen=True)
class ReferralCount:
    """The referrals written to one partner agency in a window, by where they are now."""

    agency: str
    name: str
    drafted: int = 0
    sent: int = 0
    acknowledged: int = 0

    @property
    def total(self) -> int:
        """Every referral to the agency in the window."""
        return self.drafted + self.sent + self.acknowledged

    @property
    def awaiting(self) -> int:
        """Not acknowledged yet (drafted or sent)."""
        return self.drafted + self.sent

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return {"agency": self.agency, "name": self.name, "drafted": self.drafted,
                "sent": self.sent, "acknowledged": self.acknowledged, "total": self.total}


def referral_counts(store: Store, since: datetime | None,
                    until: datetime | None) -> list[ReferralCount]:
    """The referrals to partner agencies written in a window, by agency and state (agencies
    with most referrals first)."""
    by_agency: dict[str, dict[str, Any]] = {}
    for agency, name, state, count in referrals.referral_counts(
            store, to_iso(since) if since else None, to_iso(until) if until else None):
        entry = by_agency.setdefault(agency, {"agency": agency, "name": name or agency})
        if state in referrals.STATES:
            entry[state] = count
    counts = [ReferralCount(**entry) for entry in by_agency.values()]
    return sorted(counts, key=lambda c: (-c.total, c.name))


@dataclass
class Report:
    """The whole report for a window."""

    since: datetime | None
    until: datetime | None
    clock: str
    overall: GroupStats
    groups: dict[str, list[GroupStats]]
    past_sla_now: list[int]
    parity: Parity
    #: the audit chain when the report was made: rows and head hash (every report and export
    #: carries them, so the chain is anchored wherever a report is kept)
    audit_rows: int = 0
    audit_head: str = ""
    #: referrals to partner agencies written in the window, by agency
    referrals: list[ReferralCount] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return {"since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "sla_clock": self.clock, "overall": self.overall.as_dict(),
                "by": {dim: [g.as_dict() for g in groups] for dim, groups in self.groups.items()},
                "past_sla_now": self.past_sla_now, "welsh_parity": self.parity.text,
                "welsh_slower": self.parity.welsh_slower,
                "audit_chain": {"rows": self.audit_rows, "head": self.audit_head},
                "referrals": [count.as_dict() for count in self.referrals]}


def minutes_text(value: float | None) -> str:
    """A duration in minutes as people read it in a report: "45m", "3.5h", "—"."""
    if value is None:
        return "—"
    return f"{value:.0f}m" if value < 120 else f"{value / 60:.1f}h"


def share_text(group: GroupStats) -> str:
    """A group's share within SLA: "83%", or "—" when nothing was judged."""
    return "—" if group.sla_share is None else f"{group.sla_share:.0%}"


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
