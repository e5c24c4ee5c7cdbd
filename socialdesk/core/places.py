"""The island's places (``prompts/places.toml``): the alias table search uses (Caergybi and
Holyhead: a search for one name finds both), the places a reply may name, and the gazetteer
that tags each item with the places it names (:func:`places_in`, :func:`item_places`).

Names are compared folded (lower case, accents removed: "Môn" = "mon"), word by word, and a
Welsh name also matches its mutated forms when the search is built (see
:mod:`socialdesk.core.welsh`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from socialdesk.core.welsh import mutated_forms, radicals
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


# ── the gazetteer: every place with its kind and town, and tagging text with places ──────

#: Kinds of place in the gazetteer (see prompts/places.toml).
KINDS = ("town", "village", "area", "street", "road", "beach", "car_park", "school",
         "level_crossing", "landmark", "outside")
#: Kinds the reply library may name in a reply ("officers in {place}"): not a street or a
#: school, which the reply's sentence would not fit.
REPLY_KINDS = frozenset({"town", "village", "area", "beach", "landmark", "outside"})
#: Words after which a strict name ("Valley", "Star") counts as a place.
PLACE_PREPOSITIONS = frozenset({
    "in", "at", "to", "from", "near", "nr", "around", "round", "through", "past", "outside",
    "into", "towards", "toward", "via", "by", "between", "and", "yn", "ym", "yng", "i", "o",
    "ger", "r", "y", "ac", "a", "drwy", "trwy", "heibio", "on", "onto", "off", "over",
    "across", "along", "ar", "dros", "rhwng", "wrth", "tua", "tuag", "hyd"})
#: Written right before a place's name, these make it a person's or a pet's ("Mr Valley",
#: "Dai Llanfair", "our kitten Gwalchmai", "a dog called Cybi").
NOT_PLACE_BEFORE = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "cllr", "councillor", "pc", "pcso", "sgt", "insp",
    "rev", "revd", "prof", "yncl", "anti", "called", "named", "enw"})
#: A pet, after "my", "our"... ("our kitten Gwalchmai"; not "lost dog Holyhead area").
PETS = frozenset({"kitten", "cat", "dog", "puppy", "pup", "pony", "horse", "parrot", "budgie",
                  "tortoise", "rabbit", "hamster", "ci", "gi", "cath", "gath"})
POSSESSIVES = frozenset({"my", "our", "your", "his", "her", "their", "fy", "ein", "eich",
                         "ei", "eu", "mums", "nans", "dads"})
#: After a strict name first in a sentence, these make it a person or a chapel ("Menai said").
NOT_PLACE_AFTER = frozenset({
    "said", "says", "told", "tells", "asked", "asks", "rang", "rings", "phoned", "messaged",
    "texted", "wrote", "replied", "thinks", "thought", "reckons", "knows", "saw", "heard",
    "chapel", "church", "capel", "eglwys", "meddai", "ddywedodd", "welodd"})
#: After a strict name, these keep it a place: a business there is named after it ("Valley
#: Hotel", "Star Garage").
BUSINESS_WORDS = frozenset({
    "hotel", "inn", "arms", "garage", "stores", "store", "shop", "surgery", "kennels",
    "motors", "cafe", "chippy", "pharmacy", "post", "school", "primary", "crossing", "station",
    "road", "rd", "street", "st", "lane", "estate", "farm", "hall", "gwesty", "siop", "ysgol",
    "fferm"})
#: Before a given name, these make it part of an address ("Ffordd Tudur", "Stad Glyn").
ADDRESS_WORDS = frozenset({"ffordd", "stryd", "lon", "heol", "maes", "bro", "stad", "ystad",
                           "cae", "rhes", "teras", "street", "road", "lane", "avenue", "st",
                           "rd", "y", "yr", "no", "number", "rhif"})
#: Given names: written with a capital right before a place's name (no comma between), the
#: place is a person's byname ("Dai Llanfair", "Rhys Benllech"), not where something is.
GIVEN_NAMES = frozenset({
    "dai", "dafydd", "dewi", "rhys", "gareth", "gwyn", "glyn", "huw", "hugh", "ifan", "ieuan",
    "emyr", "elfed", "alun", "aled", "gethin", "dylan", "iwan", "owain", "owen", "sion",
    "twm", "wil", "meirion", "meilir", "geraint", "hywel", "ioan", "tomos", "gruffydd",
    "llew", "osian", "cai", "elis", "ellis", "idris", "arwel", "bryn", "cledwyn", "dilwyn",
    "eifion", "emlyn", "gwilym", "islwyn", "ithel", "mabon", "tudur", "wyn", "mared",
    "megan", "nia", "catrin", "ffion", "sian", "bethan", "eleri", "elin", "gwen", "gwenno",
    "heledd", "lowri", "mali", "manon", "mererid", "nerys", "rhian", "rhiannon", "sioned",
    "tegan", "menna", "ceri", "carys", "angharad", "anwen", "buddug", "dilys", "eirlys",
    "glenys", "gwyneth", "mair", "olwen", "nain", "taid", "john", "dave", "david", "steve",
    "mike", "chris", "paul", "gary", "kevin", "ian", "tony", "pete", "peter", "jim", "bob",
    "tom", "sam", "ben", "jack", "harry", "sarah", "sue", "karen", "julie", "lisa", "emma",
    "kate", "jo", "jane", "mary", "ann", "anne", "linda", "helen", "claire", "rachel",
    "laura", "amy", "beth", "liz", "jenny", "alan", "keith", "colin", "brian", "derek",
    "nigel", "wayne", "darren", "lee", "carl", "craig", "dean", "jason", "scott", "ryan",
    "liam", "callum", "tyler", "kyle", "josh", "jamie", "danny", "matt", "andy",
    "nick", "rich", "richard", "robert", "william", "james", "thomas", "george", "edward",
    "charles", "michael", "stephen", "martin", "simon", "phil", "gwynfor", "eurig", "iolo",
    "meinir", "nesta", "morfudd", "siwan", "elen", "ela", "cerys", "gwenllian", "branwen"})
#: Street words written with a capital right after a place's name ("Pentraeth Road", "Cemlyn
#: Road"): a street named after the place, which is seldom in it.
STREET_AFTER = frozenset({"Road", "Rd", "Street", "Lane", "Avenue", "Terrace", "Close",
                          "Drive", "Crescent", "Way", "ROAD", "STREET", "LANE"})
#: Welsh street words one street name may be written with for another ("Lôn Kingsland" for
#: Ffordd Kingsland): a street's name beginning with one is also found with the others.
STREET_SWAPS = ("ffordd", "lon", "heol")
#: Words before "to" / "i" that make a strict name after them a person ("thanks to Menai",
#: "llongyfarchiadau i Menai ac Alaw").
TO_SOMEONE = frozenset({"thanks", "thank", "congratulations", "congrats", "done", "birthday",
                        "diolch", "llongyfarchiadau", "penblwydd", "hapus"})
#: Places' names that are also given names ("Menai", "Carmel"): strict, and a person's after
#: "thanks to", before "bach ni" or "from next door" (not "congratulations to Valley").
GIVEN_PLACE_NAMES = frozenset({"menai", "alaw", "cefni", "trefor", "eilian", "seiriol",
                               "carmel", "mona", "cemlyn", "cybi", "dwynwen", "elim",
                               "bethel", "hermon", "nebo", "soar", "tudno"})
#: Words that follow a name of an endearment ("Cemlyn bach ni": our little Cemlyn).
ENDEARMENTS = frozenset({"bach", "fach"})
#: After a name that is also a given name, these make it a neighbour ("Mona from next door").
NEXT_DOOR = (("from", "next", "door"), ("next", "door"), ("drws", "nesa"), ("drws", "nesaf"),
             ("o", "drws", "nesa"), ("o", "drws", "nesaf"))
#: The words after which a strict name in lower case counts, in a text with no capitals
#: ("in valley"; not "to", as in "to soar").
LOWER_CASE_PREPOSITIONS = frozenset({"in", "at", "near", "nr", "from", "around", "outside",
                                     "past", "through", "thru", "via", "yn", "ger"})
#: A capital letter after a lower-case word (not "I"): the writer capitalises names.
_MID_SENTENCE_CAPITAL = re.compile(r"[a-z0-9,)] +(?!I\b)[A-Z]")
#: Written before a strict name, these make it an ordinary word ("the valley", "a star").
_SENTENCE_END = frozenset(".!?\n:;(")
#: Written between two words, these part them: no name runs across them.
_BREAKS = frozenset(",;:!?()\n")
UNKNOWN_TOWN = "town-unknown"
#: A small letter then a capital inside a word: two words run together ("#MenaiBridge").
_JOINED_WORDS = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
#: Marks a street name that is also ordinary words, written in lower case ("high street",
#: "the beach road"): a street only when the text or its post names one of its towns.
LOWER_CASE = "(lower case)"
#: A street name made only of these, written in lower case, may be ordinary words ("high
#: street banks", "the beach road", "the green edge of the field", "y stryd fawr").
ORDINARY_STREET_WORDS = frozenset({
    "high", "street", "st", "road", "rd", "beach", "station", "green", "edge", "stryd",
    "ffordd", "fawr", "y", "yr", "orsaf", "traeth"})


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


#: Street words and how people shorten them ("Stanley St", "London Rd"), and mountains
#: ("Parys mtn").
STREET_ABBREVIATIONS = {"street": ("st",), "road": ("rd",), "avenue": ("ave", "av"),
                        "square": ("sq",), "terrace": ("tce", "terr"), "lane": ("ln",),
                        "mountain": ("mtn", "mt")}


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


#: Words after which a road's number is a size of paper ("A5 paper", "taflen A5").
PAPER_WORDS = frozenset({"paper", "papers", "papur", "size", "sized", "sheet", "sheets",
                         "envelope", "envelopes", "leaflet", "leaflets", "flyer", "flyers",
                         "poster", "posters", "notebook", "notepad", "booklet", "card",
                         "print", "printed", "format", "amlen", "maint", "taflen", "taflenni"})
#: The words that say "car park" after a place ("Benllech car park") or before it ("maes
#: parcio Benllech", "car park at Benllech").
CAR_PARK_AFTER = (("car", "park"), ("carpark",), ("car", "parc"))
#: Not "the car park in Benllech" / "maes parcio ym Menllech": which of the place's car
#: parks is not said, so that is the place.
CAR_PARK_BEFORE = (("maes", "parcio"), ("maes", "parcio", "r"), ("car", "park"),
                   ("car", "park", "of"), ("maes", "parcio", "y"))


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


#: The words after a place that say its school ("Llangoed school", "Llangoed primary").
SCHOOL_AFTER = (("primary", "school"), ("school",), ("primary",))


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


# ── misspellings: a word within one edit (two for long words) of a place's name ─────────

#: Kinds of place whose one-word names a misspelling may stand for ("Amlwck" → Amlwch), and
#: places off the island (so that a misspelt "Bangorr" is never taken for an island place).
FUZZY_KINDS = frozenset({"town", "village", "beach", "landmark", "outside"})
#: English words that stay words before another ("a new borough", "the old mill").
NOT_JOINED = frozenset({"new", "old", "the", "a", "an", "my", "our", "your", "their",
                        "this", "that", "and", "or", "of", "in", "on", "at", "to"})
#: Kinds whose names of several words are also found written as one ("Menaibridge") and
#: whose one-word names are found written as two ("Caer gybi"); not an area ("ynysmon" is
#: the council's web address).
JOINABLE_KINDS = FUZZY_KINDS
#: Shortest word matched within one edit, and within two.
FUZZY_MIN = 6
FUZZY_MIN_TWO = 9
#: Ordinary English and Welsh words one or two edits from a place's name: never a place.
FUZZY_STOP = frozenset({
    "allwch", "amlach", "amlwg", "amlwyd", "angler", "anglers", "angles", "banger", "bangers",
    "beaches", "benches", "bentley", "bodlon", "bodoli", "bordering", "borough", "boroughs",
    "bridge", "bridges", "brynhyfryd", "caerau", "caernarfon", "castell", "castle", "conwy",
    "ddwyrain", "dinorwig", "dulais", "dwylo", "dwyrain", "forest", "gaeren", "garden",
    "gardens", "gwynedd", "hamlach", "hanger", "heddiw", "hollyhead", "holyhe", "lemons",
    "llanberis", "llandegai", "llandudno", "llanfair", "llangollen", "llanrwst", "mellech",
    "moelfry", "mynydd", "neithiwr", "newborn", "newborns", "newbury", "nwyrain", "penmaen",
    "penmaenmawr", "penman", "pentre", "pentref", "pentrefi", "pentrefoelas", "rhosyn",
    "school", "schools", "single", "stanley", "station", "street", "streets", "talwrn",
    "talwyn", "tavern", "traeth", "valley", "valleys", "wales", "welsh", "ysgol"})
_DELETES_MAX = 2
#: No place name is near this long, so a longer word is no misspelling of one (and its
#: deletion keys — O(n²) strings of n letters — are never built: a 3,000-letter "word" in a
#: hostile import would need gigabytes).
FUZZY_MAX = 64


def _deletes(word: str, depth: int) -> set[str]:
    """The word with up to ``depth`` letters left out, itself included."""
    found = {word}
    edge = {word}
    for _ in range(depth):
        edge = {w[:i] + w[i + 1:] for w in edge for i in range(len(w))}
        found |= edge
    return found


def _near_index(places: dict[str, PlaceEntry], heads: dict[str, tuple[_Name, ...]],
                real: set[str]) -> dict[str, tuple[str, ...]]:
    """Deletion keys of every one-word, non-strict name of a place of :data:`FUZZY_KINDS`
    (mutated forms included; listed misspellings not: "schemes" is not a misspelling of
    "chemes"): a word within an edit of such a name shares a key with it."""
    index: dict[str, set[str]] = {}
    for head, names in heads.items():
        if len(head) < FUZZY_MIN or not head.isalpha() or head not in real:
            continue
        if not any(not n.rest and not n.strict and
                   all(places[i].kind in FUZZY_KINDS for i in n.ids) for n in names):
            continue
        depth = 2 if len(head) >= FUZZY_MIN_TWO else 1
        for key in _deletes(head, depth):
            index.setdefault(key, set()).add(head)
    return {key: tuple(sorted(words)) for key, words in index.items()}


def edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment): letters left out, added,
    changed or two side by side swapped."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def fuzzy_word(word: str, gaz: Gazetteer) -> str | None:
    """The place name ``word`` (folded) is a misspelling of: a one-word name of a town,
    village, beach or landmark (not a strict one) within one edit — two for words of nine
    letters or more — and nearer to it than to any other; None for a short word, an
    ordinary word (:data:`FUZZY_STOP`) or a word of a place's name itself."""
    if word in gaz.memo:
        return gaz.memo[word]
    found: str | None = None
    if FUZZY_MIN <= len(word) <= FUZZY_MAX and word.isalpha() and word not in FUZZY_STOP \
            and word not in gaz.name_words:
        depth = 2 if len(word) >= FUZZY_MIN_TWO else 1
        candidates = {c for key in _deletes(word, depth) for c in gaz.near.get(key, ())}
        best: dict[int, set[str]] = {}
        for candidate in candidates:
            allowed = 2 if len(word) >= FUZZY_MIN_TWO and len(candidate) >= FUZZY_MIN_TWO \
                else 1
            distance = edit_distance(word, candidate)
            if distance <= allowed:
                best.setdefault(distance, set()).add(candidate)
        if best:
            nearest = best[min(best)]
            places = {ids for c in nearest for n in gaz.heads[c] if not n.rest
                      for ids in [n.ids]}
            if len(places) == 1:
                found = min(nearest)
    if len(gaz.memo) < 200_000 and len(word) <= FUZZY_MAX:
        gaz.memo[word] = found
    return found


