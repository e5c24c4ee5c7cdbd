"""The inbox from a script: ``import``, ``reply``, ``hide`` and ``outbox``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from socialdesk.cli.base import Command, open_desk
from socialdesk.cli.model import classify_if_model
from socialdesk.cli.output import fail, long_work, printable, say
from socialdesk.core.desk import Desk
from socialdesk.core.desk.intake import ImportReport
from socialdesk.core.outbox.sender import Action, SendReport
from socialdesk.errors import UserError

MAX_SKIPPED_SHOWN = 20


def send_summary(report: SendReport) -> str:
    """One line of what a sending round did."""
    return (f"outbox: {report.sent} sent, {report.failed} failed, {report.uncertain} uncertain"
            f"{', ' + str(report.requeued) + ' back in the queue' if report.requeued else ''}")


def send_now(desk: Desk) -> int:
    """Send the outbox now and say what happened."""
    report = desk.send_outbox()
    say(send_summary(report))
    for detail in report.details:
        say(f"  {detail}")
    return fail(report.error) if report.error else 0


def _queue(desk: Desk, item_id: int, action: Action, text: str, send: bool) -> int:
    """Queue an answer or a hide as the dashboard does — claiming the item for you, refused
    when another officer holds it — say so, and send if asked."""
    record = desk.answer(item_id, text, action)
    say(f"{action.value} to item {item_id} queued as outbox #{record.outbox_id}")
    return send_now(desk) if send else 0


def _print_import_report(report: ImportReport) -> None:
    say(f"imported {report.imported}, duplicate {report.duplicates}, "
        f"skipped {len(report.skipped)} — from {report.path}")
    for skipped in report.skipped[:MAX_SKIPPED_SHOWN]:
        say(f"  skipped line {skipped.line}: {skipped.reason}")
    if len(report.skipped) > MAX_SKIPPED_SHOWN:
        say(f"  … and {len(report.skipped) - MAX_SKIPPED_SHOWN} more skipped lines")


class Import(Command):
    """Import comments and messages from a file."""

    name = "import"
    summary = "import comments/messages from a .jsonl or .csv file"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the FILE to import (.jsonl or .csv)."""
        parser.add_argument("file", metavar="FILE")

    def run(self, options: argparse.Namespace) -> int:
        """Import, list the skipped lines, classify when a model exists; exit 1 if any line
        was skipped (every other line is imported). Progress on stderr; Ctrl-C keeps the
        batches committed, says how many lines are done and left, and exits 130."""
        desk = open_desk(options, create=True)
        path = Path(options.file)
        with long_work(f"importing {path.name}", "lines") as progress:
            report = desk.import_file(path, progress=progress)
        _print_import_report(report)
        classify_if_model(desk)
        if report.skipped:
            n = len(report.skipped)
            print(f"socialdesk: {n} line{'s' if n != 1 else ''} of {path} could not be "
                  "imported (listed above); every other line was imported.", file=sys.stderr)
            return 1
        return 0


class Reply(Command):
    """Queue an answer to an item."""

    name = "reply"
    summary = "queue an answer to an item"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The item, the text, private or not, send now or not."""
        parser.add_argument("item", metavar="ITEM", help="item number or platform id")
        parser.add_argument("text", metavar="TEXT")
        parser.add_argument("--private", action="store_true",
                            help="a private reply to a comment's author (Messenger)")
        parser.add_argument("--send", action="store_true", help="send the outbox now")

    def run(self, options: argparse.Namespace) -> int:
        """A public reply (comment), a Messenger answer (message) or a private reply."""
        desk = open_desk(options)
        item_id = desk.find_item(options.item)
        kind = (desk.item_detail(item_id) or {}).get("kind")
        action = Action.PRIVATE_REPLY if options.private else (
            Action.MESSAGE if kind == "message" else Action.REPLY)
        return _queue(desk, item_id, action, options.text, options.send)


class Hide(Command):
    """Queue hiding a comment."""

    name = "hide"
    summary = "queue hiding a comment"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The item, send now or not."""
        parser.add_argument("item", metavar="ITEM")
        parser.add_argument("--send", action="store_true", help="send the outbox now")

    def run(self, options: argparse.Namespace) -> int:
        """Queue the hide (and send it with --send)."""
        desk = open_desk(options)
        item_id = desk.find_item(options.item)
        return _queue(desk, item_id, Action.HIDE, "", options.send)


class Unhide(Command):
    """Show a hidden comment again."""

    name = "unhide"
    summary = "queue showing a hidden comment again"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The item, send now or not."""
        parser.add_argument("item", metavar="ITEM")
        parser.add_argument("--send", action="store_true", help="send the outbox now")

    def run(self, options: argparse.Namespace) -> int:
        """Queue the unhide (and send it with --send)."""
        desk = open_desk(options)
        return _queue(desk, desk.find_item(options.item), Action.UNHIDE, "", options.send)


class Outbox(Command):
    """Show, send or resend outbox entries."""

    name = "outbox"
    summary = "show (list), send, or resend outbox entries"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """list | send | resend ID."""
        parser.add_argument("action", nargs="?", choices=("list", "send", "resend"),
                            default="list")
        parser.add_argument("entry", nargs="?", type=int)

    def run(self, options: argparse.Namespace) -> int:
        """The newest entries, a sending round, or one entry back in the queue."""
        desk = open_desk(options)
        if options.action == "send":
            return send_now(desk)
        if options.action == "resend":
            if options.entry is None:
                raise UserError("Say which entry to resend: socialdesk outbox resend ID.")
            desk.resend(options.entry)
            say(f"outbox #{options.entry} is queued again")
            return 0
        entries = desk.outbox_entries()
        if not entries:
            say("the outbox is empty")
        for e in entries:
            say(f"#{e['id']:<5} {e['status']:<9} {e['action']:<13} item {e['item_id']:<6} "
                f"by {e['created_by']}: {printable(str(e['text'] or ''), 50)}"
                + (f"  ({printable(str(e['last_error']), 90)})" if e["last_error"] else ""))
        return 0


COMMANDS: tuple[Command, ...] = (Import(), Reply(), Hide(), Unhide(), Outbox())
