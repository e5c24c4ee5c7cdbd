"""``socialdesk timeline``: the evidence timeline of a person, a place or chosen items, as one
self-contained printable HTML file (see :mod:`socialdesk.core.audit.timeline`)."""

from __future__ import annotations

import argparse

from socialdesk.cli.base import Command, open_desk
from socialdesk.cli.output import printable, say
from socialdesk.core.desk import Desk
from socialdesk.errors import UserError


def item_list(text: str) -> list[int]:
    """Item numbers from "12,13,14" (spaces allowed); one sentence for anything else."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise UserError(f"--items takes item numbers separated by commas, like 12,13,14; got "
                        f"'{printable(text, 40)}'.")
    return [int(part) for part in parts]


def chosen_items(desk: Desk, options: argparse.Namespace) -> tuple[list[int], str]:
    """The item ids the options choose, and what the timeline covers (its title)."""
    if options.items:
        ids = item_list(options.items)
        return ids, f"items {', '.join(map(str, ids))}"
    if options.author_of:
        item_id = desk.find_item(options.author_of)
        ids = desk.items_of_author(item_id)
        if not ids:
            raise UserError(f"The author of item {item_id} is not known (purged or never "
                            "given), so there is no person to make a timeline of.")
        return ids, f"the person who wrote item {item_id}"
    if options.person:
        rows = desk.person_items(options.person)
        # the person's id would undo the pseudonyms of a file without names
        return [int(str(row["id"])) for row in rows], (f"person {options.person}" if options.names
                                                  else "one person")
    rows = desk.place_items(options.place)
    return [int(str(row["id"])) for row in rows], f"place: {options.place}"


class Timeline(Command):
    """An evidence timeline as an HTML file."""

    name = "timeline"
    summary = ("evidence timeline of a person, a place or chosen items: a printable HTML file "
               "(names left out unless --names: supervisors)")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """What it covers (one of --items, --author-of, --person, --place), names, title,
        file."""
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--items", metavar="12,13,14", help="these items")
        which.add_argument("--author-of", metavar="ITEM",
                           help="every item of the person who wrote this item")
        which.add_argument("--person", metavar="ID", help="every item of this person")
        which.add_argument("--place", metavar="PLACE", help="every item about this place")
        parser.add_argument("--names", action="store_true",
                            help="include the authors' names (supervisors only); without it "
                                 "they are Person A, Person B…")
        parser.add_argument("--title", metavar="TEXT",
                            help="what the timeline covers, in its header")
        parser.add_argument("--out", metavar="FILE",
                            help="where to write it (default: a new file in the data dir's "
                                 "exports/ folder)")

    def run(self, options: argparse.Namespace) -> int:
        """Write the file; say where, and that the export is in the audit log."""
        desk = open_desk(options)
        ids, covers = chosen_items(desk, options)
        if not ids:
            raise UserError(f"There are no items for {covers}.")
        path = desk.export_timeline(ids, options.title or covers, options.names, options.out)
        say(f"wrote the timeline ({'with names' if options.names else 'names left out'}) to "
            f"{path}; the export is recorded in the audit log")
        return 0


COMMANDS = (Timeline(),)
