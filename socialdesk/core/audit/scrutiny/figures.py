"""The scrutiny pack's figures: one quarter of the desk's work for the accountability board
(the Police and Crime Commissioner's scrutiny of the technology the police use). The HTML is
drawn by :mod:`socialdesk.core.audit.scrutiny.document`.

Decisions, written down here as DESIGN.md asks:

- **A quarter** is a calendar quarter in the team's time zone ("2026Q4": 1 October 00:00 to
  1 January 00:00 local). The current quarter is shown "to date"; a quarter that has not begun
  is refused in one sentence.
- **Volumes, first response, SLA and Welsh parity** are the supervisor's report
  (:func:`socialdesk.core.audit.metrics.build_report`) over the quarter and over each of its
  months: the same figures as ``socialdesk report``, never a second way of counting.
- **Urgent items** are the public items flagged urgent when the pack is made (by the model, a
  cue or an officer). How fast they were handled: the first response on the page (elapsed
  time: urgent items run on the elapsed clock) and the first action of an officer (claimed,
  answered or closed, whichever came first).
- **The model's accuracy, measured from officers' corrections.** The model's label of an item
  is the category it stood at before the first reclassification (or as it stands, if no
  officer changed it); the officers' label is the one after their latest reclassification.
  Only items an officer **handled** count (claimed, answered, closed or reclassified): an item
  handled without a reclassification counts as agreed. That is an upper bound of the real
  accuracy (officers do not review every label with care), and the pack says so. Items an
  officer labelled before any model saw them are not the model's and are left out.
- **No personal data** unless a supervisor asks (``names``): without it the pack holds counts,
  times, item numbers and categories only — no names of the public or of officers, no words.
  With names, the urgent items and the corrections list the authors, the words and the
  officers, and the file is marked OFFICIAL-SENSITIVE.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

from socialdesk import paths
from socialdesk.config import Config
from socialdesk.core.audit import metrics
from socialdesk.core.audit.chain import Verification
from socialdesk.core.audit.scrutiny.quarters import Quarter
from socialdesk.core.models import Progress, minutes_between, to_iso
from socialdesk.core.store import Store
from socialdesk.core.store import scrutiny as queries

#: The categories the model gives, in the pack's order.
LABELS = ("report", "concern", "chat")
#: How long an urgent item waited for its first response on the page, in elapsed minutes:
#: the buckets of the pack's chart (the first is the urgent SLA target's own scale).
URGENT_BUCKETS = ((15, "≤ 15 min", "≤ 15 munud"), (60, "15–60 min", "15–60 munud"),
                  (240, "1–4 h", "1–4 awr"), (None, "> 4 h", "> 4 awr"))
#: The urgent items listed one by one (the slowest first).
URGENT_LISTED = 25
#: Words of an urgent item shown with names.
WORDS_SHOWN = 160


@dataclass(frozen=True)
class Month:
    """One month of the quarter: its report (volumes, FRT, SLA by language)."""

    year: int
    month: int
    report: metrics.Report

    def group(self, dimension: str, key: str) -> metrics.GroupStats | None:
        """The month's group by a dimension, if it has items."""
        return next((g for g in self.report.groups.get(dimension, []) if g.key == key), None)


@dataclass(frozen=True)
class UrgentItem:
    """One urgent item and how fast it was handled (minutes; None: not (yet))."""

    item_id: int
    received: str            # UTC ISO
    kind: str
    language: str
    category: str
    status: str
    close_reason: str
    first_action_min: float | None
    first_response_min: float | None
    #: with names only: the author, the start of the words, the officer
    author: str = ""
    words: str = ""
    officer: str = ""


@dataclass(frozen=True)
class Urgent:
    """The quarter's urgent items."""

    stats: metrics.GroupStats | None
    buckets: tuple[tuple[str, int], ...]     # first response on the page, elapsed
    not_answered_closed: int                 # closed without an answer on the page
    open_unanswered: int
    first_action_median: float | None
    slowest: tuple[UrgentItem, ...]
    count: int


@dataclass(frozen=True)
class Correction:
    """One reclassification the accuracy counts (listed with names only)."""

    item_id: int
    model: str
    officer: str
    model_urgent: bool
    officer_urgent: bool
    by: str
    at: str


