"""Setting up: ``socialdesk locate`` and ``socialdesk config check``."""

from __future__ import annotations

import argparse

from socialdesk import paths
from socialdesk.cli.base import Command, Group, config_of, open_desk
from socialdesk.cli.output import say
from socialdesk.config import load_config
from socialdesk.errors import UserError


class Locate(Command):
    """Where every file lives."""

    name = "locate"
    summary = "show where the config, prompts, data and database are"

    def run(self, options: argparse.Namespace) -> int:
        """Print one line per file or folder (a missing one says so)."""
        config_path = paths.config_file(options.config)
        try:
            configured = load_config(options.config).database_path or None
        except UserError:
            configured = None
        db = paths.db_file(options.db, configured)
        rows = [
            ("config", f"{config_path}{'' if config_path.is_file() else '  (missing)'}"),
            ("default config", str(paths.bundled_config_file())),
            ("prompts", str(paths.prompts_dir())),
            ("data dir", str(paths.data_dir())),
            ("database", f"{db}{'' if db.exists() else '  (not created yet)'}"),
        ]
        for name, value in rows:
            say(f"{name:<15}{value}")
        return 0


class Init(Command):
    """``socialdesk init``: creates and migrates the database (the other commands refuse one that
    does not exist)."""

    name = "init"
    summary = "create the database (the other commands refuse one that does not exist)"

    def run(self, options: argparse.Namespace) -> int:
        """Create and migrate the database, or say that it is already there."""
        config = config_of(options)
        existed = paths.db_file(options.db, config.database_path or None).is_file()
        desk = open_desk(options, create=True)
        version = desk.store.schema_version()
        say(f"database {desk.db_path} {'already exists' if existed else 'created'} "
            f"(schema version {version})")
        return 0


class ConfigCheck(Command):
    """``config check``: validates the configuration file and says what it holds, or its first
    error in one sentence."""

    name = "check"
    summary = "validate the configuration file"

    def run(self, options: argparse.Namespace) -> int:
        """One line of what the configuration says, or the one sentence of its first error."""
        config = config_of(options)
        members = config.access.members
        supervisors = sum(1 for role in members.values() if role == "supervisor")
        say(f"{config.source}: OK — team '{config.team.name}', time zone "
            f"{config.team.timezone}, {len(members)} members ({supervisors} supervisors), "
            f"page id {config.page.id or '(not set)'}.")
        return 0


class ConfigGroup(Group):
    """The ``socialdesk config …`` group (check)."""

    name = "config"
    summary = "configuration"
    commands = (ConfigCheck(),)


COMMANDS: tuple[Command, ...] = (Locate(), Init(), ConfigGroup())
