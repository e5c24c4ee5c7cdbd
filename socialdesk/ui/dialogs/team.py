"""Members and policy (the supervisor screen's ``m``): who is on the desk with which role, and
the team's policy, as the database holds them. Supervisors change them here — each change in
the audit chain — and everyone else may look."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label

from socialdesk.core.desk import Desk
from socialdesk.core.desk.access import POLICY_RULES
from socialdesk.ui.dialogs.ask import AskDialog
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.dialogs.confirm import ConfirmDialog
from socialdesk.ui.format import one_line


class TeamLoaded(Message):
    """Members and policy were read."""

    def __init__(self, members: dict[str, str], policy: dict[str, Any]) -> None:
        super().__init__()
        self.members, self.policy = members, policy


class TeamDialog(ModalScreen[None]):
    """Members and policy of the desk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="team.back"),
        Binding("a", "add", "Add member", id="team.add",
                tooltip="Add an account to the desk (supervisors)"),
        Binding("r", "role", "Change role", id="team.role",
                tooltip="Make the selected member an officer or a supervisor (supervisors)"),
        Binding("x", "remove", "Remove", id="team.remove",
                tooltip="Remove the selected member (supervisors)"),
        Binding("p", "policy", "Set policy", id="team.policy",
                tooltip="Change one policy value (supervisors)"),
    ]
    DEFAULT_CSS = """
    TeamDialog { align: center middle; }
    TeamDialog > Vertical { width: 100; max-width: 98%; height: 90%;
                            border: thick $primary; background: $surface; padding: 0 1; }
    TeamDialog Label { text-style: bold; margin-top: 1; }
    TeamDialog #members { height: 1fr; }
    TeamDialog #policy { height: auto; }
    """

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        """The members table, then the policy table (their columns and rows are added on mount)."""
        with Vertical():
            yield Label("Members (kept in the database; a config file cannot change them)")
            yield DataTable(id="members", cursor_type="row")
            yield Label("Policy")
            yield DataTable(id="policy", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        """Columns and the first read."""
        self.query_one("#members", DataTable).add_columns("account", "role")
        self.query_one("#policy", DataTable).add_columns("key", "value", "meaning")
        self.query_one("#members", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="team", exit_on_error=False)
    def load(self) -> None:
        """Worker: members and policy."""
        with self.desk.session():
            members, policy = self.desk.team.members(), self.desk.policy.as_dict()
        self.post_message(TeamLoaded(members, policy))

    @on(TeamLoaded)
    def show(self, message: TeamLoaded) -> None:
        """Fill both tables (account names as plain text)."""
        members = self.query_one("#members", DataTable)
        members.clear()
        for name, role in message.members.items():
            members.add_row(Text(one_line(name)), role, key=name)
        policy = self.query_one("#policy", DataTable)
        policy.clear()
        for key, value in message.policy.items():
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            policy.add_row(key, shown, Text(POLICY_RULES[key], style="dim"), key=key)

    @work(thread=True, group="team-change", exit_on_error=False)
    def change(self, summary: str, work_fn: Callable[[], object]) -> None:
        """Worker: one change (refusals become notifications through the app's hub)."""
        with self.desk.session():
            work_fn()
        self.app.call_from_thread(self.notify, summary, markup=False)
        self.app.call_from_thread(self.load)

    def _selected_member(self) -> str | None:
        table = self.query_one("#members", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_add(self) -> None:
        """Ask the account's name, then its role."""
        def named(name: str | None) -> None:
            if name:
                self._choose_role(name)
        self.app.push_screen(AskDialog("Add which account? (its name on the host)",
                                       "e.g. gwen"), named)

    def action_role(self) -> None:
        """Change the selected member's role."""
        if (name := self._selected_member()) is not None:
            self._choose_role(name)

    def _choose_role(self, name: str) -> None:
        def chosen(role: str | None) -> None:
            if role:
                self.change(f"{name} is now {role}.",
                            lambda: self.desk.team.set_member(name, role))
        self.app.push_screen(ChoiceDialog(f"{name}: which role?",
                                          [("officer", "officer"),
                                           ("supervisor", "supervisor")]), chosen)

    def action_remove(self) -> None:
        """Remove the selected member, after a yes."""
        if (name := self._selected_member()) is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(f"{name} is no longer a member.",
                            lambda: self.desk.team.remove_member(name))
        self.app.push_screen(ConfirmDialog(f"Remove {name} from the desk? They keep read-only "
                                           "access at most.", yes="Remove"), answered)

    def action_policy(self) -> None:
        """Pick a policy key, then type its value."""
        def keyed(key: str | None) -> None:
            if key:
                self.app.push_screen(AskDialog(f"{key}: {POLICY_RULES[key]}"),
                                     lambda value: self._set(key, value))
        self.app.push_screen(ChoiceDialog("Change which policy value?",
                                          [(k, f"{k} — {v}") for k, v in POLICY_RULES.items()]),
                             keyed)

    def _set(self, key: str, value: str | None) -> None:
        if value:
            self.change(f"{key} is now {value}.", lambda: self.desk.team.set_policy(key, value))

    def action_close(self) -> None:
        """Back to the supervisor's screen."""
        self.dismiss(None)

    def on_worker_state_changed(self, event: Any) -> None:
        """Hand worker failures (refusals) to the app's hub."""
        hub = getattr(self.app, "worker_failed", None)
        if hub is not None:
            hub(event)
