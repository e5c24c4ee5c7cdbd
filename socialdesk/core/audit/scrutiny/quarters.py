"""Quarters of the year in the team's time zone ("2026Q4": 1 October 00:00 to 1 January 00:00
local), as the scrutiny pack is asked for and labelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from socialdesk.errors import UserError

_QUARTER = re.compile(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*")


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter in the team's zone."""

    year: int
    number: int
    zone: ZoneInfo

    @property
    def label(self) -> str:
        """How the quarter is named in the pack and on the command line: "2026Q4"."""
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> datetime:
        """Local midnight of its first day."""
        return datetime(self.year, 3 * self.number - 2, 1, tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        """Local midnight of the day after its last day."""
        if self.number == 4:
            return datetime(self.year + 1, 1, 1, tzinfo=self.zone)
        return datetime(self.year, 3 * self.number + 1, 1, tzinfo=self.zone)

    def months(self) -> list[tuple[datetime, datetime]]:
        """Its three months as (local start, local end)."""
        starts = [datetime(self.year, 3 * self.number - 2 + n, 1, tzinfo=self.zone)
                  for n in range(3)]
        return list(zip(starts, [*starts[1:], self.end], strict=True))


def quarter_of(moment: datetime, zone: ZoneInfo) -> Quarter:
    """The quarter holding ``moment`` in the team's zone."""
    local = moment.astimezone(zone)
    return Quarter(local.year, (local.month - 1) // 3 + 1, zone)


def recent_quarters(now: datetime, zone: ZoneInfo, count: int = 4) -> list[Quarter]:
    """The current quarter and the ones before it, newest first."""
    current = quarter_of(now, zone)
    found = []
    year, number = current.year, current.number
    for _ in range(count):
        found.append(Quarter(year, number, zone))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return found


def parse_quarter(text: str, zone: ZoneInfo, now: datetime) -> Quarter:
    """"2026Q4" (or "2026-Q4", "2026q4") as a :class:`Quarter`; one sentence for anything else
    or for a quarter that has not begun."""
    match = _QUARTER.fullmatch(text or "")
    if not match or int(match[1]) < 1970:
        shown = " ".join(str(text).split())[:40]
        raise UserError(f"--quarter takes a year and a quarter like 2026Q4, got '{shown}'.")
    quarter = Quarter(int(match[1]), int(match[2]), zone)
    if quarter.start > now:
        raise UserError(f"{quarter.label} has not begun yet; the latest quarter is "
                        f"{quarter_of(now, zone).label}.")
    return quarter


def last_day(quarter: Quarter) -> datetime:
    """The quarter's last day (local)."""
    return quarter.end - timedelta(days=1)
