"""What a drop-in session is (:class:`DropinSession`: planned, running, over or cancelled), what
planning or moving one returns, and the one-sentence refusal of a drop-in action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.core.models import to_iso
from socialdesk.errors import UserError


class DropinError(UserError):
    """A drop-in action that cannot be done (in the past, overlapping, already cancelled…)."""


@dataclass(frozen=True)
class DropinSession:
    """One session: its window (UTC), place or topic in both languages, who planned it,
    whether it was cancelled, and the safety posts that announce, move or call it off."""

    id: int
    start: datetime
    end: datetime
    topic: str
    topic_cy: str
    planned_by: str
    created_at: str
    cancelled_at: str | None = None
    cancelled_by: str | None = None
    cancel_reason: str | None = None
    posts: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_row(cls, row: dict[str, Any], posts: list[dict[str, Any]] | None = None
                 ) -> DropinSession:
        """A session from its database row (and its linked posts)."""
        return cls(int(row["id"]), datetime.fromisoformat(row["start_at"]),
                   datetime.fromisoformat(row["end_at"]), row["topic"],
                   row["topic_cy"] or row["topic"], row["planned_by"], row["created_at"],
                   row["cancelled_at"], row["cancelled_by"], row["cancel_reason"],
                   tuple(posts or row.get("posts") or ()))

    def state(self, now: datetime) -> str:
        """``planned``, ``running``, ``over`` or ``cancelled``."""
        if self.cancelled_at:
            return "cancelled"
        if now < self.start:
            return "planned"
        return "running" if now < self.end else "over"

    def window(self, zone: ZoneInfo, with_year: bool = True) -> str:
        """``Tue 08 Dec 2026 18:00–19:30 GMT`` (both days when it runs past midnight)."""
        start, end = self.start.astimezone(zone), self.end.astimezone(zone)
        tail = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %d %b %H:%M}"
        year = " %Y" if with_year else ""
        return f"{start:%a %d %b{year} %H:%M}–{tail} {end.tzname()}"

    @property
    def label(self) -> str:
        """The place or topic in both languages (once when they are the same)."""
        return self.topic if self.topic_cy == self.topic else f"{self.topic_cy} / {self.topic}"

    @property
    def announcement(self) -> dict[str, Any] | None:
        """The newest post telling the page when the session is (announce or moved) that
        has not been cancelled, or None."""
        live = [p for p in self.posts if p["kind"] in ("announce", "moved")
                and p["status"] != "cancelled"]
        return live[-1] if live else None

    def as_dict(self, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
        """For JSON: the stored fields, the state and the window as people read it."""
        return {"id": self.id, "state": self.state(now), "start": to_iso(self.start),
                "end": to_iso(self.end), "window": self.window(zone), "topic": self.topic,
                "topic_cy": self.topic_cy, "planned_by": self.planned_by,
                "created_at": self.created_at, "cancelled_at": self.cancelled_at,
                "cancelled_by": self.cancelled_by, "cancel_reason": self.cancel_reason,
                "posts": [dict(p) for p in self.posts]}


@dataclass(frozen=True)
class PlanResult:
    """A session planned, or moved: the session and the post now telling the page about it
    (whether it is approved, and when it goes out)."""

    session: DropinSession
    post_id: int | None
    post_kind: str
    approved: bool
    announce_at: datetime | None
    #: what happened to the page's posts, in a sentence (for the CLI and the dashboard)
    note: str = ""
