"""The hotspots screen: reports and concerns by place, ranked — this period's count, the
change on the period before, a spark line of the last weeks — and Enter shows the place's
items in the inbox (filtered by that place).

The figures come from ``desk.hotspots`` (the same as ``socialdesk places``) in a worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from socialdesk.core.desk import Desk
from socialdesk.core.desk.places import CATEGORIES, SPARK_WEEKS, Hotspot, change_text, spark_line
from socialdesk.ui.screens.base import DeskScreen

WINDOWS = (4, 1, 12, 52)          # weeks; the first is the default
CHOICES: tuple[str | None, ...] = (None, *CATEGORIES)


class HotspotsLoaded(Message):
    """The hotspots of a period were counted."""

    def __init__(self, spots: list[Hotspot]) -> None:
        super().__init__()
        self.spots = spots


class PlacesScreen(DeskScreen):
    """Hotspots by place; dismissed with the place to show in the inbox (or None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Inbox", id="places.back", tooltip="Back to the inbox"),
        Binding("w", "next_window", "Period", id="places.period",
                tooltip="The period: the last 4 weeks, 1 week, 12 or 52 weeks"),
        Binding("k", "next_category", "Category", id="places.category",
                tooltip="Reports and concerns, reports only, concerns only"),
        Binding("enter", "drill", "Items", id="places.items",
                tooltip="The place's items, in the inbox filtered by that place"),
    ]
    DEFAULT_CSS = """
    PlacesScreen #places-headline { height: auto; padding: 0 1; }
    PlacesScreen #hotspots { height: 1fr; }
    """

    def __init__(self, desk: Desk, clock: Any) -> None:
        super().__init__()
        self.desk = desk
        self.clock = clock
        self.window = WINDOWS[0]
        self.category: str | None = None
        self.spots: list[Hotspot] = []

    def compose(self) -> ComposeResult:
        """Headline, the ranked table."""
        yield Header()
        yield Static("Counting reports and concerns by place…", id="places-headline")
        yield DataTable(id="hotspots", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Count the first period."""
        self.title = self.desk.config.team.name
        table = self.query_one("#hotspots", DataTable)
        table.add_column("#", key="rank")
        table.add_column("place", key="place")
        table.add_column("now", key="now")
        table.add_column("before", key="before")
        table.add_column("change", key="change")
        table.add_column(f"last {SPARK_WEEKS} weeks", key="weeks")
        table.focus()
        self.load()

    def _what(self) -> str:
        return {None: "reports and concerns", "report": "reports",
                "concern": "concerns"}[self.category]

    def _period(self) -> str:
        return "last week" if self.window == 1 else f"last {self.window} weeks"

    def load(self) -> None:
        """Count the chosen period (in a worker)."""
        self.sub_title = f"places · {self._period()} · {self._what()}"
        until = self.clock()
        self.count(until - timedelta(weeks=self.window), until, self.category)

    @work(thread=True, exclusive=True, group="hotspots", exit_on_error=False)
    def count(self, since: datetime, until: datetime, category: str | None) -> None:
        """Worker: reads the period's hotspots and posts them to the screen."""
        with self.desk.session():
            spots = self.desk.hotspots(since, until, category)
        self.post_message(HotspotsLoaded(spots))

    @on(HotspotsLoaded)
    def show(self, message: HotspotsLoaded) -> None:
        """The ranked table (the cursor stays on the place it was on)."""
        table = self.query_one("#hotspots", DataTable)
        was = self.spots[table.cursor_row].place_id \
            if self.spots and 0 <= table.cursor_row < len(self.spots) else None
        self.spots = message.spots
        table.clear()
        for rank, spot in enumerate(self.spots, 1):
            change = change_text(spot)
            style = "bold red" if spot.change > 0 else "green" if spot.change < 0 else ""
            table.add_row(Text(str(rank), justify="right"), Text(spot.name),
                          Text(f"{spot.count:,}", justify="right"),
                          Text(f"{spot.previous:,}", justify="right"),
                          Text(change, style=style, justify="right"),
                          Text(spark_line(spot.weeks)), key=spot.place_id)
        headline = Text()
        headline.append(f"{self._what().capitalize()} by place, {self._period()} against the "
                        f"{self._period().removeprefix('last ')} before: ", style="bold")
        headline.append(f"{len(self.spots)} places (an item naming two counts in both). "
                        if self.spots else "no report or concern names a place in this period. ")
        headline.append("Enter shows a place's items.", style="dim")
        self.query_one("#places-headline", Static).update(headline)
        if was is not None:
            row = next((i for i, s in enumerate(self.spots) if s.place_id == was), None)
            if row is not None:
                table.move_cursor(row=row)

    def action_next_window(self) -> None:
        """Switches to the next period length (wrapping round) and counts again."""
        self.window = WINDOWS[(WINDOWS.index(self.window) + 1) % len(WINDOWS)]
        self.load()

    def action_next_category(self) -> None:
        """Both categories, reports only, concerns only."""
        self.category = CHOICES[(CHOICES.index(self.category) + 1) % len(CHOICES)]
        self.load()

    @on(DataTable.RowSelected, "#hotspots")
    def selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a place: its items in the inbox."""
        if event.row_key.value is not None:
            self.dismiss(str(event.row_key.value))

    def action_drill(self) -> None:
        """The place under the cursor, in the inbox."""
        table = self.query_one("#hotspots", DataTable)
        if self.spots and 0 <= table.cursor_row < len(self.spots):
            self.dismiss(self.spots[table.cursor_row].place_id)

    def action_back(self) -> None:
        """Back to the inbox as it was."""
        self.dismiss(None)
