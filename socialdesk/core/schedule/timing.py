"""When safety posts go out: one-off times and weekly/monthly rules in the team's local time.

Times are written as people say them, in the team's zone (Europe/London by default):

* one-off: ``2026-12-04 17:00``
* recurring: ``every friday 17:00``, ``every mon,thu 09:30``, ``every day 08:00``,
  ``monthly 15 09:00``, ``monthly last 12:00`` (last day of the month),
  ``monthly first monday 09:00``, ``monthly last friday 17:00``.

Every occurrence is a *local* wall-clock time turned into UTC on its own day, so a 09:00
post stays at 09:00 across the clock changes (it is 09:00 UTC in winter, 08:00 UTC in
summer). Two days a year a wall-clock time is odd, and the choice is explained:

* it does not exist (clocks go forward: 01:30 on the last Sunday of March in the UK) →
  the post goes out at the same instant the time would have had before the change
  (02:30 BST), i.e. as soon after the gap as the clock allows;
* it exists twice (clocks go back: 01:30 on the last Sunday of October) → it goes out
  once, at the first of the two (01:30 BST).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from socialdesk.errors import UserError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = {name: n for n, name in enumerate(WEEKDAYS)} | {
    day.lower(): n for n, day in enumerate(calendar.day_name)}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1,
             "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
#: How far ahead an occurrence is looked for (a monthly rule always finds one in a year).
HORIZON_DAYS = 400


class TimingError(UserError):
    """A time or rule that cannot be understood."""


@dataclass(frozen=True)
class Occurrence:
    """One moment a post goes out: UTC instant, the local time, and a note on odd days."""

    at: datetime          # aware, UTC
    local: datetime       # aware, in the team's zone
    note: str | None = None

    def describe(self) -> str:
        """e.g. ``Fri 04 Dec 2026 17:00 GMT`` (plus the DST note, if any)."""
        text = f"{self.local:%a %d %b %Y %H:%M} {self.local.tzname()}"
        return f"{text} — {self.note}" if self.note else text


@dataclass(frozen=True)
class Rule:
    """A recurrence rule; ``canonical`` is the stored form, which :func:`parse_rule` reads."""

    freq: str                          # daily | weekly | monthly
    at: time
    weekdays: tuple[int, ...] = ()     # weekly: 0 = Monday
    day: int | None = None             # monthly: day of month, -1 = last day
    nth: int | None = None             # monthly: nth weekday (1-4, -1 = last)
    weekday: int | None = None         # monthly: which weekday for nth

    @property
    def canonical(self) -> str:
        """The rule as text (stored in the DB and shown to people)."""
        hhmm = f"{self.at:%H:%M}"
        if self.freq == "daily":
            return f"every day {hhmm}"
        if self.freq == "weekly":
            return f"every {','.join(WEEKDAYS[d] for d in self.weekdays)} {hhmm}"
        if self.nth is not None and self.weekday is not None:
            nth = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}[self.nth]
            return f"monthly {nth} {WEEKDAYS[self.weekday]} {hhmm}"
        return f"monthly {'last' if self.day == -1 else self.day} {hhmm}"

    def matches(self, day: date) -> bool:
        """Whether the rule has an occurrence on this local date."""
        if self.freq == "daily":
            return True
        if self.freq == "weekly":
            return day.weekday() in self.weekdays
        last = calendar.monthrange(day.year, day.month)[1]
        if self.nth is None:
            return day.day == (last if self.day == -1 else self.day)
        if day.weekday() != self.weekday:
            return False
        if self.nth == -1:
            return day.day + 7 > last
        return (day.day - 1) // 7 + 1 == self.nth


def parse_clock(text: str) -> time:
    """``17:00`` / ``9:30`` → time; anything else is a TimingError."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if not match:
        raise TimingError(f"'{text}' is not a time of day like 17:00.")
    return time(int(match.group(1)), int(match.group(2)))


def _weekday(word: str) -> int:
    key = word.strip().lower()
    key = key[:-1] if key.endswith("s") and key[:-1] in _WEEKDAY_NAMES else key  # "fridays"
    if key in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[key]
    for n, day in enumerate(calendar.day_name):  # "tues", "thurs", "wednes"
        if len(key) >= 3 and day.lower().startswith(key):
            return n
    raise TimingError(f"'{word}' is not a day of the week.")


