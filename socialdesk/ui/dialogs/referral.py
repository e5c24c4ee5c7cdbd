"""A referral to a partner agency, edited before it is written: each part in the agency's order
(what, where, when, who, source, grading), prefilled from the item, the author's name only when
the officer ticks it, the grade read as it is typed. Ctrl+S writes it (a draft that could not
be written is said in one sentence and the dialog stays open, nothing lost); Escape gives up.
Everything shown is plain text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from socialdesk.config import Agency
from socialdesk.core.desk.referrals import (
    GRADING_HINT,
    HEADINGS,
    ReferralDraft,
    check_draft,
    parse_grading,
)
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.confirm import close_unless_typed


@dataclass(frozen=True)
class ReferralRequest:
    """What the officer asked for: the agency, the parts as edited, .eml or .txt."""

    agency: str
    draft: ReferralDraft
    file_format: str = "eml"


class ReferralDialog(ModalScreen[ReferralRequest | None]):
    """The parts of one referral to one agency, in its order, editable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "give_up", "Cancel", id="referral.cancel"),
        Binding("ctrl+s", "write", "Write referral", id="referral.write", priority=True),
    ]
    DEFAULT_CSS = """
    ReferralDialog { align: center middle; }
    ReferralDialog > Vertical { width: 100; max-width: 100%; height: 42; max-height: 100%;
                                border: thick $accent; background: $surface; padding: 0 1; }
    ReferralDialog #referral-title { text-style: bold; width: 1fr; }
    ReferralDialog #referral-about { color: $text-muted; width: 1fr; }
    ReferralDialog #parts { height: 1fr; }
    ReferralDialog .heading { text-style: bold; }
    ReferralDialog #part-what { height: 5; }
    ReferralDialog #grade-meaning { height: auto; }
    ReferralDialog Checkbox { border: none; padding: 0; }
    ReferralDialog #referral-buttons { height: auto; align-horizontal: right; }
    ReferralDialog Button { margin-left: 1; }
    """

    def __init__(self, item_id: int, agency: Agency, plain: ReferralDraft,
                 named: ReferralDraft, author: str) -> None:
        super().__init__()
        self.item_id = item_id
        self.agency = agency
        #: the parts prefilled without the author's name, and with it
        self.plain = plain
        self.named = named
        self.author = author

    def compose(self) -> ComposeResult:
        """Title, the agency's details, each part in its order, the choices, the buttons."""
        agency = self.agency
        graded = f"graded {agency.grading}" if agency.grading != "none" else "not graded"
        with Vertical():
            yield Label(f"Refer #{self.item_id} to {agency.label}", id="referral-title",
                        markup=False)
            yield Label(f"{agency.email}{' · ' + agency.phone if agency.phone else ''} · "
                        f"{graded} · nothing is sent: you send the file it writes",
                        id="referral-about", markup=False)
            with VerticalScroll(id="parts"):
                for name in agency.fields:
                    yield Label(HEADINGS[name], classes="heading", markup=False)
                    if name == "what":
                        yield TextArea(self.plain.what, id="part-what", soft_wrap=True)
                    elif name == "grading":
                        yield Input(placeholder=GRADING_HINT.get(agency.grading, ""),
                                    id="part-grading")
                        yield Static(Text(""), id="grade-meaning")
                    else:
                        yield Input(self.plain.part(name), id=f"part-{name}",
                                    placeholder="(not given)")
                    if name == "who":
                        yield Checkbox(f"Name the author ({self.author or 'unknown'})",
                                       id="with-author", disabled=not self.author)
            yield Checkbox("Plain text (.txt) instead of an e-mail to send (.eml)",
                           id="as-text")
            with Horizontal(id="referral-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Write referral (Ctrl+S)", id="write", variant="primary")

    def on_mount(self) -> None:
        """Start on what it is about (an agency that grades: on the grade)."""
        focus = "#part-grading" if self.agency.grading != "none" else "#part-what"
        self.query_one(focus).focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Naming the author fills who and the source with the name (and takes it out again
        where the officer has not changed the words)."""
        if event.checkbox.id != "with-author":
            return
        before, after = (self.plain, self.named) if event.value else (self.named, self.plain)
        for name in ("who", "source"):
            if name not in self.agency.fields:
                continue
            line = self.query_one(f"#part-{name}", Input)
            if line.value == before.part(name):
                line.value = after.part(name)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Say what the typed grade means, or why it is not one."""
        if event.input.id == "part-grading":
            self.query_one("#grade-meaning", Static).update(self._meaning(event.value))

    def _meaning(self, typed: str) -> Text:
        if not typed.strip():
            return Text("")
        try:
            grade = parse_grading(self.agency, typed)
        except UserError as exc:
            return Text(str(exc), style="yellow")
        return Text(f"→ {grade.code}: {grade.meaning}" if grade else "", style="green")

    def draft(self) -> ReferralDraft:
        """The parts as they stand."""
        values = {"what": self.query_one("#part-what", TextArea).text
                  if "what" in self.agency.fields else ""}
        for name in ("where", "when", "who", "source", "grading"):
            values[name] = self.query_one(f"#part-{name}", Input).value \
                if name in self.agency.fields else ""
        return ReferralDraft(**values)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Write checks and writes the referral; any other button closes without writing."""
        if event.button.id == "write":
            self.action_write()
        else:
            self.action_give_up()

    def action_write(self) -> None:
        """Return the referral to write; a draft that could not be is refused, the dialog
        stays."""
        draft = self.draft()
        try:
            check_draft(self.agency, draft)
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        as_text = self.query_one("#as-text", Checkbox).value
        self.dismiss(ReferralRequest(self.agency.key, draft, "txt" if as_text else "eml"))

    def action_give_up(self) -> None:
        """Close without writing anything; parts the officer has changed ask first."""
        draft, fields = self.draft(), self.agency.fields
        typed = not any(all(draft.part(name) == base.part(name) for name in fields)
                        for base in (self.plain, self.named))
        close_unless_typed(self, typed, "what you wrote in this referral")
