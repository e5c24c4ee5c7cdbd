"""Retention: personal data older than ``[retention] days`` is purged; the figures stay.

Purging blanks an item's text, its author's name and id, its attachments (their URLs and file
names) and its link on the page (and the text of answers sent to it), and stamps
``purged_at``; officers' notes on items and handover notes are blanked too (they name people),
and so is the text of older notices. Everything the reports use — times, category, urgency,
language, kind, status, officer — is kept, so a report over a purged period is unchanged. The
audit log never holds personal data (payloads carry ids, counts and triage fields, never
message text or names of the public), so it is left alone and its chain stays verifiable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from socialdesk.core.models import to_iso
from socialdesk.core.store.db import Store
from socialdesk.core.store.retention import (
    blank_personal_data,
    count_purgeable,
    count_purgeable_notes,
    count_purgeable_traces,
)


@dataclass(frozen=True)
class PurgeReport:
    """What a purge removed (or would remove, for a dry run)."""

    cutoff: datetime
    items: int
    answers: int
    dry_run: bool
    #: officers' notes on items and handover notes blanked
    notes: int = 0
    #: other traces of people removed: out-of-hours acknowledgements, notices' text
    traces: int = 0


def purge(store: Store, days: int, now: datetime, dry_run: bool = False,
          recorded: Callable[[PurgeReport], None] | None = None) -> PurgeReport:
    """Blank personal data of items created more than ``days`` ago; ``recorded`` (the audit
    row) runs in the same transaction when anything was purged."""
    cutoff = now - timedelta(days=days)
    items, answers = count_purgeable(store, to_iso(cutoff))
    notes = count_purgeable_notes(store, to_iso(cutoff))
    traces = count_purgeable_traces(store, to_iso(cutoff))
    report = PurgeReport(cutoff, items, answers, dry_run, notes, traces)
    if not dry_run and (items or notes or traces):
        blank_personal_data(store, to_iso(cutoff), to_iso(now),
                            (lambda: recorded(report)) if recorded else None)
    return report
