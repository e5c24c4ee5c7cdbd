"""Pick one of a few choices (close reason, category, officer)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ChoiceDialog(ModalScreen[str | None]):
    """A titled list; returns the chosen value, or None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel", id="dialog.cancel"),
    ]
    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical { width: 60; max-width: 90%; height: auto; max-height: 80%;
                              border: thick $primary; background: $surface; padding: 0 1; }
    ChoiceDialog Label { width: 1fr; text-style: bold; margin-bottom: 1; }
    ChoiceDialog OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, title: str, choices: Sequence[tuple[str, str | Text]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        """The title, then one option per choice (labels shown as plain text)."""
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield OptionList(*[Option(Text(label) if isinstance(label, str) else label,
                                      id=value) for value, label in self.choices])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Closes the dialog with the chosen option's value."""
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


class WideChoiceDialog(ChoiceDialog):
    """A :class:`ChoiceDialog` for long lines (the notices)."""

    DEFAULT_CSS = """
    WideChoiceDialog > Vertical { width: 110; }
    """
