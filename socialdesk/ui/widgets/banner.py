"""The red lines across the top of a screen: open urgent items (the inbox), and scheduled
publishing paused (the Posts screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from socialdesk.ui.format import one_line

if TYPE_CHECKING:   # the inbox shows the banner module at start: no scheduling code then
    from socialdesk.core.schedule.workflow import PauseState


class UrgentBanner(Static):
    """A red line while open urgent items exist."""

    DEFAULT_CSS = """
    UrgentBanner { height: 1; background: $error; color: white; text-style: bold;
                   display: none; }
    UrgentBanner.-active { display: block; }
    """

    def set_count(self, count: int, next_key: str) -> None:
        """Show or hide the banner for ``count`` open urgent items."""
        self.set_class(count > 0, "-active")
        self.update(Text(f" ‼ {count} URGENT open — danger to someone now → 999. "
                         f"Press {next_key} to go to it. ", no_wrap=True,
                         overflow="ellipsis"))


class PauseBanner(Static):
    """A red line while scheduled publishing is paused."""

    DEFAULT_CSS = """
    PauseBanner { height: auto; background: $error; color: white; text-style: bold;
                  padding: 0 1; display: none; }
    PauseBanner.-active { display: block; }
    """

    def show_state(self, state: PauseState, when: str) -> None:
        """Show or hide the banner."""
        self.set_class(state.paused, "-active")
        if state.paused:
            self.update(Text(f"⏸ SCHEDULED POSTS PAUSED by {state.by} since {when}: "
                             f"{one_line(state.reason)}  (R resumes)"))
