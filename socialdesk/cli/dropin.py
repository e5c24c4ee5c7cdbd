"""``socialdesk dropin …``: virtual drop-in sessions from the command line — plan one (its
bilingual announcement is drafted and scheduled as a safety post), list them, move or cancel
one (its announcement follows), and a session's summary as text or JSON."""

from __future__ import annotations

import argparse
import json

from socialdesk.cli.base import Command, Group, open_desk
from socialdesk.cli.output import printable, say
from socialdesk.core.desk.dropin import DropinDesk, PlanResult, summary_lines
from socialdesk.core.schedule.workflow import local_label


class DropinCommand(Command):
    """A sub-command of ``dropin``: it runs on the drop-in desk."""

    def run(self, options: argparse.Namespace) -> int:
        """Open the desk, then :meth:`act`."""
        return self.act(options, open_desk(options).dropins)

    def act(self, options: argparse.Namespace, dropins: DropinDesk) -> int:
        """The action itself; returns the exit code."""
        raise NotImplementedError


def _session_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", type=int, metavar="ID",
                        help="the session number (see `socialdesk dropin list`)")


def _window(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", required=True, metavar="'YYYY-MM-DD HH:MM'",
                        help="when the session opens, local time")
    parser.add_argument("--end", required=True, metavar="HH:MM",
                        help="when it closes: a time on the same day, or 'YYYY-MM-DD HH:MM'")
    parser.add_argument("--announce", metavar="'YYYY-MM-DD HH:MM'",
                        help="when the announcement goes out (default: 24 hours before the "
                             "start, or as soon as it can be approved)")


def _said(dropins: DropinDesk, result: PlanResult, verb: str) -> None:
    session = result.session
    say(f"drop-in session {session.id} {verb}: {session.window(dropins.zone)} — "
        f"{printable(session.label)}")
    if result.note:
        say(f"  {result.note}")
    if result.post_id is not None:
        when = local_label(result.announce_at.isoformat() if result.announce_at else None,
                           dropins.zone)
        state = ("approved" if result.approved else
                 "a draft: a supervisor approves it ('socialdesk posts approve "
                 f"{result.post_id}')")
        say(f"  post {result.post_id} ({result.post_kind}) goes out {when}; it is {state}")
    paused = dropins.posts.pause_state()
    if paused.paused:
        say(f"  note: scheduled posts are PAUSED by {paused.by} "
            f"({printable(paused.reason)}); nothing goes out until they are resumed")


class Plan(DropinCommand):
    """``dropin plan``: plans a session and drafts its bilingual announcement as a safety post."""

    name = "plan"
    summary = "plan a drop-in session; its bilingual announcement is drafted as a safety post"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """--start, --end, --topic (--topic-cy), --announce."""
        _window(parser)
        parser.add_argument("--topic", required=True, metavar="TEXT",
                            help="the place or topic, e.g. 'Scams and fraud' or Holyhead")
        parser.add_argument("--topic-cy", metavar="TEXT",
                            help="its Welsh wording (a place of the gazetteer gets its "
                                 "Welsh name by itself)")

    def act(self, options: argparse.Namespace, dropins: DropinDesk) -> int:
        """Plan it and say what goes out when."""
        result = dropins.plan(options.start, options.end, options.topic, options.topic_cy,
                              options.announce)
        _said(dropins, result, "planned")
        return 0


class ListSessions(DropinCommand):
    """``dropin list``: the drop-in sessions, latest first, with their state and posts (as lines
    or JSON)."""

    name = "list"
    summary = "the drop-in sessions, latest first, with their state and posts (the default)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --json: the sessions as one JSON list instead of lines."""
        parser.add_argument("--json", action="store_true", help="as JSON")

    def act(self, options: argparse.Namespace, dropins: DropinDesk) -> int:
        """One line a session."""
        now = dropins.clock()
        sessions = dropins.sessions()
        if options.json:
            print(json.dumps([s.as_dict(dropins.zone, now) for s in sessions],
                             ensure_ascii=False, indent=1))
            return 0
        say(f"{'id':>4}  {'window (' + str(dropins.zone) + ')':<34} {'state':<10} "
            f"{'by':<10} {'posts':<22} topic")
        for session in sessions:
            posts = ", ".join(f"{p['post_id']} {p['status']}" for p in session.posts) or "—"
            say(f"{session.id:>4}  {session.window(dropins.zone):<34} "
                f"{session.state(now):<10} {printable(session.planned_by, 10):<10} "
                f"{printable(posts, 22):<22} {printable(session.label, 60)}")
        if not sessions:
            say("      (no sessions yet: 'socialdesk dropin plan' plans one)")
        return 0


class Move(DropinCommand):
    """``dropin move``: gives a planned session a new time; its announcement is redrafted or
    followed by a new-time post."""

    name = "move"
    summary = "give a planned session a new time; its announcement follows"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The session, --start, --end, --announce."""
        _session_id(parser)
        _window(parser)

    def act(self, options: argparse.Namespace, dropins: DropinDesk) -> int:
        """Move it and say what happens to the page's posts."""
        result = dropins.move(options.session, options.start, options.end, options.announce)
        _said(dropins, result, "moved")
        return 0


class Cancel(DropinCommand):
    """``dropin cancel``: calls off a planned session (its planner or a supervisor); its
    announcement is cancelled or followed by a cancelled post."""

    name = "cancel"
    summary = "cancel a planned session (its planner or a supervisor); its announcement follows"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the session's number and an optional --reason, kept with the session and in the
        audit log."""
        _session_id(parser)
        parser.add_argument("--reason", default="", metavar="TEXT",
                            help="why (kept with the session and in the audit log)")

    def act(self, options: argparse.Namespace, dropins: DropinDesk) -> int:
        """Cancel it and say what happens to the page's posts."""
        _said(dropins, dropins.cancel(options.session, options.reason), "cancelled")
        return 0


class Report(DropinCommand):
    """``dropin report``: one session's figures (contacts, categories, languages, answered,
    urgent) as lines or JSON."""

    name = "report"
    summary = ("a session's summary: contacts, categories, languages, answered within the "
               "session, urgent handled")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the session's number, and --json for one JSON object instead of lines."""
        _session_id(parser)
        parser.add_argument("--json", action="store_true", help="as JSON")

    def act(self, options: argparse.Namespace, dropins: DropinDesk) -> int:
        """The summary, as lines or one JSON object."""
        figures = dropins.report(options.session)
        if options.json:
            print(json.dumps({**figures.as_dict(dropins.zone),
                              "audit_chain": dropins.context.audit_chain()},
                             ensure_ascii=False, indent=1))
            return 0
        for label, text in summary_lines(figures, dropins.zone):
            say(f"{label:<16}{printable(text)}")
        chain = dropins.context.audit_chain()
        say(f"{'Audit chain':<16}{chain['rows']:,} rows, head {chain['head']}")
        return 0


class Dropin(Group):
    """The ``socialdesk dropin …`` group: plan, list (the default), move, cancel and report
    drop-in sessions."""

    name = "dropin"
    summary = "virtual drop-in sessions: plan, list, move, cancel, report"
    commands = (ListSessions(), Plan(), Move(), Cancel(), Report())
    default = "list"


COMMANDS: tuple[Command, ...] = (Dropin(),)
