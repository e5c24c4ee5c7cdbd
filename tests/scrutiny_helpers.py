"""A desk holding one known quarter (2026Q4) for the scrutiny pack's tests: every figure the
pack shows can be worked out by hand from :data:`CASES`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialdesk.core.desk import Desk
from tests.conftest import BUNDLED_CONFIG, os_account

#: "Now" for the pack: a Monday in December 2026 (the quarter is to date).
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
OFFICER = "gethin"

#: name: (created UTC, kind, language, category now, urgent now, minutes to claim, to first
#: response, to close, close reason, status, (old category, new category, old urgent,
#: new urgent) of an officer's correction or None, purged)
CASES: dict[str, tuple] = {
    # 00:30 on 1 October in London: inside 2026Q4 although still 30 September in UTC
    "edge_in": ("2026-09-30T23:30", "message", "en", "report", 0, 1, 60, None, None,
                "answered", None, False),
    "edge_out": ("2026-09-30T22:30", "message", "en", "report", 0, None, 60, None, None,
                 "answered", None, False),
    "cy_concern": ("2026-11-10T10:00", "comment", "cy", "concern", 0, 100, 120, None, None,
                   "answered", ("chat", "concern", 0, 0), False),
    "cy_chat": ("2026-11-12T10:00", "message", "cy", "chat", 0, None, None, 30,
                "no reply needed", "closed", None, False),
    "urgent_fast": ("2026-12-01T09:00", "message", "en", "report", 1, 5, 10, None, None,
                    "answered", None, False),
    "urgent_open": ("2026-12-02T09:00", "message", "cy", "concern", 1, None, None, None, None,
                    "new", None, False),
    "mixed_new": ("2026-10-20T09:00", "comment", "mixed", "chat", 0, None, None, None, None,
                  "new", None, False),
    "report_to_concern": ("2026-10-21T09:00", "message", "en", "concern", 1, 20, None, None,
                          None, "claimed", ("report", "concern", 0, 1), False),
    "officer_first": ("2026-10-22T09:00", "message", "en", "concern", 0, None, None, None,
                      None, "new", (None, "concern", 0, 0), False),
    "purged": ("2026-10-02T09:00", "message", "en", "chat", 0, None, None, 60, "no reply needed",
               "closed", None, True),
}
#: The words and the writer of one urgent item (they must never reach a pack without names).
URGENT_WORDS = 'Gareth <b>saw</b> them & ran <img src="http://evil.example/x.png">'
URGENT_AUTHOR = "Gareth Hughes"


def supervisor_config_file(folder: Path) -> Path:
    """The bundled config with the account running the tests as a supervisor."""
    path = folder / "supervisor.toml"
    text = BUNDLED_CONFIG.read_text(encoding="utf-8").replace(
        "[members]\n", f'[members]\n"{os_account()}" = "supervisor"\n{OFFICER} = "officer"\n')
    path.write_text(text.replace("fine_tune_in_background = true",
                                 "fine_tune_in_background = false"), encoding="utf-8")
    return path


def _at(created: datetime, minutes: int | None) -> str | None:
    return None if minutes is None else (created + timedelta(minutes=minutes)).isoformat()


def insert_quarter(desk: Desk) -> dict[str, int]:
    """Insert :data:`CASES` (with a purge row in the audit chain); their ids by name."""
    ids = {}
    store = desk.store
    with store.write():
        for name, (created_text, kind, lang, category, urgent, claim, first, close, reason,
                   status, fix, purged) in CASES.items():
            created = datetime.fromisoformat(created_text).replace(tzinfo=UTC)
            text = URGENT_WORDS if name == "urgent_fast" else f"secret-words-of-{name}"
            author = URGENT_AUTHOR if name == "urgent_fast" else f"Writer-{name}"
            cursor = store.conn.execute(
                "insert into items (platform_id, kind, text, author_name, created_at, status, "
                "claimed_at, first_response_at, first_response_by, closed_at, close_reason, "
                "category, urgent, language, assignee, model_version, from_page, purged_at) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'fast-test', 0, ?)",
                (name, kind, "" if purged else text, None if purged else author,
                 created.isoformat(), status, _at(created, claim), _at(created, first),
                 OFFICER if first is not None else None, _at(created, close), reason, category,
                 urgent, lang, OFFICER if claim is not None else None,
                 "2026-12-05T03:00:00+00:00" if purged else None))
            ids[name] = int(cursor.lastrowid or 0)
            if fix is not None:
                old, new, old_urgent, new_urgent = fix
                store.conn.execute(
                    "insert into corrections (item_id, old_category, new_category, old_urgent, "
                    "new_urgent, actor, at) values (?, ?, ?, ?, ?, ?, ?)",
                    (ids[name], old, new, old_urgent, new_urgent, OFFICER,
                     (created + timedelta(minutes=90)).isoformat()))
        desk.context.record("purge", "items", {"items": 1, "answers": 0, "notes": 0,
                                               "cutoff": "2025-12-05T03:00:00+00:00"},
                            actor="system")
    desk.fill_due_times()
    return ids
