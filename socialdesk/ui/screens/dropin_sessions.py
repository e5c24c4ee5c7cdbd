"""The supervisor's list of drop-in sessions with their summaries (``i`` on the supervisor's
screen): latest first, those still to come at the top, the summary of the one under the
cursor beside it; officers plan a session here and cancel one still to come.

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

from socialdesk.core.audit.report_figures import minutes_text
from socialdesk.core.desk import Desk
from socialdesk.core.desk.dropin import SessionFigures, summary_lines
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.ask import AskDialog
from socialdesk.ui.dialogs.dropin_plan import DropinPlanDialog
from socialdesk.ui.format import one_line
from socialdesk.ui.screens.base import DeskScreen


class SummariesLoaded(Message):
    """The summaries of the sessions that have started were read."""

    def __init__(self, summaries: list[SessionFigures]) -> None:
        super().__init__()
        self.summaries = summaries


class DropinSummariesScreen(DeskScreen):
    """The drop-in sessions, latest first (those still to come at the top), and the summary
    of the one under the cursor (the supervisor's screen, ``i``). Officers plan a session
    here (``n``) and cancel one still to come (``x``: its planner, or a supervisor)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="dropins.back",
                tooltip="Back to the supervisor's screen"),
        Binding("n", "plan", "Plan", id="dropins.plan",
                tooltip="Plan a drop-in session; its announcement is drafted as a safety post"),
        Binding("m", "move", "Move", id="dropins.move",
                tooltip="Give the selected session a new time before it starts (its planner "
                        "or a supervisor); its announcement follows"),
        Binding("x", "cancel", "Cancel session", id="dropins.cancel",
                tooltip="Cancel the selected session before it starts (its planner or a "
                        "supervisor); its announcement follows"),
        Binding("f5", "refresh", "Refresh", show=False, id="dropins.refresh",
                tooltip="Read the sessions again"),
    ]
    DEFAULT_CSS = """
    DropinSummariesScreen #sessions { height: 1fr; min-height: 4; }
    DropinSummariesScreen #session-summary { height: auto; padding: 0 1;
        border-top: solid $panel; }
    """

    def __init__(self, desk: Desk, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.desk = desk
        self.clock = clock
        self.summaries: dict[str, SessionFigures] = {}

    def compose(self) -> ComposeResult:
        """Header, the sessions, the summary of the selected one, footer."""
        yield Header()
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static("Reading the sessions…", id="session-summary")
        yield Footer()

    def on_mount(self) -> None:
        """Sets the title and columns, then starts reading the sessions and their summaries."""
        self.title = self.desk.config.team.name
        self.sub_title = "drop-in sessions · summaries"
        table = self.query_one(DataTable)
        table.add_columns("#", "when", "state", "in", "answered", "waiting", "median",
                          "urgent", "place or topic")
        table.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        """Read the summaries again (in a worker)."""
        self.load_summaries(self.clock())

    @work(thread=True, exclusive=True, group="dropins", exit_on_error=False)
    def load_summaries(self, now: datetime) -> None:
        """Worker: every started session's summary."""
        with self.desk.session():
            summaries = self.desk.dropins.summaries(now, planned=True)
        self.post_message(SummariesLoaded(summaries))

    @on(SummariesLoaded)
    def show_summaries(self, message: SummariesLoaded) -> None:
        """One row a session; the summary of the first below."""
        zone = self.desk.config.team.zone
        table = self.query_one(DataTable)
        table.clear()
        self.summaries = {str(f.session.id): f for f in message.summaries}
        self.sub_title = (f"drop-in sessions · {len(message.summaries)}, latest first · "
                          "n plans one")
        for figures in message.summaries:
            session = figures.session
            start = session.start.astimezone(zone)
            urgent = figures.urgent
            if urgent.waiting:
                urgent_cell = Text(f"{urgent.count}: {urgent.waiting} waiting", style="bold red")
            elif urgent.answered:
                urgent_cell = Text(f"{urgent.count}, slowest "
                                   f"{minutes_text(urgent.slowest_minutes)}")
            else:
                urgent_cell = Text(str(urgent.count))
            table.add_row(str(session.id), f"{start:%a %d %b %y %H:%M}", figures.state,
                          str(figures.contacts),
                          f"{figures.answered_in_session}/{figures.contacts}",
                          Text(str(figures.waiting), style="bold red" if figures.waiting
                               else ""),
                          minutes_text(figures.median_minutes), urgent_cell,
                          Text(one_line(session.label)[:60]),
                          key=str(session.id))
        if not message.summaries:
            self.query_one("#session-summary", Static).update(Text(
                "No drop-in session yet. n plans one (or 'socialdesk dropin plan'); its summary "
                "appears here."))
            return
        self._show(str(message.summaries[0].session.id))

    def selected(self) -> SessionFigures | None:
        """The session under the cursor, or None."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.summaries.get(str(key))

    def action_plan(self, values: dict[str, str] | None = None) -> None:
        """The form of a new session (again with what was typed, after a mistake)."""
        self.app.push_screen(DropinPlanDialog(values), self._planned)

    def _planned(self, values: dict[str, str] | None) -> None:
        if values:
            self.plan_session(values)

    @work(thread=True, group="dropin-change", exit_on_error=False)
    def plan_session(self, values: dict[str, str]) -> None:
        """Worker: plan it; a mistake reopens the form with the values kept."""
        try:
            with self.desk.session():
                result = self.desk.dropins.plan(values["start"], values["end"],
                                                values["topic"], values["topic_cy"] or None)
        except UserError as exc:
            self.app.call_from_thread(self._refused, str(exc), values)
            return
        zone = self.desk.config.team.zone
        when = (result.announce_at or result.session.start).astimezone(zone)
        said = (f"Drop-in session {result.session.id} planned: "
                f"{result.session.window(zone, with_year=False)}. Its announcement (post "
                f"{result.post_id}) goes out {when:%a %d %b %H:%M}"
                + ("." if result.approved else ", once a supervisor approves it."))
        self.app.call_from_thread(self._changed, said)

    def _refused(self, message: str, values: dict[str, str]) -> None:
        self.notify(message, severity="warning", markup=False)
        self.action_plan(values)

    def _still_to_come(self, done: str) -> SessionFigures | None:
        """The selected session if it has not started (else a notice saying it cannot be
        ``done``, and None)."""
        figures = self.selected()
        if figures is not None and figures.state != "planned":
            self.notify(f"Drop-in session {figures.session.id} is {figures.state}; only a "
                        f"session still to come can be {done}.", markup=False)
            return None
        return figures

    def action_move(self, values: dict[str, str] | None = None) -> None:
        """The form with the selected session's times (again with what was typed, after a
        mistake)."""
        figures = self._still_to_come("moved")
        if figures is None:
            return
        session = figures.session
        zone = self.desk.config.team.zone
        start, end = session.start.astimezone(zone), session.end.astimezone(zone)
        shown = values or {
            "start": f"{start:%Y-%m-%d %H:%M}",
            "end": f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}",
            "topic": session.topic, "topic_cy": session.topic_cy}

        def chosen(answer: dict[str, str] | None) -> None:
            if answer:
                self.move_session(session.id, answer)

        self.app.push_screen(DropinPlanDialog(shown, moving=session.id), chosen)

    @work(thread=True, group="dropin-change", exit_on_error=False)
    def move_session(self, session_id: int, values: dict[str, str]) -> None:
        """Worker: move it; a mistake reopens the form with the values kept."""
        try:
            with self.desk.session():
                result = self.desk.dropins.move(session_id, values["start"], values["end"])
        except UserError as exc:
            self.app.call_from_thread(self._move_refused, str(exc), values)
            return
        window = result.session.window(self.desk.config.team.zone, with_year=False)
        self.app.call_from_thread(self._changed, f"Drop-in session {session_id} moved to "
                                                 f"{window}: {result.note}.")

    def _move_refused(self, message: str, values: dict[str, str]) -> None:
        self.notify(message, severity="warning", markup=False)
        self.action_move(values)

    def action_cancel(self) -> None:
        """Cancel the selected session (asks why first)."""
        figures = self._still_to_come("cancelled")
        if figures is None:
            return
        session = figures.session
        question = (f"Cancel drop-in session {session.id}, "
                    f"{session.window(self.desk.config.team.zone)} — {session.label}? Its "
                    "announcement is cancelled, or followed by a cancellation post if it has "
                    "gone out. Why? (Esc keeps the session)")

        def answered(reason: str | None) -> None:
            if reason:
                self.cancel_session(session.id, reason)

        self.app.push_screen(AskDialog(question, "e.g. storm warning"), answered)

    @work(thread=True, group="dropin-change", exit_on_error=False)
    def cancel_session(self, session_id: int, reason: str) -> None:
        """Worker: cancel it and say what happened to its posts."""
        try:
            with self.desk.session():
                result = self.desk.dropins.cancel(session_id, reason)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning",
                                      markup=False)
            return
        self.app.call_from_thread(self._changed, f"Drop-in session {session_id} cancelled: "
                                                 f"{result.note}.")

    def _changed(self, said: str) -> None:
        self.notify(said, title="Drop-in", markup=False)
        self.action_refresh()

    @on(DataTable.RowHighlighted, "#sessions")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The summary follows the cursor."""
        if event.row_key.value is not None:
            self._show(str(event.row_key.value))

    def _show(self, key: str) -> None:
        figures = self.summaries.get(key)
        if figures is None:
            return
        text = Text()
        for n, (label, value) in enumerate(summary_lines(figures, self.desk.config.team.zone)):
            if n:
                text.append("\n")
            text.append(f"{label:<16}", style="bold")
            style = "bold red" if label == "Urgent" and figures.urgent.waiting else ""
            text.append(value, style=style)
        self.query_one("#session-summary", Static).update(text)
