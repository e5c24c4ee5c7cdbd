"""Read JSONL and CSV import files into :class:`Item` records, line by line.

Fields (DESIGN.md §9): ``id`` (optional; else a stable hash), ``kind`` comment|message,
``text`` (required), ``author``, ``created_at`` (ISO 8601; default now), ``post`` (the post's
text, for comments), ``thread``, ``attachments``, ``permalink``; unknown fields are ignored. CSV
uses the same columns by header.

Decisions:
- A line that cannot be read (bad JSON, not UTF-8, missing text, bad kind or time) is skipped
  and reported with its line number; it never stops the import.
- Without ``kind``, a record with ``post`` is a comment, otherwise a message.
- A ``created_at`` without a UTC offset is read in the team's time zone (that is what a
  spreadsheet export holds), then stored in UTC.
- Without ``id`` the platform id is ``import:`` + a hash of kind, author, thread, post, text and
  the given ``created_at`` (if any): the same line imported twice is the same item. (A line with
  no text but attachments hashes its attachments in place of the text.)
- ``attachments`` is a list of objects ``{"type": "photo"|"video"|"gif"|"sticker"|"link"|
  "file"|"audio", "url", "name", "title", "mime_type", "size" (bytes), "width", "height"}``: in
  JSONL as JSON, in CSV as JSON text in the cell. A value that cannot be read as such a list
  (not JSON, not a list) skips the line — the person meant to attach something and would lose
  it silently. Within a readable list, an entry that is not an object or has an unknown type is
  dropped and the rest kept, as sync does with the page's answers. ``text`` may then be empty
  when at least one attachment is kept (a photo sent on its own).
- ``permalink``: the item's link on the page (http or https only; anything else is ignored).
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from socialdesk.core.media import Attachment, attachments_from_records, clean_url
from socialdesk.core.models import Item, Kind, utc_now
from socialdesk.errors import ImportFileError

JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
MAX_TEXT_CHARS = 1_000_000


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A line of the import file that could not be read, and why."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """A line of the import file that became an item."""

    line: int
    item: Item


ImportEvent = ParsedLine | SkippedLine


class _BadRecord(ValueError):
    """A record with a field that cannot be used; the message says which."""


def _optional_text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if type(value) is str and value:   # the usual case, first
        return value
    if value is None or value == "":
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    raise _BadRecord(f"'{key}' must be text, got {type(value).__name__}")


def _created_at(record: dict[str, Any], zone: tzinfo) -> datetime | None:
    value = record.get("created_at")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _BadRecord(f"'created_at' must be an ISO 8601 time, got {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _BadRecord(f"'created_at' is not an ISO 8601 time: {value[:40]!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def stable_import_id(kind: str, author: str | None, thread: str | None, post: str | None,
                     text: str, created_at: str | None) -> str:
    """The platform id given to an imported record that has no ``id`` of its own."""
    key = json.dumps([kind, author, thread, post, text, created_at], ensure_ascii=False)
    return "import:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _attachments(record: dict[str, Any]) -> list[Attachment]:
    """The record's attachments; unreadable as a list is a bad record, bad entries drop."""
    value = record.get("attachments")
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _BadRecord("'attachments' is not JSON (a list of objects with a 'type')") \
                from None
    if not isinstance(value, list):
        raise _BadRecord(f"'attachments' must be a list of objects, got {type(value).__name__}")
    return attachments_from_records(value)


def record_to_item(record: Any, zone: tzinfo, ingested_at: datetime | None = None) -> Item:
    """Turn one decoded record (a dict) into an Item, or raise _BadRecord saying why.
    ``ingested_at``: when the file was read (default now; one clock reading for a whole
    file costs far less than one a line)."""
    if not isinstance(record, dict):
        raise _BadRecord("a line must be a JSON object")
    attachments = _attachments(record)
    text = record.get("text")
    if text is None and attachments:
        text = ""
    if not isinstance(text, str) or not (text.strip() or attachments):
        raise _BadRecord("'text' is missing or empty")
    if not text.strip():
        text = ""  # only attachments
    if len(text) > MAX_TEXT_CHARS:
        raise _BadRecord(f"'text' is longer than {MAX_TEXT_CHARS:,} characters")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    post = _optional_text(record, "post")
    raw_kind = record.get("kind") or ("comment" if post else "message")
    try:
        kind = Kind(raw_kind)
    except ValueError:
        raise _BadRecord(f"'kind' must be comment or message, got {str(raw_kind)[:30]!r}") from None
    author = _optional_text(record, "author")
    thread = _optional_text(record, "thread")
    created = _created_at(record, zone)
    identity = text if text.strip() else json.dumps([a.to_dict() for a in attachments],
                                                      ensure_ascii=False)
    platform_id = _optional_text(record, "id") or stable_import_id(
        kind.value, author, thread, post, identity, record.get("created_at") or None)
    return Item(
        platform_id=platform_id, kind=kind, text=text, created_at=created or utc_now(),
        author_name=author, post_text=post, thread_id=thread, source="import",
        attachments=attachments, permalink_url=clean_url(record.get("permalink")),
        ingested_at=ingested_at or utc_now(),
    )


