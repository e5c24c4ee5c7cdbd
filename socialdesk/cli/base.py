"""The shape every command has, and what commands share: the global options and the desk.

A command is a :class:`Command` subclass (like pip's commands): a ``name``, a one-line
``summary``, ``add_options`` to declare its arguments and ``run`` to do the work, returning
the exit code. A :class:`Group` holds sub-commands (``socialdesk posts approve 3``). Adding a
command is adding a class to its group's module and to the table in :mod:`socialdesk.cli`.

Exit codes: 0 success, 1 a problem the user can fix (one sentence on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import signal
import threading
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import ClassVar

from socialdesk.cli.output import note
from socialdesk.config import Config, load_config
from socialdesk.core.desk import Desk, access
from socialdesk.errors import UserError


class Command:
    """One ``socialdesk`` command: its options, and a run that returns the exit code (a UserError
    becomes one sentence and exit 1)."""

    name: ClassVar[str]
    summary: ClassVar[str]

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Declare the command's own arguments (none by default)."""

    def run(self, options: argparse.Namespace) -> int:
        """Do the work; return the exit code (a UserError becomes one sentence and exit 1)."""
        raise NotImplementedError

    def register(self, commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
        """Add this command to a sub-parser table."""
        parser = commands.add_parser(self.name, help=self.summary, description=self.summary)
        global_options(parser, suppress=True)
        self.add_options(parser)
        parser.set_defaults(command=self)
        return parser


class Group(Command):
    """A command made of sub-commands; without one it runs ``default`` (if set)."""

    commands: ClassVar[tuple[Command, ...]]
    default: ClassVar[str | None] = None

    def register(self, commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
        """Add the group and each of its sub-commands."""
        parser = super().register(commands)
        inner = parser.add_subparsers(dest=f"{self.name}_action", metavar="ACTION",
                                      required=self.default is None)
        for command in self.commands:
            command.register(inner)
        if self.default is not None:
            self._by_name(self.default).add_options(parser)
        return parser

    def run(self, options: argparse.Namespace) -> int:
        """Without a sub-command: the default one."""
        assert self.default is not None  # argparse requires an action otherwise
        return self._by_name(self.default).run(options)

    def _by_name(self, name: str) -> Command:
        return next(c for c in self.commands if c.name == name)


def global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """--config and --db, accepted before or after the command."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--config", metavar="FILE", default=default,
                        help="config file (env SOCIALDESK_CONFIG)")
    parser.add_argument("--db", metavar="FILE", default=default,
                        help="SQLite database file (env SOCIALDESK_DB)")


def config_of(options: argparse.Namespace) -> Config:
    """The validated configuration the options point to."""
    return load_config(options.config)


def not_the_token_file(desk: Desk, given: str) -> Path:
    """The path of a file a user names to be read into the desk (a template, a handover
    note), refused in one sentence when it is the page token file or a link to it: in service
    mode the service account reads it for whoever runs the command, and the token would be
    stored and shown to every member."""
    path = Path(given).expanduser()
    token_file = desk.config.page.token_file
    if token_file and path.resolve() == Path(token_file).expanduser().resolve():
        raise UserError(f"{given} is the page token file; socialdesk never reads the token "
                        "into anything else.")
    return path


def local_day(value: str | None, desk: Desk, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD date as local midnight in the team's zone (``end``: the midnight after it,
    for an inclusive --until); None without a value."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UserError(f"'{value}' is not a date like 2026-11-23.") from None
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(), tzinfo=desk.config.team.zone)


def open_desk(options: argparse.Namespace, create: bool = False) -> Desk:
    """The desk for this command; users with no access ([access] unknown_users = "none")
    are turned away here, before anything is read. Only commands that bring items in
    (``create``: init, import, sync, demo) make a database that does not exist yet: for the
    others a mistyped ``--db`` is one sentence, not a new empty database."""
    desk = Desk(config_of(options), options.db, create=create)
    if desk.role == access.NO_ACCESS:
        desk.require("use socialdesk")
    ignored = desk.context.config_overrides()
    if ignored:
        note(f"this database keeps its own roles and policy: {' and '.join(ignored)} in "
             f"{desk.config.source} differ and are ignored (supervisors change them with "
             "'socialdesk members' and 'socialdesk policy').")
    return desk


def stop_event() -> threading.Event:
    """An event set by Ctrl-C or SIGTERM (so long loops end cleanly, exit 0)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def wait_for_stop() -> None:
    """Block until Ctrl-C or SIGTERM."""
    stop = stop_event()
    while not stop.wait(0.5):
        pass
