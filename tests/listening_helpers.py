"""Helpers for the listening tests: a small deterministic embedding (where the encoder is not
the thing under test) and a desk seeded with concerns and chat about a few topics."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from socialdesk.core.desk import Desk
from tests.ui_helpers import NOW, seed_items

WORD = re.compile(r"\w+")
DIM = 64


#: Words that pull a text towards a topic's axis in :class:`WordsEmbedder` (as a sentence
#: encoder would: the same meaning in either language lands in the same place).
AXES = {"dog": 0, "dogs": 0, "ci": 0, "cŵn": 0, "sheep": 0, "defaid": 0,
        "scam": 1, "sgam": 1, "bank": 1, "banc": 1, "ffug": 1, "fake": 1,
        "thank": 2, "diolch": 2, "brilliant": 2, "gwych": 2}


class WordsEmbedder:
    """A small deterministic sentence embedding: one axis per topic word of :data:`AXES` and
    hashed other words (weaker), unit length. Each call is counted, so a test can see the
    cache at work."""

    version = "test-words-1"

    def __init__(self) -> None:
        self.embedded = 0

    def embed(self, texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
        """One unit vector per text."""
        self.embedded += len(texts)
        out = np.zeros((len(texts), DIM), np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                if word in AXES:
                    out[row, AXES[word]] += 1.0
                elif len(word) > 3:
                    slot = 8 + int(hashlib.sha256(word.encode()).hexdigest(), 16) % (DIM - 8)
                    out[row, slot] += 0.15
            out[row, 7] += 0.05    # never a zero vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)


#: (text, language, category) by topic: each topic's items share their words.
DOGS = [("Dog mess on the beach path again, dog owners please", "en", "concern"),
        ("Loose dog chasing sheep on the beach path", "en", "concern"),
        ("Baw ci ar y traeth eto, cŵn heb dennyn", "cy", "concern"),
        ("Dog owners leaving dog mess by the beach", "en", "concern"),
        ("Cŵn yn poeni defaid, baw ci ym mhobman ar y traeth", "cy", "concern"),
        ("A dog off its lead on the beach path bit my dog", "en", "concern")]
SCAMS = [("Scam text about a parcel fee from Royal Mail", "en", "concern"),
         ("Fake bank call, scam asking for card details", "en", "concern"),
         ("Sgam neges ffug am barsel, galwad ffug banc", "cy", "concern"),
         ("Another scam text, parcel fee and bank details", "en", "concern"),
         ("Galwad ffug gan y banc, sgam arall", "cy", "concern"),
         ("Scam caller pretending to be the bank wanted card details", "en", "concern")]
THANKS = [("Thank you officers, brilliant help yesterday", "en", "chat"),
          ("Diolch yn fawr, help gwych ddoe", "cy", "chat"),
          ("Massive thank you, brilliant officers", "en", "chat"),
          ("Diolch o galon am yr help gwych", "cy", "chat"),
          ("Thank you for the brilliant help at the carnival", "en", "chat"),
          ("Brilliant work officers, thank you", "en", "chat")]


def heard_rows(topics: list[list[tuple[str, str, str]]], days_ago: float,
               repeat: int = 1) -> list[tuple]:
    """Seed rows (as tests.ui_helpers.seed_items takes them) for these topics' items, created
    ``days_ago`` (an hour apart), each text ``repeat`` times."""
    rows = []
    minutes = int(days_ago * 24 * 60)
    for topic in topics:
        for text, language, category in topic:
            for copy in range(repeat):
                rows.append((f"{text}{' ' * copy}", "message", language, category, 0,
                             "A Person", minutes))
                minutes += 60
    return rows


def seed_listening(desk: Desk, folder: Path, now: datetime = NOW) -> None:
    """This period (the last 90 days): dogs ×3 (18 items), scams, thanks; the one before:
    dogs and scams once each (12 items) — dogs rise, scams and thanks hold or are new."""
    seed_items(desk, folder / "now.jsonl", heard_rows([DOGS], 10, repeat=3), now=now)
    seed_items(desk, folder / "now2.jsonl", heard_rows([SCAMS, THANKS], 20), now=now)
    seed_items(desk, folder / "before.jsonl", heard_rows([DOGS, SCAMS], 120), now=now)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    """Rows as JSON lines."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


__all__ = ["NOW", "WordsEmbedder", "heard_rows", "seed_listening", "timedelta"]
