"""The reliability suite: fast by default, long with ``make reliability``.

``SOCIALDESK_RELIABILITY=long`` runs more seeds, more kill points, longer concurrent load and
more fuzz examples. Each test adds what it tried and what held to a session tally, written as
JSON to ``$SOCIALDESK_RELIABILITY_OUT`` when that is set (``make reliability`` sets it and
prints the table that goes into RELIABILITY.md).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

LONG = os.environ.get("SOCIALDESK_RELIABILITY") == "long"


def scale(fast: int, long: int) -> int:
    """A count for the fast suite or the long run."""
    return long if LONG else fast


_TALLY: dict[str, dict[str, Any]] = defaultdict(dict)


@pytest.fixture(scope="session")
def tally() -> dict[str, dict[str, Any]]:
    """What was tried, by section and case (written out at the end of the session)."""
    return _TALLY


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the tally for RELIABILITY.md."""
    out = os.environ.get("SOCIALDESK_RELIABILITY_OUT")
    if out and _TALLY:
        Path(out).write_text(json.dumps({"long": LONG, **_TALLY}, indent=1, sort_keys=True),
                             encoding="utf-8")
