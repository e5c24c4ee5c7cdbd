"""Ask before an action that acts on the page or on everyone (hide a comment, resume the
safety posts, throw away a filled form): Enter or y confirms, Escape or n does not.
:func:`close_unless_typed` is what Escape does on a form."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmDialog(ModalScreen[bool]):
    """A question with Yes and No; returns True only for yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
    ]
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 64; max-width: 95%; height: auto;
                               border: thick $warning; background: $surface; padding: 0 1; }
    ConfirmDialog Label { width: 1fr; margin-bottom: 1; }
    ConfirmDialog Horizontal { height: auto; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 1; }
    """

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        """The question and the two buttons (No first: a slip of Enter does nothing)."""
        with Vertical():
            yield Label(self.question, markup=False)
            with Horizontal():
                yield Button("No (n / Esc)", id="no")
                yield Button(f"{self.yes} (y)", id="yes", variant="warning")

    def on_mount(self) -> None:
        """Focus No, so that Enter alone never confirms by accident."""
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Closes the dialog with True for yes, False for anything else."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """Answer from the keyboard."""
        self.dismiss(yes)


def close_unless_typed(dialog: ModalScreen[Any], typed: bool, what: str) -> None:
    """Escape on a form: close it (returning None) at once when nothing was typed in it, else
    only after a yes, so that one key never throws away what an officer wrote."""
    if not typed:
        dialog.dismiss(None)
        return

    def answered(discard: bool | None) -> None:
        if discard:
            dialog.dismiss(None)
    dialog.app.push_screen(ConfirmDialog(f"Throw away {what}?", yes="Throw away"), answered)
