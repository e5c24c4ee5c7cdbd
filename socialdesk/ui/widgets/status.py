"""The status bar: sync state, model state, open and urgent counts, and who you are.

What it shows is one :class:`DeskState` held by the app (a reactive): every screen's status bar
watches it and redraws itself when it changes, so nothing draws the bar by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from socialdesk.core.desk.events import ModelPhase, ModelState, SyncPhase, SyncView


@dataclass(frozen=True)
class DeskState:
    """Everything the status bar shows (replaced whole, never changed in place)."""

    user: str = ""
    role: str = ""
    sync: SyncView = field(default_factory=lambda: SyncView(SyncPhase.OFF))
    model: ModelState = field(default_factory=lambda: ModelState(ModelPhase.LOADING))
    open_count: int | None = None
    urgent_count: int = 0
    mine_count: int = 0
    posts: str = ""
    posts_alarm: bool = False
    problem: str = ""        # a background job failing (a full disk…), until it works again
    problem_job: str = ""
    backlog: str = ""        # "classifying 2,048 of 100,000" while the backlog is classified


def status_line(state: DeskState, zone: ZoneInfo) -> Text:
    """The bar's one line: urgent count and post alarms first, then sync, model, counts, you."""
    line = Text(no_wrap=True, overflow="ellipsis")
    if state.urgent_count:
        line.append(f" ‼ {state.urgent_count} urgent ", style="bold white on red")
        line.append(" ")
    if state.problem:  # the jobs cannot save or reach something: nothing else matters more
        line.append(f" ⚠ {state.problem} ", style="bold white on dark_red")
        line.append(" ")
    if state.posts_alarm:  # a paused schedule or a failed post: everyone sees it first
        line.append(f" {state.posts} ", style="bold white on red")
        line.append(" ")
    line.append(state.sync.text(zone), style="bold yellow" if state.sync.problem else "")
    line.append(" │ ")
    line.append(state.model.text(),
                style="" if state.model.phase is ModelPhase.READY else "italic")
    if state.backlog:
        line.append(f" · {state.backlog}", style="italic")
    if state.open_count is not None:
        line.append(f" │ to do {state.open_count:,} · mine {state.mine_count:,}")
    if state.posts and not state.posts_alarm:
        line.append(f" │ {state.posts}")
    line.append(f" │ {state.user} ({state.role})", style="dim")
    return line


class StatusBar(Static):
    """One line at the bottom of a screen, following the app's ``desk_state``."""

    DEFAULT_CSS = "StatusBar { height: 1; background: $panel; }"

    def __init__(self, zone: ZoneInfo, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.zone = zone

    def on_mount(self) -> None:
        """Follow the app's state from now on."""
        self.watch(self.app, "desk_state", self.redraw)

    def redraw(self, state: DeskState) -> None:
        """Shows ``state`` as the status line, times in the team's zone."""
        self.update(status_line(state, self.zone))
