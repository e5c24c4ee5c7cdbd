"""The live drop-in session view (``i`` in the inbox); the supervisor's list of sessions is
:mod:`socialdesk.ui.screens.dropin_sessions`.

The live view shows the running session's window, its figures so far (in, answered, waiting,
the median first response, urgent) and every item that came in since it opened, newest first;
Enter opens one in the inbox. Like the inbox it polls SQLite's ``data_version`` each second
and reads again when anyone commits (a reply, the sync), and every half minute for the
waiting times. When the session ends while the view is open, its final figures stay.

Everything a person wrote is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from socialdesk.core.audit.report_figures import minutes_text
from socialdesk.core.desk import Desk
from socialdesk.core.desk.dropin import SessionFigures, urgent_text
from socialdesk.ui.format import local_time, one_line, span
from socialdesk.ui.screens.base import DeskScreen

POLL_SECONDS = 1.0
RETICK_SECONDS = 30.0


class SessionLoaded(Message):
    """A session's figures were read."""

    def __init__(self, figures: SessionFigures) -> None:
        super().__init__()
        self.figures = figures


class DropinScreen(DeskScreen):
    """The running drop-in session: its figures so far and its items."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Inbox", id="dropin.back", tooltip="Back to the inbox"),
        Binding("enter", "open_item", "Open", id="dropin.open",
                tooltip="Open the selected item in the inbox"),
        Binding("f5", "refresh", "Refresh", show=False, id="dropin.refresh",
                tooltip="Read the session again now"),
    ]
    DEFAULT_CSS = """
    DropinScreen #dropin-head { height: auto; padding: 0 1; background: $boost; }
    DropinScreen #dropin-figures { height: auto; padding: 0 1; border-bottom: solid $panel; }
    DropinScreen #dropin-items { height: 1fr; }
    """

    def __init__(self, desk: Desk, clock: Callable[[], datetime], session_id: int,
                 open_item: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.clock = clock
        self.session_id = session_id
        self.open_item_in_inbox = open_item
        self.figures: SessionFigures | None = None
        self._data_version: int | None = None

    def compose(self) -> ComposeResult:
        """Header, the session line, its figures, its items, footer."""
        yield Header()
        yield Static("Reading the session…", id="dropin-head")
        yield Static("", id="dropin-figures")
        yield DataTable(id="dropin-items", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Read the session, then watch the database like the inbox does."""
        self.title = self.desk.config.team.name
        self.sub_title = f"drop-in session {self.session_id}"
        table = self.query_one(DataTable)
        table.add_columns("in", "kind", "category", "lang", "reply · officer", "from",
                          "message")
        table.focus()
        self._data_version = self.desk.data_version()
        self.reload()
        self.set_interval(POLL_SECONDS, self.check_for_changes)
        self.set_interval(RETICK_SECONDS, self.reload)

    def check_for_changes(self) -> None:
        """Read again when another connection committed something (a reply, the sync)."""
        version = self.desk.data_version()
        if version != self._data_version:
            self._data_version = version
            self.reload()

    def reload(self) -> None:
        """Read the session's figures (in a worker)."""
        self.load_session(self.clock())

    def action_refresh(self) -> None:
        """Reads the session's figures again at once, without waiting for the next poll."""
        self.reload()

    @work(thread=True, exclusive=True, group="dropin", exit_on_error=False)
    def load_session(self, now: datetime) -> None:
        """Worker: the session's figures and items so far."""
        with self.desk.session():
            figures = self.desk.dropins.report(self.session_id, now)
        if not get_current_worker().is_cancelled:
            self.post_message(SessionLoaded(figures))

    @on(SessionLoaded)
    def show_session(self, message: SessionLoaded) -> None:
        """The session line, the figures and the items (the cursor stays on its item)."""
        self.figures = figures = message.figures
        zone, now = self.desk.config.team.zone, self.clock()
        session = figures.session
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"Drop-in session {session.id}", style="bold")
        head.append(" · ")
        head.append(one_line(session.label))
        head.append(f" · {session.window(zone, with_year=False)} · ")
        if figures.state == "running":
            head.append(f"{span(session.end - now)} left", style="bold green")
        else:
            head.append({"over": "over: final figures", "cancelled": "cancelled",
                         "planned": "not started yet"}[figures.state], style="bold yellow")
        self.query_one("#dropin-head", Static).update(head)
        line = Text()
        line.append(f"In {figures.contacts}", style="bold")
        line.append(f" from {figures.people} people · ")
        line.append(f"answered {figures.answered_in_session}", style="bold")
        if figures.answered_later:
            line.append(f" (+{figures.answered_later} after)")
        line.append(" · ")
        line.append(f"waiting {figures.waiting}",
                    style="bold red" if figures.waiting else "bold")
        if figures.closed_without_reply:
            line.append(f" · closed {figures.closed_without_reply}")
        line.append(" · median reply ")
        line.append(minutes_text(figures.median_minutes), style="bold")
        line.append("\n")
        line.append("Urgent: ")
        line.append(urgent_text(figures.urgent),
                    style="bold red" if figures.urgent.waiting else "")
        self.query_one("#dropin-figures", Static).update(line)
        self._fill(figures, now)

    def _fill(self, figures: SessionFigures, now: datetime) -> None:
        table = self.query_one(DataTable)
        selected = self.selected_id()
        zone = self.desk.config.team.zone
        table.clear()
        for item in reversed(figures.items):
            # the reply time or the wait, and who answered or has the item
            who = one_line(item["first_response_by"] or item["assignee"])
            if item["first_response_at"]:
                minutes = (datetime.fromisoformat(item["first_response_at"])
                           - datetime.fromisoformat(item["created_at"]))
                reply = Text(span(minutes), style="green")
            elif item["status"] == "closed":
                reply = Text("closed", style="dim")
            else:
                waited = now - datetime.fromisoformat(item["created_at"])
                reply = Text(f"waiting {span(waited)}", style="bold red" if item["urgent"]
                             else "yellow")
            if who:
                reply.append(f" {who}", style="")
            category = Text(item["category"] or "—")
            if item["urgent"]:
                category = Text(f"URGENT {item['category'] or ''}".strip(), style="bold red")
            text = "(purged)" if item["purged_at"] else one_line(item["text"])
            table.add_row(local_time(item["created_at"], zone, now),
                          "msg" if item["kind"] == "message" else item["kind"], category,
                          item["language"] or "—", reply,
                          Text(one_line(item["author_name"], "unknown")[:20]),
                          Text(text[:200], no_wrap=True, overflow="ellipsis"),
                          key=str(item["id"]))
        if not figures.items:
            self.sub_title = (f"drop-in session {figures.session.id} · nothing in yet: "
                              "the items people send appear here as they come")
        else:
            self.sub_title = (f"drop-in session {figures.session.id} · {len(figures.items)} "
                              "items, newest first · Enter opens one in the inbox")
        if selected is not None:
            ids = [int(item["id"]) for item in reversed(figures.items)]
            if selected in ids:
                table.move_cursor(row=ids.index(selected))

    def selected_id(self) -> int | None:
        """The item under the cursor, or None."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    @on(DataTable.RowSelected, "#dropin-items")
    def row_chosen(self) -> None:
        """Enter on a row opens the item in the inbox."""
        self.action_open_item()

    def action_open_item(self) -> None:
        """Back to the inbox with the selected item selected."""
        item_id = self.selected_id()
        if item_id is None:
            return
        if self.open_item_in_inbox is not None:
            self.open_item_in_inbox(item_id)
        else:
            self.app.pop_screen()

    def action_back(self) -> None:
        """Leaves the live view for the inbox."""
        self.app.pop_screen()
