"""How names are compared (folded, word by word), the alias table search uses (Caergybi and
Holyhead: a search for one name finds both) and the places a reply may name.
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


def _shared_names(data: dict[str, object]) -> set[str]:
    """The other names (beyond the Welsh and English ones) several places share ("Lifeboat
    Station"): the tagger takes one where its town is named; search and replies leave them."""
    seen: dict[str, int] = {}
    raw = data.get("place", [])
    for entry in raw if isinstance(raw, list) else []:
        names = entry.get("names") if isinstance(entry, dict) else None
        for name in names[2:] if isinstance(names, list) else []:
            if isinstance(name, str):
                seen[name] = seen.get(name, 0) + 1
    return {name for name, count in seen.items() if count > 1}


@lru_cache(maxsize=1)
def place_names() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Every place as its names, each name as folded words (longest names first)."""
    path = prompt_file(PLACES_FILE)
    places = []
    data = read_prompt_toml(path, "the place names")
    shared = _shared_names(data)
    for entry in data.get("place", []):
        names = entry.get("names") if isinstance(entry, dict) else None
        if not isinstance(names, list) or not names or \
                not all(isinstance(n, str) and words_of(n) for n in names):
            raise UserError(f"{path}: every [[place]] needs names = [one or more names].")
        if len(names) < 2:   # one name in both languages: no other name to search for
            continue
        if isinstance(entry, dict) and entry.get("kind") == "street":
            continue         # "High Street" is no alias of "Stryd Fawr" in another town
        strict = set(entry.get("strict", [])) if isinstance(entry, dict) else set()
        names = [n for i, n in enumerate(names) if i < 2 or (n not in strict and
                                                             n not in shared)]
        if len(names) > 1:   # not "Menai", a given name too: no alias of Porthaethwy
            places.append(tuple(sorted((words_of(n) for n in names), key=len,
                                       reverse=True)))
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
    """Every place a reply may name, longest names first within each: the places of
    ``[[place]]`` of a kind in :data:`REPLY_KINDS` (the first name Welsh, the second English;
    one name for both) and the one-name places of ``[one_name]``. A reply finds a place by
    any name but the ``strict`` ones (ordinary words: "Star", "Môn") and those several
    places share ("Lifeboat Station") beyond its Welsh and English names, since it looks
    without the tagger's guards."""
    path = prompt_file(PLACES_FILE)
    data = read_prompt_toml(path, "the place names")
    found = []
    shared = _shared_names(data)
    for entry in data.get("place", []):
        names = entry.get("names") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(names, list) or not names or \
                entry.get("kind", "village") not in REPLY_KINDS:
            continue
        strict = set(entry.get("strict", []))
        usable = [n for i, n in enumerate(names)
                  if (n not in strict or (i < 2 and len(names) > 1)) and
                  (i < 2 or n not in shared)]   # not "Lifeboat Station": whose?
        if usable:
            found.append(Place(names[0], names[-1] if len(names) < 2 else names[1],
                               tuple(sorted((words_of(n) for n in usable), key=len,
                                            reverse=True))))
    single = data.get("one_name", {})
    names = single.get("names", []) if isinstance(single, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) and words_of(n)
                                              for n in names):
        raise UserError(f"{path}: [one_name] names must be a list of place names.")
    found.extend(Place(name, name, (words_of(name),)) for name in names)
    return tuple(found)


#: Kinds the reply library may name in a reply ("officers in {place}"): not a street or a
#: school, which the reply's sentence would not fit.
REPLY_KINDS = frozenset({"town", "village", "area", "beach", "landmark", "outside"})
