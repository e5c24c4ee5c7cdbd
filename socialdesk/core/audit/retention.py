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

from socialdesk.core.models import Progress, to_iso
from socialdesk.core.store.db import Store
from socialdesk.core.store.retention import (
    blank_items,
    blank_notes_and_traces,
    count_purgeable,
    count_purgeable_notes,
    count_purgeable_traces,
    sweep,
    sweep_pending,
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
    #: files in the data dir's exports/ older than the cutoff removed (referrals, timelines,
    #: scrutiny packs, CSVs)
    files: int = 0


#: Items blanked per transaction: a stopped purge keeps every batch it committed.
BATCH = 10_000


def purge(store: Store, days: int, now: datetime, dry_run: bool = False,
          recorded: Callable[[PurgeReport], None] | None = None,
          progress: Progress | None = None) -> PurgeReport:
    """Blank personal data of items created more than ``days`` ago.

    The work commits in batches, each with its audit row (``recorded`` runs in the batch's
    transaction with what that batch blanked): first the notes and other traces, then the
    items, oldest first, ``BATCH`` at a time, ``progress`` getting (items purged, items to
    purge) after each. Stopped midway (Ctrl-C), every committed batch stays purged and the next
    run does the rest — and the last step (the words swept from the full-text index and the
    WAL), even when no item is left to blank. Returns the totals counted at the start.
    """
    cutoff = now - timedelta(days=days)
    before, at = to_iso(cutoff), to_iso(now)
    items, answers = count_purgeable(store, before)
    notes = count_purgeable_notes(store, before)
    traces = count_purgeable_traces(store, before)
    report = PurgeReport(cutoff, items, answers, dry_run, notes, traces)
    if dry_run:
        return report
    if items or notes or traces:
        with store.write():
            blank_notes_and_traces(store, before, at)
            if recorded is not None and (notes or traces):
                recorded(PurgeReport(cutoff, 0, 0, False, notes, traces))
        done = 0
        while done < items:
            with store.write():
                blanked, answered = blank_items(store, before, at, BATCH)
                if blanked and recorded is not None:
                    recorded(PurgeReport(cutoff, blanked, answered, False))
            if not blanked:
                break
            done += blanked
            if progress is not None:
                progress(done, items)
    if items or notes or traces or sweep_pending(store):
        sweep(store)
    return report
