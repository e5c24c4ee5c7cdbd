"""Response-time metrics for supervisors (DESIGN.md §4).

For every public item created in the window:

- **first response time (FRT)**: created_at → first_response_at (a reply by a person on the
  page's side, sent from socialdesk or found on the page by sync), as elapsed minutes and as
  staffed minutes (only minutes inside the configured shifts count; bank holidays have none);
- **resolution time**: created_at → closed_at;
- **within SLA**: answered no later than its due time (``sla_due_at``, computed on the configured
  clock), or still unanswered and past it (a miss). Items not yet due and unanswered are
  "pending" and left out of the share. Items closed as "no reply needed" without any reply are
  counted apart and take no part in FRT or SLA.

Each figure is count, median and p90, overall and by category, urgent, officer, language, kind
and week, and every group keeps its item ids so that a figure drills down to its items.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from socialdesk.config import Config
from socialdesk.core.audit.hours import StaffedClock, staffed_seconds_between
from socialdesk.core.store.db import Store
from socialdesk.core.triage import NO_REPLY_NEEDED

DIMENSIONS = ("category", "urgent", "officer", "language", "kind", "week")
#: Welsh is slower when its median FRT exceeds English's by more than this share.
PARITY_TOLERANCE = 0.10


@dataclass
class ItemTimes:
    """One item's facts for the report (minutes; None where not applicable)."""

    id: int
    category: str
    urgent: str
    officer: str
    language: str
    kind: str
    week: str
    frt_elapsed: float | None
    frt_staffed: float | None
    resolution: float | None
    sla: str            # met | missed | pending | exempt


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
    item_ids: list[int] = field(repr=False, default_factory=list)

    @property
    def sla_share(self) -> float | None:
        """Share of judged items answered within SLA."""
        judged = self.sla_met + self.sla_missed
        return self.sla_met / judged if judged else None

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON/CSV (ids left out: use drill-down)."""
        return {"key": self.key, "count": self.count, "answered": self.answered,
                "no_reply_needed": self.no_reply_needed,
                "frt_elapsed_median_min": _round(self.frt_elapsed_median),
                "frt_elapsed_p90_min": _round(self.frt_elapsed_p90),
                "frt_staffed_median_min": _round(self.frt_staffed_median),
                "frt_staffed_p90_min": _round(self.frt_staffed_p90),
                "resolution_median_min": _round(self.resolution_median),
                "resolution_p90_min": _round(self.resolution_p90),
                "sla_met": self.sla_met, "sla_missed": self.sla_missed,
                "sla_share": _round(self.sla_share, 4)}


@dataclass
class Report:
    """The whole report for a window."""

    since: datetime | None
    until: datetime | None
    clock: str
    overall: GroupStats
    groups: dict[str, list[GroupStats]]
    past_sla_now: list[int]
    parity: str

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return {"since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "sla_clock": self.clock, "overall": self.overall.as_dict(),
                "by": {dim: [g.as_dict() for g in groups] for dim, groups in self.groups.items()},
                "past_sla_now": self.past_sla_now, "welsh_parity": self.parity}


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _percentiles(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    median, p90 = np.percentile(np.asarray(values), [50, 90])
    return float(median), float(p90)


def summarise(key: str, items: Iterable[ItemTimes]) -> GroupStats:
    """Count, median and p90 of a group of items."""
    group = list(items)
    frt_e = [i.frt_elapsed for i in group if i.frt_elapsed is not None]
    frt_s = [i.frt_staffed for i in group if i.frt_staffed is not None]
    resolved = [i.resolution for i in group if i.resolution is not None]
    e_med, e_p90 = _percentiles(frt_e)
    s_med, s_p90 = _percentiles(frt_s)
    r_med, r_p90 = _percentiles(resolved)
    return GroupStats(
        key=key, count=len(group), answered=len(frt_e),
        no_reply_needed=sum(1 for i in group if i.sla == "exempt"),
        frt_elapsed_median=e_med, frt_elapsed_p90=e_p90, frt_staffed_median=s_med,
        frt_staffed_p90=s_p90, resolution_median=r_med, resolution_p90=r_p90,
        sla_met=sum(1 for i in group if i.sla == "met"),
        sla_missed=sum(1 for i in group if i.sla == "missed"),
        item_ids=[i.id for i in group])


QUERY = """
select id, unixepoch(created_at), unixepoch(first_response_at), unixepoch(closed_at),
       unixepoch(sla_due_at), coalesce(category, 'unclassified'), coalesce(urgent, 0),
       coalesce(first_response_by, assignee, '(nobody)'), coalesce(language, 'unknown'), kind,
       close_reason
