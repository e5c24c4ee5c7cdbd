"""What the rest of socialdesk asks of the gazetteer: the places an item names with its post
(:func:`item_places`), a place's label, the place a typed name means, and a text with its
places left out (for topics).
"""

from __future__ import annotations

from socialdesk.core.places.gazetteer import load_gazetteer
from socialdesk.core.places.matching import _found, _resolve, places_in
from socialdesk.core.places.names import WORD, fold
from socialdesk.core.places.vocabulary import _JOINED_WORDS
from socialdesk.core.welsh import radicals

#: Words of a place's name that say what kind of place it is, not which: they stay when a
#: name is taken out of a text ("Llangefni school" → "school"; "Maes parcio Benllech" →
#: "Maes parcio"). Radical forms; mutated ones ("draeth") count too.
KIND_WORDS = frozenset({
    "school", "ysgol", "car", "park", "parking", "maes", "parcio", "beach", "traeth",
    "station", "gorsaf", "road", "ffordd", "street", "stryd", "estate", "stad", "harbour",
    "harbwr", "port", "porthladd", "playground", "field", "cae", "church", "eglwys",
})


def without_places(text: str, instead: str = "") -> str:
    """``text`` with every place name the gazetteer finds in it (see :func:`places_in`: any
    name, mutated, misspelt; places off the island too) replaced by its words of
    :data:`KIND_WORDS`, or by ``instead`` when it has none: what a text says, apart from
    where (listening's topics are about what; places are shown apart)."""
    if _JOINED_WORDS.search(text):
        text = _JOINED_WORDS.sub(" ", text)
    spans: list[tuple[int, int]] = []
    _found(text, load_gazetteer(), spans)
    for start, end in reversed(spans):
        kept = [m.group() for m in WORD.finditer(text, start, end)
                if any(r in KIND_WORDS for r in radicals(fold(m.group())))]
        text = text[:start] + (" ".join(kept) or instead) + text[end:]
    return " ".join(text.split()) if spans else text


def item_places(text: str, post: str | None) -> list[tuple[str, str]]:
    """(place id, "text" or "post") for every place an item names in its own text and in the
    post it comments on (a place named in both is listed under both)."""
    rows = [(place, "text") for place in places_in(text, post or "")]
    if post:
        rows.extend((place, "post") for place in places_in(post, text))
    return rows


def place_label(place_id: str) -> str:
    """How the desk shows a place: "Caergybi / Holyhead" (the id itself for one the gazetteer
    no longer has)."""
    place = load_gazetteer().entry(place_id)
    return place.label if place else place_id


def find_place_id(typed: str) -> str | None:
    """The id of the place a person typed (an id, or any name of it: "holyhead",
    "Caergybi", "ym Mhorthaethwy"); None when it names no place."""
    gaz = load_gazetteer()
    key = typed.strip().lower()
    if key in gaz.places:
        return key
    found = _found(typed.replace("-", " "), gaz)
    named = {i for ids in found for i in ids if len(ids) == 1}
    ids = _resolve(found, named, gaz, untagged=True)   # "Ynys Môn" too, never tagged
    return ids[0] if ids else None