def _strict_ok(text: str, words: list[re.Match[str]], start: int, end: int) -> bool:
    """A strict name ("Valley") counts written with a capital, first in a sentence or after
    a word such as "in" or "yn"; in lower case only right after "in", "at", "near"... in a
    text whose writer capitalises nothing ("got stopped in valley again")."""
    if not words[end - 1].group()[:1].isupper():
        return start > 0 and fold(words[start - 1].group()) in LOWER_CASE_PREPOSITIONS and \
            fold(words[start].group()) not in ("the", "y", "yr") and \
            not _MID_SENTENCE_CAPITAL.search(text) and \
            not _BREAKS & set(text[words[start - 1].end():words[start].start()])
    if start == 0 or any(ch in _SENTENCE_END
                         for ch in text[words[start - 1].end():words[start].start()]):
        return not _someone_first(text, words, end)
    before = fold(words[start - 1].group())
    if before in ("the", "y", "yr", "r") and end < len(words) and \
            words[end].group()[:1].isupper() and fold(words[end].group()) in BUSINESS_WORDS:
        return True      # "the Valley Hotel", "the Star Inn": a business named after it
    return before in PLACE_PREPOSITIONS


def _proper_after(text: str, original: list[re.Match[str]], folded: list[str],
                  at: int) -> bool:
    """Whether a one-word strict name runs on into another proper name ("Star Wars", "Menai
    Jones", "Elim Pentecostal"): a capital word right after it that begins no place's name.
    Not in Title Case Writing, where every word has a capital."""
    end = at + 1
    if end >= len(original) or not original[end].group()[:1].isupper() or \
            text[original[at].end():original[end].start()] != " " or \
            folded[end] in load_gazetteer().heads or folded[end] in BUSINESS_WORDS:
        return False
    title_case = at > 1 and original[at - 1].group()[:1].isupper() and not any(
        ch in _SENTENCE_END for ch in text[original[at - 2].end():original[at - 1].start()])
    return not title_case


