"""Pick a tag for the selected item(s): the tags the text suggests first, then the rest of the
configured list, filtered as you type (name, English or Welsh label, accents ignored).

A suggestion is only a suggestion: nothing is tagged until the officer picks it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from socialdesk.config import Tag
from socialdesk.core.places import fold


class TagDialog(ModalScreen[str | None]):
    """Returns the chosen tag's name, or None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel", id="tag_dialog.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="tag_dialog.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="tag_dialog.up"),
    ]
    DEFAULT_CSS = """
    TagDialog { align: center middle; }
    TagDialog > Vertical { width: 64; max-width: 95%; height: auto; max-height: 90%;
                           border: thick $primary; background: $surface; padding: 0 1; }
    TagDialog Label { width: 1fr; text-style: bold; }
    TagDialog #tag-hint { text-style: none; color: $text-muted; margin-bottom: 1; }
    TagDialog OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, title: str, tags: Sequence[Tag], suggested: Sequence[str] = (),
                 present: Sequence[str] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.suggested = [name for name in suggested if name not in present]
        order = {name: n for n, name in enumerate(self.suggested)}
        #: suggestions first (in the order suggested), then the configured order
        self.tags = sorted(tags, key=lambda t: (t.name not in order, order.get(t.name, 0)))
        self.present = set(present)

    def compose(self) -> ComposeResult:
        """Title, hint, the filter box and the list."""
        with Vertical():
            yield Label(self.title_text, markup=False)
            yield Label("Type to filter · Enter picks · suggested tags are not applied until "
                        "you pick one" + (" · ✓ = on it already (pick to take it off)"
                                          if self.present else ""),
                        id="tag-hint", markup=False)
            yield Input(placeholder="filter: scam, caergybi, road…", id="tag-filter")
            yield OptionList(id="tag-list")

    def on_mount(self) -> None:
        """Fill the list; typing goes to the filter."""
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, typed: str) -> None:
        wanted = fold(typed.strip().lstrip("#"))
        options = self.query_one(OptionList)
        options.clear_options()
        for tag in self.tags:
            if wanted and not any(wanted in fold(text) for text in (tag.name, tag.en, tag.cy)):
                continue
            label = Text("✓ " if tag.name in self.present else "  ", style="bold green")
            label.append(f"#{tag.name}", style="bold")
            label.append(f"  {tag.label}")
            if tag.name in self.suggested:
                label.append("  suggested", style="italic yellow")
            options.add_option(Option(label, id=tag.name))
        if options.option_count:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as you type."""
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter picks the highlighted tag."""
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click (or Enter in the list) picks a tag."""
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        """Up and down move through the list while typing."""
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_dismiss_none(self) -> None:
        """Close without tagging."""
        self.dismiss(None)
