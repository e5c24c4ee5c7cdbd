"""Ask for one line of text (a close note: how it was answered). A blank answer is refused
with the dialog still open and nothing lost; Escape gives up (asking first if a line was
typed)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from socialdesk.ui.dialogs.confirm import close_unless_typed


class AskDialog(ModalScreen[str | None]):
    """A question and one line; Enter returns the text, Escape None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "give_up", "Cancel", id="ask.cancel"),
    ]
    DEFAULT_CSS = """
    AskDialog { align: center middle; }
    AskDialog > Vertical { width: 70; max-width: 95%; height: auto;
                           border: thick $primary; background: $surface; padding: 0 1; }
    AskDialog Label { width: 1fr; margin-bottom: 1; }
    """

    def __init__(self, question: str, placeholder: str = "", refusal: str = "",
                 allow_blank: bool = False) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.refusal = refusal or "Write something first (Esc cancels)."
        #: a blank answer is an answer (an optional line: Enter returns "")
        self.allow_blank = allow_blank

    def compose(self) -> ComposeResult:
        """The question and the line."""
        with Vertical():
            yield Label(self.question, markup=False)
            yield Input(placeholder=self.placeholder, id="answer")

    def on_mount(self) -> None:
        """Puts the cursor in the answer field, so the officer can type at once."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Return the text; a blank one is refused and the dialog stays."""
        if not event.value.strip() and not self.allow_blank:
            self.notify(self.refusal, severity="warning", markup=False)
            return
        self.dismiss(event.value.strip())

    def action_give_up(self) -> None:
        """Close without an answer; a line typed in (a close note…) asks first."""
        close_unless_typed(self, bool(self.query_one(Input).value.strip()), "what you typed")
