"""Background jobs (sync, sending the outbox, publishing safety posts, daily retention purge) on
an APScheduler timer, one process at a time.

Used by ``socialdesk worker`` and, later, by a dashboard. A lease row in the DB ("background")
makes sure only one process per database runs them: each run renews the lease, a process
that does not hold it skips its turn. A refused token stops the jobs until a person acts.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from socialdesk.core.desk.desk import Desk
from socialdesk.core.ingest.sync import SyncReport
from socialdesk.core.models import utc_now
from socialdesk.core.outbox.sender import SendReport
from socialdesk.core.schedule.publisher import PublishReport
from socialdesk.core.schedule.timer import plan
from socialdesk.core.store.leases import acquire_lease, release_lease
from socialdesk.errors import UserError

log = logging.getLogger("socialdesk.jobs")
LEASE = "background"
SEND_EVERY_SECONDS = 5.0
#: Publishing rounds also run on this interval (besides each post's own timer job), so posts
#: added or approved by another process go out on time.
PUBLISH_EVERY_SECONDS = 30.0
PURGE_FIRST_DELAY = timedelta(minutes=5)
#: how often the background jobs look whether the full model should be built (once it has been
#: tried, never again in this process)
IMPROVE_MODEL_CHECK_SECONDS = 30


class TrainingCancelled(Exception):
    """The background model build was stopped because the process is quitting."""

#: Called with ("sync", SyncReport), ("send", SendReport), ("publish", PublishReport),
#: ("purge", PurgeReport), ("skip", holder), ("model", text) or ("error", text).
Listener = Callable[[str, object], None]


class BackgroundJobs:
    """Sync and send on a timer, guarded by the DB lease."""

    def __init__(self, desk: Desk, listener: Listener | None = None,
                 sync_interval: float | None = None,
                 send_interval: float = SEND_EVERY_SECONDS) -> None:
        self.desk = desk
        self.listener = listener or (lambda kind, payload: None)
        self.sync_interval = sync_interval or desk.config.page.sync_interval_seconds
        self.send_interval = send_interval
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stopped_reason: str | None = None
        self._scheduler = BackgroundScheduler(timezone="UTC")
        self._improve_tried = False
        self._closing = threading.Event()

    def _lease(self) -> bool:
        seconds = 3 * max(self.sync_interval, self.send_interval)
        if acquire_lease(self.desk.store, LEASE, self.holder, seconds):
            return True
        self.listener("skip", "another socialdesk process runs the background jobs")
        return False

    def run_sync(self) -> SyncReport | None:
        """One sync pass if we hold the lease."""
        if self.stopped_reason or not self._lease():
            return None
        try:
            report = self.desk.sync_once()
        except UserError as exc:
            self._stop(str(exc))
            return None
        if report.token_refused:
            self._stop(report.error or "the page token was refused")
        self.listener("sync", report)
        return report

    def run_send(self) -> SendReport | None:
        """Send the outbox if we hold the lease."""
        if self.stopped_reason or not self._lease():
            return None
        try:
            report = self.desk.send_outbox()
        except UserError as exc:
            self._stop(str(exc))
            return None
        if report.sent or report.failed or report.uncertain or report.error:
            self.listener("send", report)
        return report

    def run_publish(self) -> PublishReport | None:
        """Publish the safety posts that are due (if we hold the lease), then re-plan the
        timer from the table."""
        if self.stopped_reason or not self._lease():
            return None
        try:
            report = self.desk.posts.publish_due()
            plan(self._scheduler, self.desk.store, self.run_publish)
        except UserError as exc:
            self.listener("error", str(exc))
            return None
        if report.token_refused:
            self._stop(report.error or "the page token was refused")
        if report.anything:
            self.listener("publish", report)
        return report

    def run_purge(self) -> None:
        """Daily: purge personal data past the retention period (if we hold the lease)."""
        if not self._lease():
            return
        try:
            report = self.desk.purge_expired()
        except UserError as exc:
            self.listener("error", str(exc))
            return
        if report.items:
            self.listener("purge", report)

    def run_improve_model(self) -> None:
        """Once per process, when the fast model is in use and we hold the lease: build the
        full model in the background and switch to it (quitting cancels it)."""
        if self._improve_tried or not self.desk.model.needs_full_model() or not self._lease():
            return
        self._improve_tried = True
        self.listener("model", "building the full model in the background")
        progress = _every_tenth(self.listener)

        def report(message: str, fraction: float) -> None:
            if self._closing.is_set():
                raise TrainingCancelled
            progress(message, fraction)

        try:
            model = self.desk.model.improve_model(progress=report)
        except TrainingCancelled:
            return
        except (UserError, OSError) as exc:  # e.g. the disk is full: the fast model stays
            self.listener("model", f"the full model was not built: {exc}")
            return
        if model is not None:
            self.listener("model", f"ready ({model.version})")

    def _stop(self, reason: str) -> None:
        self.stopped_reason = reason
        self.listener("error", reason)

    def start(self) -> None:
        """Start the timer (first sync at once)."""
        self._scheduler.add_job(self.run_sync, "interval", seconds=self.sync_interval,
                                id="sync", max_instances=1, coalesce=True,
                                next_run_time=utc_now())
        self._scheduler.add_job(self.run_send, "interval", seconds=self.send_interval,
                                id="send", max_instances=1, coalesce=True)
        self._scheduler.add_job(self.run_publish, "interval", seconds=PUBLISH_EVERY_SECONDS,
                                id="publish", max_instances=1, coalesce=True,
                                next_run_time=utc_now())
        plan(self._scheduler, self.desk.store, self.run_publish)  # rebuilt from the table
        self._scheduler.add_job(self.run_purge, "interval", hours=24, id="purge",
                                max_instances=1, coalesce=True,
                                next_run_time=utc_now() + PURGE_FIRST_DELAY)
        if self.desk.config.model.fine_tune_in_background:
            self._scheduler.add_job(self.run_improve_model, "interval", id="improve-model",
                                    seconds=IMPROVE_MODEL_CHECK_SECONDS, max_instances=1,
                                    coalesce=True)
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stop the timer (cancelling a model build) and give the lease up."""
        self._closing.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        with contextlib.suppress(UserError):
            release_lease(self.desk.store, LEASE, self.holder)
        self.desk.close()


def _every_tenth(listener: Listener) -> Callable[[str, float], None]:
    """Training progress for a listener: one report per tenth done, not one per batch."""
    shown: list[int] = []

    def report(message: str, fraction: float) -> None:
        tenth = int(fraction * 10)
        if not shown or tenth != shown[-1]:
            shown.append(tenth)
            listener("model", f"{message} {fraction:.0%}")

    return report
