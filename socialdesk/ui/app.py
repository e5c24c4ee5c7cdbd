"""The socialdesk dashboard app: screens, the model and background jobs, one worker-error hub.

Build it with :func:`build_app` (used by the CLI and by the tests). The app never waits for
the model or the page: the inbox paints from the DB at once, the model loads (or trains on
first use) in a worker, and the sync runs in :class:`BackgroundJobs` threads under the DB lease.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from textual import on, work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from socialdesk.core.desk import Desk
from socialdesk.core.desk.jobs import BackgroundJobs
from socialdesk.core.ingest.sync import SyncReport
from socialdesk.core.models import utc_now
from socialdesk.core.outbox.sender import SendReport
from socialdesk.core.schedule.publisher import PublishReport
from socialdesk.errors import UserError
from socialdesk.ui.messages import ModelProgress, ModelReady, SyncFinished
from socialdesk.ui.screens.inbox import ACTIONS, InboxScreen
from socialdesk.ui.widgets.status import StatusBar

CLASSIFY_EVERY_SECONDS = 10.0


class SocialDeskApp(App[None]):
    """The officers' dashboard."""

    CSS_PATH = "app.tcss"
    TITLE = "socialdesk"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012

    def __init__(self, desk: Desk, *, jobs: BackgroundJobs | None = None,
                 load_model: bool = True, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self.desk = desk
        self.jobs = jobs
        self.load_model = load_model
        self.clock = clock
        #: What the status bar says about the model (read by screens when they mount).
        self.model_text = "model: loading…"

    def on_mount(self) -> None:
        """Apply the configured keys, show the inbox, start the model and the jobs."""
        self.set_keymap(dict(self.desk.config.keys))
        self.push_screen(InboxScreen(self.desk, self.clock))
        if self.load_model:
            self.start_model()
        else:
            self._model_status("model: off")
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
        """Worker: load the classifier (train it on first use), then classify the backlog."""
        try:
            self.post_message(ModelProgress("model: loading…"))
            model = self.desk.model.classifier(progress=self._train_progress)
            self.desk.model.auto_classify = True
            done = self.desk.model.classify_pending() if model is not None else 0
        finally:
            self.desk.close()
        self.post_message(ModelReady(model.version if model else "none", done,
                                     full=model is not None and model.finetuned is not None))

    @work(thread=True, exclusive=True, group="classify", exit_on_error=False)
    def classify_backlog(self) -> None:
        """Worker: classify items other processes stored without classifying."""
        try:
            self.desk.model.classify_pending()
        finally:
            self.desk.close()

    def _train_progress(self, text: str, fraction: float) -> None:
        self.post_message(ModelProgress(f"model: {text} {fraction:.0%}"))

    def _job_listener(self, kind: str, payload: object) -> None:
        self.post_message(SyncFinished(kind, payload))

    @on(ModelProgress)
    def model_progress(self, message: ModelProgress) -> None:
        """Show loading/training progress."""
        self._model_status(message.text)

    @on(ModelReady)
    def model_ready_now(self, message: ModelReady) -> None:
        """Model loaded: say so and keep classifying what others store."""
        kind = "full" if message.full else "fast"
        self._model_status(f"model: ready ({kind})" if message.version != "none"
                           else "model: none")
        if message.classified:
            self.notify(f"Classified {message.classified:,} waiting item(s).", markup=False)
        self.set_interval(CLASSIFY_EVERY_SECONDS, self.classify_backlog)

    def _model_status(self, text: str) -> None:
        self.model_text = text
        for screen in self.screen_stack:
            for bar in screen.query(StatusBar):
                bar.state.model = text
                bar.show()

    # ── background jobs ──────────────────────────────────────────────────────────────────

    @on(SyncFinished)
    def job_reported(self, message: SyncFinished) -> None:
        """Sync/send results and stops reach the status bar and notifications."""
        inbox = self.inbox
        if inbox is None:
            return
        if message.kind == "model":
            self._model_improving(str(message.payload))
            return
        bar = inbox.query_one(StatusBar)
        if message.kind == "error":
            bar.state.sync = f"sync: stopped — {message.payload}"
            bar.state.sync_problem = True
            self.notify(f"Sync stopped: {message.payload}", severity="error", timeout=60,
                        markup=False)
        elif message.kind == "skip":
            bar.state.sync = "sync: run by another socialdesk"
        elif isinstance(message.payload, SyncReport) and message.payload.error:
            self.notify(f"Sync problem: {message.payload.error}", severity="warning",
                        markup=False)
        elif isinstance(message.payload, SendReport) and (message.payload.failed or
                                                          message.payload.uncertain):
            self.notify(f"Sending: {message.payload.failed} failed, "
                        f"{message.payload.uncertain} uncertain (see the item's history).",
                        severity="warning", markup=False)
        elif isinstance(message.payload, PublishReport):
            self._posts_reported(message.payload)
        bar.show()
        inbox.reload()

    def _model_improving(self, text: str) -> None:
        """The full model being built in the background: progress, then the switch."""
        if text.startswith("ready"):
            self._model_status("model: ready (full)")
            self.notify("The full model is ready: new items and the ones nobody has touched "
                        "yet are classified by it.", markup=False)
            if self.inbox is not None:
                self.inbox.reload()
        else:
            self._model_status(f"model: fast, ready; {text}"[:70])

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
            self._model_status("model: unavailable")
        if isinstance(error, UserError):
            self.notify(str(error), severity="warning", timeout=8, markup=False)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="Something went wrong",
                        severity="error", timeout=15, markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers the inbox actions (with their keys) besides the system ones."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, InboxScreen):
            keys = self.desk.config.keys
            for binding_id, action, label, _show, help_text in ACTIONS:
                yield SystemCommand(f"{label} ({keys[binding_id]})", help_text,
                                    self._runner(screen, action))

    def _runner(self, screen: InboxScreen, action: str) -> Callable[[], object]:
        return lambda: self.run_action(action, screen)


def build_app(desk: Desk, *, background: bool = True, load_model: bool = True,
              clock: Callable[[], datetime] = utc_now) -> SocialDeskApp:
    """The dashboard for a desk; background jobs run when a page is configured."""
    jobs = BackgroundJobs(desk) if background and desk.config.page.id else None
    return SocialDeskApp(desk, jobs=jobs, load_model=load_model, clock=clock)
