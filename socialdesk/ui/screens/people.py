"""A person's contact history (shift+P on an item) and the safeguarding markers list
(shift+M).

The contact history shows every item of the person — all the page-scoped ids an officer
linked — newest first: when, kind, category (urgent), the first line of the text, status, who
answered and when, and the first answer sent. Enter opens the item in the inbox; l links
another id (picked from recent authors, or typed), u unlinks the selected row's id, k sets or
changes the safeguarding marker (members), K removes it (supervisors). Everything a person
wrote is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import Permission
from socialdesk.core.desk.people import MARKER_KINDS, LinkUndo
from socialdesk.core.models import utc_now
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.ask import AskDialog
from socialdesk.ui.dialogs.choice import ChoiceDialog, WideChoiceDialog
from socialdesk.ui.format import marker_banner, one_line
from socialdesk.ui.screens.base import DeskScreen

TYPE_ID = "\x00type"


class PersonLoaded(Message):
    """The person's history was read."""

    def __init__(self, person: dict[str, Any]) -> None:
        super().__init__()
        self.person = person


class PersonChanged(Message):
    """A link, unlink or marker change was made."""

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary


class PersonScreen(DeskScreen):
    """Every contact of one person, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Inbox", id="person.back", tooltip="Back to the inbox"),
        Binding("enter", "open_item", "Open", id="person.open",
                tooltip="Open the selected item in the inbox"),
        Binding("l", "link", "Link id", id="person.link",
                tooltip="Link another author id to this person"),
        Binding("u", "unlink", "Unlink", id="person.unlink",
                tooltip="Split the selected row's author id out of this person"),
        Binding("k", "set_marker", "Marker", id="person.marker",
                tooltip="Set or change the safeguarding marker (members)"),
        Binding("K", "remove_marker", "Remove marker", show=False, id="person.unmark",
                tooltip="Remove the safeguarding marker (supervisors)"),
        Binding("z", "undo", "Undo link", show=False, id="person.undo",
                tooltip="Undo the last link or unlink made here"),
    ]
    DEFAULT_CSS = """
    PersonScreen #person-head { height: auto; padding: 0 1; border-bottom: solid $panel; }
    PersonScreen #person-table { height: 1fr; }
    """

    def __init__(self, desk: Desk, author_id: str,
                 open_item: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.author_id = author_id
        self.open_item = open_item
        self.person: dict[str, Any] = {}
        #: the last link or unlink made on this screen (z undoes it)
        self.last_link: LinkUndo | None = None

    def compose(self) -> ComposeResult:
        """The person, their marker, and the table of contacts."""
        yield Header()
        yield Static("Reading…", id="person-head")
        yield DataTable(id="person-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Columns and the first load."""
        self.title = self.desk.config.team.name
        self.sub_title = "contact history"
        table = self.query_one(DataTable)
        table.add_columns("#", "When", "Kind", "Category", "Status", "Message / answer")
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="person", exit_on_error=False)
    def load(self) -> None:
        """Worker: the person's history."""
        with self.desk.session():
            person = self.desk.people.person(self.author_id)
        self.post_message(PersonLoaded(person))

    @on(PersonLoaded)
    def show_person(self, message: PersonLoaded) -> None:
        """Fill the head and the table."""
        self.person = person = message.person
        items = person["items"]
        head = Text()
        head.append(one_line(person["name"], "(name unknown)"), style="bold")
        head.append(f"  ·  {len(items)} contact{'s' if len(items) != 1 else ''}  ·  ids: ")
        head.append(", ".join(person["ids"]))
        for marker in person["markers"]:
            head.append("\n")
            head.append_text(marker_banner(marker, utc_now().astimezone(
                self.desk.config.team.zone).date().isoformat()))
        self.query_one("#person-head", Static).update(head)
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        zone = self.desk.config.team.zone
        for item in items:
            when = datetime.fromisoformat(str(item["created_at"])).astimezone(zone)
            category = Text(str(item["category"] or "…"))
            if item["urgent"]:
                category = Text(f"‼ {item['category'] or '…'}", style="bold red")
            text = "(purged)" if item["purged_at"] else one_line(str(item["text"] or ""),
                                                                 "(no text)")
            # the message's first line, and under it who answered, when, with what
            room = max(24, self.size.width - 52)
            cell = Text(text[:room] + ("…" if len(text) > room else ""))
            cell.append("\n")
            if item["first_response_at"]:
                at = datetime.fromisoformat(str(item["first_response_at"])).astimezone(zone)
                answer = (f"↳ {at:%d %b %H:%M} {item['first_response_by'] or 'the team'}"
                          + (": " + one_line(str(item["answer"])) if item["answer"] else ""))
                cell.append(answer[:room], style="green")
            elif item["close_reason"]:
                cell.append(f"↳ closed: {item['close_reason']}"[:room], style="dim")
            else:
                cell.append("↳ no answer yet", style="dim italic")
            table.add_row(str(item["id"]), f"{when:%d %b %Y %H:%M}",
                          "msg" if item["kind"] == "message" else "cmt", category,
                          str(item["status"]), cell, key=str(item["id"]), height=2)
        if items:
            table.move_cursor(row=min(max(keep, 0), len(items) - 1))

    def _selected_item(self) -> dict[str, Any] | None:
        table = self.query_one(DataTable)
        items = self.person.get("items") or []
        if not items or not 0 <= table.cursor_row < len(items):
            return None
        return dict(items[table.cursor_row])

    # ── actions ──────────────────────────────────────────────────────────────────────────

    def action_back(self) -> None:
        """Leaves the person's view for the inbox."""
        self.app.pop_screen()

    @on(DataTable.RowSelected)
    def _row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open_item()

    def action_open_item(self) -> None:
        """Open the selected item in the inbox."""
        item = self._selected_item()
        if item is None:
            return
        if self.open_item is None:
            self.app.pop_screen()
        else:   # the inbox closes every screen above it and selects the item
            self.open_item(int(item["id"]))

    @work(thread=True, group="person-actions", exit_on_error=False)
    def act(self, work_fn: Callable[[], str]) -> None:
        """Worker: one change; refusals become notifications via the app's hub."""
        with self.desk.session():
            summary = work_fn()
        self.post_message(PersonChanged(summary))

    @on(PersonChanged)
    def _changed(self, message: PersonChanged) -> None:
        self.notify(message.summary, markup=False, timeout=5)
        self.load()

    def _may(self, permission: Permission) -> bool:
        try:
            self.desk.require(permission)
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return False
        return True

    def action_link(self) -> None:
        """Link another author id: picked from recent authors, or typed."""
        if not self._may(Permission.LINK_PEOPLE):
            return
        people = self.desk.people
        mine = set(self.person.get("ids") or [self.author_id])
        recent = [row for row in people.recent_authors() if row["author_id"] not in mine]
        choices: list[tuple[str, str | Text]] = [(TYPE_ID, "Type an author id…")]
        choices += [(str(row["author_id"]),
                     Text(f"{one_line(row['author_name'], '(no name)')[:30]}  "
                          f"{row['author_id']}")) for row in recent]

        def linked(other: str | None) -> None:
            if other:
                self.act(lambda: self._linked(people.link(self.author_id, other),
                                              f"Linked {other} to this person (z undoes)."))

        def chosen(value: str | None) -> None:
            if value == TYPE_ID:
                self.app.push_screen(AskDialog("The other author id (page-scoped id) of this "
                                               "person:"), linked)
            else:
                linked(value)

        self.app.push_screen(WideChoiceDialog("Link another identity of this person",
                                              choices), chosen)

    def action_unlink(self) -> None:
        """Split the selected row's author id out of the person."""
        item = self._selected_item()
        if item is None or not self._may(Permission.UNLINK_PEOPLE):
            return
        author_id = str(item["author_id"] or "")
        people = self.desk.people
        self.act(lambda: self._linked(people.unlink(author_id),
                                      f"{author_id} is a person by itself again (z undoes)."))

    def _linked(self, record: LinkUndo, summary: str) -> str:
        """Remember a link or unlink for z (called in the worker)."""
        self.last_link = record
        return summary

    def action_undo(self) -> None:
        """Undo the last link or unlink made on this screen."""
        record, self.last_link = self.last_link, None
        if record is None:
            self.notify("Nothing to undo here: no link or unlink since this screen opened.",
                        markup=False)
            return
        people = self.desk.people
        self.act(lambda: people.undo(record))

    def action_set_marker(self) -> None:
        """Set or change the marker: kind, reason, review date (three short questions)."""
        if not self._may(Permission.SET_MARKER):
            return
        people = self.desk.people
        current = (self.person.get("markers") or [None])[0]
        kinds: list[tuple[str, str | Text]] = [(kind, kind) for kind in MARKER_KINDS]

        def with_kind(kind: str | None) -> None:
            if not kind:
                return

            def with_reason(reason: str | None) -> None:
                if not reason:
                    return

                def with_date(review: str | None) -> None:
                    if review:
                        self.act(lambda: f"Safeguarding marker #"
                                 f"{people.set_marker(self.author_id, kind, reason, review)}"
                                 f" set: {kind}, review {review}.")

                today = utc_now().astimezone(self.desk.config.team.zone).date()
                self.app.push_screen(AskDialog(
                    "Review date (YYYY-MM-DD):",
                    placeholder=str(current["review_on"]) if current else
                    today.replace(year=today.year + (today.month == 12),
                                  month=today.month % 12 + 1, day=1).isoformat()), with_date)

            self.app.push_screen(AskDialog("Why (personal data: shown to the team, purged "
                                           "with the person's data):"), with_reason)

        self.app.push_screen(ChoiceDialog("Safeguarding marker: kind", kinds), with_kind)

    def action_remove_marker(self) -> None:
        """Removes the person's safeguarding marker (supervisors; others are told in one
        sentence)."""
        if not self._may(Permission.REMOVE_MARKER):
            return
        people = self.desk.people
        self.act(lambda: f"Safeguarding marker #{people.remove_marker(self.author_id)} "
                 "removed.")


