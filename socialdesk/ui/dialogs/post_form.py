"""Write or edit a safety post: template placeholders, when it goes out (with a live preview of
the next occurrences and clock-change notes), and the Welsh and English texts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from socialdesk.core.desk.safety_posts import SafetyPostDesk
from socialdesk.core.schedule.templates import PostTemplate, fill
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.confirm import close_unless_typed

#: Placeholders that may have their own Welsh value.
WELSH_VARIANTS = ("place", "event")


@dataclass(frozen=True)
class PostForm:
    """What the person wrote."""

    title: str
    when: str
    cy: str
    en: str
    template: str | None


class PostFormDialog(ModalScreen[PostForm | None]):
    """Ctrl+S saves (as a draft), Escape cancels. Texts follow the placeholders until edited."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save draft", id="post_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="post_form.cancel"),
    ]
    DEFAULT_CSS = """
    PostFormDialog { align: center middle; }
    PostFormDialog > Vertical { width: 95%; max-width: 130; height: 95%;
                                border: thick $primary; background: $surface; padding: 0 1; }
    PostFormDialog VerticalScroll { height: 1fr; }
    PostFormDialog .field { height: auto; }
    PostFormDialog Input { margin-bottom: 0; }
    PostFormDialog #preview { height: auto; min-height: 2; color: $text-muted; padding: 0 1; }
    PostFormDialog TextArea { height: 8; }
    PostFormDialog #buttons { height: auto; align-horizontal: right; }
    PostFormDialog Button { margin-left: 1; }
    """

    def __init__(self, posts: SafetyPostDesk, heading: str, template: PostTemplate | None = None,
                 *, title: str = "", when: str = "", cy: str = "", en: str = "") -> None:
        super().__init__()
        self.posts = posts
        self.heading = heading
        self.template = template
        self.initial = {"title": title or (template.title if template else ""),
                        "when": when, "cy": cy or (template.cy if template else ""),
                        "en": en or (template.en if template else "")}
        self._edited = {"cy": bool(cy), "en": bool(en)}
        self._filling = False

    def _fields(self) -> list[tuple[str, str]]:
        """(input id, label) of the placeholders to fill."""
        if self.template is None:
            return []
        fields = []
        for name in self.template.placeholders:
            fields.append((name, f"{{{name}}}"))
            if name in WELSH_VARIANTS:
                fields.append((f"{name}_cy", f"{{{name}}} in Welsh, if different"))
        return fields

    def compose(self) -> ComposeResult:
        """Heading, placeholders, timing + preview, title, Welsh and English texts."""
        with Vertical():
            yield Label(self.heading, markup=False)
            with VerticalScroll():
                for field_id, label in self._fields():
                    yield Input(placeholder=label, id=f"ph-{field_id}", classes="field")
                yield Input(self.initial["when"], id="when", classes="field",
                            placeholder="When: 2026-12-04 17:00, or every friday 17:00, "
                                        "monthly first monday 09:00")
                yield Static("", id="preview")
                yield Input(self.initial["title"], id="title", placeholder="Title",
                            classes="field")
                yield Label("Cymraeg (goes first)")
                yield TextArea(self.initial["cy"], id="cy", soft_wrap=True)
                yield Label("English")
                yield TextArea(self.initial["en"], id="en", soft_wrap=True)
            with Horizontal(id="buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Save draft (Ctrl+S)", id="save", variant="primary")

    def on_mount(self) -> None:
        """Focus the first field; show the preview."""
        self.query(Input).first().focus()
        self._preview(self.initial["when"])

    @on(Input.Changed, "#when")
    def when_changed(self, event: Input.Changed) -> None:
        """Preview the next occurrences as the timing is typed."""
        self._preview(event.value)

    def _preview(self, when: str) -> None:
        box = self.query_one("#preview", Static)
        if not when.strip():
            box.update(Text("Say when it goes out (team time zone "
                            f"{self.posts.zone}).", style="italic"))
            return
        try:
            timing = self.posts.timing(when)
        except UserError as exc:
            box.update(Text(str(exc), style="yellow"))
            return
        lines = Text()
        for occurrence in self.posts.preview(timing, 4):
            lines.append(f"→ {occurrence.describe()}\n",
                         style="bold yellow" if occurrence.note else "")
        box.update(lines)

    @on(Input.Changed, ".field")
    def placeholder_changed(self, event: Input.Changed) -> None:
        """Refill the texts the person has not edited by hand."""
        if self.template is None or not (event.input.id or "").startswith("ph-"):
            return
        values = {(i.id or "")[3:]: i.value for i in self.query(Input)
                  if (i.id or "").startswith("ph-")}
        filled = fill_partial(self.template, values, self.posts.context.config.team.name)
        self._filling = True
        for language in ("cy", "en"):
            if not self._edited[language]:
                self.query_one(f"#{language}", TextArea).text = filled[language]
        self._filling = False

    @on(TextArea.Changed)
    def text_edited(self, event: TextArea.Changed) -> None:
        """Remember that a text was written by hand (placeholders stop overwriting it)."""
        if not self._filling and event.text_area.id in self._edited and \
                event.text_area.has_focus:
            self._edited[event.text_area.id] = True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save checks and returns the post; any other button closes without saving."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def _form(self) -> PostForm:
        return PostForm(
            title=self.query_one("#title", Input).value.strip(),
            when=self.query_one("#when", Input).value.strip(),
            cy=self.query_one("#cy", TextArea).text, en=self.query_one("#en", TextArea).text,
            template=self.template.name if self.template else None)

    def action_save(self) -> None:
        """Return the form; a timing or texts that cannot be saved are said in one sentence
        and the form stays open with everything typed kept."""
        form = self._form()
        try:
            if not form.when:
                raise UserError("Say when it goes out: 2026-12-04 17:00, or every friday "
                                "17:00.")
            if form.when != self.initial["when"]:  # an unchanged timing is kept as it is
                self.posts.timing(form.when)
            self.posts.check_form(form.cy, form.en)
        except UserError as exc:
            self.notify(str(exc), severity="warning", timeout=8, markup=False)
            return
        self.dismiss(form)

    def _changed(self) -> bool:
        form = self._form()
        typed = any(i.value for i in self.query(Input) if (i.id or "").startswith("ph-"))
        return typed or (form.when, form.cy, form.en) != (
            self.initial["when"], self.initial["cy"], self.initial["en"])

    def action_cancel(self) -> None:
        """Close without saving; a form with something typed in asks first."""
        close_unless_typed(self, self._changed(), "what you typed in this post")


def fill_partial(template: PostTemplate, values: dict[str, str], team: str) -> dict[str, str]:
    """The texts with what is filled so far; empty placeholders stay as ``{name}``."""
    complete = {name: values.get(name) or f"{{{name}}}" for name in template.placeholders}
    complete.update({k: v for k, v in values.items() if k.endswith("_cy") and v})
    return fill(template, complete, team)
