"""Staffed hours: when the desk is staffed, and how many staffed minutes lie between times.

Shifts are local times of the team's zone (several per weekday, split shifts allowed); bank
holidays have none. Each day's shifts are turned into UTC intervals with :mod:`zoneinfo`, so a
09:00 shift stays at 09:00 local on both sides of a clock change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from socialdesk.config import WEEKDAYS, StaffedHours
from socialdesk.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

#: How far ahead :meth:`StaffedClock.add` looks for staffed time before giving up.
HORIZON_DAYS = 400
Interval = tuple[datetime, datetime]
MICROS_PER_MINUTE = 60_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """Whole microseconds since the epoch (exact, unlike ``timestamp()``)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def from_micros(value: int) -> datetime:
    """The moment ``value`` microseconds after the epoch (UTC)."""
    return EPOCH + timedelta(microseconds=value)


class StaffedClock:
    """Adds and counts staffed minutes for one set of shifts in one time zone."""

    def __init__(self, hours: StaffedHours, zone: ZoneInfo) -> None:
        self.hours = hours
        self.zone = zone
        self._days: dict[date, list[Interval]] = {}
        self.never_staffed = not any(hours.shifts.get(day) for day in WEEKDAYS)

    def intervals_on(self, day: date) -> list[Interval]:
        """The staffed stretches of a local calendar day, as UTC intervals."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        intervals: list[Interval] = []
        if day not in self.hours.bank_holidays:
            for shift in self.hours.shifts.get(WEEKDAYS[day.weekday()], ()):
                start = datetime.combine(day, shift.start, tzinfo=self.zone).astimezone(UTC)
                end = datetime.combine(day, shift.end, tzinfo=self.zone).astimezone(UTC)
                if end > start:
                    intervals.append((start, end))
        self._days[day] = intervals
        return intervals

    def _days_from(self, moment: datetime, limit: int = HORIZON_DAYS) -> Iterator[date]:
        first = moment.astimezone(self.zone).date()
        return (first + timedelta(days=n) for n in range(limit))

    def add(self, start: datetime, minutes: float) -> datetime:
        """The moment when ``minutes`` of staffed time have passed after ``start``.

        With no shifts configured at all, staffed time is taken to be elapsed time.
        """
        if self.never_staffed:
            return start + timedelta(minutes=minutes)
        left = timedelta(minutes=minutes)
        for day in self._days_from(start):
            for begin, end in self.intervals_on(day):
                if end <= start:
                    continue
                begin = max(begin, start)
                if left <= end - begin:
                    return begin + left
                left -= end - begin
        return start + timedelta(days=HORIZON_DAYS)

    def add_many(self, starts: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """:meth:`add` for many starts at once, in whole microseconds since the epoch (UTC):
        the same moments, found with binary searches over the cumulative staffed time of the
        whole span instead of a walk over the days of each start (500,000 due times: minutes
        → about a second)."""
        begin = np.asarray(starts, dtype=np.int64)
        left = np.asarray(minutes, dtype=np.int64) * MICROS_PER_MINUTE
        if begin.size == 0 or self.never_staffed:
            return begin + left
        first = from_micros(int(begin.min())).astimezone(self.zone).date()
        last = from_micros(int(begin.max())).astimezone(self.zone).date()
        days = [first + timedelta(days=n)
                for n in range((last - first).days + HORIZON_DAYS + 1)]
        # local midnights: the local day of each start, as add() counts its horizon from it
        midnights = np.array([micros(datetime.combine(day, datetime.min.time(),
                                                       tzinfo=self.zone)) for day in days])
        spans = [(n, micros(b), micros(e)) for n, day in enumerate(days)
                 for b, e in self.intervals_on(day)]
        horizon = begin + HORIZON_DAYS * 24 * 60 * MICROS_PER_MINUTE
        if not spans:
            return horizon
        day_of = np.array([n for n, _, _ in spans])
        lo = np.array([b for _, b, _ in spans], dtype=np.int64)
        hi = np.array([e for _, _, e in spans], dtype=np.int64)
        before = np.concatenate(([0], np.cumsum(hi - lo)[:-1]))
        ends = before + (hi - lo)
        index = np.searchsorted(lo, begin, side="right") - 1
        safe = np.clip(index, 0, lo.size - 1)
        done = np.where(index < 0, 0, before[safe] + np.clip(begin - lo[safe], 0,
                                                              hi[safe] - lo[safe]))
        target = done + left
        # the first stretch that ends after the start and holds the target's minute
        at = np.maximum(np.searchsorted(hi, begin, side="right"),
                        np.searchsorted(ends, target, side="left"))
        found = np.clip(at, 0, lo.size - 1)
        start_day = np.searchsorted(midnights, begin, side="right") - 1
        valid = (at < lo.size) & (day_of[found] < start_day + HORIZON_DAYS)
        return np.where(valid, lo[found] + (target - before[found]), horizon)

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Staffed minutes from ``start`` to ``end`` (0 when end is not after start).

        One pair through :func:`staffed_seconds_between`, the path the reports use.
        """
        seconds = staffed_seconds_between(self, [start.timestamp()], [end.timestamp()])
        return float(seconds[0]) / 60

    def next_opening(self, moment: datetime) -> datetime | None:
        """When the desk is next staffed at or after ``moment`` (``moment`` itself while it
        is staffed); None when no shift lies within the horizon (or none is configured)."""
        if self.never_staffed:
            return None
        for day in self._days_from(moment - timedelta(days=1)):
            for begin, end in self.intervals_on(day):
                if end > moment:
                    return max(begin, moment)
        return None

    def is_staffed(self, moment: datetime) -> bool:
        """Whether someone is on the desk at this moment."""
        day = moment.astimezone(self.zone).date()
        return any(begin <= moment < end for begin, end in self.intervals_on(day))


def staffed_seconds_between(clock: StaffedClock, starts: Sequence[float] | np.ndarray,
                            ends: Sequence[float | None] | np.ndarray) -> np.ndarray:
    """Staffed seconds between many pairs of epoch seconds at once (NaN where an end is
    missing: None or NaN).

    Builds the staffed intervals of the whole span once, then answers every pair with two
    binary searches over the cumulative staffed time: O(log n) per pair, vectorised.
    """
    begin = np.asarray(starts, dtype=float)
    stop = np.asarray([np.nan if e is None else e for e in ends] if isinstance(ends, list)
                      else ends, dtype=float)
    if begin.size == 0:
        return np.zeros(0)
    if clock.never_staffed:
        return np.maximum(stop - begin, 0)
    filled = np.where(np.isnan(stop), begin, stop)
    first = datetime.fromtimestamp(float(begin.min()), UTC)
    last = datetime.fromtimestamp(float(filled.max()), UTC)
    days = (last.astimezone(clock.zone).date() - first.astimezone(clock.zone).date()).days + 2
    bounds = [(s.timestamp(), e.timestamp()) for day in clock._days_from(first, days)
              for s, e in clock.intervals_on(day)]
    if not bounds:
        return np.where(np.isnan(stop), np.nan, 0.0)
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    before = np.concatenate(([0.0], np.cumsum(hi - lo)))

    def cumulative(t: np.ndarray) -> np.ndarray:
        index = np.searchsorted(lo, t, side="right") - 1
        safe = np.clip(index, 0, len(lo) - 1)
        inside = np.clip(t - lo[safe], 0, hi[safe] - lo[safe])
        return np.where(index < 0, 0.0, before[safe] + inside)

    result = np.maximum(cumulative(filled) - cumulative(begin), 0)
    return np.where(np.isnan(stop), np.nan, result)
