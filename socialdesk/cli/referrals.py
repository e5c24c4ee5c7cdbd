"""``socialdesk refer``: referrals of items to partner agencies (see
:mod:`socialdesk.core.desk.referrals`).

- ``refer ITEM --to AGENCY [--what/--where/--when/--who/--source TEXT] [--grading 2/B/P]
  [--with-author] [--out FILE.eml|FILE.txt]`` writes a referral (nothing is sent);
- ``refer sent R3`` records that it was sent, ``refer ack R3 [--their-ref X]`` that the
  partner acknowledged it;
- ``refer list [--open]`` lists referrals, ``refer agencies`` the partner agencies.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from socialdesk.cli.base import Command, open_desk
from socialdesk.cli.output import printable, printable_block, say
from socialdesk.core.desk import Desk
from socialdesk.core.desk.referrals import describe_referral, parse_reference
from socialdesk.errors import UserError

#: what ``refer`` does besides writing a referral, by its first word
ACTIONS = ("sent", "ack", "list", "agencies")
PARTS = ("what", "where", "when", "who", "source")


class Refer(Command):
    """Refer an item to a partner agency, and track the referrals."""

    name = "refer"
    summary = ("refer an item to a partner agency as a .eml or .txt (never sent by "
               "socialdesk); 'refer sent|ack R3' tracks it, 'refer list [--open]' lists them, "
               "'refer agencies' names the partners")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """ITEM (or sent/ack/list/agencies), the agency, the parts, the grading, the file."""
        parser.add_argument("target", metavar="ITEM|sent|ack|list|agencies",
                            help="the item to refer (number or platform id), or what to do")
        parser.add_argument("referral", metavar="REF", nargs="?",
                            help="the referral (R3) for 'sent' and 'ack'")
        parser.add_argument("--to", metavar="AGENCY",
                            help="the partner agency (its key, e.g. btp; see 'refer agencies')")
        for part in PARTS:
            parser.add_argument(f"--{part}", metavar="TEXT",
                                help=f"the referral's {part} (default: from the item)")
        parser.add_argument("--grading", metavar="CODE", default="",
                            help="the intelligence grade, for agencies that grade: 3x5x2 like "
                                 "2/B/P (source 1-3, intelligence A-E, handling P or C)")
        parser.add_argument("--with-author", action="store_true",
                            help="name the item's author in the referral (left out otherwise)")
        parser.add_argument("--out", metavar="FILE",
                            help="write it here: .eml (an e-mail to send) or .txt (default: "
                                 "an .eml in the data dir's exports/ folder)")
        parser.add_argument("--print", action="store_true", dest="show",
                            help="also print the referral's text")
        parser.add_argument("--open", action="store_true",
                            help="with 'list': only referrals not acknowledged yet")
        parser.add_argument("--their-ref", metavar="TEXT", default="",
                            help="with 'ack': the partner's own reference")

    def run(self, options: argparse.Namespace) -> int:
        """Write a referral, or record / list them."""
        if options.target in ACTIONS:
            return self._track(options)
        if options.referral:
            raise UserError(f"'refer {printable(options.target, 20)}' takes one item; to "
                            "record a referral's progress use 'refer sent R3' or 'refer ack "
                            "R3'.")
        if not options.to:
            raise UserError("Say which agency to refer to with --to (see 'socialdesk refer "
                            "agencies').")
        desk = open_desk(options)
        agency = desk.referrals.agency(options.to)
        item_id = desk.find_item(options.target)
        draft = desk.referrals.draft(item_id, options.with_author)
        given = {part: getattr(options, part) for part in PARTS
                 if getattr(options, part) is not None}
        draft = replace(draft, **given, grading=options.grading)
        made = desk.referrals.create(item_id, agency.key, draft, options.out)
        if options.show:
            say(printable_block(made.text))
        say(f"wrote referral {made.reference} of item {item_id} to {agency.name_en} "
            f"({agency.email}) to {made.path}; nothing was sent: send it, then record it with "
            f"'socialdesk refer sent {made.reference}'")
        return 0

    def _track(self, options: argparse.Namespace) -> int:
        desk = open_desk(options)
        action = options.target
        if action == "agencies":
            return _agencies(desk)
        if action == "list":
            return _list(desk, options.open)
        if not options.referral:
            raise UserError(f"Say which referral: 'socialdesk refer {action} R3'.")
        referral_id = parse_reference(options.referral)
        zone = desk.config.team.zone
        if action == "sent":
            row = desk.referrals.mark_sent(referral_id)
        else:
            row = desk.referrals.acknowledge(referral_id, options.their_ref)
        say(printable(describe_referral(row, zone)))
        return 0


def _agencies(desk: Desk) -> int:
    agencies = desk.referrals.agencies
    if not agencies:
        say(f"no partner agencies are configured ([[referral.agencies]] in "
            f"{desk.config.source})")
    for agency in agencies:
        grading = "not graded" if agency.grading == "none" else f"graded {agency.grading}"
        say(f"{agency.key:<22} {agency.label}")
        say(f"{'':<22} {agency.email}{'  ' + agency.phone if agency.phone else ''}  ·  "
            f"{', '.join(agency.fields)}  ·  {grading}")
    return 0


def _list(desk: Desk, open_only: bool) -> int:
    found = desk.referrals.listed(open_only)
    if not found:
        say("no referrals waiting for acknowledgement" if open_only else "no referrals yet")
    for row in found:
        say(f"{row['state']:<12} item {row['item_id']:<6} "
            + printable(describe_referral(row, desk.config.team.zone)))
    return 0


COMMANDS = (Refer(),)
