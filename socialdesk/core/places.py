"""Places known by two names (Caergybi and Holyhead): the alias table in
``prompts/places.toml``, so that a search for one name finds both.

Names are compared folded (lower case, accents removed: "Môn" = "mon"), word by word, and a
Welsh name also matches its mutated forms when the search is built (see
:mod:`socialdesk.core.welsh`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from socialdesk.errors import UserError
from socialdesk.prompts import prompt_file, read_prompt_toml

PLACES_FILE = "places.toml"
WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents ("Ynys Môn" → "ynys mon")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(text: str) -> tuple[str, ...]:
    """The folded words of a name or of typed text."""
    return tuple(WORD.findall(fold(text)))


@lru_cache(maxsize=1)
def place_names() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Every place as its names, each name as folded words (longest names first)."""
    path = prompt_file(PLACES_FILE)
    places = []
    for entry in read_prompt_toml(path, "the place names").get("place", []):
        names = entry.get("names") if isinstance(entry, dict) else None
        if not isinstance(names, list) or len(names) < 2 or \
                not all(isinstance(n, str) and words_of(n) for n in names):
            raise UserError(f"{path}: every [[place]] needs names = [two or more names].")
        places.append(tuple(sorted((words_of(n) for n in names), key=len, reverse=True)))
    return tuple(places)


def aliases_at(words: tuple[str, ...], start: int) -> tuple[int, list[tuple[str, ...]]]:
    """If a place name begins at ``words[start]``: (how many words it takes, every name of
    that place); else (0, [])."""
    best: tuple[int, list[tuple[str, ...]]] = (0, [])
    for names in place_names():
        for name in names:
            if len(name) > best[0] and words[start:start + len(name)] == name:
                best = (len(name), list(names))
    return best
