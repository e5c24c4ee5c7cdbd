"""A session's figures from the page's items created in its window: contacts, categories,
languages, answered in the window, later or still waiting, the median first response, and the
urgent items with how fast they were answered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from statistics import median, quantiles
from typing import Any
from zoneinfo import ZoneInfo

from socialdesk.core.desk.dropin.sessions import DropinSession
from socialdesk.core.models import minutes_between, to_iso

#: the categories and languages every summary lists, in this order (others follow)
CATEGORIES = ("report", "concern", "chat", "unclassified")
LANGUAGES = ("cy", "en", "mixed", "unknown")


@dataclass(frozen=True)
class Urgent:
    """The urgent items of a session's window and how fast they were answered."""

    count: int = 0
    answered: int = 0
    answered_in_session: int = 0
    closed_without_reply: int = 0
    waiting: int = 0
    median_minutes: float | None = None
    slowest_minutes: float | None = None


@dataclass(frozen=True)
class SessionFigures:
    """What came in during a session's window (up to ``until``: the end, or now while it
    runs) and what became of it. Minutes are first-response times (elapsed)."""

    session: DropinSession
    state: str
    until: datetime
    contacts: int = 0
    #: the different authors (page-scoped ids) who wrote …
    people: int = 0
    #: … and the items whose author is not known (an import without one, or purged)
    unknown_authors: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    answered_in_session: int = 0
    answered_later: int = 0
    closed_without_reply: int = 0
    waiting: int = 0
    median_minutes: float | None = None
    p90_minutes: float | None = None
    answered_by: dict[str, int] = field(default_factory=dict)
    urgent: Urgent = Urgent()
    #: the items themselves, oldest first (the live view lists them; not in the JSON)
    items: tuple[dict[str, Any], ...] = ()

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        """The figures for JSON (without the items' texts: a summary is not a list of
        people's messages; ``item_ids`` says which items it counts)."""
        figures = asdict(self)
        figures.pop("items")
        figures["session"] = self.session.as_dict(zone, self.until)
        figures["state"] = self.state
        figures["until"] = to_iso(self.until)
        figures["item_ids"] = [int(item["id"]) for item in self.items]
        return figures


def p90(values: list[float]) -> float | None:
    """The 90th percentile by linear interpolation between the nearest ranks: the same figure
    the supervisor report gives (``np.percentile``'s default), so a session's p90 and the
    report's agree on the same items; None for no values."""
    if len(values) < 2:
        return values[0] if values else None
    return quantiles(values, n=10, method="inclusive")[-1]


def figures_of(session: DropinSession, items: list[dict[str, Any]], now: datetime
               ) -> SessionFigures:
    """A session's figures from the items of its window (see :class:`SessionFigures`)."""
    until = min(now, session.end)
    end = to_iso(session.end)
    answered = [i for i in items if i["first_response_at"]]
    times = [minutes_between(i["created_at"], i["first_response_at"]) for i in answered]
    not_answered = [i for i in items if not i["first_response_at"]]
    urgent = [i for i in items if i["urgent"]]
    urgent_answered = [i for i in urgent if i["first_response_at"]]
    urgent_times = [minutes_between(i["created_at"], i["first_response_at"])
                    for i in urgent_answered]

    def ordered(counts: Counter[str], first: tuple[str, ...]) -> dict[str, int]:
        return {**{k: counts[k] for k in first}, **{k: v for k, v in sorted(counts.items())
                                                     if k not in first}}

    return SessionFigures(
        session=session, state=session.state(now), until=until, contacts=len(items),
        people=len({i["author_id"] for i in items if i["author_id"]}),
        unknown_authors=sum(not i["author_id"] for i in items),
        kinds=dict(sorted(Counter(i["kind"] for i in items).items())),
        categories=ordered(Counter(i["category"] or "unclassified" for i in items), CATEGORIES),
        languages=ordered(Counter(i["language"] or "unknown" for i in items), LANGUAGES),
        answered=len(answered),
        answered_in_session=sum(i["first_response_at"] < end for i in answered),
        answered_later=sum(i["first_response_at"] >= end for i in answered),
        closed_without_reply=sum(i["status"] == "closed" for i in not_answered),
        waiting=sum(i["status"] != "closed" for i in not_answered),
        median_minutes=round(median(times), 1) if times else None,
        p90_minutes=round(p90(times) or 0, 1) if times else None,
        answered_by=dict(Counter(i["first_response_by"] or "—" for i in answered)
                         .most_common()),
        urgent=Urgent(
            count=len(urgent), answered=len(urgent_answered),
            answered_in_session=sum(i["first_response_at"] < end for i in urgent_answered),
            closed_without_reply=sum(not i["first_response_at"] and i["status"] == "closed"
                                     for i in urgent),
            waiting=sum(not i["first_response_at"] and i["status"] != "closed"
                        for i in urgent),
            median_minutes=round(median(urgent_times), 1) if urgent_times else None,
            slowest_minutes=round(max(urgent_times), 1) if urgent_times else None),
        items=tuple(items))
