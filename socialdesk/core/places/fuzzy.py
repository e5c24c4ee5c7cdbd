"""Misspellings: a typed word within one edit (two for long words) of a place's one-word name
stands for it (:func:`fuzzy_word`), found through an index of deletion keys built with the
gazetteer.
"""

from __future__ import annotations

from socialdesk.core.places.entries import Gazetteer, PlaceEntry, _Name
from socialdesk.core.places.vocabulary import FUZZY_STOP

#: Kinds of place whose one-word names a misspelling may stand for ("Amlwck" → Amlwch), and
#: places off the island (so that a misspelt "Bangorr" is never taken for an island place).
FUZZY_KINDS = frozenset({"town", "village", "beach", "landmark", "outside"})

#: Kinds whose names of several words are also found written as one ("Menaibridge") and
#: whose one-word names are found written as two ("Caer gybi"); not an area ("ynysmon" is
#: the council's web address).
JOINABLE_KINDS = FUZZY_KINDS
#: Shortest word matched within one edit, and within two.
FUZZY_MIN = 6
FUZZY_MIN_TWO = 9

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
