"""The page: ``sync``, ``worker`` (the background jobs without a screen) and ``fake-page``."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from socialdesk.cli.base import Command, open_desk, stop_event, wait_for_stop
from socialdesk.cli.inbox import send_summary
from socialdesk.cli.model import classify_if_model, ready_classifier
from socialdesk.cli.output import fail, long_work, printable, say
from socialdesk.core.desk.access import Permission
from socialdesk.core.desk.events import (
    Alerted,
    Classifying,
    JobEvent,
    JobFailed,
    JobRecovered,
    JobsStopped,
    ModelChanged,
    Published,
    Purged,
    RunElsewhere,
    Sent,
    Synced,
)
from socialdesk.core.ingest.sync import SyncReport
from socialdesk.errors import UserError

if TYPE_CHECKING:
    from socialdesk.fakepage.server import FakePage


def sync_summary(report: SyncReport) -> str:
    """One line of what a sync pass did."""
    kind = "full" if report.full else "incremental"
    return (f"{kind} sync: {len(report.new)} new, {report.updated} updated, "
            f"{report.deleted} deleted, {report.answered} answered on the page; "
            + (f"{report.gone_posts} posts gone from the page; " if report.gone_posts else "")
            + f"{report.requests} requests")


def event_line(event: JobEvent) -> str:
    """A background job's event as the worker's log says it (details indented below)."""
    match event:
        case Synced(report):
            return sync_summary(report) + (f" — {report.error}" if report.error else "")
        case Sent(report):
            return send_summary(report) + "".join(f"\n    {d}" for d in report.details)
        case Published(report):
            return (f"safety posts: {len(report.published)} published, {len(report.missed)} "
                    f"missed, {len(report.failed)} failed, {len(report.uncertain)} uncertain"
                    + "".join(f"\n    {printable(d)}" for d in report.details))
        case Purged(report):
            return f"retention: purged {report.items} items and {report.answers} answers"
        case Alerted(report):
            return (f"alerts: {len(report.acknowledged)} out-of-hours acknowledgement(s) "
                    f"queued, {report.alerted} SLA notice(s), {len(report.escalated)} "
                    "escalation(s)" + "".join(f"\n    {p}" for p in report.problems))
        case RunElsewhere():
            return "skip: another socialdesk process runs the background jobs"
        case JobsStopped(reason):
            return f"stopped: {reason}"
        case JobFailed(reason):
            return f"error: {reason}"
        case JobRecovered(job):
            return f"{job}: working again"
        case ModelChanged(state):
            return state.text()
        case Classifying():
            return event.text()
    return repr(event)


def print_event(event: JobEvent) -> None:
    """A background job's event as one timestamped line."""
    say(f"[{datetime.now():%H:%M:%S}] {event_line(event)}")


class Sync(Command):
    """Pull comments and messages from the page."""

    name = "sync"
    summary = "pull comments and messages from the configured page"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --once (one pass, then exit) and --full (re-read every comment in the window for
        late items, edits and deletions)."""
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--full", action="store_true",
                            help="re-read every comment in the window (late items, edits, "
                            "deletions)")

    def run(self, options: argparse.Namespace) -> int:
        """One pass (--once), or a pass every sync interval until Ctrl-C."""
        desk = open_desk(options, create=True)
        if options.once:
            with long_work("sync", "posts", again="run the same command again to sync the "
                           "rest (no item is stored twice)") as progress:
                report = desk.sync_once(full=True if options.full else None,
                                        progress=progress)
            say(sync_summary(report))
            classify_if_model(desk)
            return fail(report.error) if report.error else 0
        from socialdesk.core.desk.jobs import BackgroundJobs  # APScheduler: not for every command

        jobs = BackgroundJobs(desk, listener=print_event)
        say(f"syncing every {jobs.sync_interval:g} s; Ctrl-C to stop")
        stop = stop_event()
        while not stop.is_set():
            jobs.run_sync()
            if jobs.stopped_reason:
                return fail(jobs.stopped_reason)
            stop.wait(jobs.sync_interval)
        return 0


class Worker(Command):
    """The background jobs without a screen."""

    name = "worker"
    summary = "run background jobs (sync, sending, safety posts) without a screen"

    def run(self, options: argparse.Namespace) -> int:
        """Run until Ctrl-C; exit 1 with the reason when the jobs had to stop (token)."""
        desk = open_desk(options)
        desk.require(Permission.RUN_JOBS)    # fail now, in one sentence: not a member,
        desk.context.graph_client().close()  # no page, no token
        desk.model.auto_classify = True
        ready_classifier(desk)
        from socialdesk.core.desk.jobs import BackgroundJobs

        jobs = BackgroundJobs(desk, listener=print_event, classify_backlog=True)
        jobs.start()
        say(f"worker running (sync every {jobs.sync_interval:g} s, safety posts when due, "
            f"outbox every {jobs.send_interval:g} s); Ctrl-C to stop")
        try:
            wait_for_stop()
        finally:
            jobs.shutdown()
        return fail(jobs.stopped_reason) if jobs.stopped_reason else 0


def fake_page_options(parser: argparse.ArgumentParser, rate: float) -> None:
    """What shapes a fake page: seed, traffic rate, faults."""
    parser.add_argument("--seed", type=int, default=1, help="content seed (default 1)")
    parser.add_argument("--rate", type=float, default=rate,
                        help="new items a minute (fake-page default 0: a fixed page)")
    parser.add_argument("--fault", action="append", metavar="NAME[@ENDPOINT][=SHARE]",
                        help="inject a fault (repeatable): rate_limit, server_error, slow, "
                             "reset, truncated_json, token_expired, duplicates, late_items")
    parser.add_argument("--slow-seconds", type=float, default=25.0,
                        help="delay of the 'slow' fault")


def fake_page(options: argparse.Namespace, posts: int, comments: int,
              conversations: int) -> FakePage:
    """A fake page from the options (not started); a bad --fault is one sentence."""
    from socialdesk.fakepage.faults import FaultSpecError
    from socialdesk.fakepage.server import FakePage
    from socialdesk.fakepage.state import Sizes

    try:
        return FakePage(seed=options.seed, rate=options.rate, faults=options.fault or [],
                        sizes=Sizes(posts, comments, conversations),
                        slow_seconds=options.slow_seconds)
    except FaultSpecError as exc:
        raise UserError(f"--fault: {exc}.") from None


class FakePageCommand(Command):
    """Serve a fake page on loopback."""

    name = "fake-page"
    summary = "serve a fake Facebook page on 127.0.0.1"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The page's shape, and the port."""
        fake_page_options(parser, rate=0.0)
        parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
        parser.add_argument("--posts", type=int, default=12)
        parser.add_argument("--comments", type=int, default=100)
        parser.add_argument("--conversations", type=int, default=15)

    def run(self, options: argparse.Namespace) -> int:
        """Print {"url", "page_id", "token"} on one line, then serve until stopped."""
        page = fake_page(options, options.posts, options.comments, options.conversations)
        try:
            page.start("127.0.0.1", options.port)
        except OSError as exc:
            raise UserError(f"Cannot listen on 127.0.0.1:{options.port} "
                            f"({exc.strerror}).") from None
        print(page.announce(), flush=True)
        try:
            wait_for_stop()
        finally:
            page.stop()
        return 0


COMMANDS: tuple[Command, ...] = (Sync(), Worker(), FakePageCommand())
