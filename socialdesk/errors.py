"""Errors a user can cause. The CLI turns them into one sentence on stderr and exit 1.

Anything else that raises is a bug and keeps its traceback.
"""


class UserError(Exception):
    """A problem the user can fix (bad file, bad config, locked DB…); its text is one sentence."""


class ConfigError(UserError):
    """The configuration file is missing, unreadable or has an invalid value."""


class StoreError(UserError):
    """The database cannot be opened or used (locked, newer schema, not a database)."""


class ImportFileError(UserError):
    """An import file cannot be read at all (missing, unknown format, no header)."""
