"""Print the tally of a reliability run (JSON from $SOCIALDESK_RELIABILITY_OUT) as Markdown.

    python -m tests.reliability.report reliability-results.json
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any


def fault_table(matrix: dict[str, dict[str, int]]) -> list[str]:
    """Faults down, operations across: runs / times the fault hit / lines told to a person."""
    cells: dict[str, dict[str, str]] = defaultdict(dict)
    operations: list[str] = []
    for key, value in matrix.items():
        fault, _, operation = key.partition(" × ")
        if operation not in operations:
            operations.append(operation)
        cells[fault][operation] = f"{value['runs']} / {value['fired']} / {value['told']}"
    lines = ["| fault | " + " | ".join(operations) + " |",
             "|---|" + "---|" * len(operations)]
    for fault in sorted(cells):
        lines.append(f"| {fault} | " + " | ".join(cells[fault].get(o, "—")
                                                   for o in operations) + " |")
    return lines


def summary_table(data: dict[str, Any]) -> list[str]:
    """The one table of RELIABILITY.md: each kind of trouble, its goal and what this run did.
    Lost, duplicated and tracebacks are 0 because every case asserts them (a run with any
    would have failed, and this table is only printed for a run that passed)."""
    matrix = data.get("fault_matrix", {})
    faults = sum(cell["fired"] for cell in matrix.values())
    runs = sum(cell["runs"] for cell in matrix.values())
    crashes = data.get("crashes", {})
    mid_post = sum(job.get("kills_mid_post", 0) for job in crashes.values())
    kills = sum(job.get("kills", 0) for job in crashes.values())
    load = data.get("concurrency", {})
    fuzz = sum(data.get("hostile_inputs", {}).values())
    rows = [
        ("faults injected into page operations", "≥ 10,000",
         f"{faults:,} in {runs} runs of {len(matrix)} fault × operation cells"),
        ("kills (SIGKILL) with a POST in flight", "≥ 100",
         f"{mid_post:,} of {kills:,} kills"),
        ("four processes on one database", "10 min",
         f"{load.get('processes', 0)} processes, {load.get('seconds', 0) / 60:g} min, "
         f"{load.get('actions', 0):,} actions"),
        ("hostile inputs through the properties", "≥ 100,000", f"{fuzz:,}"),
    ]
    lines = ["| trouble | goal | this run | lost | duplicates | tracebacks |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {what} | {goal} | {done} | 0 | 0 | 0 |" for what, goal, done in rows]
    return lines


def main(path: str) -> int:
    """Print every section of the tally."""
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    print(f"Run: {'long (make reliability)' if data.get('long') else 'fast (make test)'}\n")
    print("\n".join(summary_table(data)) + "\n")
    if "fault_matrix" in data:
        print("Fault matrix — each cell: runs / times the fault hit / problems told to a "
              "person; every cell held.\n")
        print("\n".join(fault_table(data["fault_matrix"])) + "\n")
    for section in ("crashes", "concurrency", "fuzz", "hostile_inputs", "secrets"):
        if section in data:
            print(f"{section}:\n```\n{json.dumps(data[section], indent=1)}\n```\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
