"""Checks shared by the tests of exports: every CSV and JSON export carries the audit chain."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path


def chain_rows(db: Path) -> list[tuple[int, str]]:
    """The audit chain's rows (id, hash) in order, read through a connection of our own."""
    with sqlite3.connect(db) as conn:
        return conn.execute("select id, hash from audit_log order by id").fetchall()


def assert_exports_carry_the_chain(cli: Callable[..., tuple[int, str, str]], db: Path,
                                   command: str, target: Path,
                                   columns: tuple[str, str, str]) -> None:
    """``command --json`` carries the chain as it is; ``command --csv target`` ends with a row
    whose ``columns`` hold "audit chain", the head and the row count the export followed (its
    own export row comes after that head)."""
    code, out, _err = cli(command, "--json")
    assert code == 0
    rows = chain_rows(db)
    assert json.loads(out)["audit_chain"] == {"rows": len(rows), "head": rows[-1][1]}
    assert cli(command, "--csv", str(target))[0] == 0
    last = list(csv.DictReader(target.open(encoding="utf-8")))[-1]
    before_export = chain_rows(db)[:-1]
    assert tuple(last[column] for column in columns) == (
        "audit chain", before_export[-1][1], str(len(before_export)))
