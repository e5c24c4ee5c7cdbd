"""When a snoozed item comes back, from what an officer types: "tomorrow 09:00", "mon 14:00",
"2026-12-09 10:30", "+2h", "+3d", "in 30 min", "next shift".

Pure: the caller gives the present moment and the team's zone. Times of day are the team's
local times, turned into UTC with :mod:`zoneinfo`, so "tomorrow 09:00" is 09:00 on the wall
clock on either side of a clock change; "+3d" keeps the wall-clock time too (a day is a
calendar day, 23 or 25 hours in a DST week), while "+2h" and "in 30 min" are elapsed time.
A local time that does not exist (the hour the clocks skip in spring) is refused; one that
happens twice (autumn) is its first occurrence.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from socialdesk.errors import UserError

#: How far ahead a snooze may go.
MAX_AHEAD = timedelta(days=365)
#: The time of day a bare date ("tomorrow", "fri", "2026-12-09") means.
DEFAULT_TIME = time(9, 0)

EXAMPLES = '"tomorrow 09:00", "mon 14:00", "2026-12-09 10:30", "+2h", "+3d" or "in 30 min"'

#: Day names in English and Welsh (dydd Llun…), by weekday number.
DAYS = {
    **{name: n for n, names in enumerate((
        ("mon", "monday", "llun"), ("tue", "tues", "tuesday", "mawrth"),
        ("wed", "wednesday", "mercher"), ("thu", "thur", "thurs", "thursday", "iau"),
        ("fri", "friday", "gwener"), ("sat", "saturday", "sadwrn"),
        ("sun", "sunday", "sul"))) for name in names},
}
UNITS = {"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
         "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
         "d": 24 * 60, "day": 24 * 60, "days": 24 * 60,
         "w": 7 * 24 * 60, "week": 7 * 24 * 60, "weeks": 7 * 24 * 60}

_RELATIVE = re.compile(r"(?:\+|in\s+)(\d{1,4})\s*([a-z]+)")
_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class BadWhen(UserError):
    """What was typed is not a time in the future (one sentence says what is accepted)."""


def _time_of_day(text: str, said: str) -> time:
    found = _TIME.fullmatch(text)
    if not found:
        raise BadWhen(f"'{said}' is not a time socialdesk understands; try {EXAMPLES}.")
    hour, minute = int(found[1]), int(found[2] or 0)
    if found[3]:
        if not 1 <= hour <= 12:
            raise BadWhen(f"'{said}' is not a time of day (1am to 12pm, or 00:00 to 23:59).")
        hour = hour % 12 + (12 if found[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise BadWhen(f"'{said}' is not a time of day (00:00 to 23:59).")
    return time(hour, minute)


def local(day: date, at: time, zone: ZoneInfo, said: str) -> datetime:
    """A local wall-clock time as UTC; refused when the clocks skip it that day."""
    moment = datetime.combine(day, at, tzinfo=zone)
    back = moment.astimezone(UTC).astimezone(zone)
    if (back.hour, back.minute) != (at.hour, at.minute):
        raise BadWhen(f"{at:%H:%M} on {day:%a} {day.day} {day:%b} does not exist in "
                      f"{zone.key} (the clocks go forward); choose another time.")
    return moment.astimezone(UTC)


def _split(rest: str, said: str) -> time:
    return _time_of_day(rest, said) if rest else DEFAULT_TIME


def parse_when(text: str, now: datetime, zone: ZoneInfo,
               next_shift: datetime | None = None) -> datetime:
    """The moment (UTC) that ``text`` means, seen at ``now``; :class:`BadWhen` (one sentence)
    when it is not understood, not in the future, or more than a year away. ``next_shift``
    is what "next shift" means (None: the desk has no shifts)."""
    said = " ".join(text.split())
    words = said.lower().removeprefix("dydd ")
    if not words:
        raise BadWhen(f"Say when the item should come back: {EXAMPLES}.")
    today = now.astimezone(zone).date()
    relative = _RELATIVE.fullmatch(words)
    if relative:
        count, unit = int(relative[1]), relative[2]
        if unit not in UNITS:
            raise BadWhen(f"'{said}': the unit must be minutes, hours, days or weeks "
                          "(m, h, d, w).")
        minutes = count * UNITS[unit]
        if UNITS[unit] >= 24 * 60 and minutes:   # calendar days keep the wall-clock time
            wall = now.astimezone(zone)
            day = wall.date() + timedelta(days=minutes // (24 * 60))
            when = local(day, time(wall.hour, wall.minute), zone, said)
        else:
            when = now + timedelta(minutes=minutes)
    elif words in ("next shift", "shift", "next shift start"):
        if next_shift is None:
            raise BadWhen("The desk has no staffed shifts configured, so 'next shift' means "
                          f"nothing; try {EXAMPLES}.")
        when = next_shift
    else:
        first, _, rest = words.partition(" ")
        if first in ("today", "heddiw"):
            when = local(today, _split(rest, said), zone, said)
        elif first in ("tomorrow", "yfory"):
            when = local(today + timedelta(days=1), _split(rest, said), zone, said)
        elif first in DAYS:
            at = _split(rest, said)
            ahead = (DAYS[first] - today.weekday()) % 7
            when = local(today + timedelta(days=ahead), at, zone, said)
            if when <= now:   # that day is today and the time has gone: next week's
                when = local(today + timedelta(days=ahead + 7), at, zone, said)
        elif _DATE.fullmatch(first.partition("t")[0]):
            day_text, _, time_text = first.partition("t")
            parts = _DATE.fullmatch(day_text)
            assert parts is not None
            try:
                day = date(int(parts[1]), int(parts[2]), int(parts[3]))
            except ValueError:
                raise BadWhen(f"'{day_text}' is not a date in the calendar.") from None
            when = local(day, _split((time_text or rest).strip(), said), zone, said)
        else:
            when = local(today, _time_of_day(words, said), zone, said)
    if when <= now:
        raise BadWhen(f"'{said}' is not in the future; say when the item should come back "
                      f"(e.g. {EXAMPLES}).")
    if when - now > MAX_AHEAD:
        raise BadWhen(f"'{said}' is more than a year away; an item can be snoozed for a "
                      "year at most.")
    return when


def show_when(moment: datetime | str, zone: ZoneInfo) -> str:
    """A snooze time as people read it: "Tue 8 Dec 09:00" (local)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    wall = moment.astimezone(zone)
    return f"{wall:%a} {wall.day} {wall:%b %H:%M}"
