"""The status bar: sync state, model state, open and urgent counts, and who you are."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static


@dataclass
class DeskState:
    """What the status bar shows (the app updates fields and calls refresh)."""

    user: str = ""
    role: str = ""
    sync: str = "sync: off (no page configured)"
    sync_problem: bool = False
    model: str = "model: loading…"
    open_count: int | None = None
    urgent_count: int = 0
    mine_count: int = 0
    posts: str = ""
    posts_alarm: bool = False


class StatusBar(Static):
    """One line at the bottom of the inbox."""

    DEFAULT_CSS = "StatusBar { height: 1; background: $panel; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.state = DeskState()

    def show(self) -> None:
        """Redraw from :attr:`state`."""
        s = self.state
        line = Text(no_wrap=True, overflow="ellipsis")
        if s.urgent_count:
            line.append(f" ‼ {s.urgent_count} urgent ", style="bold white on red")
            line.append(" ")
        if s.posts_alarm:  # a paused schedule or a failed post: everyone sees it first
            line.append(f" {s.posts} ", style="bold white on red")
            line.append(" ")
        line.append(s.sync, style="bold yellow" if s.sync_problem else "")
        line.append(" │ ")
        line.append(s.model, style="italic" if "ready" not in s.model else "")
        if s.open_count is not None:
            line.append(f" │ to do {s.open_count:,} · mine {s.mine_count:,}")
        if s.posts and not s.posts_alarm:
            line.append(f" │ {s.posts}")
        line.append(f" │ {s.user} ({s.role})", style="dim")
        self.update(line)
