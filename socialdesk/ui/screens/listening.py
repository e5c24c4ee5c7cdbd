"""The listening screen: what the community raises — topics of its concerns and chat, named in
English and Welsh, this period against the one before, rising ones flagged, with their places
and months; below the table, the topic under the cursor with its three most typical items.

The topics come from ``desk.listening.topics`` (the same as ``socialdesk listening``) in a
worker; embedding new items reports its progress in the headline. Everything people typed is
shown as plain text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from socialdesk.core.desk import Desk
from socialdesk.core.desk.listening import Listening, Topic, rising_rule
from socialdesk.ui.screens.base import DeskScreen

WINDOWS = (90, 30, 180, 365)          # days; the first is the default


class ListeningLoaded(Message):
    """A period's topics were found."""

    def __init__(self, heard: Listening) -> None:
        super().__init__()
        self.heard = heard


class EmbeddingProgress(Message):
    """Items embedded so far (done, total)."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


class ModelTraining(Message):
    """First use: the model the encoder comes from is being trained (what, fraction done)."""

    def __init__(self, what: str, fraction: float) -> None:
        super().__init__()
        self.what, self.fraction = what, fraction


class ListeningScreen(DeskScreen):
    """Topics of what people raise; escape goes back to the inbox."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Inbox", id="listening.back", tooltip="Back to the inbox"),
        Binding("w", "next_window", "Period", id="listening.period",
                tooltip="The period: the last 90 days, 30, 180 or 365 days"),
    ]
    DEFAULT_CSS = """
    ListeningScreen #listening-headline { height: auto; padding: 0 1; }
    ListeningScreen #topics { height: 1fr; min-height: 5; }
    ListeningScreen #topic-pane { height: auto; max-height: 50%; border-top: solid $primary; }
    ListeningScreen #topic-detail { height: auto; padding: 0 1; }
    """

    def __init__(self, desk: Desk, clock: Any) -> None:
        super().__init__()
        self.desk = desk
        self.clock = clock
        self.window = WINDOWS[0]
        self.heard: Listening | None = None

    def compose(self) -> ComposeResult:
        """Headline, the topics, the topic under the cursor."""
        yield Header()
        yield Static("Listening: reading concerns and chat…", id="listening-headline")
        yield DataTable(id="topics", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="topic-pane"):
            yield Static("", id="topic-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Find the first period's topics."""
        self.title = self.desk.config.team.name
        table = self.query_one("#topics", DataTable)
        for label, key in (("#", "rank"), ("topic · pwnc", "topic"), ("now", "now"),
                           ("before", "before"), ("change", "change"), ("rise", "rising"),
                           ("places", "places")):
            table.add_column(label, key=key)
        table.focus()
        self.load()

    def load(self) -> None:
        """Find the chosen period's topics (in a worker)."""
        self.sub_title = f"listening · last {self.window} days"
        until = self.clock()
        self.find(until - timedelta(days=self.window), until)

    @work(thread=True, exclusive=True, group="listening", exit_on_error=False)
    def find(self, since: datetime, until: datetime) -> None:
        """Worker: the topics (embedding new items first, with progress)."""
        def progress(done: int, total: int) -> None:
            self.post_message(EmbeddingProgress(done, total))

        def training(what: str, fraction: float) -> None:
            self.post_message(ModelTraining(what, fraction))

        with self.desk.session():
            heard = self.desk.listening.topics(since, until, progress,
                                               train_progress=training)
        self.post_message(ListeningLoaded(heard))

    @on(EmbeddingProgress)
    def embedding(self, message: EmbeddingProgress) -> None:
        """How far embedding new items has got."""
        self.query_one("#listening-headline", Static).update(Text(
            f"Listening: embedding new items, {message.done:,} of {message.total:,}…"))

    @on(ModelTraining)
    def training(self, message: ModelTraining) -> None:
        """First use on this machine: the model is trained before anything is embedded."""
        self.query_one("#listening-headline", Static).update(Text(
            f"Listening: first use, training the model ({message.fraction:.0%}, "
            f"{message.what})…"))

    @on(ListeningLoaded)
    def show(self, message: ListeningLoaded) -> None:
        """The topics, busiest first (the cursor stays on the row it was on)."""
        table = self.query_one("#topics", DataTable)
        row = table.cursor_row
        self.heard = heard = message.heard
        table.clear()
        for topic in heard.topics:
            style = "bold red" if topic.change > 0 else "green" if topic.change < 0 else ""
            table.add_row(Text(str(topic.number), justify="right"),
                          Text(topic.name, no_wrap=True, overflow="ellipsis"),
                          Text(f"{topic.count:,}", justify="right"),
                          Text(f"{topic.previous:,}", justify="right"),
                          Text(topic.change_text(), style=style, justify="right"),
                          Text("▲", style="bold red") if topic.rising else Text(""),
                          Text(", ".join(f"{label} {n}" for _, label, n in topic.places[:2]),
                               no_wrap=True, overflow="ellipsis"),
                          key=str(topic.number))
        headline = Text()
        headline.append(f"What people raise, last {self.window} days against the "
                        f"{self.window} before: ", style="bold")
        headline.append(f"{heard.items:,} concerns and chat ({heard.previous_items:,} before), "
                        f"{len(heard.topics)} topics, {len(heard.rising)} rising. "
                        if heard.topics else "nobody raised anything in this period. ")
        headline.append(f"Rising: {rising_rule()}.", style="dim")
        self.query_one("#listening-headline", Static).update(headline)
        if heard.topics:
            table.move_cursor(row=min(max(row, 0), len(heard.topics) - 1))
            self.describe(heard.topics[table.cursor_row])
        else:
            self.query_one("#topic-detail", Static).update("")

    @on(DataTable.RowHighlighted, "#topics")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The topic under the cursor, below the table."""
        if self.heard and 0 <= event.cursor_row < len(self.heard.topics):
            self.describe(self.heard.topics[event.cursor_row])

    def describe(self, topic: Topic) -> None:
        """A topic's words in both languages, months, places and typical items."""
        text = Text()
        text.append(f"Topic {topic.number}", style="bold")
        if topic.rising:
            text.append("  ▲ rising", style="bold red")
        text.append("\nEnglish: ", style="dim")
        text.append(", ".join(topic.en) or "—")
        text.append("   Cymraeg: ", style="dim")
        text.append(", ".join(topic.cy) or "—")
        if topic.borrowed:
            text.append(f"  ({'Welsh' if topic.borrowed == 'cy' else 'English'} words from "
                        "the glossary: no item was written in it)", style="dim")
        text.append("\nBy month: ", style="dim")
        text.append(" · ".join(f"{m} {n}" for m, n in topic.months.items()))
        text.append("\nPlaces: ", style="dim")
        text.append(", ".join(f"{label} {n}" for _, label, n in topic.places[:5])
                    or "no place named")
        text.append("\nTypical items:", style="dim")
        for example in topic.examples:
            text.append(f"\n  #{example.id} [{example.language}] ", style="dim")
            text.append(" ".join(example.text.split()))
        self.query_one("#topic-detail", Static).update(text)

    def action_next_window(self) -> None:
        """Switches to the next period length (wrapping round) and finds its topics."""
        self.window = WINDOWS[(WINDOWS.index(self.window) + 1) % len(WINDOWS)]
        self.load()

    def action_back(self) -> None:
        """Closes the listening view and returns to the inbox."""
        self.dismiss(None)
