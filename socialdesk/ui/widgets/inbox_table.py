"""The inbox: a virtual table over any number of items (line API, never a widget per row).

The table holds only the ordered item ids. Rows are fetched by id for the lines about to be
drawn (one indexed query for a screenful) and cached until the next reload. The selection
follows the item, not the position, when new items arrive or others change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from socialdesk.core.media import attachments_from_json, row_text
from socialdesk.ui.format import MARKER_GLYPH, age, local_time, one_line, sla_left

Row = dict[str, object]
RowFetcher = Callable[[list[int]], dict[int, Row]]


@dataclass(frozen=True)
class Column:
    """One inbox column: key, title, width (0 = takes the rest), and keep-priority."""

    key: str
    title: str
    width: int
    priority: int


COLUMNS = (
    Column("flag", "", 2, 100),
    Column("received", "Received", 9, 90),
    Column("age", "Age", 5, 60),
    Column("kind", "Kind", 4, 30),
    Column("category", "Category", 8, 95),
    Column("language", "Lang", 4, 70),
    Column("author", "From", 14, 75),
    Column("text", "Message", 0, 99),
    Column("status", "Status", 8, 55),
    Column("assignee", "Officer", 10, 40),
    Column("sla", "SLA left", 8, 85),
)
MIN_TEXT = 20
GAP = 1

URGENT_ROW = Style(bgcolor="#5f0000", color="white", bold=True)
CLOSED_ROW = Style(dim=True)
CATEGORY_STYLE = {"report": "bold cyan", "concern": "bold magenta", "chat": "green"}
MARKED_ROW = Style(bgcolor="#1f3f5f")
#: a marked urgent row must look marked too (bulk actions skip it, but the officer should see)
MARKED_URGENT_ROW = Style(bgcolor="#6f1f5f", color="white", bold=True, underline=True)
MARK = "▌"
KIND_LABEL = {"comment": "cmt", "message": "msg"}
LANGUAGE_LABEL = {"en": "en", "cy": "cy", "mixed": "mix"}


def layout(width: int) -> list[tuple[Column, int]]:
    """The columns that fit a width, with their widths (the message column takes the rest)."""
    chosen = list(COLUMNS)
    while True:
        fixed = sum(c.width + GAP for c in chosen if c.width)
        if width - fixed >= MIN_TEXT or len(chosen) <= 3:
            break
        chosen.remove(min((c for c in chosen if c.width), key=lambda c: c.priority))
    rest = max(MIN_TEXT, width - fixed)
    return [(c, c.width or rest) for c in chosen]


def author_cell(row: Row, width: int) -> str:
    """The author's name fitted to ``width`` with the person's safeguarding marker glyph in
    front and the number of their earlier contacts after it ("◆Glenys Ow…·4")."""
    name = one_line(str(row.get("author_name") or ""), "(unknown)")
    prefix = MARKER_GLYPH if row.get("marked") else ""
    earlier = int(str(row.get("earlier") or 0))
    suffix = f"·{earlier}" if earlier else ""
    room = max(width - len(prefix) - len(suffix), 1)
    if len(name) > room:
        name = name[: room - 1] + "…"
    return (prefix + name + suffix).ljust(width)


class InboxHeader(Widget):
    """The column titles, laid out like the table below."""

    DEFAULT_CSS = "InboxHeader { height: 1; background: $panel; text-style: bold; }"

    def render(self) -> Text:
        """Titles padded to the column widths."""
        line = Text(no_wrap=True, overflow="crop")
        for column, width in layout(self.size.width):
            line.append(column.title.ljust(width)[:width] + " " * GAP)
        return line


class InboxTable(ScrollView, can_focus=True):
    """The virtual inbox table. Posts :class:`InboxTable.Selected` when the cursor moves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="inbox.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="inbox.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="inbox.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="inbox.page_down"),
        Binding("home", "jump(0)", "First", show=False, id="inbox.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="inbox.last"),
    ]
    DEFAULT_CSS = "InboxTable { height: 1fr; overflow-x: hidden; scrollbar-gutter: stable; }"

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Selected(Message):
        """The cursor moved to an item (or to none)."""

        def __init__(self, item_id: int | None) -> None:
            super().__init__()
            self.item_id = item_id

    def __init__(self, fetch_rows: RowFetcher, zone: ZoneInfo, clock: Callable[[], datetime],
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.fetch_rows = fetch_rows
        self.zone = zone
        self.clock = clock
        self.ids: list[int] = []
        #: the rows marked for a bulk action (space, or visual mode), by item id
        self.marked: set[int] = set()
        #: visual mode: the row it started on, and what was marked before it started
        self._visual: tuple[int, frozenset[int]] | None = None
        self._rows: dict[int, Row] = {}
        self._row_console = Console(width=400, color_system="truecolor", legacy_windows=False)

    # ── data ─────────────────────────────────────────────────────────────────────────────

    @property
    def selected_id(self) -> int | None:
        """The item under the cursor."""
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def set_ids(self, ids: list[int]) -> None:
        """Show a new ordered list of items, keeping the selected item (and its screen row).

        A list seen from its top stays at its top while the selected item still fits on the
        screen: urgent items arriving above are pinned there to be seen, not scrolled away.
        """
        keep, screen_row = self.selected_id, self.cursor - int(self.scroll_offset.y)
        at_top = int(self.scroll_offset.y) == 0
        self.ids = ids
        if self.marked:           # a mark never acts on an item out of sight
            self.marked &= set(ids)   # (a set of every id: only when something is marked)
        self._rows.clear()
        self.virtual_size = Size(self.size.width, len(ids))
        if keep is not None and keep in ids:
            index = ids.index(keep)
        else:
            index = min(self.cursor, len(ids) - 1)
        index = max(index, 0)
        if at_top and index < max(self.scrollable_content_region.height, 1):
            screen_row = index
        if ids:
            self.scroll_to(y=max(0, index - max(screen_row, 0)), animate=False, immediate=True)
        self.set_cursor(index, announce=keep != self.selected_id or keep is None)
        self.refresh()

    # ── marking rows for a bulk action ───────────────────────────────────────────────────

    class Marked(Message):
        """The set of marked rows changed."""

        def __init__(self, count: int, visual: bool) -> None:
            super().__init__()
            self.count, self.visual = count, visual

    @property
    def visual(self) -> bool:
        """Whether visual mode is on (the marked rows follow the cursor)."""
        return self._visual is not None

    @property
    def marked_ids(self) -> list[int]:
        """The marked items still in the list, in list order."""
        return [item_id for item_id in self.ids if item_id in self.marked]

    def toggle_mark(self) -> None:
        """Mark or unmark the row under the cursor (ends visual mode, keeping its marks)."""
        item_id = self.selected_id
        if item_id is None:
            return
        self._visual = None
        self.marked ^= {item_id}
        self._marks_changed()

    def toggle_visual(self) -> None:
        """Start visual mode at the cursor (the marks then follow it), or stop it."""
        if self._visual is not None or self.selected_id is None:
            self._visual = None
        else:
            self._visual = (self.selected_id, frozenset(self.marked))
            self._follow_cursor()
        self._marks_changed()

    def clear_marks(self) -> bool:
        """Unmark everything and leave visual mode; False when nothing was marked."""
        had = bool(self.marked) or self._visual is not None
        self.marked.clear()
        self._visual = None
        if had:
            self._marks_changed()
        return had

    def _follow_cursor(self) -> None:
        if self._visual is None or self.selected_id is None:
            return
        anchor, before = self._visual
        start = self.ids.index(anchor) if anchor in self.ids else self.cursor
        low, high = sorted((start, self.cursor))
        self.marked = set(before) | set(self.ids[low:high + 1])

    def _marks_changed(self) -> None:
        self.refresh()
        self.post_message(self.Marked(len(self.marked), self.visual))

    def row(self, item_id: int) -> Row | None:
        """The cached row of an item, fetching the visible window when it is missing."""
        if item_id not in self._rows:
            top = int(self.scroll_offset.y)
            window = self.ids[max(0, top - 10): top + self.size.height + 10]
            wanted = [i for i in window if i not in self._rows] or [item_id]
            if item_id not in wanted:
                wanted.append(item_id)
            self._rows.update(self.fetch_rows(wanted))
        return self._rows.get(item_id)

    # ── cursor ───────────────────────────────────────────────────────────────────────────

    def set_cursor(self, index: int, announce: bool = True) -> None:
        """Move the cursor, scroll it into view and tell the screen."""
        index = max(0, min(index, len(self.ids) - 1))
        moved = index != self.cursor
        self.cursor = index
        if self._visual is not None and moved:
            self._follow_cursor()
            self.post_message(self.Marked(len(self.marked), True))
        top = int(self.scroll_offset.y)
        height = max(self.scrollable_content_region.height, 1)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
        self.refresh()
        if announce:
            self.post_message(self.Selected(self.selected_id))

    def action_cursor(self, step: int) -> None:
        """Moves the cursor ``step`` rows (kept within the table)."""
        self.set_cursor(self.cursor + step)

    def action_page(self, direction: int) -> None:
        """Moves the cursor one screenful in ``direction`` (kept within the table)."""
        self.set_cursor(self.cursor + direction * max(self.scrollable_content_region.height - 1,
                                                      1))

    def action_jump(self, index: int) -> None:
        """Go to the first (0) or last (-1) row."""
        self.set_cursor(len(self.ids) - 1 if index < 0 else index)

    def on_click(self, event: object) -> None:
        """Select the clicked row."""
        offset = getattr(event, "y", None)
        if offset is not None:
            self.set_cursor(int(self.scroll_offset.y) + int(offset))

    def on_resize(self) -> None:
        """Keep the virtual size's width in step with the widget."""
        self.virtual_size = Size(self.size.width, len(self.ids))

    # ── drawing ──────────────────────────────────────────────────────────────────────────

    def render_line(self, y: int) -> Strip:
        """One table line: the row at this screen line, or blank."""
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.ids):
            if index == 0 and y == 0:
                return self._strip(Text("  Nothing here: no items match this view.",
                                        style="dim italic"), width)
            return Strip.blank(width, self.rich_style)
        row = self.row(self.ids[index])
        if row is None:
            return Strip.blank(width, self.rich_style)
        line = self.format_row(row, width)
        if index == self.cursor:
            line.stylize("reverse" if self.has_focus else "underline")
        return self._strip(line, width)

    def _strip(self, text: Text, width: int) -> Strip:
        text.truncate(width, pad=True)
        segments = list(text.render(self._row_console))
        return Strip(Segment.apply_style(segments, self.rich_style), width)

    def format_row(self, row: Row, width: int) -> Text:
        """A row as styled text (user text literally, never markup)."""
        now = self.clock()
        open_urgent = bool(row.get("urgent")) and row.get("status") in ("new", "claimed")
        cells = self._cells(row, now)
        marked = row.get("id") in self.marked
        line = Text(no_wrap=True, overflow="crop",
                    style=(MARKED_URGENT_ROW if marked else URGENT_ROW) if open_urgent else
                    MARKED_ROW if marked else
                    (CLOSED_ROW if row.get("status") == "closed" else ""))
        for column, column_width in layout(width):
            value, style = cells[column.key]
            if column.key == "author" and (row.get("marked") or row.get("earlier")):
                value = author_cell(row, column_width)
            value = value[:column_width].ljust(column_width)
            line.append(value, style=None if open_urgent and column.key != "sla" else style)
            line.append(" " * GAP)
        return line

    def _cells(self, row: Row, now: datetime) -> dict[str, tuple[str, str]]:
        category = str(row.get("category") or "")
        # the text with a marker per photo, sticker, link or file ("[photo] look at this");
        # rows synced before attachments were read still say what an empty text usually is
        text = row_text(str(row.get("text") or ""),
                        attachments_from_json(row.get("attachments")),
                        "(no text: sticker or photo)")
        if row.get("deleted_at"):
            text = f"[deleted on page] {text}"
        if row.get("purged_at"):
            text = "(purged)"
        if row.get("tags"):
            text = " ".join(f"#{tag}" for tag in str(row["tags"]).split()) + " · " + text
        return {
            # the flag column: ‼ for urgent, then the mark of a row selected for a bulk action
            "flag": (("‼" if row.get("urgent") else " ") + (MARK if row.get("id") in self.marked
                                                            else ""),
                     "bold red" if row.get("urgent") else "bold yellow"),
            "received": (local_time(str(row["created_at"]), self.zone, now), ""),
            "age": (age(str(row["created_at"]), now), "dim"),
            "kind": (KIND_LABEL.get(str(row.get("kind")), "?"), "dim"),
            "category": (category or "…", CATEGORY_STYLE.get(category, "dim italic")),
            "language": (LANGUAGE_LABEL.get(str(row.get("language") or ""), ""), ""),
            "author": (one_line(str(row.get("author_name") or ""), "(unknown)"),
                       "bold magenta" if row.get("marked") else ""),
            "text": (text, ""),
            "status": (str(row.get("status") or ""), ""),
            "assignee": (str(row.get("assignee") or ""), "italic"),
            "sla": sla_left(row, now),
        }
