"""Pick a ready answer from the reply library while writing one (ctrl+t in the composer).

Typing filters the templates by every word (topic, title or text; Welsh words in any mutated
form), the item's language first; the pane below shows the highlighted one filled in for this
item (name, place, officer), gaps such as "[ref]" left for the officer. Enter inserts it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from socialdesk.core.triage.reply_library import ReplyChoices, ReplyTemplate
from socialdesk.ui.format import plain_block

LANGUAGE_TAG = {"cy": "CY", "en": "EN"}


def _label(template: ReplyTemplate, choices: ReplyChoices) -> Text:
    """One line of the list (cut, never wrapped): language, title, topic — plain text."""
    line = Text(no_wrap=True, overflow="ellipsis")
    tag = "CY+EN" if choices.language == "mixed" else LANGUAGE_TAG.get(template.language, "??")
    line.append(f"{tag:<6}", style="bold cyan" if template.language == "cy" else "bold")
    line.append(template.title)
    topic = choices.topics.get(template.topic, {}).get(template.language, template.topic)
    line.append(f"  · {topic}", style="dim")
    return line


class ReplyPicker(ModalScreen[str | None]):
    """Search box, matching templates, the highlighted one filled in; returns its filled text,
    or None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reply_picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="reply_picker.down", priority=True),
        Binding("up", "move(-1)", "Previous", show=False, id="reply_picker.up", priority=True),
    ]
    DEFAULT_CSS = """
    ReplyPicker { align: center middle; }
    ReplyPicker > Vertical { width: 95%; max-width: 120; height: 95%; max-height: 40;
                             border: thick $primary; background: $surface; padding: 0 1; }
    ReplyPicker #picker-title { text-style: bold; }
    ReplyPicker OptionList { height: 1fr; min-height: 4; text-wrap: nowrap;
                             text-overflow: ellipsis; }
    ReplyPicker #picker-preview-box { height: 1fr; min-height: 4; border-top: solid $panel; }
    ReplyPicker #picker-hint { color: $text-muted; height: 1; }
    """

    def __init__(self, choices: ReplyChoices, query: str = "") -> None:
        super().__init__()
        self.choices = choices
        self.query_text = query
        self.shown: list[ReplyTemplate] = []

    def compose(self) -> ComposeResult:
        """Title, search box, list, preview, hint."""
        where = "public reply: only templates that ask for no details in public" \
            if self.choices.public else "private answer"
        with Vertical():
            yield Label(f"Reply library — {where}", id="picker-title", markup=False)
            yield Input(self.query_text, placeholder="Type words to filter (e.g. sgam, scam, "
                        "101, diolch)", id="picker-search")
            yield OptionList(id="picker-list")
            with VerticalScroll(id="picker-preview-box"):
                yield Static(id="picker-preview")
            yield Label("↑↓ choose · Enter inserts (you edit it before sending) · Esc cancels",
                        id="picker-hint", markup=False)

    def on_mount(self) -> None:
        """List everything, cursor on the first, typing in the search box."""
        self._filter(self.query_text)
        self.query_one(Input).focus()

    @on(Input.Changed, "#picker-search")
    def _typed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        self.shown = self.choices.search(query)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(_label(t, self.choices), id=str(t.id)) for t in self.shown])
        if self.shown:
            options.highlighted = 0
        self._preview()

    def _preview(self) -> None:
        options = self.query_one(OptionList)
        preview = self.query_one("#picker-preview", Static)
        index = options.highlighted
        if index is None or not self.shown:
            preview.update(Text("No template holds all these words.", style="italic"))
            return
        template = self.shown[index]
        preview.update(Text(plain_block(self.choices.filled[template.id])))

    @on(OptionList.OptionHighlighted, "#picker-list")
    def _highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._preview()

    def action_move(self, step: int) -> None:
        """Move the list's cursor while typing in the search box."""
        options = self.query_one(OptionList)
        if not self.shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    @on(Input.Submitted, "#picker-search")
    def _submitted(self, _event: Input.Submitted) -> None:
        self._choose(self.query_one(OptionList).highlighted)

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is None or not self.shown:
            self.notify("No template is chosen; type fewer words.", markup=False)
            return
        self.dismiss(self.choices.filled[self.shown[index].id])

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
