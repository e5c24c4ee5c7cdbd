"""What the background jobs and the desk tell their faces (the dashboard, the worker's log):
typed events and states instead of strings to parse.

A job reports a :class:`JobEvent` to its listener; the dashboard turns them into its status
bar and notifications, ``socialdesk worker`` into log lines. The states (:class:`ModelState`,
:class:`SyncView`) say what the status bar shows, with the words in one place
(:meth:`ModelState.text`, :meth:`SyncView.text`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from socialdesk.core.audit.retention import PurgeReport
from socialdesk.core.desk.alerts import AlertReport
from socialdesk.core.ingest.sync import SyncReport
from socialdesk.core.outbox.sender import SendReport
from socialdesk.core.schedule.publisher import PublishReport


class ModelPhase(StrEnum):
    """Where the classifier of this process is."""

    OFF = "off"                  # this face does not load a model
    LOADING = "loading"          # loading, or training the fast model on first use
    READY = "ready"              # classifying
    BUILDING = "building"        # ready (fast), the full model being built in the background
    UNAVAILABLE = "unavailable"  # loading failed
    NONE = "none"                # no model and none may be trained here


@dataclass(frozen=True)
class ModelState:
    """The classifier's state: phase, whether the full model serves, progress."""

    phase: ModelPhase
    full: bool = False
    progress: str = ""           # e.g. "fine-tuning MiniLM 40%"

    def text(self) -> str:
        """What the status bar says."""
        if self.phase is ModelPhase.READY:
            return f"model: ready ({'full' if self.full else 'fast'})"
        if self.phase is ModelPhase.BUILDING:
            return f"model: fast, ready; {self.progress}"[:70]
        if self.phase is ModelPhase.LOADING and self.progress:
            return f"model: {self.progress}"
        return {ModelPhase.LOADING: "model: loading…", ModelPhase.OFF: "model: off",
                ModelPhase.UNAVAILABLE: "model: unavailable",
                ModelPhase.NONE: "model: none"}.get(self.phase, f"model: {self.phase}")


class SyncPhase(StrEnum):
    """Where the page sync is."""

    OFF = "off"              # no page configured
    STARTING = "starting"    # configured, no pass finished yet
    OK = "ok"                # the last pass succeeded
    PROBLEM = "problem"      # the last pass failed; the next one will try again
    STOPPED = "stopped"      # the jobs stopped (token refused) until a person acts
    ELSEWHERE = "elsewhere"  # another socialdesk process runs the jobs


@dataclass(frozen=True)
class SyncView:
    """The sync's state as the status bar shows it."""

    phase: SyncPhase
    detail: str = ""                  # the error, or why it stopped
    last_success: datetime | None = None

    @property
    def problem(self) -> bool:
        """Whether it needs attention."""
        return self.phase in (SyncPhase.PROBLEM, SyncPhase.STOPPED)

    def text(self, zone: ZoneInfo) -> str:
        """What the status bar says (times in the team's zone)."""
        if self.phase is SyncPhase.OK and self.last_success is not None:
            return f"sync: ok {self.last_success.astimezone(zone):%H:%M:%S}"
        if self.phase is SyncPhase.PROBLEM:
            return f"sync: {self.detail}"
        if self.phase is SyncPhase.STOPPED:
            return f"sync: stopped — {self.detail}"
        return {SyncPhase.OFF: "sync: off (no page configured)",
                SyncPhase.STARTING: "sync: starting…",
                SyncPhase.ELSEWHERE: "sync: run by another socialdesk"}.get(
                    self.phase, f"sync: {self.phase}")


class JobEvent:
    """Something a background job has to tell."""


@dataclass(frozen=True)
class Synced(JobEvent):
    """A sync pass ended (its report holds any error)."""

    report: SyncReport


@dataclass(frozen=True)
class Sent(JobEvent):
    """A sending round did something."""

    report: SendReport


@dataclass(frozen=True)
class Published(JobEvent):
    """A publishing round did something."""

    report: PublishReport


@dataclass(frozen=True)
class Purged(JobEvent):
    """The retention purge blanked personal data."""

    report: PurgeReport


@dataclass(frozen=True)
class Alerted(JobEvent):
    """The alerts job acknowledged, alerted or escalated something."""

    report: AlertReport


@dataclass(frozen=True)
class Classifying(JobEvent):
    """The items waiting for the model are being classified in the background: ``done`` of
    ``total`` so far (``finished`` once the backlog is done)."""

    done: int
    total: int
    finished: bool = False

    def text(self) -> str:
        """What the worker's log says."""
        if self.finished:
            return f"classified {self.done:,} waiting items"
        return f"classifying {self.done:,} of {self.total:,} waiting items"


@dataclass(frozen=True)
class RunElsewhere(JobEvent):
    """Another process holds the jobs' lease: this one skips its turn."""


@dataclass(frozen=True)
class JobsStopped(JobEvent):
    """The jobs stopped and wait for a person (a refused token): ``reason`` says why."""

    reason: str


@dataclass(frozen=True)
class JobFailed(JobEvent):
    """One round failed (the jobs go on): ``reason`` says why, ``job`` which one."""

    reason: str
    job: str = ""


@dataclass(frozen=True)
class JobRecovered(JobEvent):
    """A job that had failed has just had a good round again."""

    job: str


@dataclass(frozen=True)
class ModelChanged(JobEvent):
    """The classifier's state changed (building the full model, progress, ready)."""

    state: ModelState


#: Receives every event (called from the jobs' threads).
Listener = Callable[[JobEvent], None]
