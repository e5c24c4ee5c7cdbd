"""``socialdesk posts …``: scheduled safety posts from the command line.

list | templates | show ID | preview WHEN | add | edit ID | approve ID | cancel ID |
pause REASON | resume | retry ID | dismiss ID | publish
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from socialdesk.core.desk import Desk
from socialdesk.core.desk.safety_posts import SafetyPostDesk
from socialdesk.core.schedule.publisher import PublishReport
from socialdesk.core.schedule.workflow import languages_of, local_label
from socialdesk.errors import UserError
from socialdesk.terminal import printable, printable_block

Handler = Callable[[argparse.Namespace], int]
DeskFactory = Callable[[argparse.Namespace], Desk]
ACTIONS = ("list", "templates", "show", "preview", "add", "edit", "approve", "cancel",
           "pause", "resume", "retry", "dismiss", "publish")


def _local(posts: SafetyPostDesk, iso: str | None) -> str:
    return local_label(iso, posts.zone)


def _line(posts: SafetyPostDesk, post: dict[str, Any]) -> str:
    return (f"{post['id']:>4}  {_local(posts, post['due_at']):<26} {post['status']:<10} "
            f"{languages_of(post):<6} {printable(post['timing'] or '', 24):<24} "
            f"{printable(post['title'] or '', 50)}")


def _print_pause(posts: SafetyPostDesk) -> None:
    state = posts.pause_state()
    if state.paused:
        print(f"⏸ SCHEDULED POSTS PAUSED by {state.by} since {_local(posts, state.at)}: "
              f"{printable(state.reason)}\n")


def cmd_list(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """What goes out when, drafts awaiting approval, and problems."""
    rows = posts.all() if args.all else posts.agenda()
    problems = posts.problems()
    if args.json:
        print(json.dumps({"paused": posts.pause_state().__dict__, "posts": rows,
                          "problems": problems}, ensure_ascii=False, indent=1))
        return 0
    _print_pause(posts)
    print(f"{'id':>4}  {'due (' + str(posts.zone) + ')':<26} {'status':<10} {'lang':<6} "
          f"{'timing':<24} title")
    for post in rows:
        print(_line(posts, post))
    if not rows:
        print("      (nothing scheduled)")
    drafts = [p for p in rows if p["status"] == "draft"]
    if drafts:
        print(f"\n{len(drafts)} draft(s) awaiting approval: "
              f"{', '.join(str(p['id']) for p in drafts)}")
    if problems:
        print("\nNeeds a person (dismiss when handled):")
        for run in problems:
            print(f"{run['post_id']:>4}  {_local(posts, run['due_at']):<26} {run['status']:<10} "
                  f"{printable(run['title'] or '', 40)} — "
                  f"{printable(run['last_error'] or '', 90)}"
                  + (f" ({run['note']})" if run["note"] else ""))
    return 0


def cmd_templates(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """The safety-post templates and what each needs."""
    for template in posts.templates():
        needs = ", ".join(template.placeholders) or "nothing"
        print(f"{template.name:<28} {template.title}  [needs: {needs}]")
    return 0


def cmd_show(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """One post: both texts, timing, next occurrences, history."""
    post = posts.get(_id(args))
    print(_line(posts, post))
    print(f"author {post['author']}; approved by {post['approver'] or '—'}; "
          f"template {post['template'] or '—'}")
    for name, key in (("Cymraeg", "text_cy"), ("English", "text_en")):
        print(f"\n── {name} ──\n{printable_block(post[key] or '(missing)')}")
    if post["status"] in ("draft", "approved", "failed"):
        print("\nNext:")
        for occurrence in posts.upcoming(post):
            print(f"  {occurrence.describe()}")
    history = posts.history(post["id"])
    if history:
        print("\nHistory:")
        for run in history:
            print(f"  {_local(posts, run['due_at']):<26} {run['status']:<10} "
                  f"{printable(run['last_error'] or '', 80)}")
    return 0


def cmd_preview(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """When a timing would go out (without saving anything)."""
    given = " ".join([args.target, *args.reason]) if args.target else None
    timing = posts.timing(given or _when(args, required=True) or "")
    print(f"{timing.text} ({posts.zone}):")
    for occurrence in posts.preview(timing, args.count):
        print(f"  {occurrence.describe()}")
    return 0


def _values(pairs: list[str] | None) -> dict[str, str]:
    values = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--set takes NAME=VALUE (e.g. place=Holyhead), got '{pair}'.")
        values[name.strip()] = value
    return values


def _when(args: argparse.Namespace, required: bool = False) -> str | None:
    if args.at and args.every:
        raise UserError("Give either --at (one-off) or --every (recurring), not both.")
    when = args.at or (f"every {args.every}" if args.every and not args.every.lower().startswith(
        ("every", "monthly", "daily", "weekly")) else args.every)
    if required and not when:
        raise UserError("Say when: --at '2026-12-04 17:00' or --every 'friday 17:00'.")
    return when


def _id(args: argparse.Namespace) -> int:
    if args.target is None or not str(args.target).isdigit():
        raise UserError(f"posts {args.action} needs a post number (see `socialdesk posts list`).")
    return int(args.target)


def cmd_add(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """A new draft from a template, from two texts, or as a copy."""
    when = _when(args, required=True) or ""
    if args.copy:
        post_id = posts.copy(args.copy, when)
    else:
        template, title, cy, en = None, args.title, args.cy, args.en
        if args.template:
            draft = posts.draft(args.template, _values(args.set))
            template, title = draft.template, title or draft.title
            cy, en = cy or draft.cy, en or draft.en
        if not (cy or en):
            raise UserError("Give --template NAME (see `socialdesk posts templates`), or the "
                            "texts with --cy and --en.")
        post_id = posts.add(title or (en or cy or "")[:60], cy or "", en or "", when, template)
    _report_added(posts, post_id)
    return 0


def _report_added(posts: SafetyPostDesk, post_id: int) -> None:
    post = posts.get(post_id)
    print(f"post {post_id}: {post['status']}, {post['timing']}")
    for occurrence in posts.upcoming(post, 3):
        print(f"  {occurrence.describe()}")
    missing = [name for name, key in (("Welsh", "text_cy"), ("English", "text_en"))
               if not (post[key] or "").strip()]
    if missing:
        print(f"  add the {' and '.join(missing)} text before approval "
              f"(posts edit {post_id} --{'cy' if 'Welsh' in missing else 'en'} ...)")
    elif post["status"] == "draft":
        print("  waiting for approval (posts approve " f"{post_id})")


def cmd_edit(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """Change texts, title or timing (revokes approval)."""
    post_id = _id(args)
    revoked = posts.edit(post_id, cy=args.cy, en=args.en, title=args.title, when=_when(args))
    if revoked:
        print(f"post {post_id} changed: its approval is revoked, it needs approving again")
    else:
        print(f"post {post_id} changed")
    return 0


def cmd_simple(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """approve / cancel / dismiss ID."""
    post_id = _id(args)
    if args.action == "approve":
        posts.approve(post_id)
        post = posts.get(post_id)
        print(f"post {post_id} approved; goes out {_local(posts, post['due_at'])}")
    elif args.action == "cancel":
        posts.cancel(post_id)
        print(f"post {post_id} cancelled")
    else:
        count = posts.dismiss(post_id)
        print(f"post {post_id}: {count} problem(s) dismissed")
    return 0


def cmd_pause(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """Crisis pause of all scheduled publishing."""
    words = ([args.target] if args.target else []) + (args.reason or [])
    reason = " ".join(words) or args.why or ""
    posts.pause(reason)
    print(f"scheduled posts paused: {printable(reason)}")
    return 0


def cmd_resume(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """End the pause; overdue posts are judged by the grace rule now."""
    was = posts.resume()
    print(f"scheduled posts resumed (paused since {_local(posts, was.at)} by {was.by})")
    return _print_round(posts.publish_due()) if args.publish else 0


def _print_round(report: PublishReport) -> int:
    if report.paused is not None:
        print(f"publishing is paused: {printable(report.paused)}")
        return 0
    print(f"published {len(report.published)} (late {len(report.late)}), missed "
          f"{len(report.missed)}, failed {len(report.failed)}, uncertain {len(report.uncertain)}")
    for line in report.details:
        print(f"  {printable(line)}")
    if report.error:
        raise UserError(report.error)
    return 0


def cmd_retry(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """Publish an uncertain/failed one-off again now."""
    return _print_round(posts.retry(_id(args)))


def cmd_publish(args: argparse.Namespace, posts: SafetyPostDesk) -> int:
    """One publishing round now (what the worker does on its timer)."""
    return _print_round(posts.publish_due())


HANDLERS: dict[str, Callable[[argparse.Namespace, SafetyPostDesk], int]] = {
    "list": cmd_list, "templates": cmd_templates, "show": cmd_show, "preview": cmd_preview,
    "add": cmd_add, "edit": cmd_edit, "approve": cmd_simple, "cancel": cmd_simple,
    "dismiss": cmd_simple, "pause": cmd_pause, "resume": cmd_resume, "retry": cmd_retry,
    "publish": cmd_publish}


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser],
             desk_for: DeskFactory) -> None:
    """Add ``posts`` to the parser."""
    def run(args: argparse.Namespace) -> int:
        return HANDLERS[args.action](args, desk_for(args).posts)

    p = command("posts", run, "scheduled safety posts: list, add, approve, pause, resume, "
                              "cancel …")
    p.add_argument("action", choices=ACTIONS, nargs="?", default="list")
    p.add_argument("target", nargs="?", metavar="ID|WHEN|REASON",
                   help="the post number (show/edit/approve/cancel/retry/dismiss), or the "
                        "pause reason")
    p.add_argument("reason", nargs="*", help=argparse.SUPPRESS)
    p.add_argument("--why", help="the pause reason (same as giving it after 'pause')")
    p.add_argument("--template", metavar="NAME", help="draft from a template (posts templates)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="fill a template placeholder, e.g. place=Holyhead place_cy=Caergybi")
    p.add_argument("--cy", metavar="TEXT", help="the Welsh text")
    p.add_argument("--en", metavar="TEXT", help="the English text")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--copy", type=int, metavar="ID", help="add: a copy of post ID")
    p.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help="one-off, local time")
    p.add_argument("--every", metavar="RULE",
                   help="recurring: 'friday 17:00', 'mon,thu 09:30', 'day 08:00', "
                        "'monthly 15 09:00', 'monthly last friday 17:00'")
    p.add_argument("--count", type=int, default=8, help="preview: how many occurrences")
    p.add_argument("--all", action="store_true", help="list: every post, also past ones")
    p.add_argument("--json", action="store_true", help="list: as JSON")
    p.add_argument("--publish", action="store_true",
                   help="resume: run a publishing round at once")
