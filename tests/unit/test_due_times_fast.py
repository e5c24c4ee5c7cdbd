"""Due times for many items at once (issue 22) against :meth:`StaffedClock.add` and
:meth:`SlaPolicy.due_at` one by one: nights, weekends, bank holidays, both clock changes,
starts on a shift's first and last second, zero minutes, sub-second starts, urgent items and
the elapsed clock, a desk never staffed, and one staffed so little the horizon is reached."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import numpy as np
import pytest

from socialdesk.config import Shift, StaffedHours
from socialdesk.core.audit.hours import StaffedClock, from_micros, micros
from socialdesk.core.audit.sla import SlaPolicy, due_times
from socialdesk.core.models import to_iso


def starts(rng: random.Random, clock: StaffedClock, count: int) -> list[datetime]:
    base = datetime(2025, 12, 20, tzinfo=UTC)
    moments = [base + timedelta(seconds=rng.randrange(0, 400 * 86400),
                                microseconds=rng.choice([0, 0, 1, 999_999]))
               for _ in range(count)]
    edges = [edge + timedelta(seconds=d) for day in range(0, 400, 3)
             for begin, end in clock.intervals_on((base + timedelta(days=day)).date())
             for edge in (begin, end) for d in (-1, 0, 1)]
    return moments + edges + [datetime(2026, 3, 29, 1, tzinfo=UTC),
                              datetime(2026, 10, 25, 1, tzinfo=UTC)]


@pytest.mark.parametrize("seed", range(3))
def test_many_due_times_are_the_ones_add_finds(config, seed: int) -> None:
    rng = random.Random(seed)
    clock = StaffedClock(config.staffed_hours, config.team.zone)
    moments = starts(rng, clock, 400)
    minutes = [rng.choice([0, 1, 15, 120, 480, 1440, 60 * 24 * 30]) for _ in moments]
    fast = clock.add_many(np.array([micros(m) for m in moments]), np.array(minutes))
    assert [from_micros(int(v)) for v in fast] == [clock.add(m, n)
                                                  for m, n in zip(moments, minutes, strict=True)]


def test_never_staffed_and_hardly_staffed_desks(config) -> None:
    never = StaffedClock(replace(config.staffed_hours, shifts={}), config.team.zone)
    once = StaffedClock(StaffedHours(shifts={"tuesday": (Shift(time(9), time(9, 5)),)},
                                     bank_holidays=frozenset()), config.team.zone)
    moments = [datetime(2026, 1, 6, 9, 3, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC),
               datetime(2027, 9, 1, tzinfo=UTC)]   # later starts reach past the horizon
    for clock in (never, once):
        for minutes in (0, 2, 5, 300, 3000, 10_000):   # 300: 60 weeks of Tuesdays
            fast = clock.add_many(np.array([micros(m) for m in moments]),
                                  np.array([minutes] * 3))
            assert [from_micros(int(v)) for v in fast] == [clock.add(m, minutes)
                                                          for m in moments], (clock, minutes)


@pytest.mark.parametrize("clock_kind", ["staffed", "elapsed"])
def test_due_times_match_due_at_item_by_item(config, clock_kind: str) -> None:
    policy = SlaPolicy(replace(config, sla=replace(config.sla, clock=clock_kind)))
    rng = random.Random(4)
    rows = [(to_iso(m), rng.choice(["report", "concern", "chat", None]),
             rng.choice([0, 1, None])) for m in starts(rng, policy.clock, 300)]
    assert due_times(policy, rows) == [
        to_iso(policy.due_at(datetime.fromisoformat(created), category, bool(urgent)))
        for created, category, urgent in rows]
    assert due_times(policy, []) == []
