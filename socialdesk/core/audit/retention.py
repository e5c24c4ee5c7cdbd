"""Retention: personal data older than ``[retention] days`` is purged; the figures stay.

Purging blanks an item's text and its author's name and id (and the text of answers sent to
it), and stamps ``purged_at``. Everything the reports use — times, category, urgency, language,
kind, status, officer — is kept, so a report over a purged period is unchanged. The audit log
never holds personal data (payloads carry ids, counts and triage fields, never message text or
names of the public), so it is left alone and its chain stays verifiable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from socialdesk.core.models import to_iso
from socialdesk.core.store.db import Store

PURGEABLE = "from_page in (0, 1) and purged_at is null and created_at < ?"


@dataclass(frozen=True)
class PurgeReport:
    """What a purge removed (or would remove, for a dry run)."""

    cutoff: datetime
    items: int
    answers: int
    dry_run: bool


def purge(store: Store, days: int, now: datetime, dry_run: bool = False) -> PurgeReport:
    """Blank personal data of items created more than ``days`` ago."""
    cutoff = now - timedelta(days=days)
    stamp = to_iso(cutoff)
    items = int(store.conn.execute(f"select count(*) from items where {PURGEABLE}",
                                   (stamp,)).fetchone()[0])
    answers = int(store.conn.execute(
        f"select count(*) from outbox where text != '' and item_id in "
        f"(select id from items where {PURGEABLE})", (stamp,)).fetchone()[0])
    if not dry_run and items:
        with store.write():
            store.conn.execute(
                f"update outbox set text = '' where item_id in "
                f"(select id from items where {PURGEABLE})", (stamp,))
            store.conn.execute(
                f"update items set text = '', author_name = null, author_id = null, "
                f"post_text = null, urgent_cues = null, purged_at = ? where {PURGEABLE}",
                (to_iso(now), stamp))
    return PurgeReport(cutoff, items, answers, dry_run)
