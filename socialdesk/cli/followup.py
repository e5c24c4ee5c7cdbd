"""Follow-up from the command line: ``snooze``, ``unsnooze``, ``note`` (with @mentions),
``handover write|show`` and ``notices`` (SLA alerts, escalations, mentions, snoozes back)."""

from __future__ import annotations

import argparse

from socialdesk.cli.base import Command, Group, not_the_token_file, open_desk
from socialdesk.cli.output import printable, printable_block, say
from socialdesk.core.desk.access import Permission
from socialdesk.core.triage.when import EXAMPLES, show_when
from socialdesk.errors import UserError


class Snooze(Command):
    """Take an item out of To do until a time."""

    name = "snooze"
    summary = "take an item out of To do until a time (it comes back by itself)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The item, when, a note."""
        parser.add_argument("item", metavar="ITEM", help="item number or platform id")
        parser.add_argument("when", metavar="WHEN", nargs="+",
                            help=f"when it comes back, in the team's time zone: {EXAMPLES}")
        parser.add_argument("--note", default="", help="why (shown with the item)")

    def run(self, options: argparse.Namespace) -> int:
        """Snooze; say until when."""
        desk = open_desk(options)
        item_id = desk.find_item(options.item)
        record = desk.snooze(item_id, " ".join(options.when), options.note)
        until = show_when(str(record.after["snoozed_until"]), desk.config.team.zone)
        say(f"item {item_id} is snoozed until {until} ({desk.config.team.timezone}); it comes "
            "back to To do by itself then")
        return 0


class Unsnooze(Command):
    """Bring a snoozed item back to To do now."""

    name = "unsnooze"
    summary = "bring a snoozed item back to To do now"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the ITEM to bring back to To do."""
        parser.add_argument("item", metavar="ITEM")

    def run(self, options: argparse.Namespace) -> int:
        """Brings the item back to To do at once and says so."""
        desk = open_desk(options)
        item_id = desk.find_item(options.item)
        desk.unsnooze(item_id)
        say(f"item {item_id} is back in To do")
        return 0


class Note(Command):
    """An internal note on an item; @name notifies a member."""

    name = "note"
    summary = "add an internal note to an item (@name notifies that member)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The item and the text."""
        parser.add_argument("item", metavar="ITEM")
        parser.add_argument("text", metavar="TEXT")

    def run(self, options: argparse.Namespace) -> int:
        """Add the note; say who was told."""
        desk = open_desk(options)
        item_id = desk.find_item(options.item)
        note_id, mentioned = desk.add_note(item_id, options.text)
        told = f"; told {', '.join(mentioned)}" if mentioned else ""
        say(f"note #{note_id} added to item {item_id}{told}")
        return 0


class HandoverWrite(Command):
    """Write a handover note for the next shift."""

    name = "write"
    summary = "write a handover note for the next shift"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The text or a file holding it."""
        parser.add_argument("text", metavar="TEXT", nargs="?")
        parser.add_argument("--file", metavar="F", help="read the note from this file")

    def run(self, options: argparse.Namespace) -> int:
        """Write it; say its number."""
        if (options.text is None) == (options.file is None):
            raise UserError("Give the note as TEXT or with --file F (one of the two).")
        text = options.text
        desk = open_desk(options)
        if options.file is not None:
            desk.require(Permission.HANDOVER)     # read only for those who may write one
            try:
                text = not_the_token_file(desk, options.file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UserError(f"{options.file} cannot be read as UTF-8 text "
                                f"({getattr(exc, 'strerror', None) or exc}).") from None
        note_id = desk.handover.write(text)
        say(f"handover note #{note_id} written: the others see it when they next open the "
            "dashboard")
        return 0


class HandoverShow(Command):
    """The newest handover notes."""

    name = "show"
    summary = "the newest handover notes, newest first (the default)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --all: every handover note instead of the last 10."""
        parser.add_argument("--all", action="store_true", help="every note, not the last 10")

    def run(self, options: argparse.Namespace) -> int:
        """Author, time, text (plain) for each."""
        desk = open_desk(options)
        notes = desk.handover.recent(0 if options.all else 10)
        if not notes:
            say("(no handover notes)")
        for note in notes:
            say(f"#{note['id']} {show_when(note['at'], desk.config.team.zone)} "
                f"{printable(note['author'])}:")
            say(printable_block(note["text"] or "(removed: past the retention period)"))
            say("")
        return 0


class Handover(Group):
    """The ``socialdesk handover …`` group: write a note for the next shift, or show the newest
    (the default)."""

    name = "handover"
    summary = "handover notes for the next shift: write, show"
    commands = (HandoverWrite(), HandoverShow())
    default = "show"


class Notices(Command):
    """Your notices, newest first."""

    name = "notices"
    summary = "your notices: SLA alerts, escalations, mentions, snoozed items back"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --limit N: how many of the newest notices are shown (20 unless given)."""
        parser.add_argument("--limit", type=int, default=20, metavar="N",
                            help="how many of the newest (default 20)")

    def run(self, options: argparse.Namespace) -> int:
        """One line per notice: local time, kind, text (plain)."""
        desk = open_desk(options)
        notices = desk.notices.recent(max(1, options.limit))
        if not notices:
            say("no notices")
        zone = desk.config.team.zone
        for notice in notices:
            say(f"{show_when(notice.created_at, zone)}  {notice.kind:<11} "
                f"{printable(notice.text)}")
        return 0


COMMANDS: tuple[Command, ...] = (Snooze(), Unsnooze(), Note(), Handover(), Notices())
