"""Handover notes between shifts: the ones a member has not seen, shown when they open the
dashboard until dismissed, and (key H) the recent ones with a box to write one for the next
shift. Every note is shown as plain text: whatever an officer typed is never markup."""

from __future__ import annotations

from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from socialdesk.core.triage.when import show_when
from socialdesk.ui.dialogs.confirm import close_unless_typed
from socialdesk.ui.format import plain_block


def describe_notes(notes: list[dict[str, Any]], zone: ZoneInfo) -> Text:
    """Author, time and text of each note (newest first, as given), as plain text."""
    out = Text()
    if not notes:
        out.append("No handover notes yet.", style="dim italic")
    for index, note in enumerate(notes):
        if index:
            out.append("\n\n")
        out.append(f"{show_when(note['at'], zone)}  ", style="bold")
        out.append(plain_block(note["author"]), style="bold cyan")
        out.append("\n")
        out.append(plain_block(note["text"]) if note["text"]
                   else Text("(removed: past the retention period)", style="dim italic"))
    return out


class HandoverDialog(ModalScreen[str | None]):
    """The notes; when ``writable``, a box for a new one (Ctrl+S saves it and returns its
    text). Enter or Escape dismisses the read-only one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_notes", "Close", id="handover.close"),
        Binding("ctrl+s", "save", "Save note", id="handover.save", priority=True),
    ]
    DEFAULT_CSS = """
    HandoverDialog { align: center middle; }
    HandoverDialog > Vertical { width: 90%; max-width: 100; height: auto; max-height: 90%;
                                border: thick $accent; background: $surface; padding: 0 1; }
    HandoverDialog #notes { height: auto; max-height: 20; margin-bottom: 1; }
    HandoverDialog TextArea { height: 6; }
    HandoverDialog Horizontal { height: auto; align-horizontal: right; }
    HandoverDialog Button { margin-left: 1; }
    """

    def __init__(self, title: str, notes: list[dict[str, Any]], zone: ZoneInfo,
                 writable: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.notes = notes
        self.zone = zone
        self.writable = writable

    def compose(self) -> ComposeResult:
        """Title, the notes, the box (if writable), buttons."""
        with Vertical():
            yield Label(self.title_text, markup=False)
            with VerticalScroll(id="notes"):
                yield Static(describe_notes(self.notes, self.zone), id="notes-body")
            if self.writable:
                yield Label("A note for the next shift (they see it when they next sign in):",
                            markup=False)
                yield TextArea("", id="handover-text", soft_wrap=True)
            with Horizontal():
                if self.writable:
                    yield Button("Close (Esc)", id="close")
                    yield Button("Save note (Ctrl+S)", id="save", variant="primary")
                else:
                    yield Button("Got it (Enter)", id="close", variant="primary")

    def on_mount(self) -> None:
        """Typing goes to the box; else Enter dismisses."""
        if self.writable:
            self.query_one(TextArea).focus()
        else:
            self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save writes the notes; any other button closes without writing."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_dismiss_notes()

    def action_save(self) -> None:
        """Return the new note's text (an empty one is refused; the dialog stays)."""
        if not self.writable:
            return
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify("The handover note is empty; write what the next shift needs to "
                        "know (Esc closes).", severity="warning", markup=False)
            return
        self.dismiss(text)

    def action_dismiss_notes(self) -> None:
        """Close (nothing written); a note typed in the box asks first."""
        typed = self.writable and bool(self.query_one(TextArea).text.strip())
        close_unless_typed(self, typed, "this handover note")
