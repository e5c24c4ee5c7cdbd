"""The supervisor's commands: ``report``, ``audit verify`` and ``purge``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from socialdesk.core.audit.metrics import (
    DIMENSIONS,
    GroupStats,
    Report,
    minutes_text,
    share_text,
)
from socialdesk.core.desk import Desk
from socialdesk.errors import UserError

Handler = Callable[[argparse.Namespace], int]
DeskFactory = Callable[[argparse.Namespace], Desk]


def _day(value: str | None, desk: Desk, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD date as local midnight in the team's zone (--until is inclusive)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UserError(f"'{value}' is not a date like 2026-11-23.") from None
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(), tzinfo=desk.config.team.zone)


def _row(group: GroupStats) -> str:
    share = share_text(group)
    return (f"{group.key[:22]:<22} {group.count:>7,} {group.answered:>7,} "
            f"{minutes_text(group.frt_staffed_median):>7} "
            f"{minutes_text(group.frt_staffed_p90):>7} "
            f"{minutes_text(group.frt_elapsed_median):>7} "
            f"{minutes_text(group.frt_elapsed_p90):>7} "
            f"{share:>5} {group.no_reply_needed:>7,}")


HEADER = (f"{'':<22} {'items':>7} {'answd':>7} {'FRT med':>7} {'p90':>7} "
          f"{'elapsed':>7} {'p90':>7} {'SLA':>5} {'no-reply':>7}")


def print_report(report: Report) -> None:
    """The report as text tables (FRT in staffed time first, then elapsed)."""
    span = f"{report.since:%Y-%m-%d}" if report.since else "the start"
    until = f"{report.until - timedelta(days=1):%Y-%m-%d}" if report.until else "now"
    print(f"Response times, {span} to {until}; SLA judged on {report.clock} time.")
    print(HEADER)
    print(_row(report.overall))
    for dimension, groups in report.groups.items():
        print(f"\nby {dimension}")
        for group in groups:
            print(_row(group))
    print(f"\n{report.parity}")
    print(f"Past SLA right now, unanswered: {len(report.past_sla_now)}"
          + (f" (items {', '.join(map(str, report.past_sla_now[:20]))}"
             f"{' …' if len(report.past_sla_now) > 20 else ''})" if report.past_sla_now else ""))


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


def cmd_report(args: argparse.Namespace, desk: Desk) -> int:
    """Response-time report; --csv exports (supervisors), --items drills down."""
    by = args.by or list(DIMENSIONS)
    report = desk.report(_day(args.since, desk), _day(args.until, desk, end=True), by)
    if args.items:
        for item_id in _drill(report, args.items):
            print(item_id)
        return 0
    if args.csv:
        rows = desk.export_report(report, args.csv)
        print(f"wrote {rows} rows to {args.csv}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    elif not args.csv:
        print_report(report)
    return 0


def cmd_audit(args: argparse.Namespace, desk: Desk) -> int:
    """Verify the audit log's hash chain."""
    result = desk.verify_audit()
    if result.ok:
        print(f"audit log OK: {result.rows:,} rows, head {result.head}")
        return 0
    print(f"socialdesk: the audit log is broken at row {result.broken_id}: it "
          f"{result.reason} ({result.rows:,} rows before it are intact).", file=sys.stderr)
    return 1


def cmd_purge(args: argparse.Namespace, desk: Desk) -> int:
    """Remove personal data older than the retention period."""
    result = desk.purge(dry_run=args.dry_run)
    verb = "would purge" if result.dry_run else "purged"
    print(f"{verb} {result.items:,} items and {result.answers:,} answers created before "
          f"{result.cutoff:%Y-%m-%d} ({desk.config.retention_days} days); reports keep "
          "their figures.")
    return 0


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser],
             desk_for: DeskFactory) -> None:
    """Add the supervisor's sub-commands to the parser."""
    def bound(handler: Callable[[argparse.Namespace, Desk], int]) -> Handler:
        return lambda args: handler(args, desk_for(args))

    report = command("report", bound(cmd_report),
                     "response times: first response, SLA, by category/officer/language/week")
    report.add_argument("--since", metavar="YYYY-MM-DD")
    report.add_argument("--until", metavar="YYYY-MM-DD", help="inclusive")
    report.add_argument("--by", action="append", choices=DIMENSIONS,
                        help="group by this (repeatable; default: all)")
    report.add_argument("--csv", metavar="FILE", help="export as CSV (supervisors)")
    report.add_argument("--json", action="store_true")
    report.add_argument("--items", metavar="DIM=VALUE",
                        help="drill down: the item ids behind one figure, e.g. language=cy")
    audit = command("audit", bound(cmd_audit), "check the tamper-evident audit log")
    audit.add_argument("action", choices=("verify",))
    purge = command("purge", bound(cmd_purge),
                    "remove personal data older than [retention] days (supervisors)")
    purge.add_argument("--dry-run", action="store_true", help="only count")
