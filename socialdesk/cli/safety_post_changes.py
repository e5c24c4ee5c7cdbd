"""The ``socialdesk posts …`` sub-commands that change something: add, edit, approve, cancel,
dismiss, pause, resume, retry and publish (each refused in one sentence where the role or the
post's state does not allow it).
"""

from __future__ import annotations

import argparse

from socialdesk.cli.output import printable, say
from socialdesk.cli.safety_post_base import (
    PostCommand,
    _local,
    _post_id,
    _print_round,
    _texts,
    _timing,
    _when,
)
from socialdesk.core.desk.safety_posts import SafetyPostDesk
from socialdesk.errors import UserError


def _values(pairs: list[str] | None) -> dict[str, str]:
    values = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--set takes NAME=VALUE (e.g. place=Holyhead), got '{pair}'.")
        values[name.strip()] = value
    return values


class Add(PostCommand):
    """``posts add``: a new draft from a template, from two texts, or as a copy of another post."""

    name = "add"
    summary = "a new draft from a template, from two texts, or as a copy"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """--template/--set, or --cy/--en/--title, or --copy; and the timing."""
        parser.add_argument("--template", metavar="NAME",
                            help="draft from a template (posts templates)")
        parser.add_argument("--set", action="append", metavar="NAME=VALUE",
                            help="fill a template placeholder, e.g. place=Holyhead "
                                 "place_cy=Caergybi")
        _texts(parser)
        parser.add_argument("--copy", type=int, metavar="ID", help="a copy of post ID")
        _timing(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Add it and say its status and next occurrences (and what it still needs)."""
        when = _when(options, required=True) or ""
        if options.copy:
            post_id = posts.copy(options.copy, when)
        else:
            template, title, cy, en = None, options.title, options.cy, options.en
            if options.template:
                draft = posts.draft(options.template, _values(options.set))
                template, title = draft.template, title or draft.title
                cy, en = cy or draft.cy, en or draft.en
            if not (cy or en):
                raise UserError("Give --template NAME (see `socialdesk posts templates`), or "
                                "the texts with --cy and --en.")
            post_id = posts.add(title or (en or cy or "")[:60], cy or "", en or "", when,
                                template)
        _report_added(posts, post_id)
        return 0


def _report_added(posts: SafetyPostDesk, post_id: int) -> None:
    post = posts.get(post_id)
    say(f"post {post_id}: {post['status']}, {post['timing']}")
    for occurrence in posts.upcoming(post, 3):
        say(f"  {occurrence.describe()}")
    missing = [name for name, key in (("Welsh", "text_cy"), ("English", "text_en"))
               if not (post[key] or "").strip()]
    if missing:
        say(f"  add the {' and '.join(missing)} text before approval "
            f"(posts edit {post_id} --{'cy' if 'Welsh' in missing else 'en'} ...)")
    elif post["status"] == "draft":
        say(f"  waiting for approval (posts approve {post_id})")


class Edit(PostCommand):
    """``posts edit``: changes a post's texts, title or timing; any approval it had is revoked."""

    name = "edit"
    summary = "change texts, title or timing (revokes approval)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The post, and what changes."""
        _post_id(parser)
        _texts(parser)
        _timing(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Change it; say when its approval was revoked."""
        revoked = posts.edit(options.post, cy=options.cy, en=options.en, title=options.title,
                             when=_when(options))
        say(f"post {options.post} changed" + (
            ": its approval is revoked, it needs approving again" if revoked else ""))
        return 0


class Approve(PostCommand):
    """``posts approve``: approves a draft so that it goes out when due (supervisors, where
    approval is required)."""

    name = "approve"
    summary = "approve a draft (supervisors, when approval is required)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the number of the post to approve."""
        _post_id(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Approve; say when it goes out."""
        posts.approve(options.post)
        post = posts.get(options.post)
        say(f"post {options.post} approved; goes out {_local(posts, post['due_at'])}")
        return 0


class Cancel(PostCommand):
    """``posts cancel``: cancels a post that has not gone out."""

    name = "cancel"
    summary = "cancel a post that has not gone out"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the number of the post to cancel."""
        _post_id(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Cancels the post (one that has gone out is refused) and says so."""
        posts.cancel(options.post)
        say(f"post {options.post} cancelled")
        return 0


class Dismiss(PostCommand):
    """Dismiss a post's problems."""

    name = "dismiss"
    summary = "mark a post's failed/missed/uncertain occurrences as handled"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the number of the post whose problem is dismissed."""
        _post_id(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Dismiss; say how many."""
        count = posts.dismiss(options.post)
        say(f"post {options.post}: {count} problem(s) dismissed")
        return 0


class Pause(PostCommand):
    """``posts pause``: the crisis pause: stops all scheduled publishing, with a reason everyone
    sees (supervisors)."""

    name = "pause"
    summary = "pause all scheduled publishing, with a reason everyone sees (supervisors)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The reason (words, or --why)."""
        parser.add_argument("reason", nargs="*", metavar="REASON")
        parser.add_argument("--why", help="the reason (same as giving it after 'pause')")

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Pause; a missing reason is refused."""
        reason = " ".join(options.reason) or options.why or ""
        posts.pause(reason)
        say(f"scheduled posts paused: {printable(reason)}")
        return 0


class Resume(PostCommand):
    """``posts resume``: ends the crisis pause; overdue posts are judged by the grace rule
    (supervisors)."""

    name = "resume"
    summary = "end the pause; overdue posts are judged by the grace rule (supervisors)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --publish: run a publishing round at once after resuming."""
        parser.add_argument("--publish", action="store_true",
                            help="run a publishing round at once")

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Resume; say since when it was paused (and publish with --publish)."""
        was = posts.resume()
        say(f"scheduled posts resumed (paused since {_local(posts, was.at)} by {was.by})")
        return _print_round(posts.publish_due()) if options.publish else 0


class Retry(PostCommand):
    """Publish an uncertain or failed one-off again."""

    name = "retry"
    summary = "publish an uncertain/failed one-off again now (after checking the page)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the number of the post to try again."""
        _post_id(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Retry (the feed is looked at first) and say what happened."""
        return _print_round(posts.retry(options.post))


class Publish(PostCommand):
    """One publishing round now."""

    name = "publish"
    summary = "one publishing round now (what the worker does on its timer)"

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Publish what is due and say what happened."""
        return _print_round(posts.publish_due())
