"""Add or edit a reply-library template (supervisors): one language at a time, with the other
language's text beside it to keep the twins saying the same thing.

The placeholders are checked here before the dialog closes (an unknown ``{nme}``, or "yn
{place}" in Welsh, is one sentence and the text stays), so a save rarely fails afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from socialdesk.core.triage.reply_library import LANGUAGE_NAME, ReplyTemplate, check_template
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.confirm import close_unless_typed
from socialdesk.ui.format import plain_block


@dataclass(frozen=True)
class ReplyForm:
    """What the supervisor wrote."""

    key: str
    topic: str
    language: str
    title: str
    text: str
    public: bool


class ReplyFormDialog(ModalScreen[ReplyForm | None]):
    """Ctrl+S saves (a new version), Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="reply_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="reply_form.cancel"),
    ]
    DEFAULT_CSS = """
    ReplyFormDialog { align: center middle; }
    ReplyFormDialog > Vertical { width: 95%; max-width: 150; height: 95%; max-height: 44;
                                 border: thick $primary; background: $surface; padding: 0 1; }
    ReplyFormDialog #form-heading { text-style: bold; }
    ReplyFormDialog #form-hint { color: $text-muted; }
    ReplyFormDialog .row { height: auto; }
    ReplyFormDialog .row Input { width: 1fr; }
    ReplyFormDialog #form-texts { height: 1fr; }
    ReplyFormDialog #form-text { width: 1fr; height: 1fr; }
    ReplyFormDialog #form-twin-box { width: 1fr; height: 1fr; border-left: solid $panel;
                                     padding: 0 1; }
    ReplyFormDialog #form-buttons { height: auto; align-horizontal: right; }
    ReplyFormDialog Button { margin-left: 1; }
    """

    def __init__(self, topics: dict[str, dict[str, str]], template: ReplyTemplate | None = None,
                 twin: ReplyTemplate | None = None, language: str = "cy") -> None:
        super().__init__()
        self.topics = topics
        self.template = template
        self.twin = twin
        self.language = template.language if template else language

    def compose(self) -> ComposeResult:
        """Key and language (new only), topic, title, public, the text beside its twin."""
        t = self.template
        heading = (f"Edit #{t.id} {t.key} ({LANGUAGE_NAME[t.language]}), now version "
                   f"{t.version}: saving makes version {t.version + 1}" if t else
                   "New reply template")
        with Vertical():
            yield Label(heading, id="form-heading", markup=False)
            yield Label("Placeholders: {name} {place} {ref} {team} {officer}; in Welsh "
                        "{yn_place} {i_place} {o_place}… (ym Mangor, i Gaergybi)",
                        id="form-hint", markup=False)
            if t is None:
                with Horizontal(classes="row"):
                    yield Input(placeholder="key, e.g. scam-parcel (same key = twin in the "
                                "other language)", id="form-key")
                    yield Input(self.language, placeholder="language: cy or en",
                                id="form-language")
            with Horizontal(classes="row"):
                yield Input(t.topic if t else "", id="form-topic",
                            placeholder="topic: " + ", ".join(sorted(self.topics)))
                yield Checkbox("Fit for a public comment (asks for no details)",
                               t.public if t else False, id="form-public")
            yield Input(t.title if t else "", placeholder="title", id="form-title")
            with Horizontal(id="form-texts"):
                yield TextArea(t.text if t else "", id="form-text", soft_wrap=True)
                if self.twin is not None:
                    with VerticalScroll(id="form-twin-box"):
                        yield Static(self._twin_text(), id="form-twin")
            with Horizontal(id="form-buttons"):
                yield Button("Cancel (Esc)", id="form-cancel")
                yield Button("Save (Ctrl+S)", id="form-save", variant="primary")

    def _twin_text(self) -> Text:
        twin = self.twin
        assert twin is not None
        out = Text()
        out.append(f"{LANGUAGE_NAME[twin.language]} twin #{twin.id} (v{twin.version})\n",
                   style="bold")
        out.append(f"{twin.title}\n\n", style="italic")
        out.append(plain_block(twin.text))
        return out

    def on_mount(self) -> None:
        """Start in the first field."""
        self.query_one("#form-key" if self.template is None else "#form-text").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save checks and returns the template; any other button closes without saving."""
        if event.button.id == "form-save":
            self.action_save()
        else:
            self.action_cancel()

    def _form(self) -> ReplyForm:
        t = self.template
        key = t.key if t else self.query_one("#form-key", Input).value.strip()
        language = t.language if t else \
            self.query_one("#form-language", Input).value.strip().lower()
        return ReplyForm(key, self.query_one("#form-topic", Input).value.strip(), language,
                         self.query_one("#form-title", Input).value.strip(),
                         self.query_one("#form-text", TextArea).text.strip(),
                         self.query_one("#form-public", Checkbox).value)

    def action_save(self) -> None:
        """Check the template (one sentence and the dialog stays open if wrong); return it."""
        form = self._form()
        try:
            check_template(form.key, form.topic, form.language, form.title, form.text,
                           self.topics, "This template")
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False, timeout=8)
            return
        self.dismiss(form)

    def action_cancel(self) -> None:
        """Close without saving; a form with something typed in asks first."""
        t, form = self.template, self._form()
        before = ((t.key, t.topic, t.language, t.title, t.text.strip(), t.public) if t else
                  ("", "", self.language, "", "", False))
        typed = (form.key, form.topic, form.language, form.title, form.text,
                 form.public) != before
        close_unless_typed(self, typed, "this template's changes" if t else "this template")