@dataclass(frozen=True)
class Accuracy:
    """The model's labels against the officers' on the items officers handled."""

    #: confusion[model label][officer label] = items
    confusion: dict[str, dict[str, int]]
    reviewed: int
    agreed: int
    corrected: int
    classified: int                          # items a model classified in the quarter
    officer_first: int                       # labelled by an officer before any model
    #: per month: (year, month, reviewed, agreed)
    monthly: tuple[tuple[int, int, int, int], ...]
    urgent_raised: int                       # officers flagged urgent: the model missed it
    urgent_lowered: int                      # officers took the flag off: a false alarm
    urgent_agreed: int                       # flagged urgent and kept so
    versions: tuple[tuple[str, int], ...]
    corrections: tuple[Correction, ...] = ()

    @property
    def share(self) -> float | None:
        """Agreement on the handled items."""
        return self.agreed / self.reviewed if self.reviewed else None


@dataclass(frozen=True)
class Retention:
    """What retention did and keeps."""

    days: int
    last_purge_at: str | None
    last_purge_cutoff: str | None
    purged_in_quarter: int
    purged_all: int
    oldest_kept: str | None


@dataclass(frozen=True)
class Rules:
    """What the desk's configuration and policy say (for the plain-language statement)."""

    sla_minutes: dict[str, int]
    sla_clock: str
    escalate_after: int
    acknowledge_out_of_hours: bool
    require_approval: bool


@dataclass(frozen=True)
class ScrutinyPack:
    """Everything the pack shows."""

    team: str
    quarter: Quarter
    to_date: bool
    made_at: datetime
    names: bool
    report: metrics.Report
    months: tuple[Month, ...]
    urgent: Urgent
    accuracy: Accuracy
    retention: Retention
    rules: Rules
    chain: Verification | None = None
    exported_by: str = ""
    #: partner agencies by key: (English name, Welsh name), for the referrals section
    agencies: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        """The team's time zone, in which the quarter and its dates are read."""
        return self.quarter.zone


def _minutes(start: str | None, end: str | None) -> float | None:
    return minutes_between(start, end) if start and end else None


def _median(values: Sequence[float]) -> float | None:
    return median(values) if values else None


def urgent_figures(store: Store, report: metrics.Report, since: str, until: str,
                   names: bool) -> Urgent:
    """The quarter's urgent items: counts by how fast the first response came, the first
    action's median, and the slowest ones listed."""
    rows = queries.urgent_items(store, since, until, names)
    buckets = Counter[str]()
    items, actions = [], []
    closed_without, open_unanswered = 0, 0
    for row in rows:
        response = _minutes(row["created_at"], row["first_response_at"])
        acted = [m for m in (_minutes(row["created_at"], row[c]) for c in
                             ("claimed_at", "first_response_at", "closed_at")) if m is not None]
        first_action = min(acted) if acted else None
        if first_action is not None:
            actions.append(first_action)
        if response is None:
            if row["status"] == "closed":
                closed_without += 1
            else:
                open_unanswered += 1
        else:
            label = next(name for limit, name, _ in URGENT_BUCKETS
                         if limit is None or response <= limit)
            buckets[label] += 1
        words = ""
        if names:
            words = "[words withheld]" if row.get("purged_at") else \
                " ".join(str(row.get("text") or "").split())
            if len(words) > WORDS_SHOWN:
                words = words[:WORDS_SHOWN - 1] + "…"
        items.append(UrgentItem(
            int(row["id"]), str(row["created_at"]), str(row["kind"]),
            str(row["language"] or "unknown"), str(row["category"] or "unclassified"),
            str(row["status"]), str(row["close_reason"] or ""), first_action, response,
            author=" ".join(str(row.get("author_name") or "").split()) if names else "",
            words=words,
            officer=str(row.get("first_response_by") or row.get("assignee") or "")
            if names else ""))
    # the slowest first: never handled, then the longest wait for a first action
    slowest = sorted(items, key=lambda i: (i.first_action_min is not None,
                                           -(i.first_action_min or 0), i.item_id))
    stats = next((g for g in report.groups.get("urgent", []) if g.key == "urgent"), None)
    return Urgent(stats, tuple((name, buckets[name]) for _, name, _ in URGENT_BUCKETS),
                  closed_without, open_unanswered, _median(actions),
                  tuple(slowest[:URGENT_LISTED]), len(items))


