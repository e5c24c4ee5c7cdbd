"""Write an answer: the template draft in the item's language, editable, sent to the outbox.

Ctrl+T opens the reply library (:mod:`socialdesk.ui.dialogs.reply_picker`): the chosen template,
filled in for this item, replaces the untouched draft or goes in at the cursor. An answer still
holding a gap such as "[ref]" or "[lle]" is not sent until the officer fills it in.

In a Messenger thread the dialog lists the person's other open messages: the officer ticks
the ones this answer also covers (none by default — nothing leaves To do by itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList, Static, TextArea
from textual.worker import Worker

from socialdesk.core.media import attachments_from_json, row_text
from socialdesk.core.triage.reply_library import ReplyChoices, gaps_left
from socialdesk.ui.dialogs.confirm import close_unless_typed
from socialdesk.ui.dialogs.reply_picker import ReplyPicker
from socialdesk.ui.format import one_line


@dataclass(frozen=True)
class Answer:
    """What the officer decided to send, which other items of the thread it covers, and
    whether to close the item at once."""

    action: str
    text: str
    covers: list[int] = field(default_factory=list)
    close: bool = False


def _choice(item: dict[str, Any]) -> Text:
    line = Text()
    if item.get("urgent"):
        line.append("‼ URGENT ", style="bold red")
    line.append(f"#{item['id']} ")
    line.append(row_text(item.get("text"), attachments_from_json(item.get("attachments")))[:70])
    return line


class ComposerDialog(ModalScreen[Answer | None]):
    """Edit the draft; Ctrl+T picks from the reply library, Ctrl+S queues it, Ctrl+D queues
    it and closes the item, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Queue to send", id="composer.send", priority=True),
        Binding("ctrl+d", "send_and_close", "Send and close", id="composer.send_close",
                priority=True),
        Binding("ctrl+t", "templates", "Reply library", id="composer.templates",
                priority=True),
        Binding("escape", "cancel", "Cancel", id="composer.cancel"),
    ]
    DEFAULT_CSS = """
    ComposerDialog { align: center middle; }
    ComposerDialog > Vertical { width: 90%; max-width: 110; height: 90%; max-height: 30;
                                border: thick $primary; background: $surface; padding: 0 1; }
    ComposerDialog #quote { height: auto; max-height: 5; color: $text-muted; }
    ComposerDialog TextArea { height: 1fr; }
    ComposerDialog.-covers > Vertical { max-height: 38; }
    ComposerDialog #covers-label { margin-top: 1; }
    ComposerDialog SelectionList { height: auto; max-height: 6; }
    ComposerDialog Horizontal { height: auto; align-horizontal: right; }
    ComposerDialog Button { margin-left: 1; }
    ComposerDialog.-narrow #templates { display: none; }
    """

    def __init__(self, action: str, title: str, quote: str, draft: str,
                 others: list[dict[str, Any]] | None = None,
                 library: Callable[[], ReplyChoices] | None = None) -> None:
        super().__init__()
        #: reads the reply library's choices for this item (on a worker thread)
        self.library = library
        self.action_name = action
        self.title_text = title
        self.quote = quote
        self.draft = draft
        self.others = others or []

    def compose(self) -> ComposeResult:
        """Title, the message answered, the editable draft, the thread's other open items,
        buttons."""
        with Vertical():
            hint = "  ·  Ctrl+T: reply library" if self.library is not None else ""
            yield Label(self.title_text + hint, markup=False)
            yield Static(Text(one_line(self.quote)[:400], style="italic"), id="quote")
            yield TextArea(self.draft, id="answer-text", soft_wrap=True)
            if self.others:
                yield Label("This answer also covers (Space ticks; untick to leave in To do):",
                            id="covers-label")
                yield SelectionList[int](*[(_choice(o), int(o["id"])) for o in self.others],
                                         id="covers")
            with Horizontal():
                if self.library is not None:
                    yield Button("Reply library (Ctrl+T)", id="templates")
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Send and close (Ctrl+D)", id="send-close")
                yield Button("Queue to send (Ctrl+S)", id="send", variant="primary")

    def on_mount(self) -> None:
        """Start typing in the draft."""
        self.set_class(bool(self.others), "-covers")
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Send, send and close, or cancel."""
        if event.button.id == "send":
            self.action_send()
        elif event.button.id == "send-close":
            self.action_send_and_close()
        elif event.button.id == "templates":
            self.action_templates()
        else:
            self.action_cancel()

    def _answer(self, close: bool) -> Answer:
        covers = (list(self.query_one("#covers", SelectionList).selected)
                  if self.others else [])
        return Answer(self.action_name, self.query_one(TextArea).text, covers, close)

    def _ready(self) -> bool:
        """Whether the text may go: not empty, no gap left (the dialog stays open if not)."""
        text = self.query_one(TextArea).text
        if not text.strip():
            self.notify("The answer is empty; write something first.", severity="warning",
                        markup=False)
            return False
        if gaps := gaps_left(text):
            self.notify(f"Fill in {' and '.join(gaps)} first (or delete it): the answer "
                        "still has a gap.", severity="warning", markup=False)
            return False
        return True

    def action_send(self) -> None:
        """Return the edited text; an empty one or one with a gap is refused here, the
        dialog stays open."""
        if self._ready():
            self.dismiss(self._answer(close=False))

    def action_send_and_close(self) -> None:
        """Like send, and close the item as answered once it is queued."""
        if self._ready():
            self.dismiss(self._answer(close=True))

    def action_templates(self) -> None:
        """Open the reply library's picker for this item."""
        if self.library is None:
            self.notify("The reply library is not available here.", markup=False)
            return
        self._load_library()

    @work(thread=True, exclusive=True, group="reply_library", exit_on_error=False)
    def _load_library(self) -> None:
        """Worker: read and fill the templates (the first use seeds the library)."""
        assert self.library is not None
        choices = self.library()
        self.app.call_from_thread(self._pick, choices)

    def _pick(self, choices: ReplyChoices) -> None:
        self.app.push_screen(ReplyPicker(choices), self._insert)

    def _insert(self, text: str | None) -> None:
        """The chosen template replaces the untouched draft, else goes in at the cursor."""
        if not text:
            return
        area = self.query_one(TextArea)
        if area.text.strip() in ("", self.draft.strip()):
            area.load_text(text)
            area.move_cursor(area.document.end)
        else:
            area.insert(text)
        area.focus()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """Hand a failed library read to the app's notification hub."""
        hub = getattr(self.app, "worker_failed", None)
        if hub is not None:
            hub(event)

    def action_cancel(self) -> None:
        """Close without sending; an answer the officer has written in asks first."""
        typed = self.query_one(TextArea).text.strip() not in ("", self.draft.strip())
        close_unless_typed(self, typed, "this answer")
