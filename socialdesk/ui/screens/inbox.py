"""The inbox screen: filters, the virtual table, the detail pane, and the officer's actions.

All database work runs in thread workers that post past-tense messages back; only the rows
about to be drawn are read on the event loop (a primary-key lookup of a screenful). Changes by
other officers or the sync are noticed by polling SQLite's ``data_version`` (a counter that
moves when any other connection commits) and reloaded without losing the selection.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from socialdesk.config import DEFAULT_KEYS
from socialdesk.core.desk import Desk
from socialdesk.core.models import InboxFilter, Notice, to_iso, utc_now
from socialdesk.core.triage.actions import Undo
from socialdesk.core.triage.tags import BatchUndo
from socialdesk.ui.actions import ACTIONS
from socialdesk.ui.messages import DetailLoaded, InboxLoaded, InboxPainted
from socialdesk.ui.screens.inbox_rooms import NOTICE_SECONDS, InboxRooms
from socialdesk.ui.widgets.banner import UrgentBanner
from socialdesk.ui.widgets.detail import DetailPane
from socialdesk.ui.widgets.inbox_table import InboxHeader, InboxTable
from socialdesk.ui.widgets.sidebar import FilterSidebar, describe
from socialdesk.ui.widgets.status import StatusBar

POLL_SECONDS = 1.0
#: the first frame shows the head of the list: this many ids (more than a screen holds)
FIRST_ROWS = 200
#: how long the urgent toast stays (and how long later arrivals ring without a second one)
URGENT_TOAST_SECONDS = 30.0
RETICK_SECONDS = 30.0
#: at most this many notices are shown as toasts at once (the rest are summed up)
NOTICE_TOASTS = 3
NOTICE_TITLES = {"sla_soon": "SLA soon", "sla_passed": "SLA passed", "escalated": "Escalated",
                 "mention": "Mentioned", "snooze_back": "Back from snooze",
                 "dropin_summary": "Drop-in"}


def _cut(line: str, most: int = 56) -> str:
    """One notice in a toast of several: its start (the notices list, N, has it whole)."""
    return line if len(line) <= most else line[:most - 1].rstrip() + "…"


class InboxScreen(InboxRooms):
    """The officers' triage inbox."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(DEFAULT_KEYS[key], action, label, show=show, id=key, tooltip=help_text)
          for key, action, label, show, help_text in ACTIONS),
        Binding("escape", "focus_table", "Back to list", show=False, id="focus_table"),
    ]

    def __init__(self, desk: Desk, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.desk = desk
        self.clock = clock
        self.chosen = InboxFilter()
        self.undo_stack: list[Undo | BatchUndo] = []
        self.known_urgent: set[int] | None = None
        self._data_version: int | None = None
        self._detail_id: int | None = None
        #: an item to put the cursor on once the list holding it has loaded
        self._wanted: int | None = None
        self._urgent_toast_at = -URGENT_TOAST_SECONDS
        #: the newest notice shown here (None until the first load reads where the user was)
        self._notice_after: int | None = None
        #: when the next snoozed item is back in To do (a reload then shows it)
        self._snooze_back: str | None = None
        self._shown = 0
        #: whether the first frame is drawn (the detail and the whole list are read after it)
        self._framed = False
        #: whether the first whole load (list and counts) has reached the screen: then the
        #: rest of the start-up runs (the handover, the model, the jobs)
        self._painted = False
        #: the drop-in session running now (its id), as last looked; None: none (or not yet)
        self._dropin: int | None = None

    def compose(self) -> ComposeResult:
        """Header, banner, search, sidebar + table + detail, status bar, footer."""
        zone = self.desk.config.team.zone
        yield Header()
        yield UrgentBanner(id="banner")
        with Horizontal(id="body"):
            yield FilterSidebar(self.desk.config.tags.names, id="sidebar")
            with Vertical(id="main"):
                yield Input(placeholder="Search text and names (/)", id="search")
                yield Static(id="filter-note")
                yield InboxHeader(id="inbox-header")
                yield InboxTable(self.desk.inbox_rows, zone, self.clock, id="inbox")
                yield DetailPane(zone, id="detail")
        yield StatusBar(zone, id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Load the inbox and start watching the DB for changes."""
        self.title = self.desk.config.team.name
        self.sub_title = "inbox"
        self.query_one(InboxTable).focus()
        self.check_for_changes()  # remember the DB's version before the first read
        # the first screenful now, so that the first frame has its rows (the head of the list:
        # an indexed read of FIRST_ROWS ids, whatever the inbox's size); the rest in a worker
        self.query_one(InboxTable).set_ids(self.desk.inbox_ids(self.chosen, FIRST_ROWS))
        self.call_after_refresh(self._first_frame_drawn)
        self.set_interval(POLL_SECONDS, self.check_for_changes)
        self.set_interval(RETICK_SECONDS, self.query_one(InboxTable).refresh)

    def _first_frame_drawn(self) -> None:
        """The first frame (with the head's rows) is drawn: now the workers may read the rest
        (started before it, they shared the GIL with its drawing)."""
        self._framed = True
        self.reload()

    # ── loading ──────────────────────────────────────────────────────────────────────────

    def reload(self) -> None:
        """Read the inbox again for the current filter (in a worker)."""
        self.load_inbox(self.chosen)

    def check_for_changes(self) -> None:
        """Reload when another connection (officer, sync, model) committed something, or when
        a snoozed item's time has come (it is back in To do though nothing changed)."""
        version = self.desk.data_version()
        if self._data_version is not None and version != self._data_version:
            self.reload()
        elif self._snooze_back is not None and to_iso(utc_now()) >= self._snooze_back:
            self._snooze_back = None
            self.reload()
        self._data_version = version

    @work(thread=True, exclusive=True, group="inbox", exit_on_error=False)
    def load_inbox(self, chosen: InboxFilter) -> None:
        """Worker: ids, facet counts, desk counts and sync state of a filter."""
        with self.desk.session():
            ids = self.desk.inbox_ids(chosen)
            counts = self.desk.facet_counts(chosen)
            desk_counts = self.desk.desk_counts()
            sync = self.desk.sync_view()
            posts = self.desk.posts.headline()
            after = self._notice_after
            if after is None:
                after = self.desk.notices.last_read()
            notices = (after, self.desk.notices.after(after))
            snooze_back = self.desk.followup.next_back()
        if not get_current_worker().is_cancelled:
            self.post_message(InboxLoaded(chosen, ids, counts, desk_counts, sync, posts,
                                          notices, snooze_back))

    @on(InboxLoaded)
    def show_inbox(self, message: InboxLoaded) -> None:
        """Put loaded ids and counts on screen; ring for new urgent items."""
        if message.chosen != self.chosen:
            return
        table = self.query_one(InboxTable)
        table.set_ids(message.ids)
        if self._wanted is not None and self._wanted in message.ids:
            table.set_cursor(message.ids.index(self._wanted))
            table.focus()
            self._wanted = None
        self.query_one(FilterSidebar).update_counts(message.chosen, message.counts)
        banner_key = self.desk.config.keys["next_urgent"]
        self.query_one(UrgentBanner).set_count(len(message.desk.open_urgent_ids), banner_key)
        posts, posts_alarm = message.posts
        self.update_desk_state(open_count=message.desk.todo, mine_count=message.desk.mine,
                               urgent_count=len(message.desk.open_urgent_ids), posts=posts,
                               posts_alarm=posts_alarm)
        self.update_desk_state(sync=message.sync, unless_stopped=True)
        self._announce_urgent(set(message.desk.open_urgent_ids))
        self._announce_notices(*message.notices)
        self._snooze_back = message.snooze_back
        self._shown = message.counts.total
        self.note_selection()
        self._note_filters()
        if table.selected_id is not None:
            self.load_detail(table.selected_id)
        if not self._painted:
            self._painted = True
            self.call_after_refresh(self._first_painted)

    def _first_painted(self) -> None:
        """The first screen is complete: now the handover notes, and the app's model and
        jobs (started earlier, they slowed the first paint down by seconds)."""
        self.load_handover(on_start=True)
        self.app.post_message(InboxPainted())
        self.watch_dropin(self.clock(), announce=False)
        self.set_interval(RETICK_SECONDS, lambda: self.watch_dropin(self.clock()))

    def _announce_urgent(self, urgent: set[int]) -> None:
        """A new urgent item rings the bell every time; one toast at a time says so (several
        piled up over the detail pane): while one is on screen the banner's count speaks."""
        if self.known_urgent is not None:
            new = urgent - self.known_urgent
            if new:
                self.app.bell()
                now = time.monotonic()
                if now - self._urgent_toast_at >= URGENT_TOAST_SECONDS:
                    self._urgent_toast_at = now
                    self.notify(f"{len(new)} new URGENT item(s): someone may be in danger now. "
                                f"Press {self.desk.config.keys['next_urgent']} to go to it.",
                                title="Urgent", severity="error", timeout=URGENT_TOAST_SECONDS,
                                markup=False)
        self.known_urgent = urgent

    def _announce_notices(self, after: int, notices: list[Notice]) -> None:
        """Show the notices this dashboard has not shown yet (each once, however many loads
        carried it) and remember, for the user's other dashboards, how far they have seen."""
        if self._notice_after is None:
            self._notice_after = after
        fresh = [n for n in notices if n.id > self._notice_after]
        if not fresh:
            return
        self._notice_after = fresh[-1].id
        if any(n.severity == "error" for n in fresh):
            self.app.bell()
        # One toast for the lot: one per notice (and one for the rest) piled up over the
        # detail pane, half an 80×24 screen (issue 27, the urgent toasts).
        if len(fresh) == 1:
            notice = fresh[0]
            self.notify(notice.text, title=NOTICE_TITLES.get(notice.kind, "Notice"),
                        severity=notice.severity,  # type: ignore[arg-type]
                        timeout=NOTICE_SECONDS, markup=False)
        else:
            lines = [_cut(f"{NOTICE_TITLES.get(n.kind, 'Notice')}: {n.text}")
                     for n in fresh[-NOTICE_TOASTS:]]
            if len(fresh) > NOTICE_TOASTS:
                lines.append(f"…and {len(fresh) - NOTICE_TOASTS} earlier notice(s).")
            lines.append(f"{self.desk.config.keys['notices']} lists them all.")
            severity = next((level for level in ("error", "warning")
                             if any(n.severity == level for n in fresh)), "information")
            self.notify("\n".join(lines), title=f"{len(fresh)} new notices",
                        severity=severity,  # type: ignore[arg-type]
                        timeout=NOTICE_SECONDS, markup=False)
        self.remember_notices(self._notice_after)

    @work(thread=True, group="notices", exit_on_error=False)
    def remember_notices(self, notice_id: int) -> None:
        """Worker: the user has been shown the notices up to ``notice_id``."""
        with self.desk.session():
            self.desk.notices.mark_read(notice_id)

    @on(InboxTable.Selected)
    def selection_moved(self, message: InboxTable.Selected) -> None:
        """Show the selected item in the detail pane (from the first frame on: the first
        load shows the selected item's detail itself)."""
        if not self._framed:
            return
        if message.item_id is None:
            self.query_one(DetailPane).show(None)
        else:
            self.load_detail(message.item_id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, item_id: int) -> None:
        """Worker: one item with its post, thread and history."""
        with self.desk.session():
            item = self.desk.item_detail(item_id)
        if not get_current_worker().is_cancelled:
            self.post_message(DetailLoaded(item_id, item))

    @on(DetailLoaded)
    def show_detail(self, message: DetailLoaded) -> None:
        """Show the detail if it is still the selected item."""
        if message.item_id == self.query_one(InboxTable).selected_id:
            self.query_one(DetailPane).show(message.item)

    # ── filters ──────────────────────────────────────────────────────────────────────────

    def set_filter(self, chosen: InboxFilter) -> None:
        """Apply a filter and reload."""
        self.chosen = chosen
        self.query_one(FilterSidebar).chosen = chosen
        self.query_one(FilterSidebar).redraw()
        self.reload()

    @on(FilterSidebar.Changed)
    def sidebar_changed(self, message: FilterSidebar.Changed) -> None:
        """A filter was picked in the sidebar."""
        self.set_filter(replace(message.chosen, search=self.chosen.search))

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        """Search as you type."""
        self.set_filter(replace(self.chosen, search=event.value))

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        """Enter in the search box goes back to the list."""
        self.query_one(InboxTable).focus()

    def action_search(self) -> None:
        """Focus the search box."""
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        """Escape: unmark the marked rows if any, and back to the list."""
        self.unmark_all()
        self.query_one(InboxTable).focus()

    def note_selection(self) -> None:
        """The header: how many items the list shows, and how many rows are marked."""
        table = self.query_one(InboxTable)
        marked = len(table.marked_ids)
        mode = " (visual)" if table.visual else ""
        selection = f" · {marked} marked{mode}" if marked or mode else ""
        live = (f" · drop-in live ({self.desk.config.keys['dropin']})"
                if self._dropin is not None else "")
        # the marks first: at 80 columns the end of the header is cut off
        self.sub_title = f"inbox{selection}{live} · {self._shown:,} shown"

    def action_view(self, view: str) -> None:
        """Switch the status view."""
        self.set_filter(replace(self.chosen, view=view))

    def action_only(self, what: str) -> None:
        """Urgent-only or mine-only on/off."""
        if what == "urgent":
            self.set_filter(replace(self.chosen, urgent=None if self.chosen.urgent else True))
        elif what == "past_sla":
            self.set_filter(replace(self.chosen, past_sla=not self.chosen.past_sla,
                                    view="todo"))
        else:
            self.set_filter(replace(self.chosen, owner=None if self.chosen.owner else "mine"))

    def action_toggle_sidebar(self) -> None:
        """Show or hide the filters."""
        self.query_one(FilterSidebar).toggle_class("-hidden")
        self.call_after_refresh(self._note_filters)

    def on_resize(self) -> None:
        """A narrower terminal may hide the filters: say which are in force."""
        self.call_after_refresh(self._note_filters)

    def _note_filters(self) -> None:
        """While the filters are out of sight (80 columns, or hidden with f), a line above the
        list says which are in force: a filtered list must never pass for the whole inbox."""
        note = self.query_one("#filter-note", Static)
        active = describe(self.chosen)
        hidden = not self.query_one(FilterSidebar).display
        keys = self.desk.config.keys
        if self.chosen.past_sla:   # not a sidebar choice: said above the list whatever shows
            note.set_class(True, "-on")
            note.update(Text(f"Filtered: {active} — {keys['past_sla']} again shows every "
                             "item", no_wrap=True, overflow="ellipsis"))
            return
        if self.chosen.place:      # nor is a place (the hotspots' drill-down)
            note.set_class(True, "-on")
            note.update(Text(f"Filtered: {active} — {keys['places']} again shows every "
                             "place", no_wrap=True, overflow="ellipsis"))
            return
        note.set_class(bool(active) and hidden, "-on")
        note.update(Text(f"Filtered: {active} — {keys['toggle_sidebar']} shows the filters",
                         no_wrap=True, overflow="ellipsis"))

    def action_refresh(self) -> None:
        """Reload now."""
        self.reload()

    def action_next_urgent(self) -> None:
        """Go to the most pressing open urgent item (showing all open items if needed)."""
        urgent = self.known_urgent or set()
        if not urgent:
            self.notify("No open urgent items.", markup=False)
            return
        table = self.query_one(InboxTable)
        ids = table.ids
        first = next((i for i in ids if i in urgent), None)
        if first is None:
            self.set_filter(InboxFilter(view="todo"))
            return
        table.set_cursor(ids.index(first))
        table.focus()
