"""The inbox's ways out and back: the other screens it opens (supervisor, places, listening,
people, reply library, safety posts, the drop-in session), the notices and handover lists, and
going back to an item from any of them. The inbox screen builds on this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Input

from socialdesk.core.desk.dropin import DropinSession
from socialdesk.core.models import InboxFilter, Notice
from socialdesk.ui.dialogs.choice import WideChoiceDialog
from socialdesk.ui.dialogs.handover import HandoverDialog
from socialdesk.ui.format import full_time
from socialdesk.ui.screens.bulk_actions import BulkActions
from socialdesk.ui.widgets.detail import DetailPane
from socialdesk.ui.widgets.inbox_table import InboxTable

#: how long a notice's toast stays (SLA alerts, escalations, a drop-in starting or ending)
NOTICE_SECONDS = 20.0


class InboxRooms(BulkActions):
    """The screens and lists the inbox opens, and the way back to one of its items."""

    clock: Callable[[], datetime]
    chosen: InboxFilter
    _wanted: int | None
    _dropin: int | None

    def set_filter(self, chosen: InboxFilter) -> None:
        """Show the items this filter chooses (the inbox screen does)."""
        raise NotImplementedError

    def note_selection(self) -> None:
        """Say what is selected and in force on the status line (the inbox screen does)."""
        raise NotImplementedError

    def action_supervisor(self) -> None:
        """Open the supervisor's screen (response times, SLA, parity, export)."""
        from socialdesk.ui.screens.supervisor import SupervisorScreen

        self.app.push_screen(SupervisorScreen(self.desk))

    def action_places(self) -> None:
        """The hotspots by place; the place picked there filters the inbox. With a place
        filter in force, the same key takes it off."""
        if self.chosen.place:
            self.set_filter(replace(self.chosen, place=None))
            return
        from socialdesk.ui.screens.places import PlacesScreen

        self.app.push_screen(PlacesScreen(self.desk, self.clock), callback=self.show_place)

    def action_listening(self) -> None:
        """What the community raises: the listening topics."""
        from socialdesk.ui.screens.listening import ListeningScreen

        self.app.push_screen(ListeningScreen(self.desk, self.clock))

    def show_place(self, place_id: str | None) -> None:
        """The items of a place, every status, newest first in their groups."""
        if place_id:
            self.query_one("#search", Input).value = ""
            self.set_filter(InboxFilter(view="all", place=place_id))

    def action_reply_library(self) -> None:
        """Open the reply library (look: everyone; add, edit, retire: supervisors)."""
        from socialdesk.ui.screens.reply_library import ReplyLibraryScreen

        self.app.push_screen(ReplyLibraryScreen(self.desk))

    def action_posts(self) -> None:
        """Open the safety-posts screen (agenda, drafts, problems, pause)."""
        from socialdesk.ui.screens.posts import PostsScreen

        self.app.push_screen(PostsScreen(self.desk))

    def action_person(self) -> None:
        """The selected item's person: every contact of theirs, newest first."""
        from socialdesk.ui.screens.people import PersonScreen

        item = self.query_one(DetailPane).item
        if item is None or item.get("id") != self.query_one(InboxTable).selected_id:
            self.notify("Select an item first.", markup=False)
            return
        if not item.get("author_id"):
            self.notify("This item has no author on record (unknown, or purged).",
                        markup=False)
            return
        self.app.push_screen(PersonScreen(self.desk, str(item["author_id"]), self.open_item))

    def action_markers(self) -> None:
        """The safeguarding markers in force, soonest review first."""
        from socialdesk.ui.screens.people import MarkersScreen

        self.app.push_screen(MarkersScreen(self.desk, self.open_item))

    def open_item(self, item_id: int) -> None:
        """Back to the inbox from any screen above it, with ``item_id`` selected."""
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        self.show_item(item_id)

    def show_item(self, item_id: int) -> None:
        """Select an item wherever it is (every status, no filter or search)."""
        self._wanted = item_id
        self.query_one("#search", Input).value = ""
        self.set_filter(InboxFilter(view="all"))

    @work(thread=True, exclusive=True, group="dropin-watch", exit_on_error=False)
    def watch_dropin(self, now: datetime, announce: bool = True) -> None:
        """Worker: whether a drop-in session is running (looked at every half minute): the
        header says so, and a toast tells the officers when one starts and when it ends
        (with what still waits)."""
        ended = self._dropin
        with self.desk.session():
            running = self.desk.dropins.running(now)
            if running is not None and running.id == ended:
                ended = None
            waiting = self.desk.dropins.report(ended, now).waiting if ended else 0
        self.app.call_from_thread(self._note_dropin, running, announce, ended, waiting)

    def _note_dropin(self, running: DropinSession | None, announce: bool,
                     ended: int | None = None, waiting: int = 0) -> None:
        started = running is not None and running.id != self._dropin
        self._dropin = running.id if running else None
        self.note_selection()
        keys = self.desk.config.keys
        if ended is not None and announce:
            left = (f" with {waiting} item{'s' if waiting != 1 else ''} still waiting for an "
                    "answer" if waiting else "")
            self.notify(f"Drop-in session {ended} has ended{left}: {keys['supervisor']}, then "
                        "i, shows its summary.", title="Drop-in",
                        severity="warning" if waiting else "information",
                        timeout=NOTICE_SECONDS, markup=False)
        if started and announce and running is not None:
            zone = self.desk.config.team.zone
            self.notify(f"Drop-in session {running.id} has started ({running.label}, until "
                        f"{running.end.astimezone(zone):%H:%M}): "
                        f"{keys['dropin']} shows it.", title="Drop-in",
                        timeout=NOTICE_SECONDS, markup=False)

    def action_dropin(self) -> None:
        """The drop-in session running now (its items and figures, kept up to date); outside
        a session, a sentence saying so and when the next one is."""
        self.find_dropin(self.clock())

    @work(thread=True, group="dropin", exit_on_error=False)
    def find_dropin(self, now: datetime) -> None:
        """Worker: the running session, or the sentence about the next one."""
        with self.desk.session():
            running = self.desk.dropins.running(now)
            headline = None if running else self.desk.dropins.headline(now)
        self.app.call_from_thread(self._show_dropin, running.id if running else None,
                                  headline)

    def _show_dropin(self, session_id: int | None, headline: str | None) -> None:
        if session_id is None:
            self.notify(headline or "", title="Drop-in", markup=False)
            return
        from socialdesk.ui.screens.dropin import DropinScreen

        self.app.push_screen(DropinScreen(self.desk, self.clock, session_id, self.open_item))

    def action_notices(self) -> None:
        """List this user's newest notices; choosing one goes to its item."""
        self.load_notices()

    @work(thread=True, group="notices", exit_on_error=False)
    def load_notices(self) -> None:
        """Worker: the newest notices, then the list on screen."""
        with self.desk.session():
            notices = self.desk.notices.recent(30)
        self.app.call_from_thread(self._show_notices, notices)

    def _show_notices(self, notices: list[Notice]) -> None:
        if not notices:
            self.notify("No notices yet: SLA alerts, escalations and mentions appear here.",
                        markup=False)
            return
        zone = self.desk.config.team.zone
        choices: list[tuple[str, str | Text]] = [
            (f"n{n.id}-{n.item_id or ''}",
             Text(f"{full_time(n.created_at, zone)}  {n.text}", no_wrap=True,
                  overflow="ellipsis", style="bold" if n.severity == "error" else ""))
            for n in notices]

        def chosen(value: str | None) -> None:
            item = (value or "").rpartition("-")[2]
            if item.isdigit():
                self.show_item(int(item))

        self.app.push_screen(WideChoiceDialog("Your notices (newest first): Enter goes to the "
                                          "item", choices), chosen)

    def action_handover(self) -> None:
        """The recent handover notes, and a box to write one for the next shift."""
        self.load_handover(on_start=False)

    @work(thread=True, group="handover", exit_on_error=False)
    def load_handover(self, on_start: bool) -> None:
        """Worker: at sign-in, the handover notes written since this member's last start
        (shown until dismissed, if any); on H, the recent ones."""
        with self.desk.session():
            notes = (self.desk.handover.since_last_start() if on_start
                     else self.desk.handover.recent(10))
        if notes or not on_start:
            self.app.call_from_thread(self._show_handover, notes, on_start)

    def _show_handover(self, notes: list[dict[str, Any]], on_start: bool) -> None:
        zone = self.desk.config.team.zone
        if on_start:
            self.app.push_screen(HandoverDialog(
                f"Handover from the last shift ({len(notes)} note"
                f"{'s' if len(notes) != 1 else ''}, newest first)", notes, zone))
            return

        def written(text: str | None) -> None:
            if text:
                self.act("", lambda: f"Handover note #{self.desk.handover.write(text)} saved: "
                                     "the others see it when they next sign in.")
        self.app.push_screen(HandoverDialog("Handover notes (newest first)", notes, zone,
                                            writable=True), written)
