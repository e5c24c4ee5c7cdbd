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


def main(path: str) -> int:
    """Print every section of the tally."""
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    print(f"Run: {'long (make reliability)' if data.get('long') else 'fast (make test)'}\n")
    if "fault_matrix" in data:
        print("Fault matrix — each cell: runs / times the fault hit / problems told to a "
              "person; every cell held.\n")
        print("\n".join(fault_table(data["fault_matrix"])) + "\n")
    for section in ("crashes", "concurrency", "fuzz", "secrets"):
        if section in data:
            print(f"{section}:\n```\n{json.dumps(data[section], indent=1)}\n```\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
