"""What every dashboard screen shares."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.screen import Screen
from textual.worker import Worker


class DeskScreen(Screen[Any]):
    """A screen whose workers' failures go to the app's one notification hub.

    Worker state messages do not bubble, so each screen that starts workers forwards them.
    """

    @on(Worker.StateChanged)
    def worker_changed(self, event: Worker.StateChanged) -> None:
        """Hand worker failures to the app's hub."""
        hub = getattr(self.app, "worker_failed", None)
        if hub is not None:
            hub(event)
