"""`socialdesk listening`: what the community raises — the topics of its concerns and chat,
named in English and Welsh, by month and by place, against the period before, rising ones
flagged; as text, JSON, or a CSV export (supervisors)."""

from __future__ import annotations

import argparse
import json
import sys

from socialdesk.cli.base import Command, local_day, open_desk
from socialdesk.cli.output import long_work, printable, say, train_progress
from socialdesk.core.desk.listening import DEFAULT_PERIOD, Listening, rising_rule
from socialdesk.core.models import utc_now
from socialdesk.errors import UserError


class ListeningCommand(Command):
    """Topics of what people raise."""

    name = "listening"
    summary = "what the community raises: topics by month and place, rising ones flagged"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The period and the output form."""
        parser.add_argument("--since", metavar="YYYY-MM-DD",
                            help=f"first day of the period (default: {DEFAULT_PERIOD.days} "
                                 "days before its end)")
        parser.add_argument("--until", metavar="YYYY-MM-DD",
                            help="last day of the period, included (default: now)")
        form = parser.add_mutually_exclusive_group()
        form.add_argument("--json", action="store_true", help="one JSON object")
        form.add_argument("--csv", metavar="FILE",
                          help="export the topics as CSV (supervisors; no one's text)")

    def run(self, options: argparse.Namespace) -> int:
        """Topics as text, JSON or a CSV file."""
        desk = open_desk(options)
        until = local_day(options.until, desk, end=True) or utc_now()
        since = local_day(options.since, desk) or until - DEFAULT_PERIOD
        if since >= until:
            raise UserError(f"--since {options.since} is after --until {options.until}."
                            if options.until else f"--since {options.since} is not in the past.")
        with long_work("embedding", "items") as progress:
            heard = desk.listening.topics(since, until, progress,
                                          train_progress=train_progress())
        if options.csv:
            rows = desk.listening.export_csv(heard, options.csv)
            print(f"wrote {rows} topics to {options.csv}", file=sys.stderr)
        elif options.json:
            say(json.dumps({**heard.as_dict(), "audit_chain": desk.context.audit_chain()},
                           ensure_ascii=False, indent=1))
        else:
            show(heard, desk.config.team.zone)
        return 0


def show(heard: Listening, zone: object) -> None:
    """The topics as text: one block each, people's words as plain printable text."""
    first = heard.since.astimezone(zone)  # type: ignore[arg-type]
    last = heard.until.astimezone(zone)   # type: ignore[arg-type]
    days = (heard.until - heard.since).days
    say(f"Listening {first:%Y-%m-%d} – {last:%Y-%m-%d} ({days} days) against the {days} days "
        f"before: {heard.items:,} concerns and chat ({heard.previous_items:,} before), "
        f"{len(heard.topics)} topics.")
    say(f"Rising: {rising_rule()}.")
    if not heard.topics:
        say("Nobody raised anything in this period or the one before.")
        return
    say("By month: " + " · ".join(f"{m} {n}" for m, n in heard.by_month.items()))
    if heard.by_place:
        say("Busiest places: " + ", ".join(f"{printable(label)} {n}"
                                           for _, label, n in heard.by_place[:5]))
    for topic in heard.topics:
        say("")
        flag = "  ▲ RISING" if topic.rising else ""
        borrowed = f" ({topic.borrowed} words from the glossary)" if topic.borrowed else ""
        say(f"{topic.number}. {printable(topic.name)}{borrowed}")
        say(f"   {topic.count:,} now, {topic.previous:,} before, {topic.change_text()}{flag}")
        say("   by month: " + " · ".join(f"{m} {n}" for m, n in topic.months.items()))
        if topic.places:
            say("   places: " + ", ".join(f"{printable(label)} {n}"
                                          for _, label, n in topic.places[:3]))
        for example in topic.examples:
            say(f"   #{example.id} [{example.language}] {printable(example.text, 110)}")


COMMANDS = (ListeningCommand(),)
