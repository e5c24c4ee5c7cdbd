"""Reading JSONL and CSV import files: good lines become items, bad ones are skipped."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialdesk.core.ingest.importer import ParsedLine, SkippedLine, read_import_file
from socialdesk.core.models import Kind
from socialdesk.errors import ImportFileError

LONDON = ZoneInfo("Europe/London")


def events(path: Path) -> list[ParsedLine | SkippedLine]:
    return list(read_import_file(path, LONDON))


def jsonl(tmp_path: Path, *lines: str | bytes, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\n".join(x if isinstance(x, bytes) else x.encode() for x in lines) + b"\n")
    return path


def test_jsonl_good_and_bad_lines_with_numbers_and_reasons(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path,
        json.dumps({"id": "m1", "text": "Car window smashed on Stryd y Bont", "author": "Ifan",
                    "created_at": "2026-07-01T10:00:00", "thread": "t1", "extra": 5}),
        "{not json",
        json.dumps({"text": "   "}),
        b'{"text": "caf\xe9"}',
        json.dumps({"text": "hi", "kind": "tweet"}),
        json.dumps({"text": "hi", "created_at": "yesterday"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"text": "Diolch!", "post": "Bike marking at Llangefni"}),
    )
    got = events(path)
    skipped = {e.line: e.reason for e in got if isinstance(e, SkippedLine)}
    assert skipped == {
        2: "not valid JSON (Expecting property name enclosed in double quotes)",
        3: "'text' is missing or empty",
        4: "not valid UTF-8 text",
        5: "'kind' must be comment or message, got 'tweet'",
        6: "'created_at' is not an ISO 8601 time: 'yesterday'",
        7: "a line must be a JSON object",
    }
    parsed = [e for e in got if isinstance(e, ParsedLine)]
    assert [p.line for p in parsed] == [1, 9]
    first, second = parsed[0].item, parsed[1].item
    assert first.platform_id == "m1" and first.author_name == "Ifan" and first.thread_id == "t1"
    # naive time = team zone; 1 July is BST (UTC+1)
    assert first.created_at.astimezone(UTC) == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert first.kind is Kind.MESSAGE
    assert second.kind is Kind.COMMENT and second.post_text == "Bike marking at Llangefni"
    assert second.platform_id.startswith("import:")


def test_stable_ids_make_reimport_identical(tmp_path: Path) -> None:
    path = jsonl(tmp_path, json.dumps({"text": "Beic wedi ei ddwyn", "author": "Siân",
                                       "created_at": "2026-11-01T08:00:00Z"}))
    once = [e.item.platform_id for e in events(path) if isinstance(e, ParsedLine)]
    twice = [e.item.platform_id for e in events(path) if isinstance(e, ParsedLine)]
    assert once == twice and once[0].startswith("import:")


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "one"}\r\n{"text": "two"}\r\n')
    assert [e.item.text for e in events(path) if isinstance(e, ParsedLine)] == ["one", "two"]


def test_csv_multiline_broken_quote_and_wrong_field_count(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(
        b"Text,Author,created_at\n"
        b'"Someone keeps revving\nbikes on the beach",Gwyn,2026-11-20T19:00:00Z\n'
        b'"unterminated, x, 2026\n'
        b"fine line,Ann,\n"
        b"too,many,fields,here\n"
        b"bad \xff bytes,Bob,\n"
        b"=HYPERLINK(\"x\"),Eve,\n"
    )
    got = events(path)
    skipped = {e.line: e.reason for e in got if isinstance(e, SkippedLine)}
    assert set(skipped) == {4, 6, 7}
    assert skipped[4].startswith("broken CSV quoting")
    assert skipped[6] == "has 4 fields, the header has 3"
    assert skipped[7] == "not valid UTF-8 text"
    parsed = {e.line: e.item for e in got if isinstance(e, ParsedLine)}
    assert parsed[2].text == "Someone keeps revving\nbikes on the beach"
    assert parsed[5].text == "fine line"
    assert parsed[8].text == '=HYPERLINK("x")'  # kept as text; exports neutralise it later


def test_csv_without_text_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("message,author\nhello,x\n")
    with pytest.raises(ImportFileError, match="no 'text' column"):
        events(path)


@pytest.mark.parametrize(("name", "match"), [("in.xlsx", "unknown file type"),
                                             ("missing.jsonl", "no such file")])
def test_unusable_files(tmp_path: Path, name: str, match: str) -> None:
    if name.endswith(".xlsx"):
        (tmp_path / name).write_bytes(b"PK")
    with pytest.raises(ImportFileError, match=match):
        read_import_file(tmp_path / name, LONDON)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=300).filter(lambda t: t.strip() and "\x00" not in t))
def test_any_text_survives_jsonl_and_csv_exactly(tmp_path_factory, text: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "in.jsonl"
    path.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    (parsed,) = events(path)
    assert isinstance(parsed, ParsedLine) and parsed.item.text == text
    cpath = folder / "in.csv"
    with cpath.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["text"], [text]])
    got = events(cpath)
    assert [e.item.text for e in got if isinstance(e, ParsedLine)] == [text]
    assert not [e for e in got if isinstance(e, SkippedLine)]