def _someone_first(text: str, words: list[re.Match[str]], end: int) -> bool:
    """Whether a strict name first in a sentence is a person's or a chapel's by the word
    after it ("Menai said", "Carmel and I", "Seiriol's mum", "Bethel chapel")."""
    if end >= len(words):
        return False
    between = text[words[end - 1].end():words[end].start()]
    after = fold(words[end].group())
    if between in ("'", "’") and after == "s":
        return True
    if between.strip():
        return False
    if after in ("and", "a", "ac") and end + 1 < len(words):
        return fold(words[end + 1].group()) in ("i", "me", "myself", "fi", "minnau")
    return after in NOT_PLACE_AFTER


def _found(text: str, gaz: Gazetteer,
           spans: list[tuple[int, int]] | None = None) -> list[tuple[str, ...]]:
    """The places each name in ``text`` may be (several for a shared street name), in the
    order written; leftmost, then longest name first. ``spans`` (when given) hears where
    each name is written: (start, end) in ``text`` (the name alone: "Llangoed" of "Llangoed
    school"; a street written in lower case, which may be ordinary words, left out)."""
    if _JOINED_WORDS.search(text):
        text = _JOINED_WORDS.sub(" ", text)      # "#MenaiBridge", "HolyheadPort"
    original = list(WORD.finditer(text))
    folded = [w.lower() if w.isascii() else fold(w) for w in map(re.Match.group, original)]
    found: list[tuple[str, ...]] = []
    heads = gaz.heads
    split_starts = gaz.split_starts
    at = 0
    count = len(folded)
    while at < count:
        word = folded[at]
        names = heads.get(word)
        matched = _name_at(text, original, folded, at, names) if names else None
        if matched is not None and word in ("the", "y", "yr", "r") and at + 1 < len(folded):
            instead = _name_at(text, original, folded, at + 1, heads.get(folded[at + 1], ()))
            if instead is not None and instead[1] > matched[1]:
                at += 1          # "the Breakwater Country Park", not "the breakwater"
                matched = instead
        if matched is None and word in split_starts and at + 1 < count and \
                word + folded[at + 1] in heads and \
                _name_at(text, original, folded, at + 1,
                         heads.get(folded[at + 1], ())) is None:   # "Caer gybi", "Ben llech"
            matched = _joined_at(folded, at, gaz)             # (not "ar ben Mynydd Twr")
        rest_names = gaz.rest_fuzzy.get(word)
        if rest_names is not None:                         # "Menai Brigde", "Beaumaris Castel"
            longer = _misspelt_rest_at(text, original, folded, at, rest_names, gaz)
            if longer is not None and (matched is None or longer[1] > matched[1]):
                matched = longer
        if matched is None and names is None and len(word) >= FUZZY_MIN:
            near = fuzzy_word(word, gaz)
            if near is not None:
                matched = _name_at(text, original, folded, at,
                                   tuple(n for n in gaz.heads[near] if not n.strict))
        if matched is None:
            at += 1
            continue
        ids, end = matched
        name_end = end
        if end < len(folded) and folded[end] in PAPER_WORDS and \
                all(gaz.places[i].kind == "road" for i in ids):
            at = end                 # "A5 paper", "A5 papur": a size of paper, not the road
            continue
        if at > 0 and _a_name_of_someone(text, original, folded, at):
            at = end                 # "Dai Llanfair", "Mr Valley", "our kitten Gwalchmai"
            continue
        if _not_the_place(text, original, folded, at, end, ids, gaz):
            at = end                 # "Pentraeth Road", "Gwalchmai the kitten", "diolch i Menai"
            continue
        if end < len(folded) and all(gaz.places[i].kind == "street" for i in ids):
            if _off_the_island(text, original, folded, end, gaz):
                at = end + 1         # "High Street, Bangor": a street off the island
                continue
            if len(ids) == 1 and _another_town(text, original, folded, end, ids, gaz):
                at = end             # "Market Street Amlwch": not Holyhead's Market Street
                continue
        if all(w in ORDINARY_STREET_WORDS for w in folded[at:end]) and \
                all(gaz.places[i].kind == "street" for i in ids) and \
                all(m.group().islower() for m in original[at:end]):
            ids = (*ids, LOWER_CASE)     # "high street banks": a street only if a town says so
        if len(ids) == 1 and ids[0] in gaz.car_parks:
            after = next((len(w) for w in CAR_PARK_AFTER
                          if tuple(folded[end:end + len(w)]) == w), None) \
                if end < len(folded) and not _parted(text, original, end - 1) else None
            if after is not None or (at > 0 and not _parted(text, original, at - 1) and
                                     any(tuple(folded[max(at - len(w), 0):at]) == w
                                         for w in CAR_PARK_BEFORE)):
                ids = (gaz.car_parks[ids[0]],)
                end += after or 0
        if len(ids) == 1 and ids[0] in gaz.schools:
            after = next((len(w) for w in SCHOOL_AFTER
                          if tuple(folded[end:end + len(w)]) == w), None) \
                if end < len(folded) and not _parted(text, original, end - 1) else None
            if after is not None or (at > 0 and folded[at - 1] in ("ysgol", "gynradd") and
                                     not _parted(text, original, at - 1) and
                                     "ysgol" in folded[max(at - 2, 0):at]):
                ids = (gaz.schools[ids[0]],)   # "Llangoed school", "Ysgol Rhoscolyn": the
                end += after or 0              # village's one school
        found.append(ids)
        if spans is not None and ids[-1] != LOWER_CASE:
            spans.append((original[at].start(), original[name_end - 1].end()))
        at = end
    return found


