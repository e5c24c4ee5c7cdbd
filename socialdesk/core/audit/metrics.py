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

Each figure is count, median and p90, overall and by category, urgent, officer, language, kind,
week and tag, and every group keeps its item ids so that a figure drills down to its items.

By tag, an item with two tags counts in both groups (so the groups add up to more than the
total), and items with no tag form the "(no tag)" group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from socialdesk.config import Config
from socialdesk.core.audit.hours import StaffedClock, staffed_seconds_between
from socialdesk.core.models import to_iso
from socialdesk.core.store.audit_log import chain_head
from socialdesk.core.store.db import Store
from socialdesk.core.store.reports import (
    CATEGORIES,
    ELSEWHERE,
    EXEMPT,
    KINDS,
    LANGUAGES,
    MET,
    MISSED,
    past_sla_now,
    report_rows,
    tag_pairs,
)
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
    item_ids: list[int] = field(repr=False, default_factory=list)
    #: closed as answered by phone or in person: no first response on the page, left out of
    #: FRT and SLA like "no reply needed"
    answered_elsewhere: int = 0

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

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return {"since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "sla_clock": self.clock, "overall": self.overall.as_dict(),
                "by": {dim: [g.as_dict() for g in groups] for dim, groups in self.groups.items()},
                "past_sla_now": self.past_sla_now, "welsh_parity": self.parity.text,
                "welsh_slower": self.parity.welsh_slower,
                "audit_chain": {"rows": self.audit_rows, "head": self.audit_head}}


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


def _percentiles(values: np.ndarray) -> tuple[float | None, float | None]:
    if values.size == 0:
        return None, None
    median, p90 = np.percentile(values, [50, 90])
    return float(median), float(p90)


@dataclass
class ItemTable:
    """The report's items as columns (numpy arrays; NaN where a time does not apply).

    Built from one query that packs each item's categories into one integer, so that 500,000
    items cost a few Python objects per item instead of a dozen.
    """

    ids: np.ndarray
    frt_elapsed: np.ndarray
    frt_staffed: np.ndarray
    resolution: np.ndarray
    verdict: np.ndarray
    labels: dict[str, list[str]]
    codes: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.ids.size)


def summarise(key: str, table: ItemTable, chosen: np.ndarray | None = None) -> GroupStats:
    """Count, median and p90 of the items at positions ``chosen`` (all when None)."""
    pick = slice(None) if chosen is None else chosen
    elapsed, staffed = table.frt_elapsed[pick], table.frt_staffed[pick]
    resolution, verdict = table.resolution[pick], table.verdict[pick]
    answered = elapsed[~np.isnan(elapsed)]
    e_med, e_p90 = _percentiles(answered)
    s_med, s_p90 = _percentiles(staffed[~np.isnan(staffed)])
    r_med, r_p90 = _percentiles(resolution[~np.isnan(resolution)])
    return GroupStats(
        key=key, count=int(verdict.size), answered=int(answered.size),
        no_reply_needed=int(np.count_nonzero(verdict == EXEMPT)),
        answered_elsewhere=int(np.count_nonzero(verdict == ELSEWHERE)),
        frt_elapsed_median=e_med, frt_elapsed_p90=e_p90, frt_staffed_median=s_med,
        frt_staffed_p90=s_p90, resolution_median=r_med, resolution_p90=r_p90,
        sla_met=int(np.count_nonzero(verdict == MET)),
        sla_missed=int(np.count_nonzero(verdict == MISSED)),
        item_ids=table.ids[pick].tolist())


def item_table(store: Store, config: Config, since: datetime | None, until: datetime | None,
               now: datetime) -> ItemTable:
    """Every public item created in [since, until) with its times and SLA verdict."""
    rows = report_rows(store, since, until, now)
    answered = rows.first >= 0
    clock = StaffedClock(config.staffed_hours, config.team.zone)
    staffed = np.full(rows.ids.size, np.nan)
    if answered.any():
        staffed[answered] = staffed_seconds_between(
            clock, rows.created[answered].astype(float),
            rows.first[answered].astype(float)) / 60
    week_labels, week_codes = _weeks(rows.created, config)
    return ItemTable(
        ids=rows.ids,
        frt_elapsed=np.where(answered, (rows.first - rows.created) / 60, np.nan),
        frt_staffed=staffed,
        resolution=np.where(rows.resolved >= 0, rows.resolved / 60, np.nan),
        verdict=rows.verdict,
        labels={"category": list(CATEGORIES), "urgent": ["not urgent", "urgent"],
                "language": list(LANGUAGES), "kind": list(KINDS), "officer": rows.officers,
                "week": week_labels},
        codes={**rows.codes, "week": week_codes})


