"""Bilingual urgent cues from prompts/urgent_cues.toml: the safety net beside the model.

An item is urgent when the model says so OR a cue matches (DESIGN.md §6). The matched cues'
reasons are shown to officers so they can see why something was flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from socialdesk.errors import UserError
from socialdesk.prompts import read_prompt_toml

LAUGHING = re.compile(r"(😂|🤣|😆|😹|\blol\b|\blmao\b|\bhaha|\bhehe|\bjk\b|😜|😝)", re.I)


@dataclass(frozen=True)
class Cue:
    """An urgent cue: a pattern that flags a text urgent, the reason shown to officers, and
    whether a joke guard may lift it."""

    id: str
    reason: str
    pattern: re.Pattern[str]
    joke_guard: bool = False


def load_cues(path: Path) -> list[Cue]:
    """Read and compile the cue file; a bad pattern is one clear sentence."""
    data = read_prompt_toml(path, "the urgent cues")
    cues = []
    for entry in data.get("cue", []):
        try:
            pattern = re.compile(entry["pattern"], re.I)
        except (KeyError, re.error) as exc:
            raise UserError(f"{path}: cue {entry.get('id', '?')} has a bad pattern ({exc}).") \
                from None
        cues.append(Cue(entry["id"], entry["reason"], pattern, bool(entry.get("joke_guard"))))
    return cues


def match_cues(cues: list[Cue], text: str) -> list[Cue]:
    """The cues that fire on this text (joke-guarded cues are skipped for laughing texts)."""
    laughing = bool(LAUGHING.search(text))
    return [cue for cue in cues
            if cue.pattern.search(text) and not (cue.joke_guard and laughing)]
