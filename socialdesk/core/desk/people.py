"""People (``desk.people``): one person's contacts across their linked ids, linking and
unlinking identities, and safeguarding markers.

Decisions written down here:

- A person is given by a page-scoped author id, or by one of their items (number or platform
  id). Linking and unlinking are officers' actions; each is one audit row and can be undone
  (the groups are put back as they were). The audit rows name the ids' newest items (item
  numbers), not the page-scoped ids: an author id is personal data that retention removes
  from the items, and the audit chain is never purged, so it must not keep one either.
- A marker (vulnerable adult, child at risk, repeat victim, other) has a reason, who set it
  and a review date. Members set and change it; only supervisors remove it. The audit rows
  hold the marker's id, kind and review date, never the reason (personal data).
- "Contacts this month" counts the person's items in the 30 days up to the item shown.
- Retention: a marker's reason is blanked (and the marker ended) once it was set before the
  cutoff and the person has no item left newer than the cutoff — while they keep writing, the
  marker stays; see :func:`socialdesk.core.store.retention.blank_notes_and_traces`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.models import to_iso, utc_now
from socialdesk.core.store import Store, people
from socialdesk.core.store.items import author_of, find_item_id
from socialdesk.core.store.people import MARKER_KINDS
from socialdesk.errors import UserError

REASON_MAX = 1000
#: "5th contact this month": the window counted back from the item shown
MONTH = timedelta(days=30)


class PersonRefused(UserError):
    """A people or marker action that cannot be done (one sentence)."""


@dataclass(frozen=True)
class LinkUndo:
    """How to reverse a link or unlink: the link rows of the groups before it."""

    action: str
    author_ids: list[str]
    before: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> str:
        """What the undo reverses, in words."""
        return f"{self.action} of {' and '.join(self.author_ids)}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st…"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def contact_line(counts: dict[str, Any]) -> str:
    """"5th contact this month · 12 in all" for the detail pane."""
    if not counts or counts.get("total", 0) <= 1:
        return "first contact"
    return (f"{ordinal(int(counts['month']))} contact this month · "
            f"{counts['total']} in all")


class PeopleDesk:
    """Contact history, identity links and safeguarding markers for the acting user."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    @property
    def store(self) -> Store:
        """The database connection of the calling thread (each worker thread has its own)."""
        return self.context.store

    # ── who ──────────────────────────────────────────────────────────────────────────────

    def resolve(self, ref: str) -> str:
        """The author id a person is given by: an author id, or an item number / platform id
        (its author); one sentence when it is neither."""
        ref = ref.strip()
        if not ref:
            raise PersonRefused("Say whose history: an author id or an item number.")
        if people.known_author(self.store, ref):
            return ref
        item_id = find_item_id(self.store, ref)
        if item_id is not None:
            author = author_of(self.store, item_id)
            if author:
                return author
            raise PersonRefused(f"Item {ref} has no author on record (unknown, or purged).")
        raise PersonRefused(f"There is no person or item '{ref}'.")

    def person_ids(self, author_id: str) -> list[str]:
        """Every author id of this person (the id itself first)."""
        return people.person_ids(self.store, author_id)

    def items(self, author_id: str) -> list[dict[str, Any]]:
        """All public items of the person (every linked id), newest first."""
        return people.person_items(self.store, self.person_ids(author_id))

    def person(self, author_id: str) -> dict[str, Any]:
        """The contact history: ``ids``, ``name``, ``items`` (newest first, with the first
        answer sent), ``markers`` in force."""
        ids = self.person_ids(author_id)
        return {"author_id": author_id, "ids": ids,
                "name": people.author_name(self.store, ids),
                "items": people.person_items(self.store, ids),
                "markers": people.active_markers(self.store, ids)}

    def contacts(self, author_id: str | None, created_at: str) -> dict[str, Any]:
        """For one item: the person's earlier contacts, contacts in the 30 days up to it, all
        contacts, and the markers in force (empty for an unknown author)."""
        if not author_id:
            return {}
        ids = self.person_ids(author_id)
        since = to_iso(datetime.fromisoformat(created_at) - MONTH)
        earlier, month, total = people.contact_counts(self.store, ids, created_at, since)
        return {"ids": ids, "earlier": earlier, "month": month, "total": total,
                "markers": people.active_markers(self.store, ids)}

    def recent_authors(self, limit: int = 30) -> list[dict[str, Any]]:
        """Authors who wrote lately (author_id, author_name, last_at), to pick one to link."""
        return people.recent_authors(self.store, limit)

    # ── linking ──────────────────────────────────────────────────────────────────────────

    def link(self, author_id: str, other: str) -> LinkUndo:
        """Make two author ids one person (their groups merge)."""
        self.context.require(access.Permission.LINK_PEOPLE)
        author_id, other = author_id.strip(), other.strip()
        if author_id == other:
            raise PersonRefused("Give two different author ids to link.")
        store = self.store
        with store.write():
            for ref in (author_id, other):
                if not people.known_author(store, ref):
                    raise PersonRefused(f"There is no author '{ref}' on this desk.")
            if other in people.person_ids(store, author_id):
                raise PersonRefused(f"{author_id} and {other} are already one person.")
            before = people.link_rows(store, [author_id, other])
            people.link(store, author_id, other, self.context.actor, to_iso(utc_now()))
            self.context.record("link_person", self._subject(author_id),
                                {"with_item": people.newest_item(store, other)})
        return LinkUndo("link", [author_id, other], before)

    def unlink(self, author_id: str) -> LinkUndo:
        """Split one author id out of the person it was linked into."""
        self.context.require(access.Permission.UNLINK_PEOPLE)
        store = self.store
        with store.write():
            if people.person_key(store, author_id) is None:
                raise PersonRefused(f"{author_id} is not linked to anyone, so there is "
                                    "nothing to unlink.")
            before = people.link_rows(store, [author_id])
            people.unlink(store, author_id)
            self.context.record("unlink_person", self._subject(author_id), {})
        return LinkUndo("unlink", [author_id], before)

    def _subject(self, author_id: str) -> str:
        """The audit subject for an author id: its newest item (shown in that item's
        history), never the id itself."""
        item = people.newest_item(self.store, author_id)
        return str(item) if item is not None else "person"

    def undo(self, record: LinkUndo) -> str:
        """Put the groups back as they were before a link or unlink."""
        self.context.require(access.Permission.UNDO)
        with self.store.write():
            people.restore_links(self.store, record.author_ids, record.before)
            self.context.record(f"undo_{record.action}_person",
                                self._subject(record.author_ids[0]), {})
        return f"Undone: {record.describe()}."

    # ── safeguarding markers ─────────────────────────────────────────────────────────────

    def review_date(self, text: str) -> str:
        """A review date typed as YYYY-MM-DD, today or later in the team's zone."""
        try:
            chosen = date.fromisoformat(text.strip())
        except ValueError:
            raise PersonRefused(f"The review date must be a date like 2027-03-01, got "
                                f"'{text}'.") from None
        today = utc_now().astimezone(self.context.config.team.zone).date()
        if chosen < today:
            raise PersonRefused(f"The review date {chosen.isoformat()} has passed; give today "
                                "or a later date.")
        return chosen.isoformat()

    def set_marker(self, author_id: str, kind: str, reason: str, review_on: str) -> int:
        """Mark a person (or change the marker they have): kind, reason, review date; returns
        the marker's id. Members only; the audit row holds no reason."""
        self.context.require(access.Permission.SET_MARKER)
        kind = " ".join(kind.strip().lower().replace("-", " ").split())
        if kind not in MARKER_KINDS:
            raise PersonRefused(f"A marker's kind is one of: {', '.join(MARKER_KINDS)}; got "
                                f"'{kind}'.")
        reason = reason.strip()
        if not reason:
            raise PersonRefused("Give the reason for the marker (who it protects and why).")
        if len(reason) > REASON_MAX:
            raise PersonRefused(f"A marker's reason holds at most {REASON_MAX} characters; "
                                f"this one has {len(reason)}.")
        review = self.review_date(review_on)
        store, actor, at = self.store, self.context.actor, to_iso(utc_now())
        with store.write():
            if not people.known_author(store, author_id):
                raise PersonRefused(f"There is no author '{author_id}' on this desk.")
            current = people.active_markers(store, people.person_ids(store, author_id))
            if current:
                marker_id = int(current[0]["id"])
                people.update_marker(store, marker_id, kind, reason, review, actor, at)
                action = "change_marker"
            else:
                marker_id = people.add_marker(store, author_id, kind, reason, review, actor, at)
                action = "set_marker"
            self.context.record(action, f"marker:{marker_id}",
                                {"kind": kind, "review_on": review, "chars": len(reason)})
        return marker_id

    def remove_marker(self, author_id: str) -> int:
        """End the marker in force on a person (supervisors); returns its id."""
        self.context.require(access.Permission.REMOVE_MARKER)
        store = self.store
        with store.write():
            current = people.active_markers(store, people.person_ids(store, author_id))
            if not current:
                raise PersonRefused(f"{author_id} has no safeguarding marker to remove.")
            marker_id = int(current[0]["id"])
            people.remove_marker(store, marker_id, self.context.actor, to_iso(utc_now()))
            self.context.record("remove_marker", f"marker:{marker_id}",
                                {"kind": current[0]["kind"]})
        return marker_id

    def markers(self, due: bool = False) -> list[dict[str, Any]]:
        """Markers in force, the soonest review first (``due``: only those whose review date
        has come, today included)."""
        if self.context.role == access.NO_ACCESS:
            self.context.require(access.Permission.USE)
        today = utc_now().astimezone(self.context.config.team.zone).date().isoformat()
        return people.markers(self.store, today if due else None)
