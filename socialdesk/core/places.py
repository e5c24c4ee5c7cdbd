"""Places known by two names (Caergybi and Holyhead): the alias table in
``prompts/places.toml``, so that a search for one name finds both.

Names are compared folded (lower case, accents removed: "Môn" = "mon"), word by word, and a
Welsh name also matches its mutated forms when the search is built (see
:mod:`socialdesk.core.welsh`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Place:
    """A place as a reply names it: its Welsh and English names, and every name it may be
    written by (as folded words)."""

    cy: str
    en: str
    names: tuple[tuple[str, ...], ...]

    def name_in(self, language: str) -> str:
        """The place's name in a reply written in ``language`` ("cy" or "en")."""
        return self.cy if language == "cy" else self.en


@lru_cache(maxsize=1)
def gazetteer() -> tuple[Place, ...]:
    """Every place the team knows, longest names first within each: the two-name places of
    ``[[place]]`` (the first name Welsh, the second English) and the one-name places of
    ``[one_name]``."""
    path = prompt_file(PLACES_FILE)
    data = read_prompt_toml(path, "the place names")
    found = [Place(names[0], names[1], tuple(sorted((words_of(n) for n in names), key=len,
                                                    reverse=True)))
             for names in (entry.get("names") for entry in data.get("place", [])
                           if isinstance(entry, dict))
             if isinstance(names, list) and len(names) >= 2]
    single = data.get("one_name", {})
    names = single.get("names", []) if isinstance(single, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) and words_of(n)
                                              for n in names):
        raise UserError(f"{path}: [one_name] names must be a list of place names.")
    found.extend(Place(name, name, (words_of(name),)) for name in names)
    return tuple(found)
