"""Load and validate socialdesk's TOML configuration.

The file is read once at start. Every problem becomes a :class:`ConfigError` whose one
sentence names the file, the key and what is allowed, e.g.::

    config/socialdesk.toml: [sla] report must be a whole number of minutes above 0, got 'two hours'.

Unknown sections and keys are errors too, so that a typo never silently falls back to a default.
The page access token is never read from this file: only the name of the environment variable
(``token_env``) or the path of a 0600 file (``token_file``) that holds it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialdesk import paths
from socialdesk.errors import ConfigError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ROLES = ("officer", "supervisor")
SLA_KEYS = ("urgent", "report", "concern", "chat")
T = TypeVar("T")

#: Dashboard actions by binding id, with their default keys (Textual key names; several keys
#: separated by commas). ``[keys]`` in the config remaps any of them, e.g. ``claim = "ctrl+k"``.
DEFAULT_KEYS: dict[str, str] = {
    "claim": "c", "release": "g", "assign": "a", "reply": "r", "private_reply": "p",
    "hide": "h", "reclassify": "l", "close": "d", "reopen": "o", "undo": "z",
    "search": "slash", "urgent_only": "exclamation_mark", "mine": "m", "next_urgent": "u",
    "toggle_sidebar": "f", "refresh": "f5", "view_todo": "1", "view_answered": "2",
    "view_closed": "3", "view_all": "4", "supervisor": "s", "posts": "t", "past_sla": "b",
    "notices": "N", "reply_library": "R", "snooze": "w", "note": "at", "view_mentioned": "5",
    "view_snoozed": "6", "handover": "H", "tag": "number_sign", "select": "space", "visual": "v",
    "merge": "x", "timeline": "E", "places": "L", "person": "P", "markers": "M",
    "refer": "F",
    "listening": "y",
    "dropin": "i",
}
#: Textual key names; a capital letter is that letter with shift ("R" is shift+r).
_KEY = re.compile(r"[A-Za-z0-9_+]+(,[A-Za-z0-9_+]+)*")


@dataclass(frozen=True)
class Shift:
    """One staffed stretch of a day, local time, start < end."""

    start: time
    end: time


@dataclass(frozen=True)
class TeamConfig:
    """[team]: who the desk belongs to."""

    name: str = "Neighbourhood team"
    timezone: str = "Europe/London"

    @property
    def zone(self) -> ZoneInfo:
        """The team's time zone, for showing and scheduling times."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class PageConfig:
    """[page]: the Facebook Page and how to reach the Graph API."""

    id: str = ""
    graph_url: str = "https://graph.facebook.com"
    api_version: str = "v25.0"
    token_env: str = "SOCIALDESK_PAGE_TOKEN"
    token_file: str = ""
    sync_days: int = 14
    sync_interval_seconds: int = 60
    timeout_seconds: float = 20.0
    page_size: int = 100


@dataclass(frozen=True)
class StaffedHours:
    """[staffed_hours]: the shifts of each weekday and the bank holidays (no staffed time)."""

    shifts: dict[str, tuple[Shift, ...]] = field(default_factory=dict)
    bank_holidays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class SlaConfig:
    """[sla]: first-response targets in minutes, judged on the chosen clock."""

    clock: str = "staffed"
    minutes: dict[str, int] = field(
        default_factory=lambda: {"urgent": 15, "report": 120, "concern": 480, "chat": 1440}
    )


@dataclass(frozen=True)
class AccessConfig:
    """[members] and [access]: roles by OS user name, and what unknown users get."""

    members: dict[str, str] = field(default_factory=dict)
    unknown_users: str = "read-only"

    def role_of(self, user: str) -> str | None:
        """The role of an OS user, or None when they are not a member."""
        return self.members.get(user)


@dataclass(frozen=True)
class PostsConfig:
    """[posts]: scheduled safety posts."""

    require_approval: bool = True
    self_approval: bool = False
    grace_minutes: int = 60
    bilingual: str = "single"


@dataclass(frozen=True)
class ModelConfig:
    """[model]: the classifier."""

    fine_tune_in_background: bool = True


@dataclass(frozen=True)
class AlertsConfig:
    """[alerts]: SLA warnings and the escalation of urgent items nobody has claimed."""

    warn_before_minutes: int = 30
    escalate_urgent_after_minutes: int = 10
    webhook_url: str = ""
    mail_dir: str = ""
    mail_to: str = ""


@dataclass(frozen=True)
class OutOfHoursConfig:
    """[out_of_hours]: the automatic acknowledgement of messages when the desk is not staffed
    (seeds the team's policy; supervisors switch it in the database afterwards)."""

    acknowledge: bool = True
    comments: bool = False
    online_url_en: str = "https://www.northwales.police.uk/ro/report"
    online_url_cy: str = "https://www.heddlugogleddcymru.police.uk/cy/ro/report"