def _off_the_island(text: str, original: list[re.Match[str]], folded: list[str], at: int,
                    gaz: Gazetteer) -> bool:
    """Whether the words at ``at`` name a place off the island ("Bangor")."""
    found = _name_at(text, original, folded, at, gaz.heads.get(folded[at], ()))
    return found is not None and all(gaz.places[i].kind == "outside" for i in found[0])


def _not_the_place(text: str, original: list[re.Match[str]], folded: list[str], at: int,
                   end: int, ids: tuple[str, ...], gaz: Gazetteer) -> bool:
    """Whether a place's name, by the words around it, names no place: a street named after
    it ("Pentraeth Road": a street seldom in the place it leads to), a pet ("Gwalchmai the
    kitten"), or, for a name that is also a given name (strict), a person ("Cemlyn bach ni",
    "Mona from next door", "thanks to Menai", "llongyfarchiadau i Menai")."""
    count = len(folded)
    if end < count and not _parted(text, original, end - 1):
        if original[end].group() in STREET_AFTER or \
                (folded[end] == "the" and end + 1 < count and folded[end + 1] in PETS):
            return _not_a_street(ids, gaz)
        if folded[end] in ENDEARMENTS and end + 1 < count and \
                folded[end + 1] in ("ni", "fi", "i") and _strict_here(folded, at, end, gaz):
            return True
        if any(tuple(folded[end:end + len(w)]) == w for w in NEXT_DOOR) and \
                _strict_here(folded, at, end, gaz):
            return True
    return at > 1 and folded[at - 1] in ("to", "i") and folded[at - 2] in TO_SOMEONE and \
        not _parted(text, original, at - 2) and _strict_here(folded, at, end, gaz)


