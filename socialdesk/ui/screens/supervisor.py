"""The supervisor's screen: how fast the team answers, Welsh parity, drill-down, CSV export,
and the quarter's scrutiny pack for the accountability board (``S``).

The report is built in a worker (the same service as ``socialdesk report``); the screen shows
the headline figures, weekly charts of median first response and SLA share, the table of one
grouping at a time, and the items behind the selected group.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual_plotext import PlotextPlot

from socialdesk import paths
from socialdesk.core.audit.report_figures import DIMENSIONS, Report, minutes_text, share_text
from socialdesk.core.audit.scrutiny.quarters import Quarter
from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import Permission
from socialdesk.core.media import attachments_from_json, row_text
from socialdesk.core.models import utc_now
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.format import local_time, one_line
from socialdesk.ui.screens.base import DeskScreen

WINDOWS = (4, 12, 52, 0)     # weeks; 0 = everything
DRILL_LIMIT = 500


class ReportLoaded(Message):
    """A report was built."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report


class DrillLoaded(Message):
    """The rows behind one group were read."""

    def __init__(self, title: str, rows: list[dict[str, Any]]) -> None:
        super().__init__()
        self.title, self.rows = title, rows




class SupervisorScreen(DeskScreen):
    """Response times for supervisors: first response and SLA over a period, grouped by one
    dimension, with keys for the items past SLA, the CSV export, members, drop-in sessions and
    the scrutiny pack."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Inbox", id="supervisor.back",
                tooltip="Back to the inbox"),
        Binding("b", "next_dimension", "Group by", id="supervisor.group_by",
                tooltip="Group the figures by category, urgency, officer, language, kind, week, "
                        "tag"),
        Binding("w", "next_window", "Period", id="supervisor.period",
                tooltip="The period: the last 4, 12 or 52 weeks, or all time"),
        Binding("p", "past_sla", "Past SLA", id="supervisor.past_sla",
                tooltip="The open items past their first-response time right now"),
        Binding("e", "export", "Export CSV", id="supervisor.export",
                tooltip="Export the report as CSV (supervisors)"),
        Binding("m", "team", "Members", id="supervisor.team",
                tooltip="Members and roles, and the team's policy (changed by supervisors)"),
        Binding("S", "scrutiny", "Scrutiny pack", id="supervisor.scrutiny",
                tooltip="A quarter's scrutiny pack for the accountability board: a bilingual, "
                        "printable HTML file (supervisors)"),
        Binding("i", "dropins", "Drop-ins", id="supervisor.dropins",
                tooltip="Drop-in sessions held: a summary of each (contacts, categories, "
                        "languages, answered in the session, urgent handled)"),
    ]
    #: a short terminal (80×24) hides the charts, so the table and its items stay on screen
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]  # noqa: RUF012
    DEFAULT_CSS = """
    SupervisorScreen #headline { height: auto; padding: 0 1; }
    SupervisorScreen #charts { height: 12; }
    SupervisorScreen.-short #charts { display: none; }
    SupervisorScreen #groups { height: 1fr; }
    SupervisorScreen #drill-title { height: 1; padding: 0 1; background: $panel; }
    SupervisorScreen #drill { height: 1fr; }
    """

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.dimension = "category"
        self.window = 12
        self.report: Report | None = None
        #: what the items table shows: (dimension, group key), or ("past", "") for the items
        #: past SLA now; shown again from each new report, so it never goes stale
        self.drilled: tuple[str, str] | None = None
        #: the officer asked for a list (Enter on a group, p): the cursor goes to it once it
        #: is filled, so that Enter opens an item (it drilled the group again)
        self.focus_drill = False

    def compose(self) -> ComposeResult:
        """Headline, two weekly charts, the groups table, the drill-down table."""
        yield Header()
        yield Static("Building the report…", id="headline")
        with Horizontal(id="charts"):
            yield PlotextPlot(id="frt-chart")
            yield PlotextPlot(id="sla-chart")
        with Vertical():
            yield DataTable(id="groups", cursor_type="row", zebra_stripes=True)
            yield Static("", id="drill-title")
            yield DataTable(id="drill", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        """Build the first report."""
        self.title = self.desk.config.team.name
        self.load_report()

    # ── loading ──────────────────────────────────────────────────────────────────────────

    def _since(self) -> datetime | None:
        return utc_now() - timedelta(weeks=self.window) if self.window else None

    def load_report(self) -> None:
        """Build the report for the chosen period (in a worker)."""
        self.sub_title = f"supervisor · {self._period()} · by {self.dimension}"
        self.build_report(self._since())

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def build_report(self, since: datetime | None) -> None:
        """Worker: the report (all groupings, so switching is instant)."""
        with self.desk.session():
            report = self.desk.report(since=since)
        self.post_message(ReportLoaded(report))

    def _period(self) -> str:
        return f"last {self.window} weeks" if self.window else "all time"

    @on(ReportLoaded)
    def show_report(self, message: ReportLoaded) -> None:
        """Headline, charts and the groups table."""
        self.report = report = message.report
        overall = report.overall
        line = Text()
        line.append(f"{self._period()}: {overall.count:,} contacts, {overall.answered:,} "
                    f"answered, {overall.no_reply_needed:,} closed without reply needed, "
                    f"{overall.answered_elsewhere:,} answered elsewhere.  ",
                    style="bold")
        line.append(f"First response median {minutes_text(overall.frt_staffed_median)} staffed "
                    f"(p90 {minutes_text(overall.frt_staffed_p90)}), "
                    f"{minutes_text(overall.frt_elapsed_median)} elapsed; within SLA "
                    f"{share_text(overall)} ({report.clock} clock).  ")
        line.append(f"Past SLA now: {len(report.past_sla_now)} (p lists them).\n",
                    style="bold red" if report.past_sla_now else "")
        line.append(report.parity.text, style="bold white on red"
                    if report.parity.welsh_slower else "green")
        if report.referrals:   # partners' names come from the config: plain text all the same
            line.append("\nReferrals: ", style="bold")
            line.append("  ·  ".join(f"{c.name} {c.total} ({c.awaiting} awaiting ack)"
                                     if c.awaiting else f"{c.name} {c.total} (all acknowledged)"
                                     for c in report.referrals))
        self.query_one("#headline", Static).update(line)
        self._charts(report)
        self._groups()
        self._drill_again()

    def _charts(self, report: Report) -> None:
        weeks = [g for g in report.groups.get("week", []) if g.count]
        labels = [g.key[-3:] for g in weeks]
        frt = [g.frt_staffed_median or 0 for g in weeks]
        sla = [100 * (g.sla_share or 0) for g in weeks]
        for chart_id, values, title in (("#frt-chart", frt, "median first response, staffed min"),
                                        ("#sla-chart", sla, "% within SLA")):
            chart = self.query_one(chart_id, PlotextPlot)
            plt = chart.plt
            plt.clear_data()
            plt.clear_figure()
            plt.title(title)
            if values:
                plt.plot(list(range(len(values))), values, marker="braille")
                # from 0 up, never around a constant: all-zero weeks drew an axis of -1 to 1
                plt.ylim(0, 100 if chart_id == "#sla-chart" else max(1.0, max(values) * 1.1))
                step = max(1, len(labels) // 8)
                plt.xticks(list(range(0, len(labels), step)), labels[::step])
            chart.refresh()

    def _groups(self) -> None:
        table = self.query_one("#groups", DataTable)
        table.clear(columns=True)
        table.add_columns(self.dimension, "items", "answered", "FRT med", "p90",
                          "elapsed med", "p90", "SLA", "no reply", "elsewhere")
        if self.report is None:
            return
        for group in self.report.groups.get(self.dimension, []):
            times = [minutes_text(v) for v in (group.frt_staffed_median, group.frt_staffed_p90,
                                                group.frt_elapsed_median, group.frt_elapsed_p90)]
            table.add_row(Text(one_line(group.key)), f"{group.count:,}", f"{group.answered:,}",
                          *times, share_text(group), f"{group.no_reply_needed:,}",
                          f"{group.answered_elsewhere:,}",
                          key=group.key)
        both = " (an item with two tags counts in both)" if self.dimension == "tag" else ""
        self.sub_title = f"supervisor · {self._period()} · by {self.dimension}{both}"

    # ── drill-down ───────────────────────────────────────────────────────────────────────

    @on(DataTable.RowSelected, "#groups")
    def drill(self, event: DataTable.RowSelected) -> None:
        """Show the items behind the selected group."""
        if event.row_key.value is not None:
            self.drilled = (self.dimension, str(event.row_key.value))
            self.focus_drill = True
            self._drill_again()

    def action_past_sla(self) -> None:
        """Show the open items past their first-response time right now."""
        self.drilled = ("past", "")
        self.focus_drill = True
        self._drill_again()

    def _drill_again(self) -> None:
        """(Re)load the items table for what is drilled, from the current report."""
        if self.report is None or self.drilled is None:
            return
        dimension, key = self.drilled
        if dimension == "past":
            ids = self.report.past_sla_now
            title = f"past SLA right now: {len(ids):,} open items, most overdue first"
        else:
            group = next((g for g in self.report.groups.get(dimension, []) if g.key == key),
                         None)
            ids = group.item_ids if group else []
            title = f"{dimension} = {key} · {self._period()}: {len(ids):,} items"
        if len(ids) > DRILL_LIMIT:
            title += f" (first {DRILL_LIMIT})"
        self.load_drill(title + " — Enter opens one in the inbox", ids[:DRILL_LIMIT])

    @on(DataTable.RowSelected, "#drill")
    def open_item(self, event: DataTable.RowSelected) -> None:
        """Enter on an item: back to the inbox with that item selected."""
        if event.row_key.value is None:
            return
        item_id = int(str(event.row_key.value))
        self.app.pop_screen()
        inbox = getattr(self.app, "inbox", None)
        if inbox is not None:
            inbox.show_item(item_id)

    @work(thread=True, exclusive=True, group="drill", exit_on_error=False)
    def load_drill(self, title: str, ids: list[int]) -> None:
        """Worker: the rows of the drilled items."""
        with self.desk.session():
            found = self.desk.inbox_rows(ids)
        self.post_message(DrillLoaded(title, [found[i] for i in ids if i in found]))

    @on(DrillLoaded)
    def show_drill(self, message: DrillLoaded) -> None:
        """Fill the items table (user text as plain text)."""
        self.query_one("#drill-title", Static).update(Text(message.title, style="bold"))
        table = self.query_one("#drill", DataTable)
        table.clear(columns=True)
        table.add_columns("#", "received", "category", "lang", "officer", "status", "message")
        zone, now = self.desk.config.team.zone, utc_now()
        for row in message.rows:
            table.add_row(str(row["id"]), local_time(row["created_at"], zone, now),
                          str(row.get("category") or "—"), str(row.get("language") or "—"),
                          Text(one_line(row.get("assignee"))), str(row.get("status")),
                          Text(row_text(row.get("text"),
                                        attachments_from_json(row.get("attachments")))[:80]),
                          key=str(row["id"]))
        if self.focus_drill:
            self.focus_drill = False
            if table.row_count:
                table.focus()

    # ── choices and export ───────────────────────────────────────────────────────────────

    def action_next_dimension(self) -> None:
        """Group by the next dimension."""
        self.dimension = DIMENSIONS[(DIMENSIONS.index(self.dimension) + 1) % len(DIMENSIONS)]
        self._groups()

    def action_next_window(self) -> None:
        """Switch the period (4, 12, 52 weeks, all time)."""
        self.window = WINDOWS[(WINDOWS.index(self.window) + 1) % len(WINDOWS)]
        self.load_report()

    def action_team(self) -> None:
        """Opens the team dialog: the members and the policy."""
        from socialdesk.ui.dialogs.team import TeamDialog

        self.app.push_screen(TeamDialog(self.desk))

    def action_dropins(self) -> None:
        """The drop-in sessions held, with their summaries."""
        from socialdesk.ui.screens.dropin_sessions import DropinSummariesScreen

        self.app.push_screen(DropinSummariesScreen(self.desk, getattr(self.app, "clock",
                                                                      utc_now)))

    def action_export(self) -> None:
        """Export the report as CSV into the data dir's exports/ folder (supervisors)."""
        if self.report is None:
            return
        folder = paths.data_dir() / "exports"
        paths.private_dir(folder)
        target = folder / f"report-{utc_now():%Y%m%d-%H%M%S}.csv"
        self.export_csv(self.report, str(target))

    def action_scrutiny(self) -> None:
        """Ask which quarter and whether with names, then write the scrutiny pack into the data
        dir's exports/ folder (supervisors; officers are told so at once)."""
        try:
            self.desk.require(Permission.SCRUTINY)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        quarters = self.desk.scrutiny.quarters(4, now=self.app_now())

        def with_names(quarter: Quarter) -> None:
            def chosen(value: str | None) -> None:
                if value is not None:
                    self.notify(f"Making the {quarter.label} scrutiny pack…", markup=False)
                    self.export_scrutiny(quarter, value == "names")
            self.app.push_screen(ChoiceDialog(
                f"Scrutiny pack {quarter.label}: with names?",
                [("anonymous", "No personal data (counts, times, item numbers)"),
                 ("names", "With names and words of urgent items and corrections "
                           "(recorded in the audit log)")]), chosen)

        def picked(value: str | None) -> None:
            if value is not None:
                with_names(next(q for q in quarters if q.label == value))
        self.app.push_screen(ChoiceDialog(
            "Scrutiny pack for the accountability board: which quarter?",
            [(q.label, f"{q.label}{' (to date)' if n == 0 else ''}")
             for n, q in enumerate(quarters)]), picked)

    def app_now(self) -> datetime:
        """The dashboard's clock (tests fix it), else now."""
        clock = getattr(self.app, "clock", None)
        return clock() if callable(clock) else utc_now()

    @work(thread=True, group="scrutiny", exit_on_error=False)
    def export_scrutiny(self, quarter: Quarter, names: bool) -> None:
        """Worker: the figures, the audit chain's check and the file; says where it went."""
        with self.desk.session():
            path = self.desk.scrutiny.export(quarter, names, now=self.app_now())
        self.app.call_from_thread(
            self.notify, f"Scrutiny pack {quarter.label} "
            f"({'with names' if names else 'no personal data'}) written to {path}",
            markup=False, timeout=15)

    @work(thread=True, group="export", exit_on_error=False)
    def export_csv(self, report: Report, target: str) -> None:
        """Worker: write the CSV (refused for officers, with the reason)."""
        with self.desk.session():
            rows = self.desk.export_report(report, target)
        self.app.call_from_thread(self.notify, f"Exported {rows} rows to {target}.",
                                  markup=False)
