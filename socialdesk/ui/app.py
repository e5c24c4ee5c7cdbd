"""The socialdesk dashboard app: screens, the model and background jobs, one worker-error hub.

Build it with :func:`build_app` (used by the CLI and by the tests). The app never waits for
the model or the page: the inbox paints from the DB at once, the model loads (or trains on
first use) in a worker, and the sync runs in :class:`BackgroundJobs` threads under the DB lease.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import Role
from socialdesk.core.desk.events import (
    JobEvent,
    JobFailed,
    JobRecovered,
    JobsStopped,
    ModelChanged,
    ModelPhase,
    ModelState,
    Published,
    RunElsewhere,
    Sent,
    Synced,
    SyncPhase,
    SyncView,
)
from socialdesk.core.models import utc_now
from socialdesk.core.schedule.publisher import PublishReport
from socialdesk.errors import UserError
from socialdesk.ui.actions import ACTIONS
from socialdesk.ui.dialogs.key_help import KeyHelp
from socialdesk.ui.messages import (
    BacklogProgress,
    InboxPainted,
    JobReported,
    ModelReady,
    ModelStateChanged,
)
from socialdesk.ui.screens.base import DeskScreen
from socialdesk.ui.screens.inbox import InboxScreen
from socialdesk.ui.widgets.status import DeskState

if TYPE_CHECKING:
    # imported when the jobs start, after the first paint (it brings in APScheduler and httpx)
    from socialdesk.core.desk.jobs import BackgroundJobs

CLASSIFY_EVERY_SECONDS = 10.0


class BacklogStopped(Exception):
    """Classifying the backlog stopped because the dashboard is quitting."""


class SocialDeskApp(App[None]):
    """The officers' dashboard: the inbox screen first, the desk's other screens pushed on top of
    it."""

    CSS_PATH = "app.tcss"
    TITLE = "socialdesk"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so that focus moves the moment Tab arrives. Handled after bubbling up
        # from the field, a fast typist's next keys still reached the field being left
        # (the post form's {date} read "2026-12-1910:00-14:00").
        Binding("tab", "focus_next", "Next field", show=False, priority=True,
                id="app.focus_next"),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True,
                id="app.focus_previous"),
        Binding("question_mark,f1", "key_help", "Keys", id="app.key_help",
                tooltip="Every key of this screen"),
    ]
    #: What every status bar shows (they watch it; change it with :meth:`update_state`).
    desk_state: reactive[DeskState] = reactive(DeskState)

    def __init__(self, desk: Desk, *, jobs: BackgroundJobs | None = None,
                 background: bool = False, load_model: bool = True,
                 clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self.desk = desk
        #: the page sync and sending (``background``: built when they start)
        self.jobs = jobs
        self.background = background
        self.load_model = load_model
        self.clock = clock
        self._started = False

    def update_state(self, **changes: Any) -> None:
        """Change some fields of the status bars' state (they redraw themselves)."""
        self.desk_state = replace(self.desk_state, **changes)

    def on_mount(self) -> None:
        """Apply the configured keys and show the inbox (the model and the jobs start once
        its first rows are on screen: :meth:`inbox_painted`)."""
        self.set_keymap(dict(self.desk.config.keys))
        self.update_state(user=self.desk.actor, role=self.desk.role,
                          sync=self.desk.sync_view())
        self.push_screen(InboxScreen(self.desk, self.clock))
        if not self.load_model:
            self.update_state(model=ModelState(ModelPhase.OFF))

    @on(InboxPainted)
    def inbox_painted(self) -> None:
        """The inbox is on screen: load the model and start the jobs (once). Both take the
        CPU (and the GIL) for seconds: started before the first frame, they delayed it."""
        if self._started:
            return
        self._started = True
        if self.load_model:
            self.start_model()
        if self.jobs is None and self.background:
            from socialdesk.core.desk.jobs import BackgroundJobs

            self.jobs = BackgroundJobs(self.desk)
        if self.jobs is not None:
            self.jobs.listener = self._job_listener
            self.jobs.start()

    def on_unmount(self) -> None:
        """Stop the background jobs and give the lease back."""
        if self.jobs is not None:
            self.jobs.shutdown()

    @property
    def inbox(self) -> InboxScreen | None:
        """The inbox screen, once mounted."""
        for screen in self.screen_stack:
            if isinstance(screen, InboxScreen):
                return screen
        return None

    # ── the model ────────────────────────────────────────────────────────────────────────

    @work(thread=True, exclusive=True, group="model", exit_on_error=False)
    def start_model(self) -> None:
        """Worker: load the classifier (train it on first use); the backlog is classified
        after, by :meth:`classify_backlog`, with its progress in the status bar."""
        with self.desk.session():
            self.post_message(ModelStateChanged(ModelState(ModelPhase.LOADING)))
            model = self.desk.model.classifier(progress=self._train_progress)
            self.desk.model.auto_classify = True
        self.post_message(ModelReady(model.version if model else "none", 0,
                                     full=model is not None and model.finetuned is not None))

    def classify_waiting(self) -> None:
        """Start classifying what waits, unless that is already running (a new worker must
        not cancel one that is half-way through a backlog)."""
        if not any(w.group == "classify" and w.state in (WorkerState.PENDING,
                                                          WorkerState.RUNNING)
                   for w in self.workers):
            self.classify_backlog()

    @work(thread=True, group="classify", exit_on_error=False)
    def classify_backlog(self) -> None:
        """Worker: classify the items waiting for the model (an import, another process's
        sync), a committed page at a time with progress in the status bar; quitting stops it
        after the page in hand (the rest waits for the next start)."""
        worker = get_current_worker()
        shown: list[int] = []

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise BacklogStopped
            shown.append(done)
            self.post_message(BacklogProgress(f"classifying {done:,} of {total:,}"))

        done = 0
        with self.desk.session(), contextlib.suppress(BacklogStopped):
            try:
                done = self.desk.model.classify_pending(progress=progress)
            finally:  # the bar is cleared however it ends; a backlog (not the odd item
                if shown:  # another process synced) is announced when done
                    self.post_message(BacklogProgress("", done if len(shown) > 1 else 0))

    def _train_progress(self, text: str, fraction: float) -> None:
        self.post_message(ModelStateChanged(ModelState(ModelPhase.LOADING,
                                                       progress=f"{text} {fraction:.0%}")))

    def _job_listener(self, event: JobEvent) -> None:
        self.post_message(JobReported(event))

    @on(ModelStateChanged)
    def model_state_changed(self, message: ModelStateChanged) -> None:
        """Show loading/training progress."""
        self.update_state(model=message.state)

    @on(ModelReady)
    def model_ready_now(self, message: ModelReady) -> None:
        """Model loaded: say so and keep classifying what others store."""
        self.update_state(model=ModelState(ModelPhase.READY, full=message.full)
                          if message.version != "none" else ModelState(ModelPhase.NONE))
        if message.version != "none":
            self.classify_waiting()
        self.set_interval(CLASSIFY_EVERY_SECONDS, self.classify_waiting)

    @on(BacklogProgress)
    def backlog_progress(self, message: BacklogProgress) -> None:
        """The backlog being classified: progress in the status bar; when it is done, the
        items are in the inbox with their categories."""
        self.update_state(backlog=message.text)
        if message.finished:
            self.notify(f"Classified {message.finished:,} waiting item(s).", markup=False)
        if self.inbox is not None:
            self.inbox.reload()

    # ── background jobs ──────────────────────────────────────────────────────────────────

    @on(JobReported)
    def job_reported(self, message: JobReported) -> None:
        """Job events reach the status bar and notifications; the inbox reloads."""
        match message.event:
            case ModelChanged(state):
                self._model_changed(state)
            case JobsStopped(reason):
                self.update_state(sync=SyncView(SyncPhase.STOPPED, reason))
                self.notify(f"Sync stopped: {reason}", severity="error", timeout=60,
                            markup=False)
            case JobFailed(reason, job):
                self.update_state(problem=reason, problem_job=job)
                self.notify(reason, severity="warning", timeout=15, markup=False)
            case JobRecovered(job) if job == self.desk_state.problem_job:
                self.update_state(problem="", problem_job="")
            case RunElsewhere() if not self.desk_state.sync.problem:
                self.update_state(sync=SyncView(SyncPhase.ELSEWHERE))
            case Synced(report) if report.error:
                self.notify(f"Sync problem: {report.error}", severity="warning", markup=False)
            case Sent(report) if report.failed or report.uncertain:
                self.notify(f"Sending: {report.failed} failed, {report.uncertain} uncertain "
                            "(see the item's history).", severity="warning", markup=False)
            case Published(report):
                self._posts_reported(report)
        if self.inbox is not None:
            self.inbox.reload()

    def _model_changed(self, state: ModelState) -> None:
        """The full model being built in the background: progress, then the switch."""
        self.update_state(model=state)
        if state.phase is ModelPhase.READY and state.full:
            self.notify("The full model is ready: new items and the ones nobody has touched "
                        "yet are classified by it.", markup=False)

    def _posts_reported(self, report: PublishReport) -> None:
        if report.published:
            self.notify(f"Safety post published: #{', #'.join(map(str, report.published))}.",
                        markup=False)
        if report.missed or report.failed or report.uncertain or report.error:
            problems = [f"{len(ids)} {name}" for name, ids in (
                ("missed", report.missed), ("failed", report.failed),
                ("uncertain", report.uncertain)) if ids]
            self.notify(f"Safety posts: {', '.join(problems) or report.error} — see the Posts "
                        "screen (t).", severity="warning", timeout=20, markup=False)

    # ── errors and the command palette ───────────────────────────────────────────────────

    @on(Worker.StateChanged)
    def worker_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers (model, classify) report here."""
        self.worker_failed(event)

    def worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place where worker failures become notifications (never a crash).

        Worker state messages do not bubble, so screens forward theirs here.
        """
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if event.worker.group == "model":
            self.update_state(model=ModelState(ModelPhase.UNAVAILABLE))
        if isinstance(error, UserError):
            self.notify(str(error), severity="warning", timeout=8, markup=False)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="Something went wrong",
                        severity="error", timeout=15, markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers the actions of the screen in view (with their keys) besides
        the system ones: the inbox's from its action table, every other screen's from its
        bindings. Textual's "Screenshot" is left out: it writes the screen — people's words —
        as an SVG into the account's downloads folder, readable by its group and never purged
        (the evidence timeline is the desk's private, audited way to take items out)."""
        yield from (command for command in super().get_system_commands(screen)
                    if command.title != "Screenshot")
        for label, key, help_text, action in screen_actions(screen, self.desk.config.keys):
            yield SystemCommand(f"{label} ({key})", help_text, self._runner(screen, action))

    def action_key_help(self) -> None:
        """Show the keys of the screen in view (not over a dialog or the help itself)."""
        screen = self.screen
        if isinstance(screen, KeyHelp) or not isinstance(screen, DeskScreen):
            return
        rows = [(key, label, help_text) for label, key, help_text, _action in
                screen_actions(screen, self.desk.config.keys)]
        self.push_screen(KeyHelp(str(screen.sub_title or screen.title or "socialdesk"), rows))

    def _runner(self, screen: Screen, action: str) -> Callable[[], object]:
        return lambda: self.run_action(action, screen)


def screen_actions(screen: Screen, keys: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(label, key, help, action) of what a screen lets one do, for the palette and the key
    help: the inbox's action table (keys as remapped in ``[keys]``), else the screen's own
    bindings."""
    if isinstance(screen, InboxScreen):
        return [(label, keys[binding_id], help_text, action)
                for binding_id, action, label, _show, help_text in ACTIONS]
    found = []
    for binding in getattr(screen, "BINDINGS", []):
        if isinstance(binding, Binding) and binding.description:
            found.append((binding.description, binding.key.split(",")[0],
                          binding.tooltip or binding.description, binding.action))
    return found


def build_app(desk: Desk, *, background: bool = True, load_model: bool = True,
              clock: Callable[[], datetime] = utc_now) -> SocialDeskApp:
    """The dashboard for a desk; background jobs run when a page is configured."""
    members = (Role.OFFICER, Role.SUPERVISOR)
    jobs = background and bool(desk.config.page.id) and desk.role in members
    return SocialDeskApp(desk, background=jobs, load_model=load_model, clock=clock)