def _not_a_street(ids: tuple[str, ...], gaz: Gazetteer) -> bool:
    """Whether none of the places is a street, a road or a part of a town (a street named
    after a part of a town, "Llanfawr Road", is in it)."""
    return all(gaz.places[i].kind not in ("street", "road") and
               not (gaz.places[i].kind == "area" and gaz.places[i].town) for i in ids)


def _strict_here(folded: list[str], at: int, end: int, gaz: Gazetteer) -> bool:
    """Whether the words at ``at:end`` are a strict name that is also a given name ("Menai",
    "Cemlyn"; not "Valley")."""
    if end != at + 1 or folded[at] not in GIVEN_PLACE_NAMES:
        return False
    return any(n.strict and not n.rest for n in gaz.heads.get(folded[at], ()))


def _another_town(text: str, original: list[re.Match[str]], folded: list[str], at: int,
                  ids: tuple[str, ...], gaz: Gazetteer) -> bool:
    """Whether a town or village right after a street's name (no comma, or one) is none of
    the street's towns: "Market Street Amlwch" is not Holyhead's Market Street."""
    found = _name_at(text, original, folded, at, gaz.heads.get(folded[at], ()))
    if found is None or len(found[0]) != 1:
        return False
    town = gaz.places[found[0][0]]
    if town.kind not in ("town", "village"):
        return False
    homes: set[str | None] = set()
    for i in ids:
        home = gaz.places[i].town
        parent = gaz.places.get(home or "")
        homes.update((home, parent.town if parent else None))
    return town.id not in homes


