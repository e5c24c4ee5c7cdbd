"""``socialdesk posts …``: scheduled safety posts from the command line, one sub-command per
action (list, templates, show, preview, add, edit, approve, cancel, dismiss, pause, resume,
retry, publish). The sub-commands that look are here with the group; those that change a post
are in :mod:`socialdesk.cli.safety_post_changes`, what they share in
:mod:`socialdesk.cli.safety_post_base`."""

from __future__ import annotations

import argparse
import json

from socialdesk.cli.base import Command, Group
from socialdesk.cli.output import printable, printable_block, say
from socialdesk.cli.safety_post_base import PostCommand, _line, _local, _post_id, _timing, _when
from socialdesk.cli.safety_post_changes import (
    Add,
    Approve,
    Cancel,
    Dismiss,
    Edit,
    Pause,
    Publish,
    Resume,
    Retry,
)
from socialdesk.core.desk.safety_posts import SafetyPostDesk


class ListPosts(PostCommand):
    """What goes out when."""

    name = "list"
    summary = "what goes out when, drafts awaiting approval, and problems (the default)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Adds --all (past posts too) and --json (one JSON list instead of lines)."""
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
    """``posts templates``: every safety-post template with the placeholders it needs."""

    name = "templates"
    summary = "the safety-post templates and what each needs"

    def act(self, options: argparse.Namespace, posts: SafetyPostDesk) -> int:
        """One line per template."""
        for template in posts.templates():
            needs = ", ".join(template.placeholders) or "nothing"
            say(f"{template.name:<28} {template.title}  [needs: {needs}]")
        return 0


class Show(PostCommand):
    """``posts show``: one post's texts, timing, next occurrences and history."""

    name = "show"
    summary = "one post: both texts, timing, next occurrences, history"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Takes the number of the post to show."""
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


class SafetyPosts(Group):
    """The ``socialdesk posts …`` group: one sub-command per safety-post action, list the
    default."""

    name = "posts"
    summary = "scheduled safety posts: list, add, approve, pause, resume, cancel …"
    commands = (ListPosts(), Templates(), Show(), Preview(), Add(), Edit(), Approve(),
                Cancel(), Dismiss(), Pause(), Resume(), Retry(), Publish())
    default = "list"


COMMANDS: tuple[Command, ...] = (SafetyPosts(),)
