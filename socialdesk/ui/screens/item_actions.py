"""The officer's actions on the selected item (claim, answer, close, reclassify, assign,
hide, undo): the half of the inbox screen that acts, as a mixin of
:class:`~socialdesk.ui.screens.inbox.InboxScreen` (which holds the table, the detail pane and
the desk these use)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work

from socialdesk.core.desk import Desk
from socialdesk.core.desk.referrals import reference
from socialdesk.core.media import attachments_from_json, row_text
from socialdesk.core.models import ANSWERED, CLOSE_REASONS, NOTE_REQUIRED, to_iso, utc_now
from socialdesk.core.outbox.sender import Action
from socialdesk.core.triage.actions import Undo
from socialdesk.core.triage.reply_library import ReplyChoices
from socialdesk.core.triage.tags import BatchUndo
from socialdesk.core.triage.when import show_when
from socialdesk.errors import UserError
from socialdesk.ui.dialogs.ask import AskDialog
from socialdesk.ui.dialogs.choice import ChoiceDialog
from socialdesk.ui.dialogs.composer import Answer, ComposerDialog
from socialdesk.ui.dialogs.confirm import ConfirmDialog
from socialdesk.ui.dialogs.referral import ReferralDialog, ReferralRequest
from socialdesk.ui.dialogs.snooze import WAKE, SnoozeChoice, SnoozeDialog
from socialdesk.ui.format import one_line
from socialdesk.ui.messages import ActionDone
from socialdesk.ui.screens.base import DeskScreen
from socialdesk.ui.widgets.detail import LANGUAGE_NAME, DetailPane
from socialdesk.ui.widgets.inbox_table import InboxTable


class ItemActions(DeskScreen):
    """What an officer does to the selected item; every action runs in a worker."""

    desk: Desk
    undo_stack: list[Undo | BatchUndo]

    def reload(self) -> None:
        """Read the list again (the inbox screen does)."""
        raise NotImplementedError

    @property
    def selected(self) -> dict[str, Any] | None:
        """The selected item's detail (None when nothing is selected or not loaded yet)."""
        item = self.query_one(DetailPane).item
        table = self.query_one(InboxTable)
        if item is None or item.get("id") != table.selected_id:
            if table.selected_id is None:
                self.notify("Select an item first.", markup=False)
                return None
            row = table.row(table.selected_id)
            return dict(row) if row else None
        return item

    @work(thread=True, group="actions", exit_on_error=False)
    def act(self, summary: str,
            work_fn: Callable[[], Undo | BatchUndo | str | None]) -> None:
        """Worker: run one action (it may wait for another process's lock); errors become
        notifications through the app's worker hub. An action that says what it did (a
        string) is announced in its own words."""
        with self.desk.session():
            done = work_fn()
        if isinstance(done, str):
            self.post_message(ActionDone(done, None))
        else:
            self.post_message(ActionDone(summary, done))

    @on(ActionDone)
    def action_done(self, message: ActionDone) -> None:
        """Remember how to undo, say what happened (and which items a bulk action skipped),
        reload."""
        record = message.undo
        summary = message.summary
        if isinstance(record, BatchUndo):
            if record.changed:
                self.undo_stack.append(record)
                self.query_one(InboxTable).clear_marks()   # done: the marks have served
            if record.skipped:
                summary = f"{summary} {record.skipped}"
        elif record is not None and (record.after or record.outbox_id):
            self.undo_stack.append(record)
        self.notify(summary, markup=False, timeout=6 if summary != message.summary else 4)
        self.reload()

    def action_claim(self) -> None:
        """Claim the selected item."""
        if item := self.selected:
            self.act(f"Claimed #{item['id']}.", lambda: self.desk.claim(item["id"]))

    def action_release(self) -> None:
        """Give the selected item back."""
        if item := self.selected:
            self.act(f"Released #{item['id']}.", lambda: self.desk.release(item["id"]))

    def action_reopen(self) -> None:
        """Reopen the selected item."""
        if item := self.selected:
            self.act(f"Reopened #{item['id']}.", lambda: self.desk.reopen(item["id"]))

    def action_close(self) -> None:
        """Close the selected item with a reason."""
        if not (item := self.selected):
            return

        def close(reason: str, note: str = "") -> None:
            self.act(f"Closed #{item['id']} ({reason}{': ' + note if note else ''}).",
                     lambda: self.desk.close_item(item["id"], reason, note))

        def noted(reason: str, note: str | None) -> None:
            if note:
                close(reason, note)

        def chosen(reason: str | None) -> None:
            if reason in NOTE_REQUIRED:
                self.app.push_screen(AskDialog(
                    f"Closing #{item['id']}: how was it answered?",
                    "e.g. rang her back at 14:10; spoke to him at the station",
                    "Say how it was answered (a phone call, in person…)."),
                    lambda note: noted(reason, note))
            elif reason:
                close(reason)
        # "answered" only where something did answer it on the page: reasons stay honest
        reasons = [r for r in CLOSE_REASONS if r != ANSWERED or item.get("first_response_at")]
        # an open urgent item is closed only on its own (never in bulk), with the dialog
        # saying it is urgent: it leaves To do and the urgent count
        urgent = (" — URGENT: it leaves To do and the urgent count"
                  if item.get("urgent") and item.get("status") in ("new", "claimed") else "")
        self.app.push_screen(ChoiceDialog(f"Close #{item['id']}{urgent}: why?",
                                          [(r, r) for r in reasons]), chosen)

    def action_reclassify(self) -> None:
        """Correct category and urgency."""
        if not (item := self.selected):
            return
        # An urgent item keeps its urgency unless the officer picks "no longer urgent": the
        # first choice (where Enter lands) used to be the category alone, which dropped it
        # out of the urgent count without a word.
        urgent_now = bool(item.get("urgent"))
        plain = " (no longer urgent)" if urgent_now else ""
        choices = [(f"{c}|{u}", f"{c}{' + URGENT' if u else plain}")
                   for c in ("report", "concern", "chat")
                   for u in ((1, 0) if urgent_now else (0, 1))]

        def chosen(value: str | None) -> None:
            if value:
                category, urgent = value.split("|")
                self.act(f"#{item['id']} is now {category}{' (urgent)' if urgent == '1' else ''}"
                         "; kept for retraining.",
                         lambda: self.desk.reclassify(item["id"], category, urgent == "1"))
        now = f"{item.get('category') or 'unclassified'}{' + URGENT' if urgent_now else ''}"
        self.app.push_screen(ChoiceDialog(f"Reclassify #{item['id']} (now {now})", choices),
                             chosen)

    def action_assign(self) -> None:
        """Give the selected item to an officer (supervisors)."""
        if not (item := self.selected):
            return

        def chosen(officer: str) -> None:
            self.act(f"#{item['id']} assigned to {officer}.",
                     lambda: self.desk.assign(item["id"], officer))
        self.pick_officer(f"Assign #{item['id']} to", chosen)

    def pick_officer(self, title: str, then: Callable[[str], None]) -> None:
        """Ask which member (one of the desk's members), then call ``then`` with them."""
        members = self.desk.members()
        if not members:
            self.notify("No members are configured ([members] in the config).", markup=False)
            return

        def chosen(officer: str | None) -> None:
            if officer:
                then(officer)
        self.app.push_screen(ChoiceDialog(title, [(m, m) for m in members]), chosen)

    def action_reply(self) -> None:
        """Answer publicly (comment) or in the conversation (message)."""
        if item := self.selected:
            action = Action.MESSAGE if item.get("kind") == "message" else Action.REPLY
            self._open_composer(item, action)

    def action_private_reply(self) -> None:
        """Answer a comment's author privately."""
        if item := self.selected:
            action = Action.MESSAGE if item.get("kind") == "message" else Action.PRIVATE_REPLY
            self._open_composer(item, action)

    def _open_composer(self, item: dict[str, Any], action: Action) -> None:
        draft = self.desk.draft_reply(item, action)
        language = LANGUAGE_NAME.get(str(item.get("language") or ""), "language unknown")
        label = {Action.REPLY: "Public reply to", Action.PRIVATE_REPLY: "Private reply to",
                 Action.MESSAGE: "Message to"}[action]
        title = f"{label} {one_line(item.get('author_name'), '(unknown)')} — {language}"

        # the person's other open messages in this conversation (the answer may cover them)
        others = [m for m in item.get("thread", []) if m["id"] != item["id"]
                  and not m["from_page"] and m.get("status") in ("new", "claimed")] \
            if action is Action.MESSAGE else []

        def chosen(answer: Answer | None) -> None:
            if answer is None:
                return
            covered = f" (also covers #{', #'.join(map(str, answer.covers))})" \
                if answer.covers else ""
            closing = "; the item closes once it has gone" if answer.close else ""
            self.act(f"Answer to #{item['id']} queued{covered}; it goes out within seconds "
                     f"(undo with {self.desk.config.keys['undo']} until then){closing}.",
                     lambda: self.desk.answer(item["id"], answer.text, action,
                                              covers=answer.covers, close_after=answer.close))
        public = action is Action.REPLY and item.get("kind") == "comment"

        def library() -> ReplyChoices:   # on the composer's worker thread
            with self.desk.session():
                return self.desk.library.choices(item, public)
        quote = row_text(item.get("text"), attachments_from_json(item.get("attachments")), "")
        self.app.push_screen(ComposerDialog(action.value, title, quote, draft, others, library),
                             chosen)

    def action_hide(self) -> None:
        """Hide the selected comment on the page."""
        if not (item := self.selected):
            return
        if item.get("kind") != "comment":
            self.notify("Only comments can be hidden.", markup=False)
            return
        def chosen(yes: bool | None) -> None:
            if yes:
                self.act(f"Hiding comment #{item['id']} on the page (z shows it again).",
                         lambda: self.desk.answer(item["id"], "", Action.HIDE))
        self.app.push_screen(ConfirmDialog(
            f"Hide comment #{item['id']} on the page? Everyone but its author stops seeing "
            "it (z shows it again).", yes="Hide"), chosen)

    def action_snooze(self) -> None:
        """Snooze the selected item until a time (or, if it is snoozed, bring it back)."""
        if not (item := self.selected):
            return
        if item.get("urgent") and item.get("status") in ("new", "claimed"):
            self.notify(f"#{item['id']} is urgent, so it cannot be snoozed: it stays in To do "
                        "until someone deals with it.", severity="warning", markup=False)
            return
        zone = self.desk.config.team.zone
        quick = [("+1h", "In 1 hour"), ("tomorrow 09:00", "Tomorrow 09:00")]
        shift = self.desk.followup.next_shift()
        if shift is not None:
            quick.append(("next shift", f"Next shift ({show_when(shift, zone)})"))
        quick.append(("+3d", "In 3 days"))
        until = item.get("snoozed_until")
        snoozed = show_when(until, zone) if until and until > to_iso(utc_now()) else ""

        def chosen(choice: SnoozeChoice | None) -> None:
            if choice is None:
                return
            if choice.when == WAKE:
                self.act(f"#{item['id']} is back in To do.",
                         lambda: self.desk.unsnooze(item["id"]))
                return
            until = show_when(self.desk.followup.when(choice.when), zone)
            self.act(f"#{item['id']} snoozed until {until} (undo with "
                     f"{self.desk.config.keys['undo']}).",
                     lambda: self.desk.snooze(item["id"], choice.when, choice.note))
        self.app.push_screen(SnoozeDialog(
            f"Snooze #{item['id']}: out of To do until when? ({zone.key} time)",
            self.desk.followup.when, zone, quick, snoozed), chosen)

    def action_note(self) -> None:
        """An internal note on the selected item; @name tells that member."""
        if not (item := self.selected):
            return
        members = ", ".join(f"@{m}" for m in self.desk.members()[:6])

        def chosen(text: str | None) -> None:
            if not text:
                return

            def add() -> str:
                _note, mentioned = self.desk.add_note(item["id"], text)
                told = f"; {', '.join(mentioned)} told" if mentioned else ""
                return f"Note added to #{item['id']}{told}."
            self.act("", add)
        self.app.push_screen(AskDialog(
            f"Note on #{item['id']} (internal: never sent to the page; @name tells a member)",
            f"e.g. {members or '@name'} can you ring her back?",
            "Write the note first (Esc cancels)."), chosen)

    def action_timeline(self) -> None:
        """Export the evidence timeline of the selected item's author (with names: only a
        supervisor); the notification says where the file went."""
        if not (item := self.selected):
            return
        item_id = int(item["id"])

        def chosen(value: str | None) -> None:
            if value is None:
                return
            names = value == "names"

            def export() -> str:
                ids = self.desk.items_of_author(item_id)   # linked ids included
                if not ids:
                    raise UserError(f"The author of #{item_id} is not known (purged or never "
                                    "given), so there is no person to make a timeline of.")
                path = self.desk.export_timeline(ids, f"the person who wrote item {item_id}",
                                                 names)
                return (f"Timeline of the person who wrote #{item_id} "
                        f"({'with names' if names else 'names left out'}) written to {path}")
            self.act("", export)
        self.app.push_screen(ChoiceDialog(
            f"Evidence timeline of #{item_id}'s author: with names?",
            [("anonymous", "Names left out (Person A, Person B…)"),
             ("names", "With names (supervisors only)")]), chosen)

    def action_refer(self) -> None:
        """Refer the selected item to a partner agency; on an item with referrals not yet
        acknowledged, first offer to record that one was sent or acknowledged."""
        if not (item := self.selected):
            return
        item_id = int(item["id"])
        waiting = [r for r in item.get("referrals") or [] if r["state"] != "acknowledged"]
        if not waiting:
            self._choose_agency(item)
            return
        choices = [("new", "New referral to a partner agency")]
        for row in waiting:
            ref, name = reference(row["id"]), row["agency_name"] or row["agency"]
            if row["state"] == "drafted":
                choices.append((f"sent:{row['id']}", f"{ref} to {name}: I have sent it"))
            choices.append((f"ack:{row['id']}", f"{ref} to {name}: they acknowledged it"))

        def chosen(value: str | None) -> None:
            if value == "new":
                self._choose_agency(item)
            elif value and value.startswith("sent:"):
                referral_id = int(value[5:])

                def sent() -> str:
                    row = self.desk.referrals.mark_sent(referral_id)
                    return (f"Referral {reference(referral_id)} to {row['agency_name']} "
                            "recorded as sent.")
                self.act("", sent)
            elif value and value.startswith("ack:"):
                self._acknowledge(int(value[4:]))
        self.app.push_screen(ChoiceDialog(f"Referrals of #{item_id}", choices), chosen)

    def _acknowledge(self, referral_id: int) -> None:
        def given(their_ref: str | None) -> None:
            if their_ref is None:
                return

            def acknowledged() -> str:
                row = self.desk.referrals.acknowledge(referral_id, their_ref)
                ref = f" (their ref {row['partner_ref']})" if row["partner_ref"] else ""
                return (f"Referral {reference(referral_id)} recorded as acknowledged by "
                        f"{row['agency_name']}{ref}.")
            self.act("", acknowledged)
        self.app.push_screen(AskDialog(
            f"Referral {reference(referral_id)} acknowledged: their reference (Enter if they "
            "gave none)", "e.g. BTP/2026/1234", allow_blank=True), given)

    def _choose_agency(self, item: dict[str, Any]) -> None:
        """Which agency, then the referral to edit."""
        agencies = self.desk.referrals.agencies
        if not agencies:
            self.notify("No partner agencies are configured ([[referral.agencies]] in the "
                        "config).", severity="warning", markup=False)
            return
        item_id = int(item["id"])
        try:   # who may refer, and the item's parts with and without its author
            plain = self.desk.referrals.draft(item_id)
            named = self.desk.referrals.draft(item_id, include_author=True)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        by_key = {agency.key: agency for agency in agencies}

        def chosen(key: str | None) -> None:
            if key:
                self.app.push_screen(ReferralDialog(item_id, by_key[key], plain, named,
                                                    one_line(item.get("author_name"))),
                                     written)

        def written(request: ReferralRequest | None) -> None:
            if request is None:
                return

            def write() -> str:
                made = self.desk.referrals.create(item_id, request.agency, request.draft,
                                                  file_format=request.file_format)
                return (f"Referral {made.reference} of #{item_id} to {made.agency.name_en} "
                        f"written to {made.path} — nothing was sent: send it to "
                        f"{made.agency.email}, then {self.desk.config.keys['refer']} → sent.")
            self.act("", write)
        self.app.push_screen(ChoiceDialog(
            f"Refer #{item_id} to which partner agency?",
            [(a.key, f"{a.label}" + (f"  (graded {a.grading})" if a.grading != "none" else ""))
             for a in agencies]), chosen)

    def action_undo(self) -> None:
        """Undo the last action (refused with the reason when no longer safe)."""
        if not self.undo_stack:
            self.notify("Nothing to undo.", markup=False)
            return
        record = self.undo_stack.pop()
        what = record.describe() if isinstance(record, BatchUndo) else \
            f"{record.action} of #{record.item_id}"
        self.act(f"Undone: {what}.", lambda: self.desk.undo(record))
