"""The dashboard and the demo: ``socialdesk [dashboard]`` and ``socialdesk demo``."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from socialdesk import paths
from socialdesk.cli.base import Command, config_of, open_desk, stop_event
from socialdesk.cli.model import ready_classifier
from socialdesk.cli.output import printable, say
from socialdesk.cli.page import fake_page, fake_page_options
from socialdesk.core.desk import Desk
from socialdesk.core.desk.context import current_user
from socialdesk.core.desk.desk import is_demo_database
from socialdesk.core.media import attachment_lines, attachments_from_json, open_on_page, row_text
from socialdesk.errors import UserError

if TYPE_CHECKING:
    from socialdesk.fakepage.server import FakePage


#: The officer who drafts the demo's safety posts (you approve them: nobody approves their own).
DEMO_OFFICER = "gwen (demo)"


def run_dashboard(desk: Desk, background: bool) -> int:
    """Open the dashboard (Textual is imported only here: the CLI works without a screen).

    Users with no access never get here: :func:`open_desk` turns them away.
    """
    from socialdesk.ui.app import build_app

    build_app(desk, background=background).run()
    return 0


class Dashboard(Command):
    """``socialdesk dashboard``: opens the officers' dashboard on the configured page and
    database, syncing unless told not to."""

    name = "dashboard"
    summary = "open the officers' dashboard (the default)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --no-sync: the dashboard then neither syncs the page nor sends replies."""
        parser.add_argument("--no-sync", action="store_true",
                            help="do not run the page sync and sending in this dashboard")

    def run(self, options: argparse.Namespace) -> int:
        """The dashboard on the configured page and database; needs a terminal. A database
        that does not exist is one sentence before the screen starts (it was a traceback
        from inside the app)."""
        desk = open_desk(options)
        desk.team.members()   # opens the database, refusing one that does not exist
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UserError("The dashboard needs a terminal (run it in a terminal, over SSH, "
                            "or through textual-serve); see socialdesk --help for the other "
                            "commands.")
        return run_dashboard(desk, background=not getattr(options, "no_sync", False))


def _demo_desk(options: argparse.Namespace, page: FakePage) -> Desk:
    """A desk on a fresh demo DB for the fake page, the current user as supervisor."""
    base = config_of(options)
    user = current_user()
    config = replace(
        base, page=replace(base.page, id=page.page_id, graph_url=page.url, token_file="",
                           sync_interval_seconds=10),
        access=replace(base.access, members={**base.access.members, user: "supervisor",
                                             DEMO_OFFICER: "officer"}))
    os.environ[config.page.token_env] = page.token  # this process only; never written down
    db = Path(options.db) if options.db else paths.data_dir() / "demo.db"
    if db.exists() and not is_demo_database(db):
        raise UserError(f"{db} is not a demo database, so socialdesk demo will not replace it; "
                        "give --db a new file (or leave it out).")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    say(f"fake page at {page.url} (page {page.page_id}), about {options.rate:g} new items a "
        f"minute; demo database {db}")
    desk = Desk(config, db, actor=user)
    desk.mark_demo()
    _seed_demo_posts(Desk(config, db, actor=DEMO_OFFICER), desk)
    _seed_demo_dropin(Desk(config, db, actor=DEMO_OFFICER))
    return desk