def _weeks(created: np.ndarray, config: Config) -> tuple[list[str], np.ndarray]:
    """ISO week ("2026-W48") of each time in the team's zone: one zone lookup per hour."""
    if created.size == 0:
        return [], np.zeros(0, dtype=np.int64)
    hours, inverse = np.unique(created // 3600, return_inverse=True)
    names = [f"{y}-W{w:02d}" for y, w, _ in
             (datetime.fromtimestamp(int(h) * 3600, config.team.zone).isocalendar()
              for h in hours)]
    labels, per_hour = np.unique(np.array(names), return_inverse=True)
    return labels.tolist(), per_hour[inverse]


def group_stats(table: ItemTable, dimension: str) -> list[GroupStats]:
    """One GroupStats per value of a dimension that has items, in label order."""
    codes = table.codes[dimension]
    order = np.argsort(codes, kind="stable")
    present, starts = np.unique(codes[order], return_index=True)
    bounds = [*starts.tolist(), int(codes.size)]
    labels = table.labels[dimension]
    groups = [summarise(labels[int(code)], table, order[bounds[n]:bounds[n + 1]])
              for n, code in enumerate(present)]
    return sorted(groups, key=lambda g: g.key)


def tag_groups(store: Store, table: ItemTable, since: datetime | None,
               until: datetime | None) -> list[GroupStats]:
    """One GroupStats per tag (an item with two tags is in both), then "(no tag)"."""
    pair_ids, labels, pair_codes = tag_pairs(store, since, until)
    order = np.argsort(table.ids, kind="stable")
    found = np.searchsorted(table.ids[order], pair_ids)
    known = found < table.ids.size
    known[known] = table.ids[order][found[known]] == pair_ids[known]
    positions, codes = order[found[known]], pair_codes[known]
    groups = [summarise(label, table, np.sort(positions[codes == n]))
              for n, label in enumerate(labels)]
    untagged = np.ones(table.ids.size, dtype=bool)
    untagged[positions] = False
    untagged = np.flatnonzero(untagged)
    if untagged.size:
        groups.append(summarise(NO_TAG, table, untagged))
    return [g for g in groups if g.count]


def build_report(store: Store, config: Config, since: datetime | None = None,
                 until: datetime | None = None, now: datetime | None = None,
                 by: Iterable[str] = DIMENSIONS) -> Report:
    """The supervisor's report for a window (all time when no bounds are given)."""
    now = now or datetime.now(UTC)
    table = item_table(store, config, since, until, now)
    groups = {dimension: tag_groups(store, table, since, until) if dimension == "tag"
              else group_stats(table, dimension) for dimension in by}
    past = past_sla_now(store, to_iso(now))
    by_language = {g.key: g for g in groups.get("language") or group_stats(table, "language")}
    rows, head = chain_head(store)
    return Report(since, until, config.sla.clock, summarise("all", table), groups, past,
                  welsh_parity(by_language.get("cy"), by_language.get("en"), config.sla.clock),
                  rows, head)


def welsh_parity(welsh: GroupStats | None, english: GroupStats | None, clock: str) -> Parity:
    """One sentence comparing Welsh and English contacts, calling out when Welsh is slower: a
    median first response more than 10% (and a minute) longer, or a share answered within SLA
    more than 5 points lower."""
    if not welsh or not english or welsh.answered == 0 or english.answered == 0:
        return Parity("Not enough answered Welsh and English contacts to compare.")
    use_staffed = clock == "staffed"
    cy = welsh.frt_staffed_median if use_staffed else welsh.frt_elapsed_median
    en = english.frt_staffed_median if use_staffed else english.frt_elapsed_median
    assert cy is not None and en is not None
    kind = "staffed" if use_staffed else "elapsed"
    shares = ""
    if welsh.sla_share is not None and english.sla_share is not None:
        shares = (f"; within SLA {welsh.sla_share:.0%} Welsh vs {english.sla_share:.0%} "
                  "English")
    slower_median = cy > en * (1 + PARITY_TOLERANCE) and cy - en >= 1
    lower_share = (welsh.sla_share is not None and english.sla_share is not None
                   and welsh.sla_share < english.sla_share - PARITY_SHARE_TOLERANCE)
    if slower_median or lower_share:
        return Parity(f"WELSH IS SLOWER: median first response {cy:.0f} min ({kind}) for "
                      f"Welsh vs {en:.0f} min for English{shares}.", welsh_slower=True)
    return Parity(f"Parity: median first response {cy:.0f} min Welsh vs {en:.0f} min English "
                  f"({kind}){shares}.")
