"""Category signals from prompts/category_signals.toml: bilingual evidence for the heads.

A signal is a pattern for something the labelling guide turns on — a specific time, "now",
something taken or damaged, a recurring problem, a request for advice or patrols, a worry, a
follow-up, thanks, an enquiry. Each is one 0/1 feature; the heads learn how much it counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from socialdesk.errors import UserError
from socialdesk.lazy import lazy_module
from socialdesk.prompts import read_prompt_toml

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

SIGNAL_FILE = "category_signals.toml"


@dataclass(frozen=True)
class Signal:
    """A named pattern whose match in a text is one feature the classifier reads."""

    id: str
    pattern: re.Pattern[str]


def parse_signals(entries: Sequence[tuple[str, str]], origin: str) -> list[Signal]:
    """Compile ``(id, pattern)`` pairs; a bad pattern is one clear sentence."""
    signals = []
    for signal_id, pattern in entries:
        try:
            signals.append(Signal(signal_id, re.compile(pattern, re.I)))
        except re.error as exc:
            raise UserError(f"{origin}: signal {signal_id} has a bad pattern ({exc}).") \
                from None
    return signals


def load_signals(path: Path) -> list[Signal]:
    """Read and compile the signal file."""
    data = read_prompt_toml(path, "the category signals")
    try:
        entries = [(str(e["id"]), str(e["pattern"])) for e in data.get("signal", [])]
    except (KeyError, TypeError) as exc:
        raise UserError(f"{path}: every [[signal]] needs an id and a pattern ({exc}).") \
            from None
    return parse_signals(entries, str(path))


def signal_matrix(signals: Sequence[Signal], texts: Sequence[str]) -> np.ndarray:
    """(n texts, n signals) of 0.0 / 1.0."""
    return np.array([[1.0 if s.pattern.search(t) else 0.0 for s in signals] for t in texts],
                    dtype=np.float64).reshape(len(texts), len(signals))
