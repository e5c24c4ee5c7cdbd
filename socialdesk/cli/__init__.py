"""The `socialdesk` command: a thin scriptable face on :mod:`socialdesk.core.desk`.

One module per group of commands (like pip's commands package), every command the same shape
(:class:`~socialdesk.cli.base.Command`), all of them listed in :data:`GROUPS`:

- :mod:`.setup` — locate, config check
- :mod:`.inbox` — import, reply, hide, outbox
- :mod:`.followup` — snooze, unsnooze, note, handover
- :mod:`.people` — person, marker, markers
- :mod:`.referrals` — refer (referrals to partner agencies: write, sent, ack, list)
- :mod:`.tags` — tag, untag, tags, close, assign, merge (one item or several)
- :mod:`.page` — sync, worker, fake-page
- :mod:`.model` — classify, train, eval
- :mod:`.safety_posts` — posts (one sub-command per action)
- :mod:`.dropin` — dropin (drop-in sessions: plan, list, move, cancel, report)
- :mod:`.supervisor` — report, scrutiny, audit verify, purge
- :mod:`.timeline` — timeline (evidence timelines as HTML)
- :mod:`.places` — places (the hotspots)
- :mod:`.listening` — listening (what the community raises, as topics)
- :mod:`.team` — members, policy
- :mod:`.replies` — the reply library
- :mod:`.demo` — dashboard (the default), demo

Exit codes: 0 success, 1 a user error (one clear sentence on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence

from socialdesk import __version__, paths
from socialdesk.cli import (
    demo,
    dropin,
    followup,
    inbox,
    listening,
    model,
    page,
    people,
    places,
    referrals,
    replies,
    safety_posts,
    setup,
    supervisor,
    tags,
    team,
    timeline,
)
from socialdesk.cli.base import Command, global_options
from socialdesk.cli.output import Stopped
from socialdesk.errors import DISK_ERRORS, UserError, disk_error, storage_error

#: Every command, in the order `socialdesk --help` lists them.
GROUPS = (demo, setup, inbox, tags, followup, people, referrals, page, supervisor, timeline,
          places, listening, team, safety_posts, dropin, replies, model)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="socialdesk",
        description="Contact desk for a police neighbourhood team's social media page.")
    parser.add_argument("--version", action="version", version=f"socialdesk {__version__}")
    global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command_name", metavar="COMMAND")
    for group in GROUPS:
        for command in group.COMMANDS:
            command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    os.umask(paths.PRIVATE_UMASK)   # nothing this process writes is readable by others
    options = build_parser().parse_args(argv)
    command: Command = getattr(options, "command", None) or demo.Dashboard()
    try:
        return command.run(options)
    except UserError as exc:
        print(f"socialdesk: {exc}", file=sys.stderr)
        return 1
    except Stopped as exc:   # Ctrl-C in long work: what was kept and what is left
        print(f"socialdesk: {exc}", file=sys.stderr)
        return 130
    except sqlite3.Error as exc:  # met outside a write (a read on a failing disk)
        print(f"socialdesk: {storage_error(getattr(options, 'db', None), exc)}",
              file=sys.stderr)
        return 1
    except PermissionError as exc:  # a file this account may not touch: one sentence
        print(f"socialdesk: {exc.filename or 'a file'} cannot be used by this account "
              f"({exc.strerror}).", file=sys.stderr)
        return 1
    except OSError as exc:
        if exc.errno not in DISK_ERRORS:
            raise
        print(f"socialdesk: {disk_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("socialdesk: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `socialdesk posts templates | head`: the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
