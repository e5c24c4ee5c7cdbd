"""The reply library screen (shift+R from the inbox): every template, searchable, with the
selected one's text and its versions from the audit chain; supervisors add (n), edit (e) and
retire or restore (x) templates. Officers may look; a change they try is refused at once.

Every change goes through ``desk.library`` in a worker; the composer's picker reads the
library afresh each time it opens, so a saved version is what the next answer gets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Static

from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import Permission
from socialdesk.core.schedule.workflow import local_label
from socialdesk.core.triage.reply_library import LANGUAGE_NAME, ReplyTemplate, search
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.reply_form import ReplyForm, ReplyFormDialog
from socialdesk.ui.format import one_line, plain_block
from socialdesk.ui.screens.base import DeskScreen


class LibraryLoaded(Message):
    """The templates (retired ones too) and the topics were read."""

    def __init__(self, templates: list[ReplyTemplate],
                 topics: dict[str, dict[str, str]]) -> None:
        super().__init__()
        self.templates, self.topics = templates, topics


class VersionsLoaded(Message):
    """One template's versions were read from the audit chain."""

    def __init__(self, template_id: int, versions: list[dict[str, Any]]) -> None:
        super().__init__()
        self.template_id, self.versions = template_id, versions


class LibraryChanged(Message):
    """A template was saved, retired or restored."""

    def __init__(self, summary: str, template_id: int | None) -> None:
        super().__init__()
        self.summary, self.template_id = summary, template_id


