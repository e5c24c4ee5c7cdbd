"""Places (``desk.places``, issue 23): the places each item names, and the hotspots — reports
and concerns by place and week, ranked, each with its items to drill down to.

Items are tagged with the gazetteer (prompts/places.toml, :mod:`socialdesk.core.places`) as
they come in (import, sync) and, for a database that had items before the gazetteer, on the
first look by a member (:meth:`PlacesDesk.tag_new`, in batches). Read-only accounts never
write: they see what members' desks have tagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from socialdesk.core.desk import access
from socialdesk.core.desk.context import DeskContext
from socialdesk.core.models import utc_now
from socialdesk.core.places import find_place_id, load_gazetteer, place_label
from socialdesk.core.store import places as store_places
from socialdesk.errors import UserError

#: The hotspots' default period, and how many weeks their spark lines show.
DEFAULT_PERIOD = timedelta(days=28)
SPARK_WEEKS = 8
CATEGORIES = store_places.PLACE_CATEGORIES
CSV_FIELDS = ["place", "name", "cy", "en", "kind", "count", "previous", "change", "weeks",
              "items"]


@dataclass(frozen=True)
class Hotspot:
    """One place in the hotspots: its reports and concerns this period and the one before
    (of equal length), by week for a spark line (oldest first), and this period's items
    (newest first)."""

    place_id: str
    name: str
    cy: str
    en: str
    kind: str
    count: int
    previous: int
    weeks: list[int] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)

    @property
    def change(self) -> int:
        """This period's count less the previous period's."""
        return self.count - self.previous

    def as_dict(self) -> dict[str, Any]:
        """The hotspot as a plain dict, the shape ``places --json`` prints and ``--csv`` writes."""
        return {"place": self.place_id, "name": self.name, "cy": self.cy, "en": self.en,
                "kind": self.kind, "count": self.count, "previous": self.previous,
                "change": self.change, "weeks": self.weeks, "items": self.item_ids}


SPARKS = "▁▂▃▄▅▆▇█"


def spark_line(counts: list[int]) -> str:
    """Weekly counts as unicode blocks, scaled to the largest (an empty week is the lowest
    block, so the line keeps its length)."""
    top = max(counts, default=0)
    if top <= 0:
        return SPARKS[0] * len(counts)
    return "".join(SPARKS[min(len(SPARKS) - 1, round(c * (len(SPARKS) - 1) / top))]
                   for c in counts)


def change_text(spot: Hotspot) -> str:
    """The change on the previous period: "+3", "-1", "0", or "new"."""
    if spot.previous == 0 and spot.count:
        return "new"
    return f"{spot.change:+d}" if spot.change else "0"


class PlacesDesk:
    """The places items name, the hotspots and a place's items."""

    def __init__(self, context: DeskContext) -> None:
        self.context = context

    def tag_new(self) -> int:
        """Tag the items not tagged yet (a member's desk only: read-only accounts write
        nothing); returns how many items were read."""
        try:
            self.context.require(access.Permission.RUN_JOBS)
        except access.AccessDenied:
            return 0
        return store_places.tag_new_items(self.context.store)

    def of_item(self, item_id: int) -> list[dict[str, str]]:
        """The places an item names: id, name ("Caergybi / Holyhead") and source (text or
        post), each place once (its own text first)."""
        seen: dict[str, dict[str, str]] = {}
        for place_id, source in store_places.places_of_item(self.context.store, item_id):
            seen.setdefault(place_id, {"id": place_id, "name": place_label(place_id),
                                       "source": source})
        return list(seen.values())

    def hotspots(self, since: datetime | None = None, until: datetime | None = None,
                 category: str | None = None) -> list[Hotspot]:
        """Reports and concerns (or one ``category``) by place, ranked: most this period
        first, then the biggest rise. ``since`` defaults to 28 days before ``until`` (now)."""
        self.context.require(access.Permission.SEE_REPORTS)
        if category is not None and category not in CATEGORIES:
            raise UserError(f"Places count reports and concerns; '{category}' is neither.")
        until = until or utc_now()
        since = since or until - DEFAULT_PERIOD
        if since >= until:
            raise UserError("The period's start must come before its end.")
        self.tag_new()
        gaz = load_gazetteer()
        spots = []
        for row in store_places.hotspot_counts(self.context.store, since, until, SPARK_WEEKS,
                                               (category,) if category else CATEGORIES):
            place = gaz.entry(row.place_id)
            spots.append(Hotspot(row.place_id, place.label if place else row.place_id,
                                 place.cy if place else row.place_id,
                                 place.en if place else row.place_id,
                                 place.kind if place else "", row.current, row.previous,
                                 row.weeks, row.item_ids))
        spots.sort(key=lambda s: (-s.count, -s.change, s.name.lower()))
        return spots

    def items(self, place: str) -> list[dict[str, Any]]:
        """The items that name a place — given by its id or any of its names ("holyhead",
        "Caergybi", "ym Mhorthaethwy") — newest first (id, created_at, kind, category, urgent,
        language, text, status, first_response_at, first_response_by, assignee,
        close_reason); one sentence when it names no place the gazetteer knows."""
        self.context.require(access.Permission.SEE_REPORTS)
        place_id = find_place_id(place)
        if place_id is None:
            raise UserError(f"'{place}' is not a place socialdesk knows (prompts/places.toml "
                            "lists them; `socialdesk places` shows the busy ones).")
        return store_places.items_of_place(self.context.store, place_id)

    def export_csv(self, spots: list[Hotspot], path: str | Path, since: datetime,
                   until: datetime) -> int:
        """Write the hotspots as CSV (an export: supervisors, recorded in the audit log);
        return the rows written."""
        return self.context.export_rows_csv("places", [s.as_dict() for s in spots], CSV_FIELDS,
                                            Path(path), {"since": str(since),
                                                         "until": str(until)})
