"""Snooze an item: when it comes back (a quick choice or what the officer types, read as they
type it) and an optional note. Enter snoozes, Escape gives up; a time that is not understood
or not ahead is said in one sentence and the dialog stays open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from socialdesk.core.triage.when import EXAMPLES, show_when
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.confirm import close_unless_typed

#: What "wake it now" returns instead of a time.
WAKE = "now"


@dataclass(frozen=True)
class SnoozeChoice:
    """When the item comes back (what the officer typed, or :data:`WAKE`) and their note."""

    when: str
    note: str = ""


class SnoozeDialog(ModalScreen[SnoozeChoice | None]):
    """Quick choices, a line for any other time, a note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "give_up", "Cancel", id="snooze.cancel"),
    ]
    DEFAULT_CSS = """
    SnoozeDialog { align: center middle; }
    SnoozeDialog > Vertical { width: 72; max-width: 95%; height: auto;
                              border: thick $primary; background: $surface; padding: 0 1; }
    SnoozeDialog OptionList { height: auto; max-height: 6; margin-bottom: 1; }
    SnoozeDialog #resolved { height: 1; margin-bottom: 1; }
    SnoozeDialog .hint { color: $text-muted; }
    """

    def __init__(self, title: str, resolve: Callable[[str], datetime], zone: ZoneInfo,
                 quick: list[tuple[str, str]], snoozed: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.resolve = resolve
        self.zone = zone
        #: (what it means, its label): e.g. ("+1h", "In 1 hour")
        self.quick = quick
        #: the item's present snooze (a label) — then "wake it now" is offered first
        self.snoozed = snoozed

    def compose(self) -> ComposeResult:
        """Title, quick choices, the time line and what it means, the note, a hint."""
        with Vertical():
            yield Label(self.title_text, markup=False)
            options = [Option(Text(f"Back now (snoozed until {self.snoozed})"), id=WAKE)] \
                if self.snoozed else []
            options += [Option(Text(label), id=f"q{n}") for n, (_w, label) in
                        enumerate(self.quick)]
            yield OptionList(*options, id="quick")
            yield Input(placeholder=f"or type a time: {EXAMPLES}", id="when")
            yield Static(id="resolved")
            yield Input(placeholder="note (optional): why, what to do then", id="note")
            yield Label("Enter snoozes · Tab: next field · Esc cancels", classes="hint",
                        markup=False)

    def on_mount(self) -> None:
        """Start on the quick choices."""
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A quick choice: wake now returns at once; a time fills the line, then the note."""
        event.stop()
        if event.option.id == WAKE:
            self.dismiss(SnoozeChoice(WAKE))
            return
        when, _label = self.quick[int(str(event.option.id)[1:])]
        self.query_one("#when", Input).value = when
        self.query_one("#note", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Say what the typed time means (or why it is not one) as it is typed."""
        if event.input.id == "when":
            self.query_one("#resolved", Static).update(self._meaning(event.value))

    def _meaning(self, text: str) -> Text:
        if not text.strip():
            return Text("")
        try:
            return Text(f"→ back in To do {show_when(self.resolve(text), self.zone)}",
                        style="bold green")
        except UserError as exc:
            return Text(str(exc), style="yellow", no_wrap=True, overflow="ellipsis")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in either line snoozes, once the time is understood."""
        when = self.query_one("#when", Input).value.strip()
        if not when:
            self.notify("Choose or type when the item should come back (Esc cancels).",
                        severity="warning", markup=False)
            self.query_one("#when", Input).focus()
            return
        try:
            self.resolve(when)
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            self.query_one("#when", Input).focus()
            return
        self.dismiss(SnoozeChoice(when, self.query_one("#note", Input).value.strip()))

    def action_give_up(self) -> None:
        """Close without snoozing; a note typed in asks first."""
        close_unless_typed(self, bool(self.query_one("#note", Input).value.strip()),
                           "this snooze and its note")
