"""Loading the gazetteer from prompts/places.toml (:func:`load_gazetteer`, read once per
process): every place with its kind and town, every form its names are written in (mutated,
abbreviated, joined, misspelt), and the car parks and schools a text may name by their place.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import lru_cache

from socialdesk.core.places.entries import KINDS, UNKNOWN_TOWN, Gazetteer, PlaceEntry, _Name
from socialdesk.core.places.fuzzy import FUZZY_KINDS, FUZZY_MIN, JOINABLE_KINDS, _near_index
from socialdesk.core.places.names import PLACES_FILE, words_of
from socialdesk.core.places.vocabulary import (
    CAR_PARK_AFTER,
    CAR_PARK_BEFORE,
    STREET_ABBREVIATIONS,
    STREET_SWAPS,
)
from socialdesk.core.welsh import mutated_forms
from socialdesk.errors import UserError
from socialdesk.prompts import prompt_file, read_prompt_toml


def _slug(text: str) -> str:
    return "-".join(words_of(text))


def _place_entries(data: dict[str, object], path: object) -> list[tuple[PlaceEntry, set[str]]]:
    entries: list[tuple[PlaceEntry, set[str]]] = []
    raw = data.get("place", [])
    for entry in raw if isinstance(raw, list) else []:
        names = entry.get("names") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(names, list) or not names:
            continue
        kind = entry.get("kind", "village")
        if kind not in KINDS:
            raise UserError(f"{path}: place {names[0]!r} has kind {kind!r}; use one of "
                            f"{', '.join(KINDS)}.")
        misspellings = entry.get("misspellings", [])
        strict = entry.get("strict", [])
        if not all(isinstance(n, str) and words_of(n) for n in [*names, *misspellings, *strict]):
            raise UserError(f"{path}: place {names[0]!r} has a name that is not text.")
        town = entry.get("town")
        place = PlaceEntry(str(entry.get("id") or _slug(names[-1] if len(names) < 2
                                                         else names[1])),
                           names[0], names[1] if len(names) > 1 else names[0], kind,
                           town if isinstance(town, str) else None,
                           tuple(dict.fromkeys([*names, *misspellings])),
                           tagged=entry.get("tagged", True) is not False)
        entries.append((place, {n for n in strict}))
    single = data.get("one_name", {})
    for name in single.get("names", []) if isinstance(single, dict) else []:
        if isinstance(name, str) and words_of(name):
            entries.append((PlaceEntry(_slug(name), name, name, "village", None, (name,)),
                            set()))
    return entries


def _written_forms(name: str, english: bool) -> list[tuple[str, ...]]:
    """A name as folded words, with the first word in each mutated form for a Welsh name
    ("Caergybi" → gaergybi, nghaergybi, chaergybi), and "'r" for its article ("i'r Fali")."""
    words = words_of(name)
    forms = {words}
    if words[0] in ("y", "yr") and len(words) > 1:
        forms.add(("r", *words[1:]))
    elif not english:
        forms.update((form, *words[1:]) for form in mutated_forms(words[0]))
    return list(forms)


def _abbreviated(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A street name with its last word shortened, as people type it ("london rd")."""
    return [(*words[:-1], short) for short in STREET_ABBREVIATIONS.get(words[-1], ())
            if len(words) > 1]


def _other_forms(words: tuple[str, ...], kind: str) -> list[tuple[str, ...]]:
    """Other ways a name is written: an English name with "the" after a Welsh article ("i'r
    Dingle", "yn y Sea Zoo"); a street's Welsh street word swapped for another ("Lôn
    Kingsland" for Ffordd Kingsland; not "Lôn y Felin" for Ffordd y Felin, two names many
    villages each have)."""
    if len(words) < 2:
        return []
    if words[0] == "the":
        return [(article, *words[1:]) for article in ("y", "yr", "r")]
    if kind == "street" and words[0] in STREET_SWAPS and words[1] not in ("y", "yr", "r"):
        return [(other, *words[1:]) for other in STREET_SWAPS if other != words[0]]
    return []


