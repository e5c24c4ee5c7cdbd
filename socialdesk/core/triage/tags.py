"""Tags, bulk actions and merging duplicates: officers' actions on one item or on several.

A bulk action (close with a reason, tag, untag, assign, mark duplicates) runs in ONE
``BEGIN IMMEDIATE`` transaction and returns ONE :class:`BatchUndo` that reverses the whole
batch — only while none of its items has changed since (like the undo of one action): a
half-undone batch would leave the officer unsure what state the items are in.

The audit log gets **one row per item** (its subject is the item id, the payload lists the
whole batch under ``"batch"``): an item's history is read by its subject, so a batch row
listing ids would leave each item's own history silent about what happened to it, and
``socialdesk audit verify`` checks rows the same way either way.

Items that cannot take the action are skipped, not fatal: the rest go ahead and one sentence
says which were skipped and why. When every item is skipped the action is refused with that
sentence and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from socialdesk.config import TAG_NAME, TagsConfig
from socialdesk.core.models import (
    ANSWERED,
    Status,
    to_iso,
    utc_now,
)
from socialdesk.core.store import audit_log
from socialdesk.core.store.db import Store
from socialdesk.core.store.tags import add_tag, duplicates_of, has_tag, remove_tag, restore_tag
from socialdesk.core.store.triage import set_triage_fields, triage_fields
from socialdesk.core.triage.actions import ActionRefused, Undo, close_note, logged_fields
from socialdesk.errors import UserError

#: The close reason of an item merged into another as its duplicate.
DUPLICATE = "duplicate"


class UnknownTag(UserError):
    """A tag that is not in the configured list."""


class Skip(Exception):
    """One item of a batch cannot take the action (the short reason says why)."""


@dataclass(frozen=True)
class BatchUndo:
    """How to reverse one action on one or several items, all together."""

    action: str
    item_ids: tuple[int, ...]
    #: the triage fields of each changed item, before and after
    changes: tuple[Undo, ...] = ()
    #: (item id, tag) put on by the action
    tags_added: tuple[tuple[int, str], ...] = ()
    #: the tag rows taken off by the action (who added them and when, to put them back)
    tags_removed: tuple[dict[str, Any], ...] = ()
    #: the item duplicates were merged into
    primary: int | None = None
    #: one sentence on the items that were skipped and why ("" when none)
    skipped: str = ""
    #: a batch is always undoable once something changed (the UI keeps it on its stack)
    after: dict[str, Any] = field(default_factory=lambda: {"batch": True})
    outbox_id: None = None

    @property
    def item_id(self) -> int:
        """The item a one-item action was on (the primary of a merge; the first otherwise)."""
        return self.primary if self.primary is not None else self.item_ids[0]

    @property
    def changed(self) -> bool:
        """Whether the action changed anything (nothing to undo otherwise)."""
        return bool(self.changes or self.tags_added or self.tags_removed)

    def describe(self) -> str:
        """What was done, in a few words: "close of #12, #13, #14"."""
        return f"{self.action} of {ids_text(self.item_ids)}"


def ids_text(item_ids: Sequence[int], most: int = 8) -> str:
    """Item numbers as people read them: "#12, #13 and #14" (long lists cut with "…")."""
    shown = [f"#{i}" for i in item_ids[:most]]
    if not shown:
        return "no items"
    if len(item_ids) > most:
        return ", ".join(shown) + f" and {len(item_ids) - most} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def skipped_sentence(skipped: list[tuple[int, str]]) -> str:
    """One sentence naming the skipped items and why: "Skipped #13 (already closed)."."""
    if not skipped:
        return ""
    listed = "; ".join(f"#{item_id} ({why})" for item_id, why in skipped[:8])
    more = f" and {len(skipped) - 8} more" if len(skipped) > 8 else ""
    return f"Skipped {listed}{more}."


def resolve_tags(known: TagsConfig, typed: Sequence[str], removing: bool = False) -> list[str]:
    """The tag names of what a person typed ("scam", "#Caergybi", "road safety"); refused in
    one sentence for a tag that is not in the list. Taking a tag off also accepts a plain tag
    name no longer in the list (it stays on the items that have it)."""
    names: list[str] = []
    for text in typed:
        tag = known.find(text)
        name = tag.name if tag else text.strip().lstrip("#").lower()
        if tag is None and not (removing and TAG_NAME.fullmatch(name)):
            raise UnknownTag(f"'{text}' is not a tag; the tags are "
                             f"{', '.join(known.names[:12])}… (socialdesk tags lists them all, "
                             "[tags] in the config sets them).")
        if name not in names:
            names.append(name)
    if not names:
        raise UnknownTag("Say which tag (socialdesk tags lists them).")
    return names


def _public_items(store: Store, batch: Sequence[int], skipped: list[tuple[int, str]]
                  ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(id, triage fields) of the batch's items that exist and were written by the public;
    the others are added to ``skipped`` with why."""
    for item_id in batch:
        item = triage_fields(store, item_id)
        if item is None:
            skipped.append((item_id, "no such item"))
        elif item["from_page"]:
            skipped.append((item_id, "written by the page itself"))
        else:
            yield item_id, item


