"""Key help (? or F1): every key of the screen in view, with what it does, plus the keys that
work everywhere. Built from the same table as the footer and the command palette."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

#: (key, what it does) everywhere in the dashboard.
EVERYWHERE = (("ctrl+p", "Every action of this screen, searchable"),
              ("? / f1", "This help"), ("tab / shift+tab", "Next / previous field"),
              ("ctrl+q", "Quit"))


class KeyHelp(ModalScreen[None]):
    """The keys of one screen; any of Escape, q, ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="key_help.close"),
    ]
    DEFAULT_CSS = """
    KeyHelp { align: center middle; }
    KeyHelp > Vertical { width: 90; max-width: 95%; height: auto; max-height: 90%;
                         border: thick $primary; background: $surface; padding: 0 1; }
    KeyHelp Label { text-style: bold; margin-bottom: 1; }
    KeyHelp DataTable { height: auto; max-height: 30; }
    """

    def __init__(self, title: str, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows   # (key, label, what it does)

    def compose(self) -> ComposeResult:
        """The title and the keys, this screen's first."""
        with Vertical():
            yield Label(f"Keys — {self.title_text}", markup=False)
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Lists the screen's keys with what each does, then the keys that work everywhere
        (dimmed)."""
        table = self.query_one(DataTable)
        table.add_columns("key", "action", "what it does")
        for key, label, help_text in self.rows:
            table.add_row(Text(key, style="bold"), Text(label), Text(help_text))
        for key, help_text in EVERYWHERE:
            table.add_row(Text(key, style="bold dim"), Text(""), Text(help_text, style="dim"))
        table.focus()

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(None)
