"""socialdesk's configuration (config/socialdesk.toml), read once at start and validated.

The rooms: :mod:`.sections` (the typed, frozen values and their defaults), :mod:`.tables`
(reading one TOML table with one-sentence errors), :mod:`.section_readers` (one reader per
section) and :mod:`.loading` (the whole file: :func:`load_config`). This module is the public
face: import from it, not from the rooms.
"""

from socialdesk.config.loading import load_config, parse_config
from socialdesk.config.sections import (
    AGENCY_KEY,
    DEFAULT_KEYS,
    DEFAULT_TAGS,
    GRADING_SCHEMES,
    REFERRAL_FIELDS,
    ROLES,
    SLA_KEYS,
    TAG_NAME,
    WEEKDAYS,
    AccessConfig,
    Agency,
    AlertsConfig,
    Config,
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

__all__ = [
    "AGENCY_KEY",
    "DEFAULT_KEYS",
    "DEFAULT_TAGS",
    "GRADING_SCHEMES",
    "REFERRAL_FIELDS",
    "ROLES",
    "SLA_KEYS",
    "TAG_NAME",
    "WEEKDAYS",
    "AccessConfig",
    "Agency",
    "AlertsConfig",
    "Config",
    "ModelConfig",
    "OutOfHoursConfig",
    "PageConfig",
    "PostsConfig",
    "ReferralConfig",
    "Shift",
    "SlaConfig",
    "StaffedHours",
    "Tag",
    "TagsConfig",
    "TeamConfig",
    "load_config",
    "parse_config",
]
