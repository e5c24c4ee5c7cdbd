"""What every dashboard screen shares."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.screen import Screen
from textual.worker import Worker

from socialdesk.core.desk.events import SyncPhase


class DeskScreen(Screen[Any]):
    """A screen whose workers' failures go to the app's one notification hub.

    Worker state messages do not bubble, so each screen that starts workers forwards them.
    """

    def update_desk_state(self, unless_stopped: bool = False, **changes: Any) -> None:
        """Change what the status bars show (the app holds it); ``unless_stopped`` leaves a
        stopped sync as it is (only a person's action restarts it)."""
        update = getattr(self.app, "update_state", None)
        state = getattr(self.app, "desk_state", None)
        if update is None or (unless_stopped and state is not None
                              and state.sync.phase is SyncPhase.STOPPED):
            return
        update(**changes)

    @on(Worker.StateChanged)
    def worker_changed(self, event: Worker.StateChanged) -> None:
        """Hand worker failures to the app's hub."""
        hub = getattr(self.app, "worker_failed", None)
        if hub is not None:
            hub(event)