def _each(store: Store, actor: str, action: str, item_ids: Sequence[int],
          decide: Callable[[dict[str, Any]], dict[str, Any]],
          extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
          ) -> tuple[list[Undo], list[tuple[int, str]]]:
    """Inside the caller's transaction: read each item, let ``decide`` choose its new triage
    fields (or raise :class:`Skip`), write them and log one audit row per changed item."""
    batch = sorted(set(item_ids))
    changes: list[Undo] = []
    skipped: list[tuple[int, str]] = []
    now = to_iso(utc_now())
    for item_id, item in _public_items(store, batch, skipped):
        try:
            updates = decide(item)
        except Skip as why:
            skipped.append((item_id, str(why)))
            continue
        if not updates:
            continue
        before = {key: item[key] for key in updates}
        set_triage_fields(store, item_id, updates, now)
        payload: dict[str, Any] = {"before": logged_fields(before),
                                   "after": logged_fields(updates)}
        if len(batch) > 1:
            payload["batch"] = batch
        if extra:
            payload.update(extra(item))
        audit_log.append(store, actor, action, str(item_id), payload)
        changes.append(Undo(action, item_id, before, updates))
    return changes, skipped


def _finish(action: str, item_ids: Sequence[int], changes: Sequence[Undo],
            skipped: list[tuple[int, str]], **more: Any) -> BatchUndo:
    record = BatchUndo(action, tuple(sorted(set(item_ids))), tuple(changes),
                       skipped=skipped_sentence(skipped), **more)
    if skipped and not record.changed:
        raise ActionRefused(f"Nothing was done: {record.skipped[0].lower()}{record.skipped[1:]}")
    return record


def close_many(store: Store, actor: str, item_ids: Sequence[int], reason: str,
               note: str = "") -> BatchUndo:
    """Close several items with one reason (the rules of closing one: "answered" only where
    something answered it on the page; a note where the reason needs one)."""
    note = close_note(reason, note)

    def decide(item: dict[str, Any]) -> dict[str, Any]:
        if item["status"] == Status.CLOSED.value:
            raise Skip("already closed")
        _never_in_bulk(item)
        if reason == ANSWERED and not item["first_response_at"]:
            raise Skip("nothing answered it on the page")
        return {"status": Status.CLOSED.value, "closed_at": to_iso(utc_now()),
                "close_reason": reason, "close_note": note or None}
    with store.write():
        changes, skipped = _each(store, actor, "close", item_ids, decide)
        return _finish("close", item_ids, changes, skipped)


def _never_in_bulk(item: dict[str, Any]) -> None:
    """An open urgent item is never closed with others: one slip of the visual mode must not
    take danger out of To do (close it on its own, where the dialog names it)."""
    if item["status"] in (Status.NEW.value, Status.CLAIMED.value) and item["urgent"]:
        raise Skip("urgent: close it on its own")


def assign_many(store: Store, actor: str, item_ids: Sequence[int], officer: str) -> BatchUndo:
    """Give several items to one officer (a supervisor's action; the caller checks)."""
    def decide(item: dict[str, Any]) -> dict[str, Any]:
        if item["assignee"] == officer:
            return {}
        status = Status.CLAIMED.value if item["status"] == Status.NEW.value else item["status"]
        return {"assignee": officer, "claimed_at": to_iso(utc_now()), "status": status}
    with store.write():
        changes, skipped = _each(store, actor, "assign", item_ids, decide)
        return _finish("assign", item_ids, changes, skipped)


def tag_items(store: Store, actor: str, item_ids: Sequence[int], tags: Sequence[str]
              ) -> BatchUndo:
    """Put tags (already resolved names) on items; a tag an item has already is left as it is.
    One audit row per item that gained a tag."""
    batch = sorted(set(item_ids))
    added: list[tuple[int, str]] = []
    skipped: list[tuple[int, str]] = []
    now = to_iso(utc_now())
    with store.write():
        for item_id, _item in _public_items(store, batch, skipped):
            new = [tag for tag in tags if add_tag(store, item_id, tag, actor, now)]
            if new:
                added.extend((item_id, tag) for tag in new)
                payload: dict[str, Any] = {"tags": new}
                if len(batch) > 1:
                    payload["batch"] = batch
                audit_log.append(store, actor, "tag", str(item_id), payload)
        return _finish("tag", batch, (), skipped, tags_added=tuple(added))


