"""The island's places (``prompts/places.toml``): the alias table search uses (Caergybi and
Holyhead: a search for one name finds both), the places a reply may name, and the gazetteer
that tags each item with the places it names (:func:`places_in`, :func:`item_places`).

Names are compared folded (lower case, accents removed: "Môn" = "mon"), word by word, and a
Welsh name also matches its mutated forms when the search is built (see
:mod:`socialdesk.core.welsh`).

The rooms: :mod:`.names` (folding, search aliases, reply places), :mod:`.vocabulary` (the
words around a name), :mod:`.entries` (what a loaded gazetteer holds), :mod:`.gazetteer`
(loading it), :mod:`.fuzzy` (misspellings), :mod:`.matching` (finding places in a text) and
:mod:`.tagging` (what the rest of socialdesk asks). This module is the public face: import
from it, not from the rooms.
"""

from socialdesk.core.places.entries import Gazetteer, PlaceEntry
from socialdesk.core.places.gazetteer import load_gazetteer
from socialdesk.core.places.matching import places_in
from socialdesk.core.places.names import Place, aliases_at, fold, gazetteer, place_names, words_of
from socialdesk.core.places.tagging import find_place_id, item_places, place_label, without_places

__all__ = [
    "Gazetteer",
    "Place",
    "PlaceEntry",
    "aliases_at",
    "find_place_id",
    "fold",
    "gazetteer",
    "item_places",
    "load_gazetteer",
    "place_label",
    "place_names",
    "places_in",
    "without_places",
    "words_of",
]