def _a_name_of_someone(text: str, original: list[re.Match[str]], folded: list[str],
                       at: int) -> bool:
    """Whether the word before a place's name (no comma between) makes it a person's or a
    pet's: a title or a pet ("Mr", "kitten"), or a given name written with a capital before
    a name written with one ("Rhys Benllech")."""
    before = folded[at - 1]
    if before not in NOT_PLACE_BEFORE and before not in GIVEN_NAMES and \
            not (before in PETS and at > 1 and folded[at - 2] in POSSESSIVES):
        return False
    if _parted(text, original, at - 1) or "'" in text[original[at - 1].end():
                                                       original[at].start()]:
        return False
    if before in NOT_PLACE_BEFORE or before in PETS:
        return True
    if at > 1 and folded[at - 2] in ADDRESS_WORDS:
        return False     # "Ffordd Tudur Llangefni": a street named after someone, then a town
    return original[at - 1].group()[:1].isupper() and original[at].group()[:1].isupper()


def _parted(text: str, original: list[re.Match[str]], i: int) -> bool:
    """Whether a comma or the like stands between word ``i`` and the next."""
    return bool(_BREAKS & set(text[original[i].end():original[i + 1].start()]))


@lru_cache(maxsize=65_536)
def _one_edit(typed: str, name_word: str) -> bool:
    """Whether a typed word is within one edit of a name's word (remembered: the same
    ordinary words come back in every text)."""
    return edit_distance(typed, name_word) <= 1


