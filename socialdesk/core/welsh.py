"""Welsh initial mutations, so that searching "Porthaethwy" also finds "ym Mhorthaethwy".

Welsh changes the first sound of a word after certain words (soft, nasal and aspirate
mutations, and h- before vowels): Porthaethwy → Borthaethwy / Mhorthaethwy / Phorthaethwy.
:func:`search_forms` returns every form a typed word may take on the page, whichever form was
typed. Short words are left alone: expanding "car" would also find "gardd" and "charity".
"""

from __future__ import annotations

MIN_LENGTH = 5
VOWELS = "aeiouwyâêîôûŵŷ"

#: radical initial → its mutated initials (soft, nasal, aspirate).
MUTATIONS: dict[str, tuple[str, ...]] = {
    "p": ("b", "mh", "ph"), "t": ("d", "nh", "th"), "c": ("g", "ngh", "ch"),
    "b": ("f", "m"), "d": ("dd", "n"), "g": ("", "ng"), "m": ("f",), "ll": ("l",),
    "rh": ("r",),
}


#: Welsh letters written with two or three characters (longest first).
DIGRAPHS = ("ngh", "ng", "ll", "rh", "dd", "ch", "ph", "th", "mh", "nh")


def initial(word: str) -> str:
    """The first Welsh letter of a word ("ll" in "llan", not "l")."""
    return next((d for d in DIGRAPHS if word.startswith(d)), word[:1])


def radicals(word: str) -> set[str]:
    """Words whose mutation could have produced ``word`` (``word`` itself included)."""
    found = {word}
    first = initial(word)
    for radical, mutated in MUTATIONS.items():
        if first in mutated:
            found.add(radical + word[len(first):])
    if word[0] in VOWELS:
        found.add("g" + word)                  # g drops under soft mutation: gardd → ardd
    if word.startswith("h") and len(word) > 1 and word[1] in VOWELS:
        found.add(word[1:])                    # h-prothesis: ei henw → enw
    return found


def _mutations(radical: str) -> set[str]:
    forms = {radical}
    first = initial(radical)
    forms.update(m + radical[len(first):] for m in MUTATIONS.get(first, ()))
    if radical[0] in VOWELS:
        forms.add("h" + radical)
    return {form for form in forms if form}


def search_forms(word: str) -> list[str]:
    """All forms of a typed word to search for (just the word when it is short)."""
    word = word.lower()
    if len(word) < MIN_LENGTH or not word[0].isalpha():
        return [word]
    forms: set[str] = set()
    for radical in radicals(word):
        forms.update(_mutations(radical))
    return sorted(forms, key=lambda form: (form != word, form))