def parse_rule(text: str) -> Rule:
    """Read a recurrence rule (see the module docstring for the forms)."""
    words = text.lower().replace(" and ", ",").split()
    if len(words) < 2:
        raise TimingError(f"'{text}' is not a rule like 'every friday 17:00' or "
                          "'monthly first monday 09:00'.")
    at = parse_clock(words[-1])
    head, body = words[0], words[1:-1]
    if (head == "every" and body in (["day"], ["daily"])) or (head == "daily" and not body):
        return Rule("daily", at)
    if head in ("every", "weekly") and body:
        days = [d for part in body for d in part.split(",") if d]
        return Rule("weekly", at, weekdays=tuple(sorted({_weekday(d) for d in days})))
    if head == "monthly" and len(body) == 1 and body[0] in ("last", "-1"):
        return Rule("monthly", at, day=-1)
    if head == "monthly" and len(body) == 1 and body[0].isdigit():
        day = int(body[0])
        if not 1 <= day <= 28:
            raise TimingError(f"Day {day} is not in every month; use a day from 1 to 28, or "
                              "'monthly last HH:MM' for the last day.")
        return Rule("monthly", at, day=day)
    if head == "monthly" and len(body) == 2 and body[0] in _ORDINALS:
        return Rule("monthly", at, nth=_ORDINALS[body[0]], weekday=_weekday(body[1]))
    raise TimingError(f"'{text}' is not a rule like 'every friday 17:00', 'every day 09:00', "
                      "'monthly 15 09:00' or 'monthly last friday 17:00'.")


def parse_local(text: str, zone: ZoneInfo) -> Occurrence:
    """A one-off local time ``YYYY-MM-DD HH:MM`` → its :class:`Occurrence`."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\S+)", text.strip())
    if not match:
        raise TimingError(f"'{text}' is not a local time like 2026-12-04 17:00.")
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        raise TimingError(f"'{match.group(1)}' is not a date.") from None
    return resolve(day, parse_clock(match.group(2)), zone)


def resolve(day: date, at: time, zone: ZoneInfo) -> Occurrence:
    """The UTC instant of a local wall-clock time, explaining a gap or a repeat."""
    naive = datetime.combine(day, at)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    instant = first.astimezone(UTC)
    local = instant.astimezone(zone)
    if first.utcoffset() == second.utcoffset():
        return Occurrence(instant, local)
    when = f"{at:%H:%M} on {day:%a %d %b %Y}"
    if local.replace(tzinfo=None) != naive:  # a gap: the clocks went forward over it
        return Occurrence(instant, local, f"{when} does not exist (the clocks go forward); "
                                          f"it goes out at {local:%H:%M} {local.tzname()}")
    return Occurrence(instant, local, f"{when} happens twice (the clocks go back); it goes "
                                      f"out once, at the first {at:%H:%M} ({local.tzname()})")


def occurrences(rule: Rule, after: datetime, zone: ZoneInfo,
                inclusive: bool = False) -> Iterator[Occurrence]:
    """The rule's occurrences after ``after`` (UTC), in order, for about a year ahead."""
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(HORIZON_DAYS):
        day = start + timedelta(days=offset)
        if not rule.matches(day):
            continue
        occurrence = resolve(day, rule.at, zone)
        if occurrence.at > after or (inclusive and occurrence.at == after):
            yield occurrence


def next_occurrence(rule: Rule, after: datetime, zone: ZoneInfo,
                    inclusive: bool = False) -> Occurrence:
    """The first occurrence after ``after`` (or at it, if ``inclusive``)."""
    for occurrence in occurrences(rule, after, zone, inclusive):
        return occurrence
    raise TimingError(f"'{rule.canonical}' has no occurrence in the next year.")


def preview(rule: Rule | None, first: Occurrence, zone: ZoneInfo,
            count: int = 5) -> list[Occurrence]:
    """The next ``count`` occurrences from ``first`` (just ``first`` for a one-off)."""
    if rule is None:
        return [first]
    found = [first]
    for occurrence in occurrences(rule, first.at, zone):
        if len(found) >= count:
            break
        found.append(occurrence)
    return found
