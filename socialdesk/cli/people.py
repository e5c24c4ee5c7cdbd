"""People from the command line: ``person ID`` (contact history, marker, linked ids),
``person link ID OTHER``, ``person unlink ID``, ``marker set|remove`` and ``markers``.

A person is given by a page-scoped author id or by one of their items (number or platform
id). What a person typed (names, texts, a marker's reason) is printed as plain text with
control characters made visible."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from socialdesk.cli.base import Command, Group, open_desk
from socialdesk.cli.output import printable, say
from socialdesk.core.desk import Desk
from socialdesk.core.desk.people import MARKER_KINDS
from socialdesk.errors import UserError


def local(desk: Desk, value: object) -> str:
    """An ISO UTC time as the team's local "YYYY-MM-DD HH:MM" (blank for none)."""
    if not value:
        return ""
    return datetime.fromisoformat(str(value)).astimezone(desk.config.team.zone).strftime(
        "%Y-%m-%d %H:%M")


def marker_line(marker: dict[str, Any]) -> str:
    """A marker in one line: kind, review date, who set it, the reason."""
    return (f"SAFEGUARDING: {marker['kind']} · review {marker['review_on']} · set by "
            f"{printable(str(marker['set_by']))} — {printable(str(marker['reason'] or ''))}")


def show_person(desk: Desk, ref: str) -> int:
    """Print the contact history of the person ``ref`` names."""
    author_id = desk.people.resolve(ref)
    person = desk.people.person(author_id)
    name = printable(person["name"] or "(name unknown)", 40)
    items = person["items"]
    say(f"{name} · ids: {', '.join(printable(i) for i in person['ids'])} · "
        f"{len(items)} contact{'s' if len(items) != 1 else ''}")
    for marker in person["markers"]:
        say(marker_line(marker))
    for item in items:
        text = "(purged)" if item["purged_at"] else printable(str(item["text"] or ""), 70)
        flags = "URGENT " if item["urgent"] else ""
        say(f"#{item['id']:<6} {local(desk, item['created_at'])}  {item['kind']:<7} "
            f"{flags}{item['category'] or 'unclassified':<8} {item['status']:<8} {text}")
        if item["first_response_at"]:
            by = printable(str(item["first_response_by"] or "the team"))
            answer = f": {printable(str(item['answer']), 60)}" if item["answer"] else ""
            say(f"        answered {local(desk, item['first_response_at'])} by {by}{answer}")
    return 0


class PersonCommand(Command):
    """A person's contact history, and linking their identities."""

    name = "person"
    summary = ("a person's contact history: person ID; person link ID OTHER; person unlink "
               "ID (ID: an author id or an item number)")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """ID, or link ID OTHER, or unlink ID."""
        parser.add_argument("words", metavar="ID", nargs="+",
                            help="ID | link ID OTHER | unlink ID")

    def run(self, options: argparse.Namespace) -> int:
        """Show, link or unlink."""
        desk = open_desk(options)
        words = options.words
        if words[0] == "link":
            if len(words) != 3:
                raise UserError("Link takes two ids: socialdesk person link ID OTHER.")
            first, other = (desk.people.resolve(word) for word in words[1:])
            desk.people.link(first, other)
            say(f"linked {printable(first)} and {printable(other)}: "
                f"{', '.join(desk.people.person_ids(first))}")
            return 0
        if words[0] == "unlink":
            if len(words) != 2:
                raise UserError("Unlink takes one id: socialdesk person unlink ID.")
            author_id = desk.people.resolve(words[1])
            desk.people.unlink(author_id)
            say(f"{printable(author_id)} is a person by itself again")
            return 0
        if len(words) != 1:
            raise UserError("Give one person: socialdesk person ID (or link / unlink).")
        return show_person(desk, words[0])


class MarkerSet(Command):
    """Set or change a person's safeguarding marker."""

    name = "set"
    summary = "set or change a safeguarding marker (members)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The person, kind, reason and review date."""
        parser.add_argument("person", metavar="ID", help="an author id or an item number")
        parser.add_argument("--kind", required=True, help=f"one of: {', '.join(MARKER_KINDS)}")
        parser.add_argument("--reason", required=True, help="why (personal data: purged "
                                                            "with the person's data)")
        parser.add_argument("--review", required=True, metavar="YYYY-MM-DD",
                            help="when a supervisor reviews it")

    def run(self, options: argparse.Namespace) -> int:
        """Set; say which marker."""
        desk = open_desk(options)
        author_id = desk.people.resolve(options.person)
        marker_id = desk.people.set_marker(author_id, options.kind, options.reason,
                                           options.review)
        say(f"marker #{marker_id} on {printable(author_id)}: {options.kind.strip().lower()}, "
            f"review {options.review.strip()}")
        return 0


class MarkerRemove(Command):
    """Remove a person's safeguarding marker."""

    name = "remove"
    summary = "remove a safeguarding marker (supervisors)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the ID of the person whose marker is removed."""
        parser.add_argument("person", metavar="ID")

    def run(self, options: argparse.Namespace) -> int:
        """Remove; say which marker."""
        desk = open_desk(options)
        author_id = desk.people.resolve(options.person)
        marker_id = desk.people.remove_marker(author_id)
        say(f"marker #{marker_id} on {printable(author_id)} removed")
        return 0


class MarkerGroup(Group):
    """The ``socialdesk marker …`` group: set or remove a person's safeguarding marker."""

    name = "marker"
    summary = "a person's safeguarding marker: set ID --kind K --reason R --review DATE; remove ID"
    commands = (MarkerSet(), MarkerRemove())


class MarkersCommand(Command):
    """The markers in force."""

    name = "markers"
    summary = "safeguarding markers in force, soonest review first (--due: review date come)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --due: only the markers whose review date is today or past."""
        parser.add_argument("--due", action="store_true",
                            help="only markers whose review date is today or past")

    def run(self, options: argparse.Namespace) -> int:
        """One line per marker."""
        desk = open_desk(options)
        rows = desk.people.markers(due=options.due)
        for row in rows:
            name = printable(str(row["author_name"] or "(name unknown)"), 24)
            say(f"#{row['id']:<4} review {row['review_on']}  {row['kind']:<16} "
                f"{printable(str(row['author_id'])):<20} {name:<24} set by "
                f"{printable(str(row['set_by']))}")
        if not rows:
            say("(no markers due for review)" if options.due else "(no markers)")
        return 0


COMMANDS: tuple[Command, ...] = (PersonCommand(), MarkerGroup(), MarkersCommand())
