"""The Posts screen: what goes out when, drafts awaiting approval, what needs a person, and
the crisis pause.

The agenda lists drafts and scheduled posts by due time (local time, with the day), the
problems table lists failed, missed and uncertain occurrences nobody has dismissed, and the
pane on the right shows the selected post: both texts (Welsh first), the next occurrences
with clock-change notes, and its history. Every change goes through ``desk.posts`` in a
worker; refusals (an officer approving, Welsh missing…) come back as notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Static

from socialdesk.core.desk import Desk
from socialdesk.core.schedule.workflow import PauseState, languages_of, local_label
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.dialogs.confirm import ConfirmDialog
from socialdesk.ui.dialogs.post_form import PostForm, PostFormDialog
from socialdesk.ui.format import one_line, plain_block
from socialdesk.ui.screens.base import DeskScreen
from socialdesk.ui.widgets.banner import PauseBanner

RELOAD_SECONDS = 5.0
STATUS_STYLE = {"draft": "yellow", "approved": "green", "publishing": "bold cyan",
                "failed": "bold red", "missed": "bold red", "uncertain": "bold magenta",
                "published": "dim", "cancelled": "dim strike"}
FREE_TEXT = "__free__"


@dataclass(frozen=True)
class PostsData:
    """Everything the screen shows, read in one worker."""

    pause: PauseState
    agenda: list[dict[str, Any]]
    problems: list[dict[str, Any]]


class PostsLoaded(Message):
    """The agenda, problems and pause state were read."""

    def __init__(self, data: PostsData) -> None:
        super().__init__()
        self.data = data


class PostDetailLoaded(Message):
    """One post, its next occurrences and its history were read."""

    def __init__(self, post: dict[str, Any], upcoming: list[str],
                 history: list[dict[str, Any]]) -> None:
        super().__init__()
        self.post, self.upcoming, self.history = post, upcoming, history


class PostDone(Message):
    """A post action was written."""

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary


class PostsScreen(DeskScreen):
    """Scheduled safety posts: the agenda, the problems that need a person, the selected post's
    texts and history, and the crisis pause."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Inbox", id="posts.back", tooltip="Back to the inbox"),
        Binding("n", "new", "New", id="posts.new",
                tooltip="A new safety post from a template or free text"),
        Binding("e", "edit", "Edit", id="posts.edit",
                tooltip="Edit the selected post (an approved one needs approving again)"),
        Binding("a", "approve", "Approve", id="posts.approve",
                tooltip="Approve the selected draft (supervisors)"),
        Binding("x", "cancel_post", "Cancel post", id="posts.cancel",
                tooltip="Cancel the selected post before it goes out"),
        Binding("t", "retry", "Retry", show=False, id="posts.retry",
                tooltip="Publish a failed or uncertain one-off again (check the page first)"),
        Binding("d", "dismiss_problem", "Dismiss", show=False, id="posts.dismiss",
                tooltip="Mark the selected post's problems as handled"),
        Binding("P", "pause", "Pause all", id="posts.pause",
                tooltip="Crisis pause: stop all scheduled publishing, with a reason"),
        Binding("R", "resume", "Resume", id="posts.resume",
                tooltip="End the crisis pause (asks first)"),
    ]
    DEFAULT_CSS = """
    PostsScreen #posts-body { height: 1fr; }
    PostsScreen #lists { width: 3fr; }
    PostsScreen .caption { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    PostsScreen #agenda { height: 2fr; }
    PostsScreen #problems { height: 1fr; }
    PostsScreen #post-pane { width: 2fr; border-left: solid $panel; padding: 0 1; }
    PostsScreen.-narrow #posts-body { layout: vertical; }
    PostsScreen.-narrow #lists { width: 1fr; height: 3fr; }
    PostsScreen.-narrow #post-pane { width: 1fr; height: 2fr; border-left: none;
                                     border-top: solid $panel; }
    PostsScreen #pause-reason { display: none; }
    PostsScreen #pause-reason.-asking { display: block; }
    """

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.data: PostsData | None = None
        self.selected_post: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        """Banner, agenda + problems, the selected post."""
        yield Header()
        yield PauseBanner(id="pause-banner")
        yield Input(placeholder="Why pause all scheduled posts? (everyone will see this) — "
                                "Enter to pause, Esc to cancel", id="pause-reason",
                    disabled=True)
        with Horizontal(id="posts-body"):
            with Vertical(id="lists"):
                yield Static("What goes out when", classes="caption")
                yield DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
                yield Static("Needs a person", classes="caption")
                yield DataTable(id="problems", cursor_type="row")
            with VerticalScroll(id="post-pane"):
                yield Static("Select a post.", id="post-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Columns, first load, a gentle reload timer."""
        self.title = self.desk.config.team.name
        self.sub_title = "safety posts"
        self.query_one("#agenda", DataTable).add_columns(
            "#", "goes out", "status", "lang", "title", "timing")
        self.query_one("#problems", DataTable).add_columns(
            "#", "was due", "status", "title", "why")
        self.query_one("#agenda", DataTable).focus()
        self.reload()
        self.set_interval(RELOAD_SECONDS, self.reload)

    # ── loading ──────────────────────────────────────────────────────────────────────────

    def reload(self) -> None:
        """Read everything again (in a worker)."""
        self.load_posts()

    @work(thread=True, exclusive=True, group="posts", exit_on_error=False)
    def load_posts(self) -> None:
        """Worker: pause state, agenda, problems."""
        with self.desk.session():
            posts = self.desk.posts
            data = PostsData(posts.pause_state(), posts.agenda(), posts.problems())
        self.post_message(PostsLoaded(data))

    def _local(self, iso: str | None, with_year: bool = False) -> str:
        return local_label(iso, self.desk.config.team.zone, with_year)

    @on(PostsLoaded)
    def show_posts(self, message: PostsLoaded) -> None:
        """Fill the banner and both tables, keeping the cursor on the same post."""
        self.data = data = message.data
        self.query_one(PauseBanner).show_state(data.pause, self._local(data.pause.at or None))
        agenda = self.query_one("#agenda", DataTable)
        keep = agenda.cursor_row
        agenda.clear()
        for post in data.agenda:
            status = "draft: to approve" if post["status"] == "draft" else post["status"]
            agenda.add_row(str(post["id"]), self._local(post["due_at"]),
                           Text(status, style=STATUS_STYLE.get(post["status"], "")),
                           _languages(post), Text(one_line(post["title"])[:60]),
                           Text(one_line(post["timing"])), key=str(post["id"]))
        if data.agenda:
            agenda.move_cursor(row=min(keep, len(data.agenda) - 1))
        problems = self.query_one("#problems", DataTable)
        problems.clear()
        for run in data.problems:
            why = one_line(run["last_error"]) + (f" ({run['note']})" if run["note"] else "")
            problems.add_row(str(run["post_id"]), self._local(run["due_at"]),
                             Text(run["status"], style=STATUS_STYLE.get(run["status"], "")),
                             Text(one_line(run["title"])[:40]), Text(why[:120]),
                             key=f"run-{run['id']}")
        drafts = sum(1 for p in data.agenda if p["status"] == "draft")
        scheduled = sum(1 for p in data.agenda if p["status"] in ("approved", "publishing"))
        self.sub_title = (f"safety posts · {scheduled} scheduled · {drafts} "
                          f"draft(s) · {len(data.problems)} need a person")
        if self.selected_post is None and data.agenda:
            self.load_detail(int(data.agenda[0]["id"]))

    @on(DataTable.RowHighlighted)
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the post under the cursor of the table the officer is in (a table filling up
        in the background must not swap the detail under the agenda's cursor)."""
        if event.row_key.value is None or self.data is None or not event.data_table.has_focus:
            return
        key = str(event.row_key.value)
        if key.startswith("run-"):
            run = next((r for r in self.data.problems if f"run-{r['id']}" == key), None)
            if run is not None:
                self.load_detail(int(run["post_id"]))
        else:
            self.load_detail(int(key))

    @work(thread=True, exclusive=True, group="post-detail", exit_on_error=False)
    def load_detail(self, post_id: int) -> None:
        """Worker: one post with its next occurrences and history."""
        with self.desk.session():
            posts = self.desk.posts
            post = posts.get(post_id)
            upcoming = ([o.describe() for o in posts.upcoming(post)]
                        if post["status"] in ("draft", "approved", "failed") else [])
            history = posts.history(post_id)
        self.post_message(PostDetailLoaded(post, upcoming, history))

    @on(PostDetailLoaded)
    def show_detail(self, message: PostDetailLoaded) -> None:
        """The post as plain text: texts, next occurrences, history."""
        post = self.selected_post = message.post
        out = Text()
        out.append(f"#{post['id']} {one_line(post['title'])}\n", style="bold")
        out.append(f"{post['status']}", style=STATUS_STYLE.get(post["status"], ""))
        out.append(f" · {one_line(post['timing'])} · by {post['author']}"
                   f"{' · approved by ' + post['approver'] if post['approver'] else ''}\n")
        if message.upcoming:
            out.append("\nNext\n", style="bold")
            for line in message.upcoming:
                out.append(f"  {line}\n", style="yellow" if " — " in line else "")
        for name, key in (("Cymraeg", "text_cy"), ("English", "text_en")):
            out.append(f"\n{name}\n", style="bold")
            out.append(plain_block(post[key]) or "(missing — needed before approval)",
                       style="" if post[key] else "bold red")
            out.append("\n")
        if message.history:
            out.append("\nHistory\n", style="bold")
            for run in message.history:
                out.append(f"  {self._local(run['due_at'], True)}  ")
                out.append(run["status"], style=STATUS_STYLE.get(run["status"], ""))
                out.append(f"  {one_line(run['last_error'])[:100]}\n")
        self.query_one("#post-detail", Static).update(out)

    # ── actions ──────────────────────────────────────────────────────────────────────────

    @work(thread=True, group="post-actions", exit_on_error=False)
    def act(self, summary: str, work_fn: Callable[[], object]) -> None:
        """Worker: one post action; refusals become notifications via the app's hub."""
        with self.desk.session():
            work_fn()
        self.post_message(PostDone(summary))

    @on(PostDone)
    def post_done(self, message: PostDone) -> None:
        """Say what happened and reload."""
        self.notify(message.summary, markup=False, timeout=5)
        self.reload()
        if self.selected_post is not None:
            self.load_detail(int(self.selected_post["id"]))

    def _post(self) -> dict[str, Any] | None:
        if self.selected_post is None:
            self.notify("Select a post first.", markup=False)
        return self.selected_post

    def action_new(self) -> None:
        """A new post: pick a template (or free text), then fill it in."""
        choices = [(FREE_TEXT, "Free text (write both languages)")] + [
            (t.name, f"{t.title}  [{', '.join(t.placeholders) or 'ready'}]")
            for t in self.desk.posts.templates()]
        self.app.push_screen(ChoiceDialog("New safety post from…", choices), self._template_chosen)

    def _template_chosen(self, name: str | None) -> None:
        if name is None:
            return
        template = None if name == FREE_TEXT else next(
            t for t in self.desk.posts.templates() if t.name == name)
        self.app.push_screen(PostFormDialog(self.desk.posts, "New safety post", template),
                             self._save_new)

    def _save_new(self, form: PostForm | None) -> None:
        if form is None:
            return
        posts = self.desk.posts
        self.act("Saved the draft." + (" It needs a supervisor's approval."
                                       if self.desk.policy.require_approval else ""),
                 lambda: posts.add(form.title or one_line(form.en or form.cy)[:60], form.cy,
                                   form.en, form.when, form.template))

    def action_edit(self) -> None:
        """Edit the selected post (an approved one goes back to draft)."""
        if (post := self._post()) is None:
            return
        self.app.push_screen(PostFormDialog(
            self.desk.posts, f"Edit post #{post['id']} (approval is revoked when you save)",
            title=post["title"] or "", when=post["timing"] or "", cy=post["text_cy"] or "",
            en=post["text_en"] or ""), lambda form: self._save_edit(post, form))

    def _save_edit(self, post: dict[str, Any], form: PostForm | None) -> None:
        if form is None:
            return
        posts, post_id = self.desk.posts, int(post["id"])
        when = form.when if form.when != (post["timing"] or "") else None
        self.act(f"Post #{post_id} saved" + (" — approval revoked." if post["status"] ==
                                             "approved" else "."),
                 lambda: posts.edit(post_id, cy=form.cy, en=form.en, title=form.title,
                                    when=when))

    def action_approve(self) -> None:
        """Approve the selected draft (supervisors, when required)."""
        if (post := self._post()) is not None:
            posts, post_id = self.desk.posts, int(post["id"])
            self.act(f"Post #{post_id} approved.", lambda: posts.approve(post_id))

    def action_cancel_post(self) -> None:
        """Cancels the selected post in a worker (one that has gone out is refused in one
        sentence)."""
        if (post := self._post()) is not None:
            posts, post_id = self.desk.posts, int(post["id"])
            self.act(f"Post #{post_id} cancelled.", lambda: posts.cancel(post_id))

    def action_retry(self) -> None:
        """Publish an uncertain/failed one-off again (after checking the page)."""
        if (post := self._post()) is not None:
            posts, post_id = self.desk.posts, int(post["id"])
            self.act(f"Post #{post_id}: retried (see its history).",
                     lambda: posts.retry(post_id))

    def action_dismiss_problem(self) -> None:
        """Mark the selected post's problems as seen."""
        if (post := self._post()) is not None:
            posts, post_id = self.desk.posts, int(post["id"])
            self.act(f"Post #{post_id}: problems dismissed.", lambda: posts.dismiss(post_id))

    def action_pause(self) -> None:
        """Ask for the reason, then pause all scheduled publishing (supervisors)."""
        self._asking(True)

    @on(Input.Submitted, "#pause-reason")
    def pause_submitted(self, event: Input.Submitted) -> None:
        """Pause with the reason typed."""
        reason = event.value
        if not reason.strip():   # refused: the box stays open for the reason
            self.notify("Give a reason for the pause (everyone on the desk will see it).",
                        severity="warning", markup=False)
            return
        event.input.value = ""
        self._asking(False)
        posts = self.desk.posts
        self.act("Scheduled posts paused.", lambda: posts.pause(reason))

    def _asking(self, asking: bool) -> None:
        """Show the pause-reason box (focused) or hide it (focus back on the agenda)."""
        box = self.query_one("#pause-reason", Input)
        box.disabled = not asking
        box.set_class(asking, "-asking")
        (box if asking else self.query_one("#agenda", DataTable)).focus()

    def action_back(self) -> None:
        """Escape: close the pause box if it is open, else back to the inbox."""
        if self.query_one("#pause-reason", Input).has_class("-asking"):
            self._asking(False)
            return
        self.app.pop_screen()

    def action_resume(self) -> None:
        """Resume publishing (supervisors), after a yes; overdue posts are judged by the
        grace rule."""
        posts = self.desk.posts
        try:
            self.desk.require("resume")   # an officer is told at once, not after a question
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.act("Scheduled posts resumed; overdue posts are published if within "
                         "grace, else marked missed.", posts.resume)
        grace = self.desk.config.posts.grace_minutes
        self.app.push_screen(ConfirmDialog(
            f"Resume all scheduled posts? Posts that fell due during the pause go out now if "
            f"at most {grace} minutes late; older ones are marked missed.", yes="Resume"),
            answered)


def _languages(post: dict[str, Any]) -> Text:
    have = languages_of(post)
    return Text(have, style="" if have == "cy+en" else "bold red")
