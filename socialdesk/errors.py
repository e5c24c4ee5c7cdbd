"""Errors a user can cause. The CLI turns them into one sentence on stderr and exit 1.

Anything else that raises is a bug and keeps its traceback. A full or failing disk is not a
bug: :func:`storage_error` and :func:`disk_error` say it in one sentence, with what was kept.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

#: What a failed write leaves behind (SQLite rolls the whole transaction back).
NOTHING_LOST = "the change being made was not saved and nothing saved before it was lost"
#: OS errors that mean the disk itself (full, over quota, failing).
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO})


class UserError(Exception):
    """A problem the user can fix (bad file, bad config, locked DB…); its text is one sentence."""


class ConfigError(UserError):
    """The configuration file is missing, unreadable or has an invalid value."""


class StoreError(UserError):
    """The database cannot be opened or used (locked, newer schema, not a database)."""


class ImportFileError(UserError):
    """An import file cannot be read at all (missing, unknown format, no header)."""


def storage_error(path: Path | str | None, exc: sqlite3.Error) -> StoreError:
    """A SQLite error a user (or the machine) can cause, as one sentence about ``path``."""
    where = f"the database {path}" if path else "the database"
    text = str(exc).lower()
    if "disk is full" in text or "no space" in text:
        return StoreError(f"The disk holding {where} is full: {NOTHING_LOST}; free some "
                          "space, then try again.")
    if "i/o error" in text:
        return StoreError(f"The disk holding {where} reported an input/output error: "
                          f"{NOTHING_LOST}; check the disk, then try again.")
    if "locked" in text or "busy" in text:
        return StoreError(f"{where[0].upper()}{where[1:]} is busy (locked by another process) "
                          "for too long; try again shortly.")
    if "not a database" in text or "malformed" in text:
        return StoreError(f"{path or 'The file'} is not a socialdesk database (or it is "
                          "damaged).")
    if "readonly" in text or "unable to open" in text or "permission" in text:
        return StoreError(f"Cannot open {where} for writing ({exc}).")
    return StoreError(f"Database error on {where}: {exc}.")


def disk_error(exc: OSError) -> str:
    """An OS error from a full or failing disk (one of :data:`DISK_ERRORS`) as one sentence."""
    what = "reported an input/output error" if exc.errno == errno.EIO else "is full"
    target = exc.filename or "a file"
    return (f"The disk holding {target} {what}: that file was not completed, and nothing "
            "saved before it was lost; free some space (or check the disk), then try again.")
