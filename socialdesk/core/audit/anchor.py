"""Anchors of the audit chain outside the database: its row count and head hash, appended to
an append-only file beside the database (``<database>.anchors``, one line each) and written
to the system log. A chain that was cut short at its tail, or rewritten from some row to the
end, cannot be told from inside the database; against an anchor it can: the chain must still
hold that many rows, and its row at that count must have that hash.
"""

from __future__ import annotations

import os
import syslog
from dataclasses import dataclass
from pathlib import Path

from socialdesk import paths
from socialdesk.core.models import to_iso, utc_now
from socialdesk.errors import UserError


@dataclass(frozen=True)
class Anchor:
    """The chain as it stood at one moment: how many rows, and the last row's hash."""

    at: str
    rows: int
    head: str

    def line(self) -> str:
        """As written in an anchor file."""
        return f"{self.at} rows={self.rows} head={self.head}"


def anchor_file(database: Path) -> Path:
    """Where a database's anchors are kept: beside it, as private as it is."""
    return database.with_name(database.name + ".anchors")


def record_anchor(rows: int, head: str, target: Path, to_syslog: bool = True) -> Anchor:
    """Append an anchor to the anchor file (created private) and the system log."""
    anchor = Anchor(to_iso(utc_now()), rows, head)
    paths.private_dir(target.parent)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, paths.file_mode())
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(anchor.line() + "\n")
    if to_syslog:
        syslog.openlog("socialdesk", syslog.LOG_PID, syslog.LOG_AUTH)
        syslog.syslog(syslog.LOG_INFO, f"audit chain {anchor.line()}")
    return anchor


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in a file; a line that is not one is one sentence naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Cannot read the anchor file {path} ({exc}).") from None
    anchors = []
    for number, line in enumerate(lines, start=1):
        parts = line.split()
        try:
            at, rows, head = parts[0], parts[1], parts[2]
            if not rows.startswith("rows=") or not head.startswith("head="):
                raise ValueError
            anchors.append(Anchor(at, int(rows[5:]), head[5:]))
        except (IndexError, ValueError):
            raise UserError(f"{path} line {number} is not an audit anchor "
                            "('<time> rows=N head=HASH').") from None
    return anchors