class MarkersLoaded(Message):
    """The markers in force were read."""

    def __init__(self, markers: list[dict[str, Any]], today: str) -> None:
        super().__init__()
        self.markers, self.today = markers, today


class MarkersScreen(DeskScreen):
    """Safeguarding markers in force, the soonest review first; those past review marked.
    Enter opens the person's contact history; d shows only those due for review."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Inbox", id="markers.back", tooltip="Back to the inbox"),
        Binding("enter", "open_person", "Person", id="markers.open",
                tooltip="The marked person's contact history"),
        Binding("d", "toggle_due", "Due only", id="markers.due",
                tooltip="Only the markers whose review date has come, or all"),
    ]
    DEFAULT_CSS = "MarkersScreen #markers-table { height: 1fr; }"

    def __init__(self, desk: Desk, open_item: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.open_item = open_item
        self.due_only = False
        self.markers: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        """The markers table between the header and the footer."""
        yield Header()
        yield DataTable(id="markers-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Columns and the first load."""
        self.title = self.desk.config.team.name
        self.query_one(DataTable).add_columns("Review", "Kind", "Person", "Author id",
                                              "Set by", "Set on")
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="markers", exit_on_error=False)
    def load(self) -> None:
        """Worker: the markers in force (or only those due)."""
        with self.desk.session():
            markers = self.desk.people.markers(due=self.due_only)
        today = utc_now().astimezone(self.desk.config.team.zone).date().isoformat()
        self.post_message(MarkersLoaded(markers, today))

    @on(MarkersLoaded)
    def show_markers(self, message: MarkersLoaded) -> None:
        """Fill the table; a marker past its review date says so in red."""
        self.markers = message.markers
        due = sum(str(m["review_on"]) <= message.today for m in message.markers)
        self.sub_title = (f"safeguarding markers · {len(message.markers)} shown · {due} due "
                          "for review" + (" · due only (d: all)" if self.due_only else ""))
        table = self.query_one(DataTable)
        table.clear()
        zone = self.desk.config.team.zone
        for marker in message.markers:
            past = str(marker["review_on"]) <= message.today
            set_on = datetime.fromisoformat(str(marker["set_at"])).astimezone(zone)
            table.add_row(Text(f"{marker['review_on']}{' DUE' if past else ''}",
                               style="bold red" if past else ""),
                          Text(str(marker["kind"]), style="bold magenta"),
                          Text(one_line(marker["author_name"], "(name unknown)")[:28]),
                          Text(str(marker["author_id"])), Text(str(marker["set_by"])),
                          f"{set_on:%d %b %Y}", key=str(marker["id"]))
        if not message.markers:
            self.notify("No markers due for review." if self.due_only else "No markers.",
                        markup=False)

    def action_back(self) -> None:
        """Leaves the markers list for the inbox."""
        self.app.pop_screen()

    def action_toggle_due(self) -> None:
        """Switches between the markers due for review and all markers in force, and reads them
        again."""
        self.due_only = not self.due_only
        self.load()

    @on(DataTable.RowSelected)
    def _row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open_person()

    def action_open_person(self) -> None:
        """Opens the person of the marker under the cursor (nothing when the list is empty)."""
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.markers):
            self.app.push_screen(PersonScreen(self.desk, str(self.markers[row]["author_id"]),
                                              self.open_item))
