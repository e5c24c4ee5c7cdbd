"""`socialdesk places`: the hotspots — reports and concerns by place, this period against the
one before, with weekly spark lines; as a table, JSON or a CSV export (supervisors)."""

from __future__ import annotations

import argparse
import json
import sys

from socialdesk.cli.base import Command, local_day, open_desk
from socialdesk.cli.output import printable, say
from socialdesk.core.desk.places import CATEGORIES, DEFAULT_PERIOD, change_text, spark_line
from socialdesk.core.models import utc_now
from socialdesk.errors import UserError


class PlacesCommand(Command):
    """``socialdesk places``: reports and concerns by place and week against the period before,
    as a table, CSV or JSON."""

    name = "places"
    summary = "hotspots: reports and concerns by place and week, against the period before"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The period's start, a category, the output form."""
        parser.add_argument("--since", metavar="YYYY-MM-DD",
                            help=f"start of the period (default: the last "
                                 f"{DEFAULT_PERIOD.days} days); it ends now")
        parser.add_argument("--category", choices=CATEGORIES,
                            help="only reports or only concerns (default: both)")
        form = parser.add_mutually_exclusive_group()
        form.add_argument("--json", action="store_true")
        form.add_argument("--csv", metavar="FILE", help="export as CSV (supervisors)")

    def run(self, options: argparse.Namespace) -> int:
        """A ranked table, JSON, or a CSV file."""
        desk = open_desk(options)
        until = utc_now()
        since = local_day(options.since, desk) or until - DEFAULT_PERIOD
        if since >= until:
            raise UserError(f"--since {options.since} is not in the past.")
        spots = desk.hotspots(since, until, options.category)
        if options.csv:
            rows = desk.places.export_csv(spots, options.csv, since, until)
            print(f"wrote {rows} rows to {options.csv}", file=sys.stderr)
        elif options.json:
            say(json.dumps({"since": since.isoformat(), "until": until.isoformat(),
                            "category": options.category,
                            "places": [s.as_dict() for s in spots],
                            "audit_chain": desk.context.audit_chain()},
                           ensure_ascii=False, indent=1))
        elif not spots:
            say("No reports or concerns name a place in this period.")
        else:
            say(f"{'place':<44} {'now':>5} {'before':>6} {'change':>6}  weeks")
            for spot in spots:
                say(f"{printable(spot.name, 44):<44} {spot.count:>5} {spot.previous:>6} "
                    f"{change_text(spot):>6}  {spark_line(spot.weeks)}")
        return 0


COMMANDS = (PlacesCommand(),)
