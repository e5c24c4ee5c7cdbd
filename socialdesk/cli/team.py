"""The team from the command line: ``socialdesk members list|add|set|remove`` and
``socialdesk policy show|set``. Members and policy live in the database; changing them is for
supervisors and is written to the audit chain."""

from __future__ import annotations

import argparse

from socialdesk.cli.base import Command, Group, open_desk
from socialdesk.cli.output import printable, say
from socialdesk.core.desk.access import POLICY_RULES


class MembersList(Command):
    """Every member and their role."""

    name = "list"
    summary = "every member and their role (the default)"

    def run(self, options: argparse.Namespace) -> int:
        """One line per member."""
        members = open_desk(options).team.members()
        for name, role in members.items():
            say(f"{printable(name):<24} {role}")
        if not members:
            say("(no members)")
        return 0


class MembersSet(Command):
    """Add a member or change their role."""

    def __init__(self, name: str, summary: str) -> None:
        self.name = name  # type: ignore[misc]
        self.summary = summary  # type: ignore[misc]

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The account and the role."""
        parser.add_argument("account", metavar="ACCOUNT", help="the account's name on the host")
        parser.add_argument("role", choices=("officer", "supervisor"))

    def run(self, options: argparse.Namespace) -> int:
        """Add or change (supervisors); say what it was."""
        before = open_desk(options).team.set_member(options.account, options.role)
        was = f" (was {before})" if before else " (new member)"
        say(f"{printable(options.account)} is now {options.role}{was}")
        return 0


class MembersRemove(Command):
    """``members remove``: removes a member (supervisors; never the last supervisor)."""

    name = "remove"
    summary = "remove a member (supervisors; never the last supervisor)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the ACCOUNT to remove."""
        parser.add_argument("account", metavar="ACCOUNT")

    def run(self, options: argparse.Namespace) -> int:
        """Remove; say what they were."""
        before = open_desk(options).team.remove_member(options.account)
        say(f"{printable(options.account)} is no longer a member (was {before})")
        return 0


class Members(Group):
    """The ``socialdesk members …`` group: list (the default), add, set and remove the desk's
    members."""

    name = "members"
    summary = "who is on the desk and with which role (kept in the database)"
    commands = (MembersList(),
                MembersSet("add", "add a member (supervisors)"),
                MembersSet("set", "change a member's role (supervisors)"),
                MembersRemove())
    default = "list"


class PolicyShow(Command):
    """``policy show``: the team's policy, one line per key with what it means."""

    name = "show"
    summary = "the team's policy (the default)"

    def run(self, options: argparse.Namespace) -> int:
        """One line per key, with what it means (the database's: a database that does not
        exist is one sentence, not the configuration's policy shown as if it were its)."""
        desk = open_desk(options)
        desk.team.members()   # opens the database, refusing one that does not exist
        policy = desk.team.policy().as_dict()
        for key, value in policy.items():
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            say(f"{key:<25} {shown:<10} {POLICY_RULES[key]}")
        return 0


class PolicySet(Command):
    """Change one policy value."""

    name = "set"
    summary = "change one policy value (supervisors)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The key and the value."""
        parser.add_argument("key", choices=tuple(POLICY_RULES))
        parser.add_argument("value", metavar="VALUE")

    def run(self, options: argparse.Namespace) -> int:
        """Set; say what it was."""
        before = open_desk(options).team.set_policy(options.key, options.value)
        say(f"{options.key} = {options.value} (was {str(before).lower()})")
        return 0


class PolicyGroup(Group):
    """The ``socialdesk policy …`` group: show (the default) and set the team's policy."""

    name = "policy"
    summary = "the team's policy: approval, retention, unknown accounts (kept in the database)"
    commands = (PolicyShow(), PolicySet())
    default = "show"


COMMANDS: tuple[Command, ...] = (Members(), PolicyGroup())