def _misspelt_rest_at(text: str, original: list[re.Match[str]], folded: list[str], at: int,
                      names: tuple[_Name, ...],
                      gaz: Gazetteer) -> tuple[tuple[str, ...], int] | None:
    """A name of several words of a town, village, beach or landmark written right but for
    one later word of six letters or more, one edit off ("Menai Brigde")."""
    for name in names:
        end = at + 1 + len(name.rest)
        if end > len(folded):
            continue
        typed = folded[at + 1:end]
        wrong = [(t, r) for t, r in zip(typed, name.rest, strict=True) if t != r]
        if len(wrong) != 1:
            continue
        t, r = wrong[0]
        if len(t) < FUZZY_MIN or len(r) < FUZZY_MIN or abs(len(t) - len(r)) > 1 or \
                t in FUZZY_STOP or t in gaz.name_words or not _one_edit(t, r) or \
                any(_parted(text, original, i) for i in range(at, end - 1)):
            continue
        return name.ids, end
    return None


def _joined_at(folded: list[str], at: int,
               gaz: Gazetteer) -> tuple[tuple[str, ...], int] | None:
    """A one-word name of a town, village, beach or landmark written as two words ("Caer
    gybi", "Llan gefni"), and where it ends."""
    joined = folded[at] + folded[at + 1]
    if len(joined) < FUZZY_MIN + 1 or joined in FUZZY_STOP or folded[at] in NOT_JOINED:
        return None
    for name in gaz.heads.get(joined, ()):
        if not name.rest and not name.strict and \
                all(gaz.places[i].kind in JOINABLE_KINDS for i in name.ids):
            return name.ids, at + 2
    return None