def _seed_demo_posts(officer: Desk, desk: Desk) -> None:
    """A few safety posts for the demo, drafted by a demo officer: one going out in two
    minutes and a weekly reminder (approved by you), a draft awaiting your approval and one
    still missing its Welsh text."""
    posts = officer.posts
    now = datetime.now(desk.config.team.zone)
    soon = (now + timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M")
    saturday = now + timedelta(days=(5 - now.weekday()) % 7 + 7)
    for name, when, values, approve in (
            ("how-to-report", soon, {}, True),
            ("lock-your-car", "every friday 17:00", {}, True),
            ("bike-marking", saturday.strftime("%Y-%m-%d") + " 08:00",
             {"place": "Llangefni Town Hall", "place_cy": "Neuadd y Dref, Llangefni",
              "date": saturday.strftime("%Y-%m-%d"), "time": "10:00-14:00"}, False)):
        draft = posts.draft(name, values)
        post_id = posts.add(draft.title, draft.cy, draft.en, when, draft.template)
        if approve and desk.policy.require_approval:
            desk.posts.approve(post_id)
    posts.add("Christmas market patrols", "", "Officers will be at the Beaumaris Christmas "
              "market this weekend — come and say hello!", "monthly first saturday 10:00")


def _seed_demo_dropin(officer: Desk) -> None:
    """A virtual drop-in session for the demo, planned by the demo officer: it opens in 20
    minutes for an hour (its announcement drafted for approval), so the live traffic fills
    its view (i in the inbox) and its summary (s, then i)."""
    now = datetime.now(officer.config.team.zone).replace(second=0, microsecond=0)
    start = now + timedelta(minutes=20)
    officer.dropins.plan(f"{start:%Y-%m-%d %H:%M}",
                         f"{start + timedelta(hours=1):%Y-%m-%d %H:%M}", "Scams and fraud",
                         topic_cy="Sgamiau a thwyll")


def feed_lines(item: dict[str, object], zone: tzinfo) -> list[str]:
    """An arriving item as the headless demo prints it: one line (its text with a marker per
    photo, sticker, link or file), then each attachment and the item's link on the page,
    indented (the same words as the dashboard's detail pane)."""
    when = datetime.fromisoformat(str(item["created_at"])).astimezone(zone)
    flag = "URGENT " if item["urgent"] else ""
    label = f"{flag}{item['category'] or 'unclassified'} {item['language'] or ''}"
    attachments = attachments_from_json(item.get("attachments"))
    text = row_text(str(item["text"] or ""), attachments, "(no text)")
    lines = [f"{when:%a %H:%M}  {item['kind']!s:<8} {label.strip():<17} "
             f"{printable(str(item['author_name'] or '(unknown)'), 16):<16}  "
             f"{printable(text, 60)}"]
    if attachments:
        lines += [f"{'':12}{printable(line)}" for line in attachment_lines(attachments)]
        link = open_on_page(item.get("permalink_url"))
        if link:
            lines.append(f"{'':12}{printable(link)}")
    return lines


def _demo_feed(desk: Desk) -> None:
    """Headless demo: sync every few seconds and print what arrives."""
    stop = stop_event()
    say("live: new comments and messages appear below, oldest first; Ctrl-C to stop")
    say(f"{'received':<10} {'kind':<8} {'triage':<17} {'author':<16}  text")
    while not stop.is_set():
        report = desk.sync_once()
        for item in desk.items_by_platform_id(report.new):
            for line in feed_lines(item, desk.config.team.zone):
                say(line)
        if report.error:
            say(f"sync problem: {report.error}")
        stop.wait(5)


class Demo(Command):
    """``socialdesk demo``: a fake page on loopback and a fresh demo database, with the dashboard
    (or a printed feed) working on them live."""

    name = "demo"
    summary = "fake page + demo database + socialdesk working on it live"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The fake page's options, --headless."""
        fake_page_options(parser, rate=20.0)
        parser.add_argument("--headless", action="store_true",
                            help="no dashboard: print arriving items (for scripts and CI)")

    def run(self, options: argparse.Namespace) -> int:
        """A fake page on loopback, a fresh demo DB, and the dashboard (or a printed feed)."""
        page = fake_page(options, posts=12, comments=60, conversations=12).start()
        try:
            desk = _demo_desk(options, page)
            if options.headless:
                desk.model.auto_classify = True
                ready_classifier(desk)
                _demo_feed(desk)
            else:
                run_dashboard(desk, background=True)
        finally:
            page.stop()
        return 0


COMMANDS: tuple[Command, ...] = (Dashboard(), Demo())
