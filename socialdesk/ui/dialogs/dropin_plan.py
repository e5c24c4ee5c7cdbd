"""Plan a drop-in session: start, end, place or topic (and its Welsh wording) — or move one
(``moving``: the times only; the topic is shown, not changed). Enter moves to the next line
and, on the last, plans it; Escape gives up. The desk checks the values: a mistake comes back
as one sentence with the form open again and what was typed kept."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from socialdesk.ui.dialogs.confirm import close_unless_typed

#: the form's lines: (key, label, placeholder)
FIELDS = (
    ("start", "Starts (local time)", "YYYY-MM-DD HH:MM, e.g. 2026-12-08 18:00"),
    ("end", "Ends", "HH:MM the same day, or YYYY-MM-DD HH:MM"),
    ("topic", "Place or topic", "e.g. Holyhead, or Scams and fraud"),
    ("topic_cy", "In Welsh (optional)", "e.g. Sgamiau a thwyll; a place gets its Welsh name"),
)


class DropinPlanDialog(ModalScreen[dict[str, str] | None]):
    """The four lines of a session; returns them (stripped) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "give_up", "Cancel", id="dropin_plan.cancel"),
        Binding("ctrl+s", "submit", "Plan", id="dropin_plan.submit"),
    ]
    DEFAULT_CSS = """
    DropinPlanDialog { align: center middle; }
    DropinPlanDialog > Vertical { width: 76; max-width: 98%; height: auto;
                                  border: thick $primary; background: $surface; padding: 0 1; }
    DropinPlanDialog Label { width: 1fr; }
    DropinPlanDialog #plan-help { margin-bottom: 1; color: $text-muted; }
    """

    def __init__(self, values: dict[str, str] | None = None, moving: int | None = None) -> None:
        super().__init__()
        self.values = values or {}
        #: the session being moved (its times change, not its topic), or None: a new one
        self.moving = moving

    def compose(self) -> ComposeResult:
        """A line of help, then a label and an input for each field."""
        with Vertical():
            if self.moving is None:
                yield Label("Plan a drop-in session", classes="title")
                yield Label("Its announcement (Welsh and English) is drafted as a safety post, "
                            "24 hours before the start. Enter: next line / plan · Esc: cancel",
                            id="plan-help", markup=False)
            else:
                yield Label(f"Move drop-in session {self.moving}", classes="title")
                yield Label("A waiting announcement is redrafted for the new time; one that "
                            "has gone out gets a new-time post. Enter: next / move · Esc: "
                            "cancel", id="plan-help", markup=False)
            for key, label, placeholder in FIELDS:
                yield Label(label, markup=False)
                yield Input(self.values.get(key, ""), placeholder=placeholder, id=f"plan-{key}",
                            disabled=self.moving is not None and key.startswith("topic"))

    def on_mount(self) -> None:
        """Start typing on the first line."""
        self.query_one("#plan-start", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: the next line, or plan on the last."""
        keys = [key for key, _label, _hint in FIELDS
                if self.moving is None or not key.startswith("topic")]
        current = (event.input.id or "").removeprefix("plan-")
        if current != keys[-1]:
            self.query_one(f"#plan-{keys[keys.index(current) + 1]}", Input).focus()
            return
        self.action_submit()

    def action_submit(self) -> None:
        """Return the four lines."""
        self.dismiss({key: self.query_one(f"#plan-{key}", Input).value.strip()
                      for key, _label, _hint in FIELDS})

    def action_give_up(self) -> None:
        """Close without planning; lines typed in (or changed, when moving) ask first."""
        typed = any(line.value.strip() != self.values.get((line.id or "")[len("plan-"):], "")
                    for line in self.query(Input))
        close_unless_typed(self, typed, "what you typed in this session")