from items where from_page = 0 {window} order by id
"""


def item_times(store: Store, config: Config, since: datetime | None, until: datetime | None,
               now: datetime) -> list[ItemTimes]:
    """Every public item created in [since, until) with its times and SLA verdict."""
    window, params = "", []
    if since:
        window += " and created_at >= ?"
        params.append(since.astimezone(UTC).isoformat(timespec="seconds"))
    if until:
        window += " and created_at < ?"
        params.append(until.astimezone(UTC).isoformat(timespec="seconds"))
    rows = store.conn.execute(QUERY.format(window=window), params).fetchall()
    if not rows:
        return []
    clock = StaffedClock(config.staffed_hours, config.team.zone)
    staffed = staffed_seconds_between(clock, [r[1] for r in rows], [r[2] for r in rows])
    weeks = _weeks([r[1] for r in rows], config)
    moment = now.timestamp()
    out = []
    for row, staffed_seconds, week in zip(rows, staffed, weeks, strict=True):
        (item_id, created, first, closed, due, category, urgent, officer, language, kind,
         reason) = row
        if first is None and reason == NO_REPLY_NEEDED:
            verdict = "exempt"
        elif first is not None:
            verdict = "met" if due is None or first <= due else "missed"
        else:
            verdict = "missed" if due is not None and due < moment else "pending"
        out.append(ItemTimes(
            item_id, category, "urgent" if urgent else "not urgent", officer, language, kind,
            week, None if first is None else (first - created) / 60,
            None if staffed_seconds is None else staffed_seconds / 60,
            None if closed is None else (closed - created) / 60, verdict))
    return out


def _weeks(epochs: list[int], config: Config) -> list[str]:
    """ISO week ("2026-W48") of each time in the team's zone (one zone lookup per hour)."""
    zone = config.team.zone
    by_hour: dict[int, str] = {}
    result = []
    for epoch in epochs:
        hour = epoch // 3600
        label = by_hour.get(hour)
        if label is None:
            year, week, _ = datetime.fromtimestamp(hour * 3600, zone).isocalendar()
            label = by_hour[hour] = f"{year}-W{week:02d}"
        result.append(label)
    return result


def build_report(store: Store, config: Config, since: datetime | None = None,
                 until: datetime | None = None, now: datetime | None = None,
                 by: Iterable[str] = DIMENSIONS) -> Report:
    """The supervisor's report for a window (all time when no bounds are given)."""
    now = now or datetime.now(UTC)
    items = item_times(store, config, since, until, now)
    groups: dict[str, list[GroupStats]] = {}
    for dimension in by:
        members: dict[str, list[ItemTimes]] = defaultdict(list)
        for item in items:
            members[getattr(item, dimension)].append(item)
        groups[dimension] = [summarise(key, members[key]) for key in sorted(members)]
    past = [row[0] for row in store.conn.execute(
        "select id from items where from_page = 0 and status in ('new', 'claimed') "
        "and first_response_at is null and sla_due_at < ? order by sla_due_at",
        (now.astimezone(UTC).isoformat(timespec="seconds"),))]
    overall = summarise("all", items)
    by_language = {g.key: g for g in groups.get("language") or
                   [summarise(k, [i for i in items if i.language == k]) for k in ("cy", "en")]}
    return Report(since, until, config.sla.clock, overall, groups, past,
                  welsh_parity(by_language.get("cy"), by_language.get("en"), config.sla.clock))


def welsh_parity(welsh: GroupStats | None, english: GroupStats | None, clock: str) -> str:
    """One sentence comparing Welsh and English contacts, calling out when Welsh is slower."""
    if not welsh or not english or welsh.answered == 0 or english.answered == 0:
        return "Not enough answered Welsh and English contacts to compare."
    use_staffed = clock == "staffed"
    cy = welsh.frt_staffed_median if use_staffed else welsh.frt_elapsed_median
    en = english.frt_staffed_median if use_staffed else english.frt_elapsed_median
    assert cy is not None and en is not None
    kind = "staffed" if use_staffed else "elapsed"
    shares = ""
    if welsh.sla_share is not None and english.sla_share is not None:
        shares = (f"; within SLA {welsh.sla_share:.0%} Welsh vs {english.sla_share:.0%} "
                  "English")
    if cy > en * (1 + PARITY_TOLERANCE) and cy - en >= 1:
        return (f"WELSH IS SLOWER: median first response {cy:.0f} min ({kind}) for Welsh vs "
                f"{en:.0f} min for English{shares}.")
    return f"Parity: median first response {cy:.0f} min Welsh vs {en:.0f} min English ({kind})" \
           f"{shares}."
