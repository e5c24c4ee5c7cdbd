"""What the ``socialdesk posts …`` sub-commands share: the command shape that runs on the
safety-post desk, the options for a post's number, timing and texts, and how a post and a
publishing round are printed.
"""

from __future__ import annotations

import argparse
from typing import Any

from socialdesk.cli.base import Command, open_desk
from socialdesk.cli.output import printable, say
from socialdesk.core.desk.safety_posts import SafetyPostDesk
from socialdesk.core.schedule.publisher import PublishReport
from socialdesk.core.schedule.workflow import languages_of, local_label
from socialdesk.errors import UserError


class PostCommand(Command):
    """A sub-command of ``posts``: it runs on the safety-post desk."""

    def run(self, options: argparse.Namespace) -> int:
        """Open the desk, then :meth:`act`."""
        return self.act(options, open_desk(options).posts)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """The action itself; returns the exit code."""
        raise NotImplementedError


def _local(posts: SafetyPostDesk, iso: str | None) -> str:
    return local_label(iso, posts.zone)


def _line(posts: SafetyPostDesk, post: dict[str, Any]) -> str:
    return (f"{post['id']:>4}  {_local(posts, post['due_at']):<26} {post['status']:<10} "
            f"{languages_of(post):<6} {printable(post['timing'] or '', 24):<24} "
            f"{printable(post['title'] or '', 50)}")


def _post_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("post", type=int, metavar="ID",
                        help="the post number (see `socialdesk posts list`)")


def _timing(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help="one-off, local time")
    parser.add_argument("--every", metavar="RULE",
                        help="recurring: 'friday 17:00', 'mon,thu 09:30', 'day 08:00', "
                             "'monthly 15 09:00', 'monthly last friday 17:00'")


def _when(options: argparse.Namespace, required: bool = False) -> str | None:
    """The timing given with --at or --every, as the schedule reads it."""
    at, every = getattr(options, "at", None), getattr(options, "every", None)
    if at and every:
        raise UserError("Give either --at (one-off) or --every (recurring), not both.")
    when = at or (f"every {every}" if every and not every.lower().startswith(
        ("every", "monthly", "daily", "weekly")) else every)
    if required and not when:
        raise UserError("Say when: --at '2026-12-04 17:00' or --every 'friday 17:00'.")
    return when


def _texts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cy", metavar="TEXT", help="the Welsh text")
    parser.add_argument("--en", metavar="TEXT", help="the English text")
    parser.add_argument("--title", metavar="TEXT")


def _print_round(report: PublishReport) -> int:
    if report.paused is not None:
        say(f"publishing is paused: {printable(report.paused)}")
        return 0
    say(f"published {len(report.published)} (late {len(report.late)}), missed "
        f"{len(report.missed)}, failed {len(report.failed)}, uncertain "
        f"{len(report.uncertain)}")
    for line in report.details:
        say(f"  {printable(line)}")
    if report.error:
        raise UserError(report.error)
    return 0
