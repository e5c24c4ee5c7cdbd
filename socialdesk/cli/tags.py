"""Tags and bulk triage from a script: ``tag``, ``untag``, ``tags``, ``close``, ``assign`` and
``merge``. The same services and checks as the dashboard (roles, audit, one transaction per
command); items are given by number or platform id, several separated by spaces or commas."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from socialdesk.cli.base import Command, open_desk
from socialdesk.cli.output import say
from socialdesk.core.desk import Desk
from socialdesk.core.models import CLOSE_REASONS
from socialdesk.core.triage.tags import BatchUndo, ids_text
from socialdesk.errors import UserError


def item_ids(desk: Desk, refs: Sequence[str]) -> list[int]:
    """The DB ids of items given as numbers or platform ids ("12 13", "12,13,14"); one
    sentence when none is given."""
    found = [desk.find_item(ref.strip()) for text in refs for ref in text.split(",")
             if ref.strip()]
    if not found:
        raise UserError("Say which items: their numbers (12 13 or 12,13,14) or platform ids.")
    return found


def report_skipped(record: BatchUndo) -> None:
    """Say on stderr which items were skipped and why (the others were done)."""
    if record.skipped:
        print(f"socialdesk: {record.skipped}", file=sys.stderr)


class TagCommand(Command):
    """Put tags on items."""

    name = "tag"
    summary = "put tags on an item (socialdesk tags lists them): tag ITEM[,ITEM…] TAG…"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The item(s) and the tags."""
        parser.add_argument("item", metavar="ITEM", help="item number(s) or platform id(s), "
                                                         "several separated by commas")
        parser.add_argument("tags", metavar="TAG", nargs="+",
                            help="a tag's name or its English or Welsh label")

    def run(self, options: argparse.Namespace) -> int:
        """Tag, and say what changed."""
        desk = open_desk(options)
        ids = item_ids(desk, [options.item])
        record = desk.tag(ids, options.tags)
        report_skipped(record)
        added = ", ".join(f"#{item} {tag}" for item, tag in record.tags_added)
        say(f"tagged {added}" if added else f"{ids_text(ids)} had these tags already")
        return 0


class UntagCommand(Command):
    """Take tags off items."""

    name = "untag"
    summary = "take tags off an item: untag ITEM[,ITEM…] TAG…"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The item(s) and the tags."""
        parser.add_argument("item", metavar="ITEM")
        parser.add_argument("tags", metavar="TAG", nargs="+")

    def run(self, options: argparse.Namespace) -> int:
        """Untag, and say what changed."""
        desk = open_desk(options)
        record = desk.untag(item_ids(desk, [options.item]), options.tags)
        say("untagged " + ", ".join(f"#{row['item_id']} {row['tag']}"
                                    for row in record.tags_removed))
        return 0


class TagsCommand(Command):
    """The tag list with counts."""

    name = "tags"
    summary = "the tags officers may use, with how many items carry each"

    def run(self, options: argparse.Namespace) -> int:
        """One line per tag: name, items, English / Welsh labels."""
        desk = open_desk(options)
        counts = desk.tags_in_use()
        for tag in desk.config.tags.tags:
            say(f"{tag.name:<18} {counts.get(tag.name, 0):>7,}  {tag.label}")
        for name in sorted(set(counts) - set(desk.config.tags.names)):
            say(f"{name:<18} {counts[name]:>7,}  (no longer in [tags]: can be taken off, not "
                "added)")
        return 0


class CloseCommand(Command):
    """Close one or several items with a reason."""

    name = "close"
    summary = "close items with a reason: close ITEM… --reason R [--note N]"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The items, the reason and the note."""
        parser.add_argument("items", metavar="ITEM", nargs="+")
        parser.add_argument("--reason", required=True, metavar="REASON",
                            help=f"one of: {'; '.join(CLOSE_REASONS)}")
        parser.add_argument("--note", default="", help="how it was answered (needed for "
                                                       "'answered elsewhere')")

    def run(self, options: argparse.Namespace) -> int:
        """Close them all in one transaction; name the items skipped and why."""
        desk = open_desk(options)
        record = desk.close_items(item_ids(desk, options.items), options.reason, options.note)
        report_skipped(record)
        say(f"closed {ids_text([c.item_id for c in record.changes])} ({options.reason})")
        return 0


class AssignCommand(Command):
    """Give items to an officer (supervisors)."""

    name = "assign"
    summary = "give items to an officer (supervisors): assign OFFICER ITEM…"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The officer and the items."""
        parser.add_argument("officer", metavar="OFFICER")
        parser.add_argument("items", metavar="ITEM", nargs="+")

    def run(self, options: argparse.Namespace) -> int:
        """Assign them all in one transaction."""
        desk = open_desk(options)
        record = desk.assign_items(item_ids(desk, options.items), options.officer)
        report_skipped(record)
        changed = [c.item_id for c in record.changes]
        say(f"assigned {ids_text(changed)} to {options.officer}" if changed else
            f"{ids_text(record.item_ids)} {'is' if len(record.item_ids) == 1 else 'are'} "
            f"already {options.officer}'s")
        return 0


class MergeCommand(Command):
    """Mark items as duplicates of one."""

    name = "merge"
    summary = "mark items as duplicates of one (closed as 'duplicate'): merge PRIMARY DUP…"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The primary and the duplicates."""
        parser.add_argument("primary", metavar="PRIMARY")
        parser.add_argument("duplicates", metavar="DUP", nargs="+")

    def run(self, options: argparse.Namespace) -> int:
        """Merge in one transaction; name the items skipped and why."""
        desk = open_desk(options)
        primary = desk.find_item(options.primary)
        record = desk.merge(primary, item_ids(desk, options.duplicates))
        report_skipped(record)
        say(f"merged {ids_text([c.item_id for c in record.changes])} into #{primary} "
            "(closed as duplicates)")
        return 0


COMMANDS: tuple[Command, ...] = (TagCommand(), UntagCommand(), TagsCommand(), CloseCommand(),
                                 AssignCommand(), MergeCommand())