def _name_at(text: str, original: list[re.Match[str]], folded: list[str], at: int,
             names: tuple[_Name, ...]) -> tuple[tuple[str, ...], int] | None:
    """The places of the longest of ``names`` written at ``at``, and where it ends."""
    following = folded[at + 1] if at + 1 < len(folded) else None
    for name in names:
        if name.rest and name.rest[0] != following:
            continue
        end = at + 1 + len(name.rest)
        if tuple(folded[at + 1:end]) != name.rest:
            continue
        if name.rest and any(_parted(text, original, i) for i in range(at, end - 1)):
            continue     # "Maes yr Ysgol, Pentraeth" is no "Ysgol Pentraeth"
        if name.strict and (not _strict_ok(text, original, at, end) or
                            (not name.rest and _proper_after(text, original, folded, at))):
            continue
        if name.accented and all(m.group().isascii() for m in original[at:end]):
            continue
        if name.rest and end < len(folded) and \
                (folded[end - 1], folded[end]) in load_gazetteer().street_starts:
            continue     # "Holyhead High Street" is Holyhead and High Street, not a school
        return name.ids, end
    return None


def _resolve(found: list[tuple[str, ...]], named: set[str], gaz: Gazetteer,
             untagged: bool = False) -> list[str]:
    ids: list[str] = []
    for candidates in found:
        lower = candidates[-1] == LOWER_CASE
        candidates = candidates[:-1] if lower else candidates
        if len(candidates) > 1 or lower:   # a street several towns have: the named town's
            mine = [c for c in candidates if gaz.places[c].town in named]
            if len(mine) == 1:
                candidates = (mine[0],)
            elif lower:
                continue          # "the high street banks", "the beach road": no town's
            elif candidates in gaz.shared:
                continue          # "the Lifeboat Station": which town's, none says
            elif any(gaz.places[c].kind != "street" for c in candidates):
                candidates = candidates[:1]   # two places, one's name another's mutated
            else:
                first = gaz.places[candidates[0]]
                candidates = (f"{_slug(first.en)}-{UNKNOWN_TOWN}",)
        place = gaz.places[candidates[0]]
        if place.kind != "outside" and (place.tagged or untagged) and place.id not in ids:
            ids.append(place.id)
    return ids


def places_in(text: str, context: str = "") -> list[str]:
    """The ids of the island's places ``text`` names, in the order named, each once: any
    name, English or Welsh, mutated ("ym Mhorthaethwy"), misspelt ("Holly head"), folded
    (case, accents). The longest name wins ("Menai Suspension Bridge", not "Menai Bridge");
    names that are ordinary words count only as places ("in Valley", not "the valley"); a
    place outside the island (Bangor) is never one. A street several towns have ("High
    Street") is the street of the town also named in ``text`` or ``context`` (an item's
    post), else "(town unknown)"."""
    gaz = load_gazetteer()
    found = _found(text, gaz)
    if not found:
        return []
    named = {i for ids in found for i in ids if len(ids) == 1}
    if context and any(len(ids) > 1 for ids in found):
        named.update(i for ids in _found(context, gaz) for i in ids if len(ids) == 1)
    return _resolve(found, named, gaz)


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