@dataclass(frozen=True)
class Tag:
    """One tag officers may put on items: its name (what is stored and typed, e.g. "scam",
    "road-safety", "holyhead") and its English and Welsh labels."""

    name: str
    en: str
    cy: str

    @property
    def label(self) -> str:
        """Both labels, as shown ("Holyhead / Caergybi"; once when they are the same)."""
        return self.en if self.en == self.cy else f"{self.en} / {self.cy}"


#: The default tags (the bundled config/socialdesk.toml lists the same): topics, then the
#: island's towns and wards.
DEFAULT_TAGS: tuple[Tag, ...] = tuple(Tag(*entry) for entry in (
    ("asb", "ASB", "YGG"), ("scam", "Scam", "Sgam"), ("drugs", "Drugs", "Cyffuriau"),
    ("road-safety", "Road safety", "Diogelwch ffyrdd"), ("burglary", "Burglary", "Byrgleriaeth"),
    ("vehicle-crime", "Vehicle crime", "Troseddau cerbydau"), ("fraud", "Fraud", "Twyll"),
    ("missing-person", "Missing person", "Person ar goll"), ("welfare", "Welfare", "Lles"),
    ("hate-crime", "Hate crime", "Trosedd casineb"),
    ("wildlife-rural", "Wildlife / rural", "Bywyd gwyllt / gwledig"),
    ("holyhead", "Holyhead", "Caergybi"), ("llangefni", "Llangefni", "Llangefni"),
    ("amlwch", "Amlwch", "Amlwch"), ("benllech", "Benllech", "Benllech"),
    ("beaumaris", "Beaumaris", "Biwmares"), ("menai-bridge", "Menai Bridge", "Porthaethwy"),
    ("rhosneigr", "Rhosneigr", "Rhosneigr"), ("cemaes", "Cemaes", "Cemaes"),
    ("valley", "Valley", "Y Fali"), ("newborough", "Newborough", "Niwbwrch"),
    ("llanfairpwll", "Llanfairpwll", "Llanfairpwll"),
))
TAG_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,29}")


@dataclass(frozen=True)
class TagsConfig:
    """[tags]: the tags officers may put on items (a configurable list)."""

    tags: tuple[Tag, ...] = DEFAULT_TAGS

    @property
    def names(self) -> tuple[str, ...]:
        """The tag names, in the configured order."""
        return tuple(tag.name for tag in self.tags)

    def find(self, typed: str) -> Tag | None:
        """The tag a person typed: its name ("road-safety", "#scam") or either label, in any
        case ("Caergybi", "road safety"); None when there is no such tag."""
        wanted = " ".join(typed.strip().lstrip("#").lower().replace("-", " ").split())
        for tag in self.tags:
            if wanted in (tag.name.replace("-", " "), tag.en.lower(), tag.cy.lower()):
                return tag
        return None


#: The parts of a referral to a partner agency, in the order most agencies expect them.
REFERRAL_FIELDS = ("what", "where", "when", "who", "source", "grading")
#: How an agency grades intelligence: the UK "3x5x2" (source 1-3, intelligence A-E,
#: handling P or C), the older "5x5x5" (source A-E, intelligence 1-5, handling 1-5), or
#: "none" (a partner that does not grade: the council, social services, the Coastguard).
GRADING_SCHEMES = ("3x5x2", "5x5x5", "none")
AGENCY_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,29}")
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+")


@dataclass(frozen=True)
class Agency:
    """A partner agency items may be referred to: how it is named in English and Welsh, where
    referrals go, the order it wants a referral's parts in and how it grades intelligence."""

    key: str
    name_en: str
    name_cy: str
    email: str
    phone: str = ""
    fields: tuple[str, ...] = REFERRAL_FIELDS
    grading: str = "none"

    @property
    def label(self) -> str:
        """Both names, as shown ("HM Coastguard / Gwylwyr y Glannau EF")."""
        return self.name_en if self.name_en == self.name_cy else \
            f"{self.name_en} / {self.name_cy}"


@dataclass(frozen=True)
class ReferralConfig:
    """[referral]: the partner agencies and the team's own address on a referral."""

    #: the team's mailbox, the From of a referral's .eml (nothing is ever sent by socialdesk)
    sender: str = ""
    agencies: tuple[Agency, ...] = ()

    def find(self, typed: str) -> Agency | None:
        """The agency a person named: its key or either name, in any case."""
        wanted = " ".join(typed.strip().lower().split())
        for agency in self.agencies:
            if wanted in (agency.key, agency.name_en.lower(), agency.name_cy.lower()):
                return agency
        return None


