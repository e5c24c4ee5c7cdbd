"""The supervisor's commands: ``report``, ``scrutiny``, ``audit verify`` and ``purge``."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path

from socialdesk.cli.base import Command, Group, local_day, open_desk
from socialdesk.cli.output import WorkProgress, long_work, say
from socialdesk.core.audit.report_figures import (
    DIMENSIONS,
    GroupStats,
    Report,
    minutes_text,
    share_text,
)
from socialdesk.core.desk import access
from socialdesk.errors import UserError


def reading(label: str, unit: str, whole: str) -> AbstractContextManager[WorkProgress]:
    """Progress of read-only work (a report, a check); Ctrl-C says how far it got and that
    nothing changed (exit 130)."""
    return long_work(label, unit, stopped=lambda progress: (
        f"stopped: {label} had read {progress.counted()}; nothing was changed; "
        f"run the same command again for {whole}."))


def _row(group: GroupStats) -> str:
    share = share_text(group)
    return (f"{group.key[:22]:<22} {group.count:>7,} {group.answered:>7,} "
            f"{minutes_text(group.frt_staffed_median):>7} "
            f"{minutes_text(group.frt_staffed_p90):>7} "
            f"{minutes_text(group.frt_elapsed_median):>7} "
            f"{minutes_text(group.frt_elapsed_p90):>7} "
            f"{share:>5} {group.no_reply_needed:>7,} {group.answered_elsewhere:>9,}")


HEADER = (f"{'':<22} {'items':>7} {'answd':>7} {'FRT med':>7} {'p90':>7} "
          f"{'elapsed':>7} {'p90':>7} {'SLA':>5} {'no-reply':>7} {'elsewhere':>9}")


def print_report(report: Report) -> None:
    """The report as text tables (FRT in staffed time first, then elapsed)."""
    span = f"{report.since:%Y-%m-%d}" if report.since else "the start"
    until = f"{report.until - timedelta(days=1):%Y-%m-%d}" if report.until else "now"
    say(f"Response times, {span} to {until}; SLA judged on {report.clock} time.")
    say(HEADER)
    say(_row(report.overall))
    for dimension, groups in report.groups.items():
        say(f"\nby {dimension}" + (" (an item with two tags counts in both groups)"
                                   if dimension == "tag" else ""))
        for group in groups:
            say(_row(group))
    say(f"\n{report.parity.text}")
    say(f"Past SLA right now, unanswered: {len(report.past_sla_now)}"
          + (f" (items {', '.join(map(str, report.past_sla_now[:20]))}"
             f"{' …' if len(report.past_sla_now) > 20 else ''})" if report.past_sla_now else ""))
    if report.referrals:
        say(f"\nReferrals to partner agencies ({sum(c.total for c in report.referrals):,}; "
            f"{sum(c.awaiting for c in report.referrals):,} not acknowledged yet)")
        say(f"{'':<44} {'drafted':>7} {'sent':>7} {'acknd':>7} {'total':>7}")
        for count in report.referrals:
            say(f"{count.name[:44]:<44} {count.drafted:>7,} {count.sent:>7,} "
                f"{count.acknowledged:>7,} {count.total:>7,}")
    say(f"Audit chain: {report.audit_rows:,} rows, head {report.audit_head}")


def _drill(report: Report, spec: str) -> list[int]:
    dimension, _, key = spec.partition("=")
    if dimension == "overall":
        return report.overall.item_ids
    groups = report.groups.get(dimension)
    if groups is None or not key:
        raise UserError(f"--items takes DIMENSION=VALUE with a dimension of "
                        f"{', '.join(DIMENSIONS)} (e.g. language=cy), got '{spec}'.")
    for group in groups:
        if group.key == key:
            return group.item_ids
    raise UserError(f"There is no group '{key}' by {dimension} in this report.")


class ReportCommand(Command):
    """``socialdesk report``: first-response times and SLA over a window, grouped, as lines, JSON
    or a CSV file."""

    name = "report"
    summary = "response times: first response, SLA, by category/officer/language/week/tag"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The window, the groupings, and the output form."""
        parser.add_argument("--since", metavar="YYYY-MM-DD")
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="inclusive")
        parser.add_argument("--by", action="append", choices=DIMENSIONS,
                            help="group by this (repeatable; default: all)")
        parser.add_argument("--csv", metavar="FILE", help="export as CSV (supervisors)")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--items", metavar="DIM=VALUE",
                            help="drill down: the item ids behind one figure, e.g. language=cy")

    def run(self, options: argparse.Namespace) -> int:
        """Tables, JSON, a CSV export (supervisors) or the item ids behind one figure."""
        desk = open_desk(options)
        by = options.by or list(DIMENSIONS)
        since, until = local_day(options.since, desk), local_day(options.until, desk, end=True)
        if since and until and since >= until:
            raise UserError(f"--since {options.since} is after --until {options.until}; give "
                            "the earlier date first.")
        with reading("reading items", "items", "the whole report") as progress:
            report = desk.report(since, until, by, progress=progress)
        if options.items:
            for item_id in _drill(report, options.items):
                say(str(item_id))
            return 0
        if options.csv:
            rows = desk.export_report(report, options.csv)
            print(f"wrote {rows} rows to {options.csv}", file=sys.stderr)
        if options.json:
            say(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        elif not options.csv:
            print_report(report)
        return 0


class Scrutiny(Command):
    """The scrutiny pack for the accountability board."""

    name = "scrutiny"
    summary = ("a quarter's scrutiny pack for the accountability board: one bilingual, "
               "printable HTML file (supervisors)")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --quarter (this quarter to date unless given), --out (a new file in exports/
        unless given) and --with-names (audit-logged)."""
        parser.add_argument("--quarter", metavar="YYYYQN",
                            help="the calendar quarter, e.g. 2026Q4 (default: this quarter, "
                                 "to date)")
        parser.add_argument("--out", metavar="FILE",
                            help="where to write it (default: a new file in the data dir's "
                                 "exports/ folder)")
        parser.add_argument("--with-names", action="store_true",
                            help="add the names and words of the public and officers' names "
                                 "to the urgent items and corrections (audit-logged)")

    def run(self, options: argparse.Namespace) -> int:
        """Read the quarter, check the audit chain, write the file; say where."""
        desk = open_desk(options)
        names = options.with_names
        desk.require(access.Permission.SCRUTINY_NAMED if names else access.Permission.SCRUTINY)
        quarter = (desk.scrutiny.quarter(options.quarter) if options.quarter is not None
                   else desk.scrutiny.quarters(1)[0])
        with reading("reading items", "items", "the whole pack") as progress:
            pack = desk.scrutiny.figures(quarter, names, progress)
        with reading("checking the audit log", "rows", "the whole pack") as progress:
            verification = desk.scrutiny.check_chain(progress=progress)
        path = desk.scrutiny.write(pack, verification, options.out)
        chain = "intact" if verification.ok else f"BROKEN at row {verification.broken_id}"
        say(f"wrote the {quarter.label} scrutiny pack "
            f"({'with names' if names else 'no personal data'}; audit chain {chain}) to "
            f"{path}; the export is recorded in the audit log")
        return 0


class AuditVerify(Command):
    """Check the audit chain."""

    name = "verify"
    summary = "check the audit log's hash chain (against its anchors too)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --anchor FILE (repeatable): anchor files to check the chain against, beside the
        database's own."""
        parser.add_argument("--anchor", metavar="FILE", action="append",
                            help="an anchor file to check against (repeatable; the database's "
                                 "own <database>.anchors is always used)")

    def run(self, options: argparse.Namespace) -> int:
        """Rows and head when intact; exit 1 naming the first broken row otherwise."""
        desk = open_desk(options)
        with reading("checking the audit log", "rows", "the whole check") as progress:
            result = desk.verify_audit([Path(p) for p in options.anchor or []], progress)
        if result.ok:
            say(f"audit log OK: {result.rows:,} rows, head {result.head}")
            return 0
        print(f"socialdesk: the audit log is broken at row {result.broken_id}: it "
              f"{result.reason} ({result.rows:,} rows before it are intact).", file=sys.stderr)
        return 1


class Audit(Group):
    """The ``socialdesk audit …`` group: verify the tamper-evident audit log."""

    name = "audit"
    summary = "check the tamper-evident audit log"
    commands = (AuditVerify(),)


class Purge(Command):
    """``socialdesk purge``: removes personal data older than the retention period, or only
    counts it (supervisors)."""

    name = "purge"
    summary = "remove personal data older than [retention] days (supervisors)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --dry-run: count what would be removed, remove nothing."""
        parser.add_argument("--dry-run", action="store_true", help="only count")

    def run(self, options: argparse.Namespace) -> int:
        """Purge (or count) and say how much, and before when."""
        desk = open_desk(options)
        if options.dry_run:
            result = desk.purge(dry_run=True)
        else:   # committed in batches: Ctrl-C keeps what is purged, a second run does the rest
            with long_work("purging", "items") as progress:
                result = desk.purge(progress=progress)
        verb = "would purge" if result.dry_run else "purged"
        notes = f" and the text of {result.notes:,} officers' notes" if result.notes else ""
        files = (f", and {result.files:,} exported files (exports/) written before then"
                 if result.files else "")
        say(f"{verb} {result.items:,} items and {result.answers:,} answers{notes} created "
            f"before {result.cutoff:%Y-%m-%d} ({desk.policy.retention_days} days){files}; "
            "reports keep their figures.")
        return 0


COMMANDS: tuple[Command, ...] = (ReportCommand(), Scrutiny(), Audit(), Purge())
