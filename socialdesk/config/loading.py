"""Load and validate socialdesk's TOML configuration.

The file is read once at start. Every problem becomes a :class:`ConfigError` whose one
sentence names the file, the key and what is allowed, e.g.::

    config/socialdesk.toml: [sla] report must be a whole number of minutes above 0, got 'two hours'.

Unknown sections and keys are errors too, so that a typo never silently falls back to a default.
The page access token is never read from this file: only the name of the environment variable
(``token_env``) or the path of a 0600 file (``token_file``) that holds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from socialdesk import paths
from socialdesk.config.section_readers import (
    _alerts,
    _keys,
    _members,
    _model,
    _out_of_hours,
    _page,
    _posts,
    _referral,
    _sla,
    _staffed_hours,
    _tags,
    _team,
)
from socialdesk.config.sections import AccessConfig, Config
from socialdesk.config.tables import _read_toml, _Section
from socialdesk.errors import ConfigError

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
