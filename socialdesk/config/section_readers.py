"""One reader per section of config/socialdesk.toml: each turns its TOML table into the typed
section (:mod:`socialdesk.config.sections`), refusing what is not allowed in one sentence.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialdesk.config.sections import (
    AGENCY_KEY,
    DEFAULT_KEYS,
    GRADING_SCHEMES,
    REFERRAL_FIELDS,
    ROLES,
    SLA_KEYS,
    TAG_NAME,
    WEEKDAYS,
    Agency,
    AlertsConfig,
    ModelConfig,
    OutOfHoursConfig,
    PageConfig,
    PostsConfig,
    ReferralConfig,
    Shift,
    SlaConfig,
    StaffedHours,
    Tag,
    TagsConfig,
    TeamConfig,
)
from socialdesk.config.tables import _Section, _show

#: Textual key names; a capital letter is that letter with shift ("R" is shift+r).
_KEY = re.compile(r"[A-Za-z0-9_+]+(,[A-Za-z0-9_+]+)*")

_EMAIL = re.compile(r"[^@\s<>,;\"]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+")


def _team(s: _Section) -> TeamConfig:
    s.only(("name", "timezone"))
    zone = s.text("timezone", "Europe/London", allowed="an IANA time zone like \"Europe/London\"")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        s.fail(f"[team] timezone must be an IANA time zone like \"Europe/London\", "
               f"got {_show(zone)}")
    return TeamConfig(name=s.text("name", "Neighbourhood team", r".*\S.*", "a non-empty string"),
                      timezone=zone)


def _page(s: _Section) -> PageConfig:
    s.only(("id", "graph_url", "api_version", "token_env", "token_file", "sync_days",
            "sync_interval_seconds", "timeout_seconds", "page_size"))
    return PageConfig(
        id=s.text("id", "", r"[0-9A-Za-z_]*", "the page's numeric id as a string"),
        graph_url=s.text("graph_url", "https://graph.facebook.com", r"https?://[^\s/]+(/\S*)?",
                         "an http(s) URL"),
        api_version=s.text("api_version", "v25.0", r"v\d+\.\d+", 'a version like "v25.0"'),
        token_env=s.text("token_env", "SOCIALDESK_PAGE_TOKEN", r"[A-Za-z_][A-Za-z0-9_]*",
                         "an environment variable name"),
        token_file=s.text("token_file", "", None, "a file path"),
        sync_days=s.integer("sync_days", 14, 1, 365, "days"),
        sync_interval_seconds=s.integer("sync_interval_seconds", 60, 10, 86400, "seconds"),
        timeout_seconds=s.number("timeout_seconds", 20.0, 0.1, 600, "seconds"),
        page_size=s.integer("page_size", 100, 1, 100),
    )


_SHIFT = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)")


def _shifts(s: _Section, day: str) -> tuple[Shift, ...]:
    value = s.table.get(day, [])
    allowed = 'a list of shifts like ["08:00-12:30", "13:30-17:00"]'
    if not isinstance(value, list):
        s.fail(f"[staffed_hours] {day} must be {allowed}, got {_show(value)}")
    shifts: list[Shift] = []
    for entry in value:
        match = _SHIFT.fullmatch(entry) if isinstance(entry, str) else None
        if not match:
            s.fail(f"[staffed_hours] {day} must be {allowed}, got {_show(entry)}")
            continue
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        end = time(23, 59, 59, 999999) if (h2, m2) >= (24, 0) else time(h2, m2)
        shift = Shift(time(h1, m1), end)
        if shift.start >= shift.end:
            s.fail(f"[staffed_hours] {day} shift {entry!r} must end after it starts")
        if shifts and shift.start < shifts[-1].end:
            s.fail(f"[staffed_hours] {day} shifts must be in order and not overlap, got {entry!r}")
        shifts.append(shift)
    return tuple(shifts)


def _staffed_hours(s: _Section) -> StaffedHours:
    s.only((*WEEKDAYS, "bank_holidays"))
    holidays = s.table.get("bank_holidays", [])
    if not isinstance(holidays, list):
        s.fail(f"[staffed_hours] bank_holidays must be a list of dates, got {_show(holidays)}")
    days: set[date] = set()
    for entry in holidays:
        if isinstance(entry, date):
            days.add(entry)
            continue
        try:
            days.add(date.fromisoformat(entry))
        except (TypeError, ValueError):
            s.fail(f"[staffed_hours] bank_holidays must hold dates like 2026-12-25, "
                   f"got {_show(entry)}")
    return StaffedHours({day: _shifts(s, day) for day in WEEKDAYS}, frozenset(days))


def _sla(s: _Section) -> SlaConfig:
    s.only(("clock", *SLA_KEYS))
    defaults = SlaConfig().minutes
    return SlaConfig(
        clock=s.choice("clock", "staffed", ("staffed", "elapsed")),
        minutes={k: s.integer(k, defaults[k], 1, 60 * 24 * 30, "minutes") for k in SLA_KEYS},
    )


def _members(s: _Section) -> dict[str, str]:
    for user, role in s.table.items():
        if role not in ROLES:
            s.fail(f"[members] {user} must be \"officer\" or \"supervisor\", got {_show(role)}")
    return dict(s.table)


def _posts(s: _Section) -> PostsConfig:
    s.only(("require_approval", "self_approval", "grace_minutes", "bilingual"))
    return PostsConfig(
        require_approval=s.boolean("require_approval", True),
        self_approval=s.boolean("self_approval", False),
        grace_minutes=s.integer("grace_minutes", 60, 0, 7 * 24 * 60, "minutes"),
        bilingual=s.choice("bilingual", "single", ("single", "twins")),
    )


def _model(s: _Section) -> ModelConfig:
    s.only(("fine_tune_in_background",))
    return ModelConfig(fine_tune_in_background=s.boolean("fine_tune_in_background", True))


def _alerts(s: _Section) -> AlertsConfig:
    s.only(("warn_before_minutes", "escalate_urgent_after_minutes", "webhook_url", "mail_dir",
            "mail_to"))
    return AlertsConfig(
        warn_before_minutes=s.integer("warn_before_minutes", 30, 1, 24 * 60, "minutes"),
        escalate_urgent_after_minutes=s.integer("escalate_urgent_after_minutes", 10, 1,
                                                24 * 60, "minutes"),
        webhook_url=s.text("webhook_url", "", r"(https?://[^\s/]+(/\S*)?)?",
                           "an http(s) URL or empty"),
        mail_dir=s.text("mail_dir", "", None, "a folder path or empty"),
        mail_to=s.text("mail_to", "", r"([^\s@,]+@[^\s@,]+)?", "one e-mail address or empty"),
    )


def _out_of_hours(s: _Section) -> OutOfHoursConfig:
    s.only(("acknowledge", "comments", "online_url_en", "online_url_cy"))
    defaults = OutOfHoursConfig()
    url = r"https?://[^\s/]+(/\S*)?"
    return OutOfHoursConfig(
        acknowledge=s.boolean("acknowledge", True),
        comments=s.boolean("comments", False),
        online_url_en=s.text("online_url_en", defaults.online_url_en, url, "an http(s) URL"),
        online_url_cy=s.text("online_url_cy", defaults.online_url_cy, url, "an http(s) URL"),
    )


def _keys(s: _Section) -> dict[str, str]:
    s.only(DEFAULT_KEYS)
    return {name: s.text(name, default, _KEY.pattern, 'a key name like "c", "ctrl+k" or "f5"')
            for name, default in DEFAULT_KEYS.items()}


def _tags(s: _Section) -> TagsConfig:
    s.only(("list",))
    entries = s.table.get("list")
    if entries is None:
        return TagsConfig()
    allowed = 'a list of tags like { name = "scam", en = "Scam", cy = "Sgam" }'
    if not isinstance(entries, list) or not entries:
        s.fail(f"[tags] list must be {allowed}, got {_show(entries)}")
    tags: list[Tag] = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"name", "en", "cy"} or \
                not all(isinstance(v, str) and v.strip() for v in entry.values()):
            s.fail(f"[tags] list must be {allowed} (name, en and cy, nothing else), "
                   f"got {_show(entry)}")
        if not TAG_NAME.fullmatch(entry["name"]):
            s.fail(f"[tags] name must be lower-case letters, digits and hyphens (at most 30), "
                   f"like \"road-safety\", got {_show(entry['name'])}")
        if entry["name"] in {t.name for t in tags}:
            s.fail(f"[tags] list names the tag {_show(entry['name'])} twice")
        tags.append(Tag(entry["name"], entry["en"].strip(), entry["cy"].strip()))
    return TagsConfig(tuple(tags))


def _agency(s: _Section, entry: Any, taken: set[str]) -> Agency:
    """One [[referral.agencies]] entry, checked key by key."""
    required = ("key", "name_en", "name_cy", "email")
    allowed = (*required, "phone", "fields", "grading")
    if not isinstance(entry, dict):
        s.fail(f"[[referral.agencies]] must be tables with {', '.join(required)}, got "
               f"{_show(entry)}")
    name = entry.get("key")
    where = f"[[referral.agencies]] {_show(name)}" if isinstance(name, str) else \
        "[[referral.agencies]]"
    for key in entry:
        if key not in allowed:
            s.fail(f"{where} has an unknown key '{key}' (allowed: {', '.join(allowed)})")
    for key in required:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            s.fail(f"{where} needs {key}, a non-empty string, got {_show(value)}")
    if not AGENCY_KEY.fullmatch(entry["key"]):
        s.fail(f"{where} key must be lower-case letters, digits and hyphens (at most 30), "
               f"like \"btp\"")
    if entry["key"] in taken:
        s.fail(f"[[referral.agencies]] names the agency {_show(entry['key'])} twice")
    if not _EMAIL.fullmatch(entry["email"].strip()):
        s.fail(f"{where} email must be one address like \"intel@example.invalid\", got "
               f"{_show(entry['email'])}")
    phone = entry.get("phone", "")
    if not isinstance(phone, str):
        s.fail(f"{where} phone must be a string, got {_show(phone)}")
    fields = entry.get("fields", list(REFERRAL_FIELDS))
    if not isinstance(fields, list) or not fields or \
            any(f not in REFERRAL_FIELDS for f in fields) or len(set(fields)) != len(fields) \
            or "what" not in fields:
        s.fail(f"{where} fields must list, in the agency's order and once each, some of "
               f"{', '.join(REFERRAL_FIELDS)} (\"what\" at least), got {_show(fields)}")
    grading = entry.get("grading", "none")
    if grading not in GRADING_SCHEMES:
        s.fail(f"{where} grading must be one of {', '.join(repr(g) for g in GRADING_SCHEMES)}"
               f", got {_show(grading)}")
    if grading != "none" and "grading" not in fields:
        fields = [*fields, "grading"]   # graded intelligence always carries its grade
    return Agency(entry["key"], entry["name_en"].strip(), entry["name_cy"].strip(),
                  entry["email"].strip(), phone.strip(), tuple(fields), grading)


def _referral(s: _Section) -> ReferralConfig:
    s.only(("sender", "agencies"))
    sender = s.text("sender", "", _EMAIL.pattern, 'one e-mail address like '
                    '"team@example.invalid"')
    entries = s.table.get("agencies", [])
    if not isinstance(entries, list):
        s.fail(f"[referral] agencies must be a list of [[referral.agencies]] tables, got "
               f"{_show(entries)}")
    agencies: list[Agency] = []
    for entry in entries:
        agencies.append(_agency(s, entry, {a.key for a in agencies}))
    return ReferralConfig(sender, tuple(agencies))
