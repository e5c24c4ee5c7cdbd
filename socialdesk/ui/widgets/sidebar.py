"""The filter sidebar: every filter choice with how many items it would show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from socialdesk.core.models import UNCLASSIFIED, FacetCounts, InboxFilter, urgent_key
from socialdesk.core.places import place_label

#: (dimension, value, label) in sidebar order; headings have dimension "".
CHOICES: list[tuple[str, object, str]] = [
    ("", None, "View"),
    ("view", "todo", "To do"), ("view", "snoozed", "Snoozed"),
    ("view", "mentioned", "Mentioned"), ("view", "answered", "Answered"),
    ("view", "closed", "Closed"), ("view", "all", "All"),
    ("", None, "Urgent"),
    ("urgent", True, "Urgent only"),
    ("", None, "Category"),
    ("category", "report", "Report"), ("category", "concern", "Concern"),
    ("category", "chat", "Chat"), ("category", UNCLASSIFIED, "Not classified"),
    ("", None, "Language"),
    ("language", "cy", "Cymraeg"), ("language", "en", "English"), ("language", "mixed", "Mixed"),
    ("", None, "Kind"),
    ("kind", "message", "Messages"), ("kind", "comment", "Comments"),
    ("", None, "Officer"),
    ("owner", "mine", "Mine"), ("owner", "unassigned", "Unassigned"),
]


def describe(chosen: InboxFilter) -> str:
    """The filters in force besides the default view, as people read them ("" when none):
    e.g. "Cymraeg · Urgent only · search “beic”"."""
    parts = [label for dimension, value, label in CHOICES
             if dimension and dimension != "view" and getattr(chosen, dimension) == value]
    if chosen.tag:
        parts.append(f"#{chosen.tag}")
    if chosen.place:
        parts.append(f"place {place_label(chosen.place)}")
    if chosen.view != "todo":
        parts.insert(0, next(label for d, v, label in CHOICES if d == "view" and
                             v == chosen.view))
    if chosen.past_sla:
        parts.insert(0, "Past SLA now")
    if chosen.search.strip():
        parts.append(f"search “{chosen.search.strip()}”")
    return " · ".join(parts)


def toggle(chosen: InboxFilter, dimension: str, value: object) -> InboxFilter:
    """The filter after clicking a choice: select it, or back to "any" if it was selected."""
    current = getattr(chosen, dimension)
    if dimension == "view":
        return replace(chosen, view=str(value))
    return replace(chosen, **{dimension: None if current == value else value})  # type: ignore[arg-type]


def _count_key(dimension: str, value: object) -> str:
    return urgent_key(value) if dimension == "urgent" else str(value)


class FilterSidebar(OptionList):
    """Filters with counts. Posts :class:`FilterSidebar.Changed` with the new filter."""

    DEFAULT_CSS = "FilterSidebar { width: 24; border-right: tall $primary; }"

    class Changed(Message):
        """The officer picked a different filter."""

        def __init__(self, chosen: InboxFilter) -> None:
            super().__init__()
            self.chosen = chosen

    def __init__(self, tags: Sequence[str] = (), **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.chosen = InboxFilter()
        self.counts: FacetCounts | None = None
        #: the configured tag names (the Tag section lists those in use, in this order)
        self.tags = tuple(tags)
        self.choices: list[tuple[str, object, str]] = list(CHOICES)

    def on_mount(self) -> None:
        """Draws the facet options once the sidebar is on screen."""
        self.redraw()

    def redraw(self) -> None:
        """Rebuild the option labels from the filter and counts."""
        highlighted = self.highlighted
        self.clear_options()
        self.choices = [*CHOICES, *self._tag_choices()]
        self.add_options([self._option(index, d, v, label)
                          for index, (d, v, label) in enumerate(self.choices)])
        if highlighted is not None:
            self.highlighted = highlighted

    def _tag_choices(self) -> list[tuple[str, object, str]]:
        """The Tag section: the tags some item in view carries (and the chosen one), so that
        two dozen unused tags do not push the other filters off the screen."""
        counts = self.counts.tag if self.counts else {}
        known = [*self.tags, *sorted(set(counts) - set(self.tags))]
        shown = [name for name in known if counts.get(name) or name == self.chosen.tag]
        if not shown:
            return []
        return [("", None, "Tag"), *(("tag", name, f"#{name}") for name in shown)]

    def _option(self, index: int, dimension: str, value: object, label: str) -> Option:
        if not dimension:
            return Option(Text(label.upper(), style="bold dim"), id=f"h{index}", disabled=True)
        selected = getattr(self.chosen, dimension) == value
        count = self.counts.get(dimension, _count_key(dimension, value)) if self.counts else None
        text = Text("● " if selected else "  ", style="bold green" if selected else "")
        text.append(label, style="bold" if selected else "")
        if count is not None:
            text.append(f" {count:,}", style="dim")
        if dimension == "urgent" and count:
            text.stylize("bold red")
        return Option(text, id=f"c{index}")

    def update_counts(self, chosen: InboxFilter, counts: FacetCounts) -> None:
        """Show new counts for the current filter."""
        self.chosen, self.counts = chosen, counts
        self.redraw()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Apply the picked choice."""
        event.stop()
        dimension, value, _label = self.choices[int(str(event.option.id)[1:])]
        self.chosen = toggle(self.chosen, dimension, value)
        self.redraw()
        self.post_message(self.Changed(self.chosen))