@dataclass(frozen=True)
class Config:
    """The whole validated configuration."""

    source: Path
    team: TeamConfig = TeamConfig()
    page: PageConfig = PageConfig()
    database_path: str = ""
    staffed_hours: StaffedHours = StaffedHours()
    sla: SlaConfig = SlaConfig()
    access: AccessConfig = AccessConfig()
    retention_days: int = 365
    posts: PostsConfig = PostsConfig()
    model: ModelConfig = ModelConfig()
    alerts: AlertsConfig = AlertsConfig()
    out_of_hours: OutOfHoursConfig = OutOfHoursConfig()
    keys: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_KEYS))
    tags: TagsConfig = TagsConfig()
    referral: ReferralConfig = ReferralConfig()


class _Section:
    """Reads one TOML table, remembering which keys were used, and phrases errors."""

    def __init__(self, source: Path, name: str, table: Any) -> None:
        self.source = source
        self.name = name
        if not isinstance(table, dict):
            self.fail(f"[{name}] must be a table (a [{name}] section), got {_show(table)}")
        self.table: dict[str, Any] = table

    def fail(self, message: str) -> None:
        raise ConfigError(f"{self.source}: {message}.")

    def _get(self, key: str, default: T, check: Callable[[Any], bool], allowed: str) -> T:
        if key not in self.table:
            return default
        value = self.table[key]
        if not check(value):
            self.fail(f"[{self.name}] {key} must be {allowed}, got {_show(value)}")
        return value

    def text(self, key: str, default: str, pattern: str | None = None, allowed: str = "") -> str:
        """A string value, optionally matching a regular expression."""

        def ok(v: Any) -> bool:
            return isinstance(v, str) and (pattern is None or re.fullmatch(pattern, v) is not None)

        return self._get(key, default, ok, allowed or "a string")

    def choice(self, key: str, default: str, options: Iterable[str]) -> str:
        """A string from a fixed set."""
        opts = tuple(options)
        listed = ", ".join(f'"{o}"' for o in opts)
        return self._get(key, default, lambda v: v in opts, f"one of {listed}")

    def integer(self, key: str, default: int, low: int, high: int, unit: str = "") -> int:
        """A whole number in [low, high]."""

        def ok(v: Any) -> bool:
            return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high

        what = f"a whole number{' of ' + unit if unit else ''} from {low} to {high}"
        return self._get(key, default, ok, what)

    def number(self, key: str, default: float, low: float, high: float, unit: str = "") -> float:
        """A number (int or float) in [low, high]."""

        def ok(v: Any) -> bool:
            return isinstance(v, int | float) and not isinstance(v, bool) and low <= v <= high

        what = f"a number{' of ' + unit if unit else ''} from {low:g} to {high:g}"
        return float(self._get(key, default, ok, what))

    def boolean(self, key: str, default: bool) -> bool:
        """true or false."""
        return self._get(key, default, lambda v: isinstance(v, bool), "true or false")

    def only(self, allowed: Iterable[str]) -> None:
        """Reject keys this section does not know (catches typos)."""
        known = set(allowed)
        for key in self.table:
            if key not in known:
                listed = ", ".join(sorted(known))
                self.fail(f"[{self.name}] has an unknown key '{key}' (allowed: {listed})")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_toml(source: Path) -> dict[str, Any]:
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{source}: config file not found.") from None
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the config file ({exc.strerror}).") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{source}: the config file is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc}).") from None


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


SECTIONS = ("team", "page", "database", "staffed_hours", "sla", "members", "access",
            "retention", "posts", "model", "alerts", "out_of_hours", "keys", "tags", "referral")


def parse_config(data: dict[str, Any], source: Path) -> Config:
    """Validate parsed TOML into a :class:`Config`; raise ConfigError naming the key."""
    for name in data:
        if name not in SECTIONS:
            raise ConfigError(f"{source}: unknown section [{name}] "
                              f"(allowed: {', '.join(SECTIONS)}).")

    def section(name: str) -> _Section:
        return _Section(source, name, data.get(name, {}))

    database = section("database")
    database.only(("path",))
    access = section("access")
    access.only(("unknown_users",))
    retention = section("retention")
    retention.only(("days",))
    return Config(
        source=source,
        team=_team(section("team")),
        page=_page(section("page")),
        database_path=database.text("path", "", None, "a file path"),
        staffed_hours=_staffed_hours(section("staffed_hours")),
        sla=_sla(section("sla")),
        access=AccessConfig(
            members=_members(section("members")),
            unknown_users=access.choice("unknown_users", "read-only", ("read-only", "none")),
        ),
        retention_days=retention.integer("days", 365, 1, 36500, "days"),
        posts=_posts(section("posts")),
        model=_model(section("model")),
        alerts=_alerts(section("alerts")),
        out_of_hours=_out_of_hours(section("out_of_hours")),
        keys=_keys(section("keys")),
        tags=_tags(section("tags")),
        referral=_referral(section("referral")),
    )


def load_config(explicit: str | Path | None = None) -> Config:
    """Find (see :mod:`socialdesk.paths`), read and validate the configuration."""
    source = paths.config_file(explicit)
    return parse_config(_read_toml(source), source)
