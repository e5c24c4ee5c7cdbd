"""What listening found: each topic with its words in both languages, its count against the
period before (rising or not), its months, places and most typical items, and the whole
period's topics.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

#: The rising rule: at least this many items this period …
RISING_MIN = 5
#: … and at least this many times the previous period's count (1.5 = +50%).
RISING_SHARE = 1.5

#: Examples and places shown per topic.
EXAMPLES = 3
PLACES_SHOWN = 3


@dataclass(frozen=True)
class HeardExample:
    """One of a topic's most typical items."""

    id: int
    created_at: str
    language: str
    category: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        """The example as a plain dict for ``--json`` output."""
        return {"id": self.id, "created_at": self.created_at, "language": self.language,
                "category": self.category, "text": self.text}


@dataclass(frozen=True)
class Topic:
    """One topic: its words in both languages (``borrowed``: the language whose words came
    from the glossary, none of its items being in it), this period's count and the previous
    one's, this period by month ("2026-11") and by place (id, label, count; busiest first),
    its most typical items of this period (or of the previous one when it has none now) and
    every item of this period."""

    number: int
    en: list[str]
    cy: list[str]
    borrowed: str | None
    count: int
    previous: int
    rising: bool
    months: dict[str, int] = field(default_factory=dict)
    places: list[tuple[str, str, int]] = field(default_factory=list)
    examples: list[HeardExample] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)

    @property
    def change(self) -> int:
        """This period's count less the previous period's."""
        return self.count - self.previous

    @property
    def name(self) -> str:
        """"speed, car · goryrru, ceir" (a side without words is left out)."""
        sides = [", ".join(words) for words in (self.en[:3], self.cy[:3]) if words]
        return " · ".join(sides) or "(no typical words)"

    def change_text(self) -> str:
        """The change against the period before, as shown: "+3 (+50%)", "-1 (-20%)", "0", or
        "new" for a topic absent before."""
        if self.previous == 0:
            return "new" if self.count else "0"
        if not self.change:
            return "0"
        return f"{self.change:+d} ({self.change / self.previous:+.0%})"

    def as_dict(self) -> dict[str, Any]:
        """The topic as a plain dict for ``--json`` output (words, counts, months, places,
        examples, item ids)."""
        return {"topic": self.number, "words": {"en": self.en, "cy": self.cy},
                "borrowed": self.borrowed, "count": self.count, "previous": self.previous,
                "change": self.change, "rising": self.rising, "months": self.months,
                "places": [{"place": p, "name": label, "count": n}
                           for p, label, n in self.places],
                "examples": [e.as_dict() for e in self.examples], "items": self.item_ids}

    def csv_row(self) -> dict[str, Any]:
        """For --csv (no text of anyone's: the examples by item id)."""
        return {"topic": self.number, "words_en": " ".join(self.en),
                "words_cy": " ".join(self.cy), "borrowed": self.borrowed or "",
                "count": self.count, "previous": self.previous, "change": self.change,
                "rising": "yes" if self.rising else "",
                "months": " ".join(f"{m}:{n}" for m, n in self.months.items()),
                "places": "; ".join(f"{label}: {n}" for _, label, n in self.places),
                "examples": [e.id for e in self.examples]}


@dataclass(frozen=True)
class Listening:
    """A period's topics and how they were found."""

    since: datetime
    until: datetime
    topics: list[Topic]
    items: int
    previous_items: int
    months: list[str]
    version: str
    silhouettes: dict[int, float]
    embedded: int
    cached: int

    @property
    def previous_since(self) -> datetime:
        """Where the period before this one starts."""
        return self.since - (self.until - self.since)

    @property
    def rising(self) -> list[Topic]:
        """The topics that meet the rising rule, in topic order."""
        return [t for t in self.topics if t.rising]

    @property
    def by_month(self) -> dict[str, int]:
        """This period's items by local month (every topic)."""
        return {m: sum(t.months.get(m, 0) for t in self.topics) for m in self.months}

    @property
    def by_place(self) -> list[tuple[str, str, int]]:
        """This period's items by place (id, label, count; busiest first): an item naming two
        places counts in both."""
        counts: Counter[tuple[str, str]] = Counter()
        for topic in self.topics:
            for place, label, n in topic.places:
                counts[(place, label)] += n
        return [(p, label, n) for (p, label), n in
                sorted(counts.items(), key=lambda pn: (-pn[1], pn[0][1]))]

    def as_dict(self) -> dict[str, Any]:
        """The whole period's findings as a plain dict for ``--json`` output."""
        return {"since": self.since.isoformat(), "until": self.until.isoformat(),
                "previous_since": self.previous_since.isoformat(), "items": self.items,
                "previous_items": self.previous_items, "months": self.months,
                "by_month": self.by_month,
                "by_place": [{"place": p, "name": label, "count": n}
                             for p, label, n in self.by_place],
                "rising_rule": rising_rule(), "embedding": self.version,
                "silhouette_by_k": {str(k): v for k, v in self.silhouettes.items()},
                "embedded_now": self.embedded, "from_cache": self.cached,
                "topics": [t.as_dict() for t in self.topics]}


def rising_rule() -> str:
    """The rising rule in words (for the screen, --json and the README)."""
    return (f"at least {RISING_MIN} items this period and at least "
            f"{RISING_SHARE - 1:+.0%} on the period before")


def is_rising(count: int, previous: int, baseline: bool) -> bool:
    """The rising rule (see the module's docstring); ``baseline``: the previous period holds
    any items at all."""
    return baseline and count >= RISING_MIN and count >= RISING_SHARE * previous


def month_labels(since: datetime, until: datetime, zone: Any) -> list[str]:
    """The local months ("2026-11") the period touches, oldest first."""
    first, last = since.astimezone(zone), (until - timedelta(microseconds=1)).astimezone(zone)
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
