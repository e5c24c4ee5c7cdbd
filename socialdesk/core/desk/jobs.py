"""Background jobs (sync, sending the outbox, publishing safety posts, the daily retention
purge, building the full model) on an APScheduler timer, one process at a time.

Used by ``socialdesk worker`` and by the dashboard. A lease row in the DB ("background")
makes sure only one process per database runs them: each turn renews the lease, a process
that does not hold it skips its turn. A refused token stops the jobs until a person acts.
Everything worth telling goes to the listener as a typed :mod:`~socialdesk.core.desk.events`
event.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from apscheduler.schedulers.background import BackgroundScheduler

from socialdesk.core.desk.access import AccessDenied, Permission
from socialdesk.core.desk.alerts import AlertReport
from socialdesk.core.desk.desk import Desk
from socialdesk.core.desk.events import (
    Alerted,
    Classifying,
    JobEvent,
    JobFailed,
    JobRecovered,
    JobsStopped,
    Listener,
    ModelChanged,
    ModelPhase,
    ModelState,
    Published,
    Purged,
    RunElsewhere,
    Sent,
    Synced,
)
from socialdesk.core.ingest.sync import SyncReport
from socialdesk.core.models import utc_now
from socialdesk.core.outbox.sender import SendReport
from socialdesk.core.schedule.publisher import PublishReport
from socialdesk.core.schedule.timer import plan
from socialdesk.core.store.leases import acquire_lease, release_lease
from socialdesk.errors import StoreError, UserError

log = logging.getLogger("socialdesk.jobs")

LEASE = "background"
SEND_EVERY_SECONDS = 5.0
#: Publishing rounds also run on this interval (besides each post's own timer job), so posts
#: added or approved by another process go out on time.
PUBLISH_EVERY_SECONDS = 30.0
PURGE_FIRST_DELAY = timedelta(minutes=5)
#: how often the audit chain's head is written outside the database
ANCHOR_EVERY = timedelta(hours=1)
#: how often the background jobs look whether the full model should be built (once it has been
#: tried, never again in this process)
IMPROVE_MODEL_CHECK_SECONDS = 30
#: how often the out-of-hours acknowledgements, SLA alerts and escalations are looked at
ALERTS_EVERY_SECONDS = 30.0
T = TypeVar("T")


#: how often the worker looks for items waiting for the model (another process's import,
#: one that was stopped), and how often at most it reports its progress on a backlog
CLASSIFY_EVERY_SECONDS = 10.0
CLASSIFY_PROGRESS_SECONDS = 5.0


class TrainingCancelled(Exception):
    """The background model build was stopped because the process is quitting."""


class ClassifyingCancelled(Exception):
    """Classifying the backlog was stopped (after its last committed page) because the process
    is quitting."""


@dataclass(frozen=True)
class JobRules:
    """How one background job behaves in the one frame all of them run in
    (:meth:`BackgroundJobs._turn`)."""

    name: str
    #: a user error (other than the database) stops every job until a person acts
    stops_on_error: bool = False
    #: runs even when the jobs are stopped (they do not need the page token)
    runs_when_stopped: bool = False


SYNC = JobRules("sync", stops_on_error=True)
SEND = JobRules("sending", stops_on_error=True)
PUBLISH = JobRules("safety posts")
RETENTION = JobRules("retention", runs_when_stopped=True)
ANCHOR = JobRules("audit anchor", runs_when_stopped=True)
MODEL = JobRules("model", runs_when_stopped=True)
#: alerts need no token (an acknowledgement waits in the outbox like any answer)
ALERTS = JobRules("alerts", runs_when_stopped=True)
SNOOZES = JobRules("snoozes", runs_when_stopped=True)
BACKLOG = JobRules("classifying", runs_when_stopped=True)
#: how often snoozed items whose time has come are handed back (and their snoozers told)
SNOOZE_EVERY_SECONDS = 30.0


class BackgroundJobs:
    """Sync, send, publish, purge and build the full model on a timer, under the DB lease."""

    def __init__(self, desk: Desk, listener: Listener | None = None,
                 sync_interval: float | None = None,
                 send_interval: float = SEND_EVERY_SECONDS,
                 classify_backlog: bool = False) -> None:
        self.desk = desk
        #: classify what waits for the model as a job of its own (the worker; the dashboard
        #: has its own worker for it)
        self.classify_backlog = classify_backlog
        self.listener: Listener = listener or (lambda event: None)
        self.sync_interval = sync_interval or desk.config.page.sync_interval_seconds
        self.send_interval = send_interval
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stopped_reason: str | None = None
        self._scheduler = BackgroundScheduler(timezone="UTC")
        self._improve_tried = False
        self._closing = threading.Event()
        self._failing: set[str] = set()

    def _lease(self) -> bool:
        seconds = 3 * max(self.sync_interval, self.send_interval)
        if acquire_lease(self.desk.store, LEASE, self.holder, seconds):
            return True
        self.listener(RunElsewhere())
        return False

    def _may_run(self) -> bool:
        """Whether this account may run the jobs (members only). Another never takes the
        lease — a read-only dashboard left open would hold it and keep the team's worker from
        syncing — and is told once, as the jobs stop."""
        try:
            self.desk.require(Permission.RUN_JOBS)
        except AccessDenied as exc:
            if not self.stopped_reason:
                self._stop(str(exc))
            return False
        return True

    def _turn(self, rules: JobRules, work: Callable[[], T]) -> T | None:
        """One turn of a job: the stop rule, the lease, then the work. Whatever goes wrong
        becomes one sentence for the listener (never only a log line): the database (a full
        disk, a lock) is reported and the job tries again next turn; another user error stops
        the jobs if the job's rules say so; anything else is reported as unexpected."""
        if self.stopped_reason and not rules.runs_when_stopped:
            return None
        try:
            if not self._may_run() or not self._lease():
                return None
            result = work()
        except StoreError as exc:
            self._failed(rules, str(exc))
            return None
        except UserError as exc:
            if rules.stops_on_error:
                self._stop(str(exc))
            else:
                self._failed(rules, str(exc))
            return None
        except Exception as exc:  # a fault of ours: said once, the other jobs go on
            log.exception("%s failed", rules.name)
            self._failed(rules, f"{rules.name} failed unexpectedly ({type(exc).__name__}: "
                                f"{' '.join(str(exc).split())[:200]}); it is tried again at "
                                "its next turn")
            return None
        if rules.name in self._failing:
            self._failing.discard(rules.name)
            self.listener(JobRecovered(rules.name))
        return result

    def _failed(self, rules: JobRules, reason: str) -> None:
        self._failing.add(rules.name)
        self.listener(JobFailed(reason, rules.name))

    def run_sync(self) -> SyncReport | None:
        """One sync pass if we hold the lease."""
        report = self._turn(SYNC, self.desk.sync_once)
        if report is not None:
            if report.token_refused:
                self._stop(report.error or "the page token was refused")
            self.listener(Synced(report))
        return report

    def run_send(self) -> SendReport | None:
        """Send the outbox if we hold the lease."""
        report = self._turn(SEND, self.desk.send_outbox)
        if report is not None and (report.sent or report.failed or report.uncertain
                                   or report.error):
            self.listener(Sent(report))
        return report

    def run_publish(self) -> PublishReport | None:
        """Publish the safety posts that are due (if we hold the lease), then re-plan the
        timer from the table."""
        def publish() -> PublishReport:
            done = self.desk.posts.publish_due()
            plan(self._scheduler, self.desk.store, self.run_publish)
            return done

        report = self._turn(PUBLISH, publish)
        if report is not None:
            if report.token_refused:
                self._stop(report.error or "the page token was refused")
            if report.anything:
                self.listener(Published(report))
        return report

    def run_alerts(self) -> AlertReport | None:
        """Acknowledge out-of-hours messages, alert on SLAs, escalate unclaimed urgent items
        (if we hold the lease); relay problems are reported, the notices stand."""
        report = self._turn(ALERTS, self.desk.alerts.run)
        if report is not None and report.anything:
            for problem in report.problems:
                self._failed(ALERTS, problem)
            self.listener(Alerted(report))
        # a drop-in session that has ended: its figures to the supervisors, once
        self._turn(ALERTS, self.desk.dropins.summarise_ended)
        return report

    def run_purge(self) -> None:
        """Daily: purge personal data past the retention period (if we hold the lease).
        It runs even while syncing is stopped: retention does not wait for a token."""
        report = self._turn(RETENTION, self.desk.purge_expired)
        if report is not None and report.items:
            self.listener(Purged(report))

    def run_snoozes(self) -> list[int] | None:
        """Every ~30 s (if we hold the lease): snoozed items whose time has come, or whose
        person wrote again, go back to To do and whoever snoozed each is told, once."""
        return self._turn(SNOOZES, self.desk.followup.wake)

    def run_classify(self) -> int | None:
        """Every ~10 s (if we hold the lease and the model classifies here): classify the items
        waiting for it, a committed page at a time, with a :class:`Classifying` event every
        few seconds and one when done; quitting stops it after the page in hand."""
        if not self.desk.model.auto_classify:
            return None
        return self._turn(BACKLOG, self._classify)

    def _classify(self) -> int:
        said: list[float] = []
        last = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal last
            if time.monotonic() - last >= CLASSIFY_PROGRESS_SECONDS:
                last = time.monotonic()
                said.append(last)
                self.listener(Classifying(done, total))
            if self._closing.is_set():
                raise ClassifyingCancelled

        try:
            done = self.desk.model.classify_pending(progress=progress)
        except ClassifyingCancelled:
            return 0
        if said:
            self.listener(Classifying(done, done, finished=True))
        return done

    def run_anchor(self) -> None:
        """Hourly: the audit chain's row count and head to the anchor file and the system log
        (if we hold the lease)."""
        self._turn(ANCHOR, self.desk.anchor_audit_chain)

    def run_improve_model(self) -> None:
        """Once per process, when the fast model is in use and we hold the lease: build the
        full model in the background and switch to it (quitting cancels it)."""
        if self._improve_tried or not self.desk.model.needs_full_model():
            return
        self._turn(MODEL, self._improve_model)

    def _improve_model(self) -> None:
        self._improve_tried = True
        self._model(ModelPhase.BUILDING, "building the full model in the background")
        progress = _every_tenth(lambda text: self._model(ModelPhase.BUILDING, text))

        def report(message: str, fraction: float) -> None:
            if self._closing.is_set():
                raise TrainingCancelled
            progress(message, fraction)

        try:
            model = self.desk.model.improve_model(progress=report)
        except TrainingCancelled:
            return
        except (UserError, OSError) as exc:  # e.g. the disk is full: the fast model stays
            self._model(ModelPhase.BUILDING, f"the full model was not built: {exc}")
            return
        if model is not None:
            self.listener(ModelChanged(ModelState(ModelPhase.READY, full=True)))

    def _model(self, phase: ModelPhase, progress: str) -> None:
        self.listener(ModelChanged(ModelState(phase, progress=progress)))

    def _stop(self, reason: str) -> None:
        self.stopped_reason = reason
        self.listener(JobsStopped(reason))

    def start(self) -> None:
        """Start the timer (first sync at once)."""
        every = {"max_instances": 1, "coalesce": True}
        self._scheduler.add_job(self.run_sync, "interval", seconds=self.sync_interval,
                                id="sync", next_run_time=utc_now(), **every)
        self._scheduler.add_job(self.run_send, "interval", seconds=self.send_interval,
                                id="send", **every)
        self._scheduler.add_job(self.run_publish, "interval", seconds=PUBLISH_EVERY_SECONDS,
                                id="publish", next_run_time=utc_now(), **every)
        plan(self._scheduler, self.desk.store, self.run_publish)  # rebuilt from the table
        self._scheduler.add_job(self.run_alerts, "interval", seconds=ALERTS_EVERY_SECONDS,
                                id="alerts", next_run_time=utc_now(), **every)
        self._scheduler.add_job(self.run_purge, "interval", hours=24, id="purge",
                                next_run_time=utc_now() + PURGE_FIRST_DELAY, **every)
        self._scheduler.add_job(self.run_anchor, "interval",
                                seconds=ANCHOR_EVERY.total_seconds(), id="anchor",
                                next_run_time=utc_now(), **every)
        self._scheduler.add_job(self.run_snoozes, "interval", seconds=SNOOZE_EVERY_SECONDS,
                                id="snoozes", next_run_time=utc_now(), **every)
        if self.classify_backlog:
            self._scheduler.add_job(self.run_classify, "interval", id="classify",
                                    seconds=CLASSIFY_EVERY_SECONDS, next_run_time=utc_now(),
                                    **every)
        if self.desk.config.model.fine_tune_in_background:
            self._scheduler.add_job(self.run_improve_model, "interval", id="improve-model",
                                    seconds=IMPROVE_MODEL_CHECK_SECONDS, **every)
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stop the timer (cancelling a model build) and give the lease up."""
        self._closing.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        with contextlib.suppress(UserError):
            release_lease(self.desk.store, LEASE, self.holder)
        self.desk.close()


def _every_tenth(say: Callable[[str], None]) -> Callable[[str, float], None]:
    """Training progress for a listener: one report per tenth done, not one per batch."""
    shown: list[int] = []

    def report(message: str, fraction: float) -> None:
        tenth = int(fraction * 10)
        if not shown or tenth != shown[-1]:
            shown.append(tenth)
            say(f"{message} {fraction:.0%}")

    return report


__all__ = ["BackgroundJobs", "JobEvent", "TrainingCancelled"]
