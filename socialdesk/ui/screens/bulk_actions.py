"""Tags and bulk actions in the inbox: mark rows (space, or visual mode with v; escape
clears), then close (d), assign (a) or tag (#) applies to all of them, and x marks them as
duplicates of the item under the cursor. Every bulk action is one transaction and one undo
(z reverses the whole batch while none of its items changed since).

A mixin of :class:`~socialdesk.ui.screens.inbox.InboxScreen` on top of
:class:`~socialdesk.ui.screens.item_actions.ItemActions` (the one-item actions, which run
when nothing is marked)."""

from __future__ import annotations

from typing import Any

from textual import on

from socialdesk.core.models import ANSWERED, CLOSE_REASONS, NOTE_REQUIRED
from socialdesk.core.triage.tags import ids_text
from socialdesk.ui.dialogs.ask import AskDialog
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.dialogs.confirm import ConfirmDialog
from socialdesk.ui.dialogs.tag_picker import TagDialog
from socialdesk.ui.screens.item_actions import ItemActions
from socialdesk.ui.widgets.inbox_table import InboxTable


class BulkActions(ItemActions):
    """Marking rows and acting on all of them; tagging."""

    def marked_ids(self) -> list[int]:
        """The rows marked for a bulk action, in list order."""
        return self.query_one(InboxTable).marked_ids

    def note_selection(self) -> None:
        """The header says how many rows are marked (and when visual mode is on)."""
        raise NotImplementedError

    @on(InboxTable.Marked)
    def marks_changed(self, _message: InboxTable.Marked) -> None:
        """Say how many rows are marked."""
        self.note_selection()

    def action_select(self) -> None:
        """Mark or unmark the row under the cursor."""
        self.query_one(InboxTable).toggle_mark()

    def action_visual(self) -> None:
        """Visual mode on or off: the marked rows follow the cursor from where it started."""
        self.query_one(InboxTable).toggle_visual()

    def unmark_all(self) -> bool:
        """Unmark every row; False when none was marked."""
        return self.query_one(InboxTable).clear_marks()

    # ── bulk versions of the one-item actions ────────────────────────────────────────────

    def action_close(self) -> None:
        """Close the marked rows with one reason (or the selected item when none is marked)."""
        ids = self.marked_ids()
        if not ids:
            super().action_close()
            return
        count = f"{len(ids)} items"

        def close(reason: str, note: str = "") -> None:
            self.act(f"Closed {ids_text(ids)} ({reason}).",
                     lambda: self.desk.close_items(ids, reason, note))

        def chosen(reason: str | None) -> None:
            if reason in NOTE_REQUIRED:
                self.app.push_screen(AskDialog(
                    f"Closing {count}: how were they answered?",
                    "e.g. rang them back; spoke to them at the station",
                    "Say how they were answered (a phone call, in person…)."),
                    lambda note: close(reason, note) if note else None)
            elif reason:
                close(reason)
        reasons = [(r, r if r != ANSWERED else f"{r} (skips items nothing answered)")
                   for r in CLOSE_REASONS]
        self.app.push_screen(ChoiceDialog(f"Close {count} ({ids_text(ids)}): why?", reasons),
                             chosen)

    def action_assign(self) -> None:
        """Give the marked rows to an officer (supervisors)."""
        ids = self.marked_ids()
        if not ids:
            super().action_assign()
            return
        def chosen(officer: str) -> None:
            self.act(f"{ids_text(ids)} assigned to {officer}.",
                     lambda: self.desk.assign_items(ids, officer))
        self.pick_officer(f"Assign {len(ids)} items to", chosen)

    # ── tags ─────────────────────────────────────────────────────────────────────────────

    def action_tag(self) -> None:
        """Tag the marked rows, or the selected item (picking a tag it has takes it off)."""
        ids = self.marked_ids()
        known = self.desk.config.tags.tags
        if ids:
            texts = [str((self.query_one(InboxTable).row(i) or {}).get("text") or "")
                     for i in ids[:200]]
            suggested = self.desk.suggest_tags(texts)

            def chosen_many(tag: str | None) -> None:
                if tag:
                    self.act(f"Tagged {ids_text(ids)} #{tag}.",
                             lambda: self.desk.tag(ids, [tag]))
            self.app.push_screen(TagDialog(f"Tag {len(ids)} items ({ids_text(ids)})", known,
                                           suggested), chosen_many)
            return
        if not (item := self.selected):
            return
        present: list[str] = list(item.get("tags") or [])
        item_id = item["id"]

        def chosen(tag: str | None) -> None:
            if not tag:
                return
            if tag in present:
                self.act(f"#{tag} taken off #{item_id}.",
                         lambda: self.desk.untag([item_id], [tag]))
            else:
                self.act(f"Tagged #{item_id} #{tag}.", lambda: self.desk.tag([item_id], [tag]))
        self.app.push_screen(TagDialog(f"Tag #{item_id}", known,
                                       _suggested(item), present), chosen)

    # ── duplicates ───────────────────────────────────────────────────────────────────────

    def action_merge(self) -> None:
        """Mark the marked rows as duplicates of the item under the cursor (asks first)."""
        table = self.query_one(InboxTable)
        primary = table.selected_id
        duplicates = [i for i in self.marked_ids() if i != primary]
        if primary is None or not duplicates:
            self.notify("Mark the duplicates first (space, or v), then put the cursor on the "
                        "item they duplicate and press "
                        f"{self.desk.config.keys['merge']}.", markup=False)
            return

        def chosen(yes: bool | None) -> None:
            if yes:
                self.act(f"Merged {ids_text(duplicates)} into #{primary}.",
                         lambda: self.desk.merge(primary, duplicates))
        # an urgent duplicate leaves To do and the urgent count: say so before, by number
        rows = {i: table.row(i) or {} for i in duplicates}
        urgent = [i for i, row in rows.items()
                  if row.get("urgent") and row.get("status") in ("new", "claimed")]
        warning = (f" URGENT: {ids_text(urgent)} will leave To do and the urgent count."
                   if urgent else "")
        self.app.push_screen(ConfirmDialog(
            f"Mark {len(duplicates)} item{'s' if len(duplicates) != 1 else ''} "
            f"({ids_text(duplicates)}) as duplicates of #{primary}? "
            f"{'They are' if len(duplicates) != 1 else 'It is'} closed as \"duplicate\" and "
            f"#{primary}'s history lists them (z undoes it).{warning}", yes="Merge"), chosen)


def _suggested(item: dict[str, Any]) -> list[str]:
    """The tags the detail pane suggested for an item (none before its detail loaded)."""
    return [str(tag) for tag in item.get("suggested_tags") or []]
