"""Safety-post timing: rules, local wall-clock times across both clock changes, templates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from socialdesk.core.schedule import templates
from socialdesk.core.schedule.timing import (
    TimingError,
    next_occurrence,
    occurrences,
    parse_local,
    parse_rule,
    preview,
    resolve,
)

LONDON = ZoneInfo("Europe/London")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def take(rule_text: str, after: str, n: int) -> list[datetime]:
    found = []
    for occurrence in occurrences(parse_rule(rule_text), utc(after), LONDON):
        found.append(occurrence.at)
        if len(found) == n:
            return found
    return found


def test_a_sunday_0900_post_stays_at_0900_local_when_the_clocks_go_forward():
    # 2026-03-29: 01:00 GMT → 02:00 BST.
    first, second = take("every sunday 09:00", "2026-03-21 00:00", 2)
    assert first == utc("2026-03-22 09:00")        # GMT: 09:00 local = 09:00 UTC
    assert second == utc("2026-03-29 08:00")       # BST: 09:00 local = 08:00 UTC
    assert [o.astimezone(LONDON).time() for o in (first, second)] == [time(9), time(9)]


def test_a_sunday_0900_post_stays_at_0900_local_when_the_clocks_go_back():
    # 2026-10-25: 02:00 BST → 01:00 GMT.
    first, second = take("every sunday 09:00", "2026-10-17 00:00", 2)
    assert first == utc("2026-10-18 08:00")
    assert second == utc("2026-10-25 09:00")


def test_a_time_that_does_not_exist_goes_out_after_the_gap_and_says_so():
    occurrence = resolve(date(2026, 3, 29), time(1, 30), LONDON)
    assert occurrence.at == utc("2026-03-29 01:30")              # = 02:30 BST
    assert occurrence.local.strftime("%H:%M %Z") == "02:30 BST"
    assert occurrence.note is not None and "does not exist" in occurrence.note
    assert "02:30 BST" in occurrence.describe()


def test_a_time_that_happens_twice_goes_out_once_at_the_first():
    occurrence = resolve(date(2026, 10, 25), time(1, 30), LONDON)
    assert occurrence.at == utc("2026-10-25 00:30")              # the first 01:30, in BST
    assert occurrence.note is not None and "happens twice" in occurrence.note
    daily = take("every day 01:30", "2026-10-24 12:00", 2)       # one on the 25th, not two
    assert daily == [utc("2026-10-25 00:30"), utc("2026-10-26 01:30")]


def test_ordinary_days_have_no_note():
    assert resolve(date(2026, 12, 4), time(17), LONDON).note is None


@pytest.mark.parametrize(("text", "canonical"), [
    ("every friday 17:00", "every fri 17:00"),
    ("every Fridays 17:00", "every fri 17:00"),
    ("every mon, thurs 9:30", "every mon,thu 09:30"),
    ("every monday and thursday 09:30", "every mon,thu 09:30"),
    ("every day 08:00", "every day 08:00"),
    ("daily 08:00", "every day 08:00"),
    ("monthly 15 09:00", "monthly 15 09:00"),
    ("monthly last 12:00", "monthly last 12:00"),
    ("monthly first monday 09:00", "monthly first mon 09:00"),
    ("monthly last friday 17:00", "monthly last fri 17:00"),
])
def test_rules_read_as_people_write_them_and_round_trip(text, canonical):
    rule = parse_rule(text)
    assert rule.canonical == canonical
    assert parse_rule(rule.canonical) == rule


@pytest.mark.parametrize("text", ["every blursday 09:00", "every friday 25:00", "monthly 31 09:00",
                                  "sometimes 09:00", "every friday", "monthly fifth monday 09:00"])
def test_bad_rules_are_one_sentence(text):
    with pytest.raises(TimingError) as caught:
        parse_rule(text)
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message


def test_monthly_nth_and_last_weekday_land_on_the_right_days():
    firsts = take("monthly first monday 09:00", "2026-11-23 00:00", 3)
    assert [d.date() for d in firsts] == [date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1)]
    lasts = take("monthly last friday 17:00", "2026-11-23 00:00", 3)
    assert [d.date() for d in lasts] == [date(2026, 11, 27), date(2026, 12, 25),
                                         date(2027, 1, 29)]
    ends = take("monthly last 12:00", "2027-01-30 00:00", 2)
    assert [d.date() for d in ends] == [date(2027, 1, 31), date(2027, 2, 28)]


def test_one_off_local_times_and_preview():
    one = parse_local("2026-12-04 17:00", LONDON)
    assert one.at == utc("2026-12-04 17:00") and preview(None, one, LONDON) == [one]
    summer = parse_local("2026-07-04 17:00", LONDON)
    assert summer.at == utc("2026-07-04 16:00")
    rule = parse_rule("every friday 17:00")
    first = next_occurrence(rule, utc("2026-11-23 00:00"), LONDON)
    assert [o.at.day for o in preview(rule, first, LONDON, 3)] == [27, 4, 11]
    with pytest.raises(TimingError):
        parse_local("2026-02-30 10:00", LONDON)
    with pytest.raises(TimingError):
        parse_local("next friday", LONDON)


# ── templates ────────────────────────────────────────────────────────────────────────────────


def test_at_least_fifteen_bilingual_templates_with_matching_placeholders():
    loaded = templates.load_templates()
    assert len(loaded) >= 15
    for template in loaded.values():
        assert template.en.strip() and template.cy.strip() and template.en != template.cy
        assert set(templates._PLACEHOLDER.findall(template.en)) == \
            set(templates._PLACEHOLDER.findall(template.cy))
    assert sum(1 for t in loaded.values() if t.placeholders) >= 5


def test_filling_uses_welsh_names_and_writes_dates_in_each_language():
    template = templates.get_template("bike-marking")
    texts = templates.fill(template, {"place": "Holyhead", "place_cy": "Caergybi",
                                      "date": "2026-12-05", "time": "10:00-14:00"}, "Tîm Môn")
    assert "Caergybi" in texts["cy"] and "Holyhead" not in texts["cy"]
    assert "dydd Sadwrn 5 Rhagfyr" in texts["cy"]
    assert "Holyhead" in texts["en"] and "Saturday 5 December" in texts["en"]
    assert "{" not in texts["cy"] + texts["en"]
    assert templates.bilingual_text(texts["cy"], texts["en"]).startswith("🚲 Marcio")


def test_missing_placeholder_values_are_named():
    with pytest.raises(templates.TemplateError, match=r"\{place\}.*\{date\}"):
        templates.fill(templates.get_template("bike-marking"), {"time": "10:00"}, "team")
    with pytest.raises(templates.TemplateError, match="no safety-post template"):
        templates.get_template("nope")