def _misspelt_heads(places: dict[str, PlaceEntry],
                    by_words: dict[tuple[str, ...], dict[str, bool]],
                    data: dict[str, object]) -> None:
    """A listed one-word misspelling of a place stands for it at the head of longer names
    too: "Beaumauris castle" is Beaumaris Castle, not Beaumaris and a word."""
    raw = data.get("place", [])
    swaps: dict[str, set[str]] = {}       # a real first word -> its listed misspellings
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict):
            continue
        real = [words_of(n) for n in entry.get("names", []) if isinstance(n, str)]
        for wrong in entry.get("misspellings", []):
            typed = words_of(wrong) if isinstance(wrong, str) else ()
            if len(typed) == 1:
                for name in real:
                    if len(name) == 1 and name[0] != typed[0]:
                        swaps.setdefault(name[0], set()).add(typed[0])
    for words, ids in list(by_words.items()):
        if len(words) < 2 or words[0] not in swaps:
            continue
        for misspelt in swaps[words[0]]:
            if (misspelt, *words[1:]) not in by_words:   # never over a name of its own
                by_words[(misspelt, *words[1:])] = dict(ids)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer of prompts/places.toml, ready to tag text (read once per process)."""
    path = prompt_file(PLACES_FILE)
    raw = path.read_bytes() if path.exists() else b""
    data = read_prompt_toml(path, "the place names")
    places: dict[str, PlaceEntry] = {}
    by_words: dict[tuple[str, ...], dict[str, bool]] = {}
    accented: set[tuple[str, ...]] = set()
    spelled: dict[tuple[str, ...], list[str]] = {}
    listed = {n for e in data.get("place", []) if isinstance(e, dict)
              for n in e.get("names", []) if isinstance(n, str)}
    listed_words = {words_of(n) for n in listed}
    real: set[str] = set()      # one-word forms of names, not of misspellings: fuzzy targets
    for place, strict in _place_entries(data, path):
        if place.id in places:
            raise UserError(f"{path}: two places have the id {place.id!r}.")
        places[place.id] = place
        strict_words = {words_of(s) for s in strict}
        for name in place.names:
            english = name == place.en and place.en != place.cy and \
                words_of(place.cy)[1:] != words_of(name) and \
                (len(words_of(name)) < 2 or place.kind == "street")
            # "Gaerwen" of "Y Gaerwen" is Welsh; an English name of two words or more is
            # mutated too when Welsh is spoken around it ("i Gable Bay")
            for form in _written_forms(name, english):
                if len(form) == 1 and name in listed:
                    real.add(form[0])
                ids = by_words.setdefault(form, {})
                ids[place.id] = ids.get(place.id, False) or words_of(name) in strict_words
                if words_of(name) in strict_words and not name.isascii():
                    accented.add(form)
            joined = "".join(words_of(name))
            if place.kind in JOINABLE_KINDS and len(words_of(name)) > 1 and \
                    len(joined) >= FUZZY_MIN and joined.isalpha() and \
                    words_of(name) not in strict_words:   # "Menai Bridge" as "Menaibridge"
                by_words.setdefault((joined,), {}).setdefault(place.id, False)
            spelled.setdefault(words_of(name), []).append(place.id)
            for short in _abbreviated(words_of(name)):   # "Stanley St", "Parys mtn"
                by_words.setdefault(short, {}).setdefault(place.id, False)
            for other in _other_forms(words_of(name), place.kind):
                if other not in listed_words:   # "i'r Dingle", "Lôn Kingsland"
                    ids = by_words.setdefault(other, {})
                    ids[place.id] = ids.get(place.id, False) or words_of(name) in strict_words
    _misspelt_heads(places, by_words, data)
    for place in list(places.values()):
        town = places.get(place.town or "")
        if place.kind == "street" and town is not None:
            places[place.id] = replace(place, town_name=town.en)
    # A name several streets share ("High Street"): a place of its own for "town unknown".
    for ids in by_words.values():
        streets = [places[i] for i in ids if places[i].kind == "street"]
        if len(streets) > 1:
            first = streets[0]
            unknown_id = f"{_slug(first.en)}-{UNKNOWN_TOWN}"
            if unknown_id not in places:
                places[unknown_id] = PlaceEntry(
                    unknown_id, f"{first.cy} (tref anhysbys)", f"{first.en} (town unknown)",
                    "street", None, tuple(n for n in first.names))
    _facilities(places, by_words)
    heads: dict[str, list[tuple[tuple[str, ...], _Name]]] = {}
    shared: set[tuple[str, ...]] = set()
    for words, ids in by_words.items():
        if len(ids) > 1 and words in spelled:   # "Porth Wen" written, not Borth Wen mutated
            ids = {i: ids[i] for i in ids if i in spelled[words]} or ids
        written = _Name(words[1:], tuple(ids), any(ids.values()), words in accented)
        if len(ids) > 1 and not written.strict and words in spelled and \
                all(places[i].kind == "landmark" for i in ids):
            shared.add(written.ids)
        heads.setdefault(words[0], []).append((words, written))
    ordered = {head: tuple(n for _, n in sorted(found, key=lambda f: -len(f[0])))
               for head, found in heads.items()}
    version = hashlib.sha256(raw).hexdigest()[:16]
    return Gazetteer(places, ordered, version, _car_parks(places, by_words),
                     _schools(places), _near_index(places, ordered, real),
                     frozenset(w for words in by_words for w in words),
                     {head: found for head, names in ordered.items()
                      if head not in ("the", "y", "yr", "r") and (found := tuple(
                          n for n in names if n.rest and not n.strict
                          and any(len(w) >= FUZZY_MIN for w in n.rest)
                          and all(places[i].kind in FUZZY_KINDS for i in n.ids)))},
                     frozenset(head[:cut] for head in ordered
                               for cut in range(1, len(head))),
                     frozenset((words[0], words[1]) for words, ids in by_words.items()
                               if len(words) > 1 and
                               any(places[i].kind == "street" for i in ids)),
                     frozenset(shared))


#: Kinds of place whose car park, named after it, is a place of its own though the gazetteer
#: lists none ("Malltraeth car park"): villages, beaches, landmarks (not a town, which has
#: several).
CAR_PARK_KINDS = frozenset({"village", "beach", "landmark"})


def _facilities(places: dict[str, PlaceEntry],
                by_words: dict[tuple[str, ...], dict[str, bool]]) -> None:
    """A car park of every village, beach and landmark with none listed ("maes parcio Traeth
    Crigyll"), and a school of every village with none listed ("Ysgol Rhoscolyn"): a text
    that names one says it is there, and the place it is named after is not what it names.
    Not for a place with car parks of its own: "maes parcio Niwbwrch" says not which."""
    parked = set(_car_parks(places, by_words)) | \
        {p.town for p in places.values() if p.kind == "car_park"}   # "maes parcio Niwbwrch"
    schooled = {p.town for p in places.values() if p.kind == "school"}
    for place in list(places.values()):
        if not place.tagged or place.kind == "street":
            continue
        if place.kind in CAR_PARK_KINDS and place.id not in parked and \
                f"{place.id}-car-park" not in places:
            park_id = f"{place.id}-car-park"
            names = [n for n in dict.fromkeys([place.cy, place.en, *place.names])]
            places[park_id] = PlaceEntry(
                park_id, f"Maes parcio {place.cy}", f"{place.en} car park", "car_park",
                place.town or place.id,
                (f"Maes parcio {place.cy}", f"{place.en} car park",
                 *(f"{n} car park" for n in names[2:])))
        if place.kind == "village" and place.id not in schooled and \
                f"ysgol-{place.id}" not in places:
            school_id = f"ysgol-{place.id}"
            places[school_id] = PlaceEntry(school_id, f"Ysgol {place.cy}", f"{place.en} school",
                                           "school", place.id,
                                           (f"Ysgol {place.cy}", f"{place.en} school"))


def _schools(places: dict[str, PlaceEntry]) -> dict[str, str]:
    """A town or village → its school, when the gazetteer has exactly one there ("Llangoed
    school" is Ysgol Gynradd Llangoed; "Holyhead school" is no one school)."""
    found: dict[str, list[str]] = {}
    for place in places.values():
        if place.kind == "school" and place.town:
            found.setdefault(place.town, []).append(place.id)
    return {town: ids[0] for town, ids in found.items()
            if len(ids) == 1 and places[town].kind in ("town", "village")}


def _car_parks(places: dict[str, PlaceEntry],
               by_words: dict[tuple[str, ...], dict[str, bool]]) -> dict[str, str]:
    """A place → the car park "X car park" means: the car park one of whose names is the
    place's name with "car park" / "maes parcio" ("Newborough beach car park" for Newborough
    beach). A place with no such car park stays itself ("Moelfre car park" is Moelfre)."""
    found: dict[str, str] = {}
    for park in places.values():
        if park.kind != "car_park":
            continue
        for name in park.names:
            words = words_of(name)
            for before in sorted(CAR_PARK_BEFORE, key=len, reverse=True):
                if words[:len(before)] == before:
                    words = words[len(before):]
                    break
            for after in CAR_PARK_AFTER:
                if words[-len(after):] == after:
                    words = words[:-len(after)]
            if words[:1] == ("the",):
                words = words[1:]
            for place_id in by_words.get(words, {}) if words else {}:
                if place_id != park.id and places[place_id].kind not in ("street", "car_park"):
                    found.setdefault(place_id, park.id)
    return found