def accuracy_figures(store: Store, quarter: Quarter, names: bool) -> Accuracy:
    """The model's labels against the officers' corrections on the items officers handled."""
    since, until = to_iso(quarter.start), to_iso(quarter.end)
    rows = queries.handled_labels(store, since, until)
    corrected = queries.corrections_of_window(store, since, until)
    confusion = {model: dict.fromkeys(LABELS, 0) for model in LABELS}
    months = [(start.year, start.month) for start, _ in quarter.months()]
    # stored times are UTC ISO text: a month is found by comparing text with its start's
    starts = [to_iso(start) for start, _ in quarter.months()]
    monthly = {month: [0, 0] for month in months}
    reviewed = agreed = changed = officer_first = 0
    raised = lowered = kept_urgent = 0
    listed = []
    for item_id, created_at, category, urgent in rows:
        fix = corrected.get(int(item_id))
        if fix is not None and fix["old_category"] is None:
            officer_first += 1      # an officer labelled it before any model did
            continue
        model = str(fix["old_category"] if fix else category)
        officer = str(fix["new_category"] if fix else category)
        if model not in LABELS or officer not in LABELS:
            continue
        reviewed += 1
        confusion[model][officer] += 1
        agreed += model == officer
        changed += model != officer
        tally = monthly[months[max(bisect_right(starts, str(created_at)) - 1, 0)]]
        tally[0] += 1
        tally[1] += model == officer
        model_urgent = bool(fix["old_urgent"] if fix else urgent)
        officer_urgent = bool(fix["new_urgent"] if fix else urgent)
        raised += officer_urgent and not model_urgent
        lowered += model_urgent and not officer_urgent
        kept_urgent += model_urgent and officer_urgent
        if names and fix is not None and (model != officer or model_urgent != officer_urgent):
            listed.append(Correction(int(item_id), model, officer, model_urgent,
                                     officer_urgent, str(fix["actor"] or ""), str(fix["at"])))
    versions = queries.model_versions(store, since, until)
    return Accuracy(
        confusion=confusion, reviewed=reviewed, agreed=agreed, corrected=changed,
        classified=sum(count for _, count in versions), officer_first=officer_first,
        monthly=tuple((y, m, n, ok) for (y, m), (n, ok) in sorted(monthly.items())),
        urgent_raised=raised, urgent_lowered=lowered, urgent_agreed=kept_urgent,
        versions=tuple(versions),
        corrections=tuple(listed))


def build(store: Store, config: Config, quarter: Quarter, names: bool, retention_days: int,
          rules: Rules, now: datetime, progress: Progress | None = None) -> ScrutinyPack:
    """The pack's figures for a quarter (the audit chain's check is added by the caller, see
    :func:`with_chain`). ``progress`` gets (items read, items in the quarter)."""
    until = min(quarter.end, now)
    by = ("category", "urgent", "language", "kind")
    report = metrics.build_report(store, config, quarter.start, quarter.end, now, by, progress)
    months = tuple(Month(start.year, start.month,
                         metrics.build_report(store, config, start, end, now,
                                              ("language", "urgent")))
                   for start, end in quarter.months() if start <= until)
    since_iso, until_iso = to_iso(quarter.start), to_iso(quarter.end)
    facts = queries.retention_facts(store, since_iso, until_iso)
    return ScrutinyPack(
        team=config.team.name, quarter=quarter, to_date=now < quarter.end, made_at=now,
        names=names, report=report, months=months,
        urgent=urgent_figures(store, report, since_iso, until_iso, names),
        accuracy=accuracy_figures(store, quarter, names),
        retention=Retention(retention_days, facts["last_purge_at"],
                            facts["last_purge_cutoff"], facts["purged_in_window"],
                            facts["purged_all"], facts["oldest_kept"]),
        rules=rules,
        agencies={a.key: (a.name_en, a.name_cy) for a in config.referral.agencies})


def with_chain(pack: ScrutinyPack, verification: Verification, exported_by: str
               ) -> ScrutinyPack:
    """The pack with the audit chain's check and who exports it (shown with names only)."""
    return replace(pack, chain=verification, exported_by=exported_by)


def export_path(folder: Path, quarter: Quarter, names: bool, now: datetime) -> Path:
    """A new file name in ``folder``: scrutiny-2026Q4-20261207-195000[-named].html (-2, -3…
    if taken; the time is UTC)."""
    stem = f"scrutiny-{quarter.label}-{now:%Y%m%d-%H%M%S}{'-named' if names else ''}"
    return paths.unused_file(folder, stem, ".html")
