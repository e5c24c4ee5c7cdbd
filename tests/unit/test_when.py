"""The snooze time parser: what officers type, in the team's zone, across clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from socialdesk.core.triage.when import BadWhen, parse_when, show_when

LONDON = ZoneInfo("Europe/London")
#: Monday 7 December 2026, 14:00 GMT (= UTC in winter)
NOW = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


def when(text: str, now: datetime = NOW, **kw) -> datetime:
    return parse_when(text, now, LONDON, **kw)


@pytest.mark.parametrize(("text", "expected"), [
    ("tomorrow 09:00", datetime(2026, 12, 8, 9, 0, tzinfo=UTC)),
    ("Tomorrow 9am", datetime(2026, 12, 8, 9, 0, tzinfo=UTC)),
    ("tomorrow", datetime(2026, 12, 8, 9, 0, tzinfo=UTC)),
    ("yfory 14.30", datetime(2026, 12, 8, 14, 30, tzinfo=UTC)),
    ("today 17:00", datetime(2026, 12, 7, 17, 0, tzinfo=UTC)),
    ("17:30", datetime(2026, 12, 7, 17, 30, tzinfo=UTC)),
    ("5pm", datetime(2026, 12, 7, 17, 0, tzinfo=UTC)),
    ("mon 14:00", datetime(2026, 12, 14, 14, 0, tzinfo=UTC)),   # today's 14:00 has gone
    ("mon 15:00", datetime(2026, 12, 7, 15, 0, tzinfo=UTC)),    # today's is still ahead
    ("wed 10:00", datetime(2026, 12, 9, 10, 0, tzinfo=UTC)),
    ("dydd Gwener 08:00", datetime(2026, 12, 11, 8, 0, tzinfo=UTC)),
    ("2026-12-09 10:30", datetime(2026, 12, 9, 10, 30, tzinfo=UTC)),
    ("2026-12-09T10:30", datetime(2026, 12, 9, 10, 30, tzinfo=UTC)),
    ("2026-12-09", datetime(2026, 12, 9, 9, 0, tzinfo=UTC)),
    ("+2h", NOW + timedelta(hours=2)),
    ("+90m", NOW + timedelta(minutes=90)),
    ("+3d", NOW + timedelta(days=3)),
    ("+1w", NOW + timedelta(days=7)),
    ("in 30 min", NOW + timedelta(minutes=30)),
    ("in 2 hours", NOW + timedelta(hours=2)),
    ("  in   3  days ", NOW + timedelta(days=3)),
])
def test_what_people_type(text: str, expected: datetime) -> None:
    assert when(text) == expected


def test_summer_times_are_local_not_utc() -> None:
    summer = datetime(2026, 7, 6, 12, 0, tzinfo=UTC)   # 13:00 BST
    assert when("tomorrow 09:00", summer) == datetime(2026, 7, 7, 8, 0, tzinfo=UTC)
    assert when("2026-07-09 10:30", summer) == datetime(2026, 7, 9, 9, 30, tzinfo=UTC)


def test_the_week_the_clocks_go_back() -> None:
    # Saturday 24 October 2026, 10:00 BST; the clocks go back at 02:00 BST on Sunday 25th
    now = datetime(2026, 10, 24, 9, 0, tzinfo=UTC)
    assert when("tomorrow 09:00", now) == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)  # GMT now
    assert when("+1d", now) == datetime(2026, 10, 25, 10, 0, tzinfo=UTC)  # 10:00 wall: 25 h
    assert when("+24h", now) == now + timedelta(hours=24)                 # elapsed: 09:00 GMT
    assert when("mon 09:00", now) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    # 01:30 happens twice that night: the first (BST) one
    assert when("tomorrow 01:30", now) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_the_week_the_clocks_go_forward() -> None:
    # Saturday 28 March 2026, 12:00 GMT; 01:00-02:00 on Sunday 29th does not happen
    now = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert when("+1d", now) == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)   # 12:00 BST: 23 h
    assert when("tomorrow 09:00", now) == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    with pytest.raises(BadWhen, match="does not exist in Europe/London"):
        when("tomorrow 01:30", now)


def test_next_shift_is_what_the_desk_says() -> None:
    shift = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    assert when("next shift", next_shift=shift) == shift
    with pytest.raises(BadWhen, match="no staffed shifts"):
        when("next shift")


@pytest.mark.parametrize(("text", "says"), [
    ("", "Say when"),
    ("soon", "not a time"),
    ("tomorrow at nine", "not a time"),
    ("25:00", "not a time of day"),
    ("13pm", "not a time of day"),
    ("+2y", "the unit must be"),
    ("2026-02-30 10:00", "not a date in the calendar"),
    ("2026-12-01 10:00", "not in the future"),
    ("today 09:00", "not in the future"),
    ("12:00", "not in the future"),
    ("+0m", "not in the future"),
    ("2028-01-01", "more than a year away"),
    ("+400d", "more than a year away"),
])
def test_bad_input_is_one_sentence(text: str, says: str) -> None:
    with pytest.raises(BadWhen) as caught:
        when(text)
    message = str(caught.value)
    assert says in message and message.endswith(".") and "\n" not in message


def test_show_when_reads_like_a_diary() -> None:
    assert show_when("2026-12-08T09:00:00+00:00", LONDON) == "Tue 8 Dec 09:00"
    assert show_when(datetime(2026, 7, 7, 8, 0, tzinfo=UTC), LONDON) == "Tue 7 Jul 09:00"
