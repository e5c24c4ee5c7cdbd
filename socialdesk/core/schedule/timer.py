"""APScheduler as the timer for safety posts; the ``scheduled_posts`` table stays the truth.

:func:`plan` makes the scheduler hold one date job per approved post, at its due time, and
drops jobs of posts that are no longer due (edited, cancelled, published elsewhere). It is
run at start ("rebuilt from the table") and after every publishing round, which also runs on
a short interval, so a post added by another process (the CLI) is picked up within that
interval even before its own job exists. The jobs only wake the publisher: whether a post
is due, late, missed or already taken is decided from the table, in a transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler

from socialdesk.core.models import utc_now
from socialdesk.core.store.db import Store
from socialdesk.core.store.safety_posts import approved_due_times

PREFIX = "post-"


def due_times(store: Store) -> dict[str, datetime]:
    """Job id → due time of every approved post."""
    return {f"{PREFIX}{post_id}": datetime.fromisoformat(due)
            for post_id, due in approved_due_times(store)}


def plan(scheduler: BaseScheduler, store: Store, wake: Callable[[], object]) -> int:
    """Align the scheduler's post jobs with the table; returns how many are planned."""
    wanted = due_times(store)
    for job in scheduler.get_jobs():
        if job.id.startswith(PREFIX) and job.id not in wanted:
            with contextlib.suppress(JobLookupError):  # it may have fired meanwhile
                scheduler.remove_job(job.id)
    now = utc_now()
    for job_id, due in wanted.items():
        existing = scheduler.get_job(job_id)
        when = max(due, now)
        if existing is not None and getattr(existing, "next_run_time", None) == when:
            continue
        scheduler.add_job(wake, "date", run_date=when, id=job_id, replace_existing=True,
                          misfire_grace_time=None, coalesce=True)
    return len(wanted)
