"""The red line shown while open urgent items exist."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


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
