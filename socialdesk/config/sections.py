"""The configuration as typed, frozen values: one dataclass per section of
config/socialdesk.toml (:class:`Config` holds them all), with the defaults a missing key takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ROLES = ("officer", "supervisor")
SLA_KEYS = ("urgent", "report", "concern", "chat")

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
    """``[model]``: whether the process running the background jobs builds the full (fine-tuned)
    model and switches to it."""

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
