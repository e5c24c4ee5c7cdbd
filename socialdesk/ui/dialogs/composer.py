"""Write an answer: the template draft in the item's language, editable, sent to the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from socialdesk.ui.format import one_line


@dataclass(frozen=True)
class Answer:
    """What the officer decided to send."""

    action: str
    text: str


class ComposerDialog(ModalScreen[Answer | None]):
    """Edit the draft; Ctrl+S queues it, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Queue to send", id="composer.send", priority=True),
        Binding("escape", "cancel", "Cancel", id="composer.cancel"),
    ]
    DEFAULT_CSS = """
    ComposerDialog { align: center middle; }
    ComposerDialog > Vertical { width: 90%; max-width: 110; height: 90%; max-height: 30;
                                border: thick $primary; background: $surface; padding: 0 1; }
    ComposerDialog #quote { height: auto; max-height: 5; color: $text-muted; }
    ComposerDialog TextArea { height: 1fr; }
    ComposerDialog Horizontal { height: auto; align-horizontal: right; }
    ComposerDialog Button { margin-left: 1; }
    """

    def __init__(self, action: str, title: str, quote: str, draft: str) -> None:
        super().__init__()
        self.action_name = action
        self.title_text = title
        self.quote = quote
        self.draft = draft

    def compose(self) -> ComposeResult:
        """Title, the message answered, the editable draft, buttons."""
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield Static(Text(one_line(self.quote)[:400], style="italic"), id="quote")
            yield TextArea(self.draft, id="answer-text", soft_wrap=True)
            with Horizontal():
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Queue to send (Ctrl+S)", id="send", variant="primary")

    def on_mount(self) -> None:
        """Start typing in the draft."""
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Send or cancel."""
        if event.button.id == "send":
            self.action_send()
        else:
            self.action_cancel()

    def action_send(self) -> None:
        """Return the edited text (an empty text is refused by the services)."""
        self.dismiss(Answer(self.action_name, self.query_one(TextArea).text))

    def action_cancel(self) -> None:
        """Close without sending."""
        self.dismiss(None)
