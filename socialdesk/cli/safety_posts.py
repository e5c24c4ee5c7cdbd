"""``socialdesk posts …``: scheduled safety posts from the command line, one sub-command per
action (list, templates, show, preview, add, edit, approve, cancel, dismiss, pause, resume,
retry, publish)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from socialdesk.cli.base import Command, Group, open_desk
from socialdesk.cli.output import printable, printable_block, say
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


class ListPosts(PostCommand):
    """What goes out when."""

    name = "list"
    summary = "what goes out when, drafts awaiting approval, and problems (the default)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """--all, --json."""
        parser.add_argument("--all", action="store_true", help="every post, also past ones")
        parser.add_argument("--json", action="store_true", help="as JSON")

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """The agenda (or every post), drafts and problems; the pause first if on."""
        rows = posts.all() if options.all else posts.agenda()
        problems = posts.problems()
        if options.json:
            print(json.dumps({"paused": posts.pause_state().__dict__, "posts": rows,
                              "problems": problems}, ensure_ascii=False, indent=1))
            return 0
        state = posts.pause_state()
        if state.paused:
            say(f"⏸ SCHEDULED POSTS PAUSED by {state.by} since {_local(posts, state.at)}: "
                f"{printable(state.reason)}\n")
        say(f"{'id':>4}  {'due (' + str(posts.zone) + ')':<26} {'status':<10} {'lang':<6} "
            f"{'timing':<24} title")
        for post in rows:
            say(_line(posts, post))
        if not rows:
            say("      (nothing scheduled)")
        drafts = [p for p in rows if p["status"] == "draft"]
        if drafts:
            say(f"\n{len(drafts)} draft(s) awaiting approval: "
                f"{', '.join(str(p['id']) for p in drafts)}")
        if problems:
            say("\nNeeds a person (dismiss when handled):")
            for run in problems:
                say(f"{run['post_id']:>4}  {_local(posts, run['due_at']):<26} "
                    f"{run['status']:<10} {printable(run['title'] or '', 40)} — "
                    f"{printable(run['last_error'] or '', 90)}"
                    + (f" ({run['note']})" if run["note"] else ""))
        return 0


class Templates(PostCommand):
    """The templates."""

    name = "templates"
    summary = "the safety-post templates and what each needs"

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """One line per template."""
        for template in posts.templates():
            needs = ", ".join(template.placeholders) or "nothing"
            say(f"{template.name:<28} {template.title}  [needs: {needs}]")
        return 0


class Show(PostCommand):
    """One post."""

    name = "show"
    summary = "one post: both texts, timing, next occurrences, history"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The post."""
        _post_id(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Both texts, who wrote and approved it, what comes next and what happened."""
        post = posts.get(options.post)
        say(_line(posts, post))
        say(f"author {post['author']}; approved by {post['approver'] or '—'}; "
            f"template {post['template'] or '—'}")
        for name, key in (("Cymraeg", "text_cy"), ("English", "text_en")):
            say(f"\n── {name} ──\n{printable_block(post[key] or '(missing)')}")
        if post["status"] in ("draft", "approved", "failed"):
            say("\nNext:")
            for occurrence in posts.upcoming(post):
                say(f"  {occurrence.describe()}")
        history = posts.history(post["id"])
        if history:
            say("\nHistory:")
            for run in history:
                say(f"  {_local(posts, run['due_at']):<26} {run['status']:<10} "
                    f"{printable(run['last_error'] or '', 80)}")
        return 0


class Preview(PostCommand):
    """When a timing would go out."""

    name = "preview"
    summary = "when a timing would go out (nothing is saved)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The timing (words, or --at / --every), --count."""
        parser.add_argument("timing", nargs="*", metavar="WHEN",
                            help="e.g. 'every friday 17:00' or '2026-12-04 17:00'")
        _timing(parser)
        parser.add_argument("--count", type=int, default=8, help="how many occurrences")

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """The next occurrences, with notes on clock-change days."""
        given = " ".join(options.timing) or _when(options, required=True) or ""
        timing = posts.timing(given)
        say(f"{timing.text} ({posts.zone}):")
        for occurrence in posts.preview(timing, options.count):
            say(f"  {occurrence.describe()}")
        return 0


def _values(pairs: list[str] | None) -> dict[str, str]:
    values = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--set takes NAME=VALUE (e.g. place=Holyhead), got '{pair}'.")
        values[name.strip()] = value
    return values


class Add(PostCommand):
    """A new draft."""

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
    """Change a post."""

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
    """Approve a draft."""

    name = "approve"
    summary = "approve a draft (supervisors, when approval is required)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The post."""
        _post_id(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Approve; say when it goes out."""
        posts.approve(options.post)
        post = posts.get(options.post)
        say(f"post {options.post} approved; goes out {_local(posts, post['due_at'])}")
        return 0


class Cancel(PostCommand):
    """Cancel a post."""

    name = "cancel"
    summary = "cancel a post that has not gone out"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The post."""
        _post_id(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Cancel it."""
        posts.cancel(options.post)
        say(f"post {options.post} cancelled")
        return 0


class Dismiss(PostCommand):
    """Dismiss a post's problems."""

    name = "dismiss"
    summary = "mark a post's failed/missed/uncertain occurrences as handled"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """The post."""
        _post_id(parser)

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """Dismiss; say how many."""
        count = posts.dismiss(options.post)
        say(f"post {options.post}: {count} problem(s) dismissed")
        return 0


class Pause(PostCommand):
    """The crisis pause."""

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
    """End the pause."""

    name = "resume"
    summary = "end the pause; overdue posts are judged by the grace rule (supervisors)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """--publish."""
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
        """The post."""
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


class SafetyPosts(Group):
    """``socialdesk posts …``."""

    name = "posts"
    summary = "scheduled safety posts: list, add, approve, pause, resume, cancel …"
    commands = (ListPosts(), Templates(), Show(), Preview(), Add(), Edit(), Approve(),
                Cancel(), Dismiss(), Pause(), Resume(), Retry(), Publish())
    default = "list"


COMMANDS: tuple[Command, ...] = (SafetyPosts(),)
