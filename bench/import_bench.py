"""Import 100,000 JSONL lines through `socialdesk import` (the real CLI, a real DB file).

Baseline, measured in the same run: the same lines parsed with json and written with one
sqlite3 executemany into a bare table (no FTS, no indexes, no validation) — the floor of what
any importer on this machine can do. The ratio shows what validation, ids, FTS and indexes cost.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import team_config, write_section

LINES = 100_000
PLACES = ["Llangefni", "Holyhead", "Caergybi", "Amlwch", "Benllech", "Beaumaris", "Biwmares",
          "Menai Bridge", "Porthaethwy", "Rhosneigr", "Cemaes", "Valley", "Y Fali", "Newborough"]
TEXTS = [
    "Someone tried the car doors on {p} high street last night, caught on my doorbell cam",
    "Mae criw o bobl ifanc ar feics modur ar y traeth yn {p} bob nos, plîs dewch draw",
    "Diolch o galon i'r tîm am ddod i'r ysgol yn {p} heddiw 👏👏",
    "Is this text about a parcel held at the {p} depot a scam?? it wants £1.99",
    "Thanks for the advice, sorted now 😊",
    "Fy meic wedi ei ddwyn o'r tu allan i Lidl {p} ddoe, un glas Carrera",
    "Speeding on the road out of {p} is getting ridiculous, someone will be killed",
    "Haven't seen the old man at no. 4 in {p} for a week, curtains still shut",
]


def make_file(path: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(LINES):
            text = rng.choice(TEXTS).format(p=rng.choice(PLACES)) + f" #{n}"
            record = {"id": f"bench-{n}", "kind": rng.choice(["comment", "message"]),
                      "text": text, "author": f"Person {rng.randrange(5000)}",
                      "created_at": f"2026-11-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def baseline(path: Path, db: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("create table items (id text primary key, kind text, text text, author text, "
                 "created_at text)")
    with path.open(encoding="utf-8") as handle:
        rows = [(r["id"], r["kind"], r["text"], r["author"], r["created_at"])
                for r in map(json.loads, handle)]
    conn.executemany("insert into items values (?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def socialdesk_import(path: Path, db: Path) -> tuple[float, str, int]:
    # its own data dir: no trained model there, so this times the import alone
    env = {**os.environ, "SOCIALDESK_DB": str(db), "SOCIALDESK_DATA_DIR": str(db.parent),
           "SOCIALDESK_CONFIG": str(team_config(db.parent))}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", MEASURED_CLI, "import", str(path)], env=env,
                          capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    return elapsed, proc.stdout.splitlines()[0], peak_kib


# Runs the real CLI, then reports the process's own peak RSS (VmHWM). ru_maxrss would not do:
# it survives exec and reports the parent's peak if that was higher.
MEASURED_CLI = """
import sys
from socialdesk.cli import main
try:
    code = main(sys.argv[1:])
finally:
    hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
    print(hwm, file=sys.stderr)
raise SystemExit(code)
"""


def run() -> None:
    """Run the import benchmark and record it in BENCHMARKS.md."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "page.jsonl"
        make_file(data)
        base = baseline(data, folder / "baseline.db")
        ours, summary, peak = socialdesk_import(data, folder / "desk.db")
        again, summary2, _ = socialdesk_import(data, folder / "desk.db")
        count = sqlite3.connect(folder / "desk.db").execute("select count(*) from items")
        stored = count.fetchone()[0]
    body = f"""\
`socialdesk import` of {LINES:,} JSONL lines into a new DB file,
as a user runs it (a subprocess, including Python start-up), against a bare baseline.

| run | seconds | lines/s | result |
|---|---:|---:|---|
| baseline: json + one sqlite3 executemany, bare table | {base:.2f} | {LINES / base:,.0f} | — |
| `socialdesk import` (validation, ids, FTS5, indexes, audit) | {ours:.2f} | {LINES / ours:,.0f} | {summary} |
| `socialdesk import` again (all duplicates) | {again:.2f} | {LINES / again:,.0f} | {summary2} |

Rows stored: {stored:,}. socialdesk / baseline time ratio: {ours / base:.1f}×.
Peak RSS of the import process: {peak / 1024:.0f} MiB. Goal: 100,000 lines well under a minute.
"""
    write_section("Import (issue 3)", body)
