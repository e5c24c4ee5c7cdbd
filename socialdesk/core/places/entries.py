"""What a loaded gazetteer holds: every place (:class:`PlaceEntry`) by id, and the names to find
them by, indexed by first word (:class:`Gazetteer`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Kinds of place in the gazetteer (see prompts/places.toml).
KINDS = ("town", "village", "area", "street", "road", "beach", "car_park", "school",
         "level_crossing", "landmark", "outside")

UNKNOWN_TOWN = "town-unknown"

#: Marks a street name that is also ordinary words, written in lower case ("high street",
#: "the beach road"): a street only when the text or its post names one of its towns.
LOWER_CASE = "(lower case)"


@dataclass(frozen=True)
class PlaceEntry:
    """One place of the gazetteer: its id, Welsh and English names, kind, the town it is in
    (an id, or None) and every name it may be written by, misspellings included."""

    id: str
    cy: str
    en: str
    kind: str
    town: str | None
    names: tuple[str, ...]
    #: a street's town as shown ("Llangefni"), so that two High Streets read apart
    town_name: str | None = None
    #: False for the whole island ("Anglesey", "Ynys Môn"): every item is on it, so naming
    #: it says nothing of where (``tagged = false`` in places.toml)
    tagged: bool = True

    @property
    def label(self) -> str:
        """Both names, Welsh first ("Caergybi / Holyhead"), or the one name; a street with
        its town ("Stryd Fawr / High Street, Llangefni")."""
        name = self.en if self.cy == self.en else f"{self.cy} / {self.en}"
        return f"{name}, {self.town_name}" if self.town_name else name


@dataclass(frozen=True)
class _Name:
    rest: tuple[str, ...]          # the words after the first
    ids: tuple[str, ...]           # the places written so (several: an ambiguous street)
    strict: bool
    accented: bool = False         # a strict name with an accent counts only written with it


@dataclass(frozen=True)
class Gazetteer:
    """Every place by id, and the names to find them by: first word (in every mutated form)
    → the names that begin with it, longest first."""

    places: dict[str, PlaceEntry]
    heads: dict[str, tuple[_Name, ...]]
    version: str
    #: a place → its car park ("Benllech" → Benllech car park), for "X car park"
    car_parks: dict[str, str] = field(default_factory=dict)
    #: a town or village → its one school, for "X school" ("Llangoed school")
    schools: dict[str, str] = field(default_factory=dict)
    #: fuzzy matching: a deletion key → the name words it may come from (see :func:`fuzzy_word`)
    near: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: every word of every name: such a word is never taken for a misspelling of another
    name_words: frozenset[str] = frozenset()
    #: first word → the names of several words a later misspelt word may stand in
    rest_fuzzy: dict[str, tuple[_Name, ...]] = field(default_factory=dict)
    #: every word a one-word name begins with, a letter or more short of it: "caer" of
    #: "caergybi" (a name written as two words: "Caer gybi")
    split_starts: frozenset[str] = frozenset()
    #: the first two words of every street name ("high", "street"): a longer name whose last
    #: word begins one of them, followed by the rest, gives way to the street
    street_starts: frozenset[tuple[str, str]] = frozenset()
    #: the landmarks of a name several have, not an ordinary word ("Lifeboat Station"): one
    #: only where its town is named
    shared: frozenset[tuple[str, ...]] = frozenset()
    #: typed word → the name word it is a misspelling of (None: none), as found so far
    memo: dict[str, str | None] = field(default_factory=dict, compare=False)

    def entry(self, place_id: str) -> PlaceEntry | None:
        """The place with this id (None for an id the gazetteer no longer has)."""
        return self.places.get(place_id)