class ReplyLibraryScreen(DeskScreen):
    """The reply library: templates officers pick in the composer, searchable; supervisors add,
    edit, retire and restore them here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Inbox", id="library.back", tooltip="Back to the inbox"),
        Binding("slash", "search", "Search", id="library.search",
                tooltip="Filter the templates by words"),
        Binding("n", "new", "New", id="library.new",
                tooltip="A new template, or a twin in the other language (supervisors)"),
        Binding("e", "edit", "Edit", id="library.edit",
                tooltip="Save a new version of the selected template (supervisors)"),
        Binding("x", "retire", "Retire/restore", id="library.retire",
                tooltip="Take the selected template out of the picker, or bring it back"),
    ]
    DEFAULT_CSS = """
    ReplyLibraryScreen #library-search { margin: 0 0; }
    ReplyLibraryScreen #library-body { height: 1fr; }
    ReplyLibraryScreen #library-table { width: 3fr; }
    ReplyLibraryScreen #library-pane { width: 2fr; border-left: solid $panel; padding: 0 1; }
    ReplyLibraryScreen.-narrow #library-body { layout: vertical; }
    ReplyLibraryScreen.-narrow #library-table { width: 1fr; height: 1fr; }
    ReplyLibraryScreen.-narrow #library-pane { width: 1fr; height: 1fr; border-left: none;
                                               border-top: solid $panel; }
    """

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.templates: list[ReplyTemplate] = []
        self.topics: dict[str, dict[str, str]] = {}
        self.shown: list[ReplyTemplate] = []
        self.selected_id: int | None = None
        self.versions: dict[int, list[dict[str, Any]]] = {}

    def compose(self) -> ComposeResult:
        """Search, the table and the selected template."""
        yield Header()
        yield Input(placeholder="Search the reply library (/) — e.g. sgam, 101, diolch",
                    id="library-search")
        with Horizontal(id="library-body"):
            yield DataTable(id="library-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="library-pane"):
                yield Static("Select a template.", id="library-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Columns and the first load."""
        self.title = self.desk.config.team.name
        self.sub_title = "reply library"
        self.query_one(DataTable).add_columns("#", "lang", "topic", "v", "title")
        self.query_one(DataTable).focus()
        self.reload()

    # ── loading ──────────────────────────────────────────────────────────────────────────

    def reload(self) -> None:
        """Read the library again (in a worker)."""
        self.load_library()

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def load_library(self) -> None:
        """Worker: every template (retired too) and the topics."""
        with self.desk.session():
            library = self.desk.library
            found = library.templates(include_retired=True)
            topics = library.topics()
        self.post_message(LibraryLoaded(found, topics))

    @on(LibraryLoaded)
    def show_library(self, message: LibraryLoaded) -> None:
        """Fill the table (filtered by the search box), keeping the selection."""
        self.templates, self.topics = message.templates, message.topics
        self.versions.clear()
        self._fill(self.query_one("#library-search", Input).value)

    def _fill(self, query: str) -> None:
        self.shown = search(self.templates, query, "cy", self.topics, include_retired=True) \
            if query.strip() else sorted(self.templates, key=self._order)
        table = self.query_one(DataTable)
        table.clear()
        for t in self.shown:
            style = "dim strike" if t.retired else ""
            topic = self.topics.get(t.topic, {}).get("en", t.topic)
            table.add_row(str(t.id), Text(t.language, style="bold cyan" if t.language == "cy"
                                          else ""),
                          Text(topic[:20], style=style), str(t.version),
                          Text(one_line(t.title)[:64] + (" (retired)" if t.retired else "")
                               + (" · public" if t.public else ""), style=style),
                          key=str(t.id))
        live = sum(not t.retired for t in self.templates)
        self.sub_title = (f"reply library · {live} in use · {len(self.templates) - live} "
                          f"retired · {len(self.shown)} shown")
        if self.shown:
            index = next((i for i, t in enumerate(self.shown) if t.id == self.selected_id), 0)
            table.move_cursor(row=index)
            self._show(self.shown[index])
        else:
            self.query_one("#library-detail", Static).update(
                Text("No template holds all these words."))

    def _order(self, template: ReplyTemplate) -> tuple[str, str, bool]:
        """By topic as the table names it, then template, Welsh before English."""
        topic = self.topics.get(template.topic, {}).get("en", template.topic)
        return (topic.lower(), template.key, template.language != "cy")

    @on(Input.Changed, "#library-search")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#library-search")
    def _searched(self, _event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        template = self._by_id(event.row_key.value)
        if template is not None:
            self._show(template)

    def _by_id(self, key: object) -> ReplyTemplate | None:
        return next((t for t in self.shown if str(t.id) == str(key)), None)

    def _show(self, template: ReplyTemplate) -> None:
        """The template's text as plain text, then its versions (read in a worker)."""
        self.selected_id = template.id
        topic = self.topics.get(template.topic, {})
        out = Text()
        out.append(f"#{template.id} {template.title}\n", style="bold")
        out.append(f"{template.key} · {LANGUAGE_NAME.get(template.language, template.language)} · "
                   f"{topic.get('en', template.topic)} / {topic.get('cy', '')} · "
                   f"{'public comment' if template.public else 'private answer'} · "
                   f"version {template.version} by {template.updated_by}")
        if template.retired:
            out.append(" · RETIRED", style="bold red")
        out.append("\n\n")
        out.append(plain_block(template.text))
        out.append("\n")
        versions = self.versions.get(template.id)
        if versions:
            out.append("\nVersions (audit chain)\n", style="bold")
            for version in reversed(versions):
                action = str(version["action"]).removeprefix("reply_template_")
                when = local_label(str(version["at"]), self.desk.config.team.zone)
                out.append(f"  v{version.get('version', '?')} {action} by {version['actor']}, "
                           f"{when}\n")
        self.query_one("#library-detail", Static).update(out)
        if versions is None:
            self.load_versions(template.id)

    @work(thread=True, exclusive=True, group="library-versions", exit_on_error=False)
    def load_versions(self, template_id: int) -> None:
        """Worker: the template's versions from the audit chain."""
        with self.desk.session():
            versions = self.desk.library.history(template_id)
        self.post_message(VersionsLoaded(template_id, versions))

    @on(VersionsLoaded)
    def _versions(self, message: VersionsLoaded) -> None:
        self.versions[message.template_id] = message.versions
        template = self._by_id(message.template_id)
        if template is not None and template.id == self.selected_id:
            self._show(template)

    # ── actions ──────────────────────────────────────────────────────────────────────────

    @work(thread=True, group="library-actions", exit_on_error=False)
    def act(self, summary: str, work_fn: Callable[[], ReplyTemplate]) -> None:
        """Worker: one change; refusals become notifications via the app's hub."""
        with self.desk.session():
            template = work_fn()
        self.post_message(LibraryChanged(summary.format(t=template), template.id))

    @on(LibraryChanged)
    def _changed(self, message: LibraryChanged) -> None:
        self.notify(message.summary, markup=False, timeout=5)
        self.selected_id = message.template_id
        self.reload()

    def _may_edit(self) -> bool:
        """Supervisors only: an officer is told at once, before any form."""
        try:
            self.desk.require(Permission.EDIT_REPLIES)
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return False
        return True

    def _selected(self) -> ReplyTemplate | None:
        template = self._by_id(self.selected_id)
        if template is None:
            self.notify("Select a template first.", markup=False)
        return template

    def _twin(self, template: ReplyTemplate) -> ReplyTemplate | None:
        return next((t for t in self.templates if t.key == template.key
                     and t.language != template.language), None)

    def action_back(self) -> None:
        """Leaves the reply library for the inbox."""
        self.app.pop_screen()

    def action_search(self) -> None:
        """Type in the search box."""
        self.query_one("#library-search", Input).focus()

    def action_new(self) -> None:
        """A new template (supervisors)."""
        if not self._may_edit():
            return

        def saved(form: ReplyForm | None) -> None:
            if form is not None:
                library = self.desk.library
                self.act("Added template #{t.id} " + f"{form.key} ({form.language}).",
                         lambda: library.add(form.key, form.topic, form.language, form.title,
                                             form.text, form.public))
        self.app.push_screen(ReplyFormDialog(self.topics), saved)

    def action_edit(self) -> None:
        """A new version of the selected template (supervisors)."""
        if not self._may_edit() or not (template := self._selected()):
            return

        def saved(form: ReplyForm | None) -> None:
            if form is not None:
                library = self.desk.library
                self.act("Saved template #{t.id}: version {t.version}.",
                         lambda: library.edit(template.id, title=form.title, text=form.text,
                                              topic=form.topic, public=form.public,
                                              expected_version=template.version))
        self.app.push_screen(ReplyFormDialog(self.topics, template, self._twin(template)),
                             saved)

    def action_retire(self) -> None:
        """Retire the selected template, or bring a retired one back (supervisors)."""
        if not self._may_edit() or not (template := self._selected()):
            return
        library = self.desk.library
        if template.retired:
            self.act("Template #{t.id} is in use again.",
                     lambda: library.retire(template.id, retired=False))
        else:
            self.act("Retired template #{t.id}: the composer no longer offers it (x brings "
                     "it back).", lambda: library.retire(template.id))
