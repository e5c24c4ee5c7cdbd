"""CSV exports that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel or LibreOffice ("CSV injection"); such cells get a leading apostrophe, which
spreadsheets show as plain text. Numbers are written as numbers (a negative number is data,
not a formula).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from socialdesk.core.audit.report_figures import Report
from socialdesk.errors import UserError
from socialdesk.paths import write_private

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value that a spreadsheet will show, never execute."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def write_report_csv(report: Report, path: Path) -> int:
    """One row per (dimension, group), the overall row first and the audit chain's row count
    and head last; return the number of rows written."""
    rows = [{"dimension": "overall", **report.overall.as_dict()}]
    for dimension, groups in report.groups.items():
        rows.extend({"dimension": dimension, **g.as_dict()} for g in groups)
    try:
        with os.fdopen(write_private(path), "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: safe_cell(v) for k, v in row.items()})
            # the audit chain as it stood: anchors the chain wherever the export is kept
            writer.writerow({"dimension": "audit chain", "key": report.audit_head,
                             "count": report.audit_rows})
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror}.") from None
    return len(rows) + 1


def write_rows_csv(rows: list[dict[str, Any]], fields: list[str], path: Path,
                   chain: dict[str, Any] | None = None) -> int:
    """Plain rows as a spreadsheet-safe CSV (a list value is written joined by spaces), and
    last, with ``chain`` (``{"rows", "head"}``), the audit chain's head and row count as the
    report CSV has them (first column "audit chain", the head next, the rows under "count");
    return the number of data rows written."""
    try:
        with os.fdopen(write_private(path), "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: safe_cell(" ".join(map(str, v)) if isinstance(v, list)
                                              else v) for k, v in row.items()})
            if chain is not None:   # the chain as it stood: anchors it wherever this is kept
                writer.writerow({fields[0]: "audit chain", fields[1]: chain["head"],
                                 "count": chain["rows"]})
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror}.") from None
    return len(rows)
