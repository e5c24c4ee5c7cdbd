"""Finding the places a text names (:func:`places_in`): each name the gazetteer knows, kept or
refused by the words around it (a strict name such as "Valley" only where it reads as a
place), a street's town settled by the other places named.
"""

from __future__ import annotations

import re
from functools import lru_cache

from socialdesk.core.places.entries import LOWER_CASE, UNKNOWN_TOWN, Gazetteer, _Name
from socialdesk.core.places.fuzzy import FUZZY_MIN, JOINABLE_KINDS, edit_distance, fuzzy_word
from socialdesk.core.places.gazetteer import _slug, load_gazetteer
from socialdesk.core.places.names import WORD, fold
from socialdesk.core.places.vocabulary import (
    _BREAKS,
    _JOINED_WORDS,
    _MID_SENTENCE_CAPITAL,
    _SENTENCE_END,
    ADDRESS_WORDS,
    BUSINESS_WORDS,
    CAR_PARK_AFTER,
    CAR_PARK_BEFORE,
    ENDEARMENTS,
    FUZZY_STOP,
    GIVEN_NAMES,
    GIVEN_PLACE_NAMES,
    LOWER_CASE_PREPOSITIONS,
    NEXT_DOOR,
    NOT_JOINED,
    NOT_PLACE_AFTER,
    NOT_PLACE_BEFORE,
    ORDINARY_STREET_WORDS,
    PAPER_WORDS,
    PETS,
    PLACE_PREPOSITIONS,
    POSSESSIVES,
    SCHOOL_AFTER,
    STREET_AFTER,
    TO_SOMEONE,
)


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