def untag_items(store: Store, actor: str, item_ids: Sequence[int], tags: Sequence[str]
                ) -> BatchUndo:
    """Take tags off items; refused (one sentence) when none of them had any of the tags."""
    batch = sorted(set(item_ids))
    removed: list[dict[str, Any]] = []
    with store.write():
        for item_id in batch:
            gone = [row for tag in tags if (row := remove_tag(store, item_id, tag))]
            if gone:
                removed.extend(gone)
                payload: dict[str, Any] = {"tags": [row["tag"] for row in gone]}
                if len(batch) > 1:
                    payload["batch"] = batch
                audit_log.append(store, actor, "untag", str(item_id), payload)
        if not removed:
            raise ActionRefused(f"{ids_text(batch)} {'has' if len(batch) == 1 else 'have'} "
                                f"no tag {', '.join('#' + t for t in tags)} to take off.")
        return BatchUndo("untag", tuple(batch), tags_removed=tuple(removed))


def merge_duplicates(store: Store, actor: str, primary: int, duplicates: Sequence[int]
                     ) -> BatchUndo:
    """Mark items as duplicates of ``primary``: each is closed as "duplicate" with
    ``duplicate_of`` = the primary; its history says "duplicate of #p", the primary's says
    "merged #a, #b".

    Refused outright when the primary does not exist, is the page's own message, or is itself
    a duplicate (merge into the item it duplicates instead). Skipped, per item: the primary
    itself, items already closed, items with duplicates of their own (no chains), and an open
    urgent item going into a non-urgent primary (its urgency would be hidden under an item
    nobody treats as urgent: reclassify the primary first, or handle it apart).
    """
    with store.write():
        main = triage_fields(store, primary)
        if main is None:
            raise ActionRefused(f"There is no item {primary}.")
        if main["from_page"]:
            raise ActionRefused(f"Item {primary} was written by the page itself; merge into "
                                "the message it answers.")
        if main["duplicate_of"]:
            raise ActionRefused(f"Item {primary} is itself a duplicate of "
                                f"#{main['duplicate_of']}: merge into #{main['duplicate_of']} "
                                "instead.")
        if main["status"] == Status.CLOSED.value or main["purged_at"]:
            raise ActionRefused(f"Item {primary} is closed: reopen it first, or merge into an "
                                "open item (its duplicates would leave To do with nobody on "
                                "them).")

        def decide(item: dict[str, Any]) -> dict[str, Any]:
            if item["id"] == primary:
                raise Skip("an item cannot be a duplicate of itself")
            if item["status"] == Status.CLOSED.value:
                raise Skip("already closed")
            if duplicates_of(store, item["id"]):
                raise Skip("it has duplicates of its own")
            if item["urgent"] and not main["urgent"]:
                raise Skip(f"urgent, and #{primary} is not")
            return {"status": Status.CLOSED.value, "closed_at": to_iso(utc_now()),
                    "close_reason": DUPLICATE, "close_note": f"duplicate of #{primary}",
                    "duplicate_of": primary}
        changes, skipped = _each(store, actor, "duplicate", duplicates, decide,
                                 extra=lambda _item: {"of": primary})
        if changes:
            audit_log.append(store, actor, "merge", str(primary),
                             {"merged": [c.item_id for c in changes]})
        return _finish("merge", [c.item_id for c in changes] or list(duplicates), changes,
                       skipped, primary=primary)


def undo_batch(store: Store, actor: str, record: BatchUndo) -> None:
    """Reverse a whole batch, in one transaction, if none of its items changed since."""
    with store.write():
        changed: list[int] = []
        for step in record.changes:
            item = triage_fields(store, step.item_id)
            if item is None or any(item[key] != value for key, value in step.after.items()
                                   if key != "sla_due_at"):
                changed.append(step.item_id)
        changed += [item_id for item_id, tag in record.tags_added
                    if not has_tag(store, item_id, tag)]
        changed += [row["item_id"] for row in record.tags_removed
                    if has_tag(store, row["item_id"], row["tag"])]
        if changed:
            raise ActionRefused(f"Cannot undo the {record.describe()}: "
                                f"{ids_text(sorted(set(changed)))} changed since.")
        now = to_iso(utc_now())
        for step in record.changes:
            set_triage_fields(store, step.item_id, dict(step.before), now)
        for item_id, tag in record.tags_added:
            remove_tag(store, item_id, tag)
        for row in record.tags_removed:
            restore_tag(store, row)
        touched = sorted({*(s.item_id for s in record.changes),
                          *(i for i, _ in record.tags_added),
                          *(r["item_id"] for r in record.tags_removed)})
        if record.primary is not None and record.changes:
            touched = sorted({*touched, record.primary})
        for item_id in touched:
            payload: dict[str, Any] = {"undone": record.action}
            if len(touched) > 1:
                payload["batch"] = touched
            audit_log.append(store, actor, "undo", str(item_id), payload)