def _read_jsonl(path: Path, zone: tzinfo) -> Iterator[ImportEvent]:
    now = utc_now()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield SkippedLine(number, "not valid UTF-8 text")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield SkippedLine(number, f"not valid JSON ({exc.msg})")
                continue
            try:
                yield ParsedLine(number, record_to_item(record, zone, now))
            except _BadRecord as exc:
                yield SkippedLine(number, str(exc))


def _csv_lines(path: Path) -> list[str]:
    """The file's lines as text; undecodable bytes become surrogates, found later per row."""
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        return [line.replace("\x00", "\ufffd") for line in handle]


def _has_surrogates(values: list[str]) -> bool:
    return any("\udc80" <= ch <= "\udcff" for value in values for ch in value)


def _csv_rows(lines: list[str]) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(first line number, row or error) for each CSV record.

    A record whose quoting is broken (e.g. an unterminated quote that would swallow the rest
    of the file) is reported as an error at its first line, and reading resumes on the next
    line, so one bad line never costs the lines after it.
    """
    index = 0
    while index < len(lines):
        reader = csv.reader(iter(lines[index:]), strict=True)
        consumed = 0
        try:
            for row in reader:
                yield index + consumed + 1, row
                consumed = reader.line_num
        except csv.Error as exc:
            yield index + consumed + 1, exc
            index += consumed + 1
            continue
        return


def _read_csv(path: Path, zone: tzinfo) -> Iterator[ImportEvent]:
    csv.field_size_limit(min(sys.maxsize, 64 * MAX_TEXT_CHARS))
    rows = _csv_rows(_csv_lines(path))
    header = next(rows, None)
    if header is None:
        return
    if isinstance(header[1], csv.Error):
        raise ImportFileError(f"{path}: the CSV header cannot be read ({header[1]}).")
    columns = [name.strip().lower() for name in header[1]]
    now = utc_now()
    if "text" not in columns:
        raise ImportFileError(f"{path}: the CSV header has no 'text' column "
                              f"(found: {', '.join(columns) or 'nothing'}).")
    for line, row in rows:
        if isinstance(row, csv.Error):
            yield SkippedLine(line, f"broken CSV quoting ({row})")
        elif not any(cell.strip() for cell in row):
            continue
        elif _has_surrogates(row):
            yield SkippedLine(line, "not valid UTF-8 text")
        elif len(row) != len(columns):
            yield SkippedLine(line, f"has {len(row)} fields, the header has {len(columns)}")
        else:
            try:
                yield ParsedLine(line, record_to_item(dict(zip(columns, row, strict=True)),
                                                      zone, now))
            except _BadRecord as exc:
                yield SkippedLine(line, str(exc))


def read_import_file(path: Path, zone: tzinfo) -> Iterator[ImportEvent]:
    """Yield every line of a JSONL or CSV file as a ParsedLine or a SkippedLine.

    Raises :class:`ImportFileError` when the file as a whole cannot be used.
    """
    suffix = path.suffix.lower()
    if suffix not in JSONL_SUFFIXES + CSV_SUFFIXES:
        raise ImportFileError(f"{path}: unknown file type '{suffix or '(none)'}'; "
                              "use a .jsonl or .csv file.")
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file.")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror}).") from None
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, zone)
    return _read_jsonl(path, zone)


__all__ = ["ImportEvent", "ParsedLine", "SkippedLine", "read_import_file", "record_to_item",
           "stable_import_id"]
