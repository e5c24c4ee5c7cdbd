"""Staffed-hours clock and SLA due times, checked against hand-computed cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from socialdesk.config import SlaConfig
from socialdesk.core.audit.hours import StaffedClock
from socialdesk.core.audit.sla import SlaPolicy


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def clock(config) -> StaffedClock:
    return StaffedClock(config.staffed_hours, config.team.zone)


def test_adding_minutes_skips_the_lunch_gap_of_a_split_shift(config) -> None:
    # Monday 23 Nov 2026 (GMT): shifts 08:00-12:30 and 13:30-17:00.
    assert clock(config).add(utc("2026-11-23T12:00"), 120) == utc("2026-11-23T15:00")


def test_friday_night_before_a_bank_holiday_monday_waits_for_tuesday(config) -> None:
    # Fri 22 May 2026 22:30 BST (after the 18:00-22:00 shift); Sat 10:00-14:00 BST is staffed;
    # Sunday none; Monday 25 May is a bank holiday. 15 staffed minutes → Saturday 10:15 BST.
    assert clock(config).add(utc("2026-05-22T21:30"), 15) == utc("2026-05-23T09:15")
    # 5 hours: Saturday gives 4 h, the next staffed minute is Tuesday 08:00 BST → 09:00 BST.
    assert clock(config).add(utc("2026-05-22T21:30"), 300) == utc("2026-05-26T08:00")


def test_minutes_between_counts_only_staffed_time(config) -> None:
    staffed = clock(config)
    assert staffed.minutes_between(utc("2026-11-23T12:00"), utc("2026-11-23T15:00")) == 120
    assert staffed.minutes_between(utc("2026-05-22T21:30"), utc("2026-05-26T08:00")) == 300
    assert staffed.minutes_between(utc("2026-11-23T15:00"), utc("2026-11-23T12:00")) == 0


def test_shift_stays_at_local_time_across_the_clock_change(config) -> None:
    staffed = clock(config)
    # Before the October change 08:00 BST = 07:00 UTC; after it 08:00 GMT = 08:00 UTC.
    assert staffed.intervals_on(datetime(2026, 10, 23).date())[0][0] == utc("2026-10-23T07:00")
    assert staffed.intervals_on(datetime(2026, 10, 26).date())[0][0] == utc("2026-10-26T08:00")
    assert staffed.is_staffed(utc("2026-10-26T08:30"))
    assert not staffed.is_staffed(utc("2026-10-26T07:30"))


def test_sla_targets_urgent_overrides_and_unclassified_is_held_to_report(config) -> None:
    policy = SlaPolicy(config)
    created = utc("2026-11-23T09:00")
    assert policy.due_at(created, "chat", True) == utc("2026-11-23T09:15")
    assert policy.due_at(created, None, False) == policy.due_at(created, "report", False)
    # 8 staffed hours from Monday 09:00: 210 + 210 minutes on Monday, 60 on Tuesday from 08:00.
    assert policy.due_at(created, "concern", False) == utc("2026-11-24T09:00")


def test_elapsed_clock_ignores_shifts(config) -> None:
    elapsed = replace(config, sla=SlaConfig(clock="elapsed"))
    assert SlaPolicy(elapsed).due_at(utc("2026-11-22T03:00"), "report", False) == \
        utc("2026-11-22T05:00")


def test_urgent_items_run_on_the_elapsed_clock_even_when_sla_is_staffed(config) -> None:
    """A 'happening now' message at 03:10 on a Sunday is due at 03:25, not hours later when
    the next shift starts (issue 27: it showed 4h58m left)."""
    policy = SlaPolicy(config)
    assert config.sla.clock == "staffed"
    night = utc("2026-11-22T03:10")
    assert policy.due_at(night, "report", True) == utc("2026-11-22T03:25")
    assert policy.due_at(night, "report", False) > utc("2026-11-23T08:00")  # staffed time
