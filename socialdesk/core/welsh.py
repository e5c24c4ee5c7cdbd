"""Welsh initial mutations, both ways: searching "Porthaethwy" also finds "ym Mhorthaethwy",
and a reply that puts a place after a preposition writes it as Welsh does ("ym Mangor").

Welsh changes the first sound of a word after certain words (soft, nasal and aspirate
mutations, and h- before vowels): Porthaethwy → Borthaethwy / Mhorthaethwy / Phorthaethwy.
:func:`search_forms` returns every form a typed word may take on the page, whichever form was
typed. Short words are left alone: expanding "car" would also find "gardd" and "charity".
:func:`after` writes a preposition and a place name together, mutated ("yn" + "Caergybi" →
"yng Nghaergybi", "i" + "Y Fali" → "i'r Fali").
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


def mutated_forms(radical: str) -> set[str]:
    """Every form a radical (dictionary) word takes on the page, itself included: "caergybi"
    → gaergybi, nghaergybi, chaergybi; "amlwch" → hamlwch. Lower case in, lower case out."""
    return _mutations(radical.lower()) if radical else set()


def search_forms(word: str) -> list[str]:
    """All forms of a typed word to search for (just the word when it is short)."""
    word = word.lower()
    if len(word) < MIN_LENGTH or not word[0].isalpha():
        return [word]
    forms: set[str] = set()
    for radical in radicals(word):
        forms.update(_mutations(radical))
    return sorted(forms, key=lambda form: (form != word, form))


# ── writing: a preposition and the place after it ────────────────────────────────────────

#: The mutation each preposition causes, by radical initial (mutated initial, lower case).
SOFT = {"p": "b", "t": "d", "c": "g", "b": "f", "d": "dd", "g": "", "m": "f", "ll": "l",
        "rh": "r"}
NASAL = {"p": "mh", "t": "nh", "c": "ngh", "b": "m", "d": "n", "g": "ng"}
ASPIRATE = {"p": "ph", "t": "th", "c": "ch"}

#: Prepositions by the mutation they cause ("yn" = "in": the nasal mutation, and "yn" itself
#: becomes "ym" before m and "yng" before ng).
SOFT_AFTER = ("i", "o", "am", "ar", "at", "dros", "drwy", "trwy", "wrth", "dan", "tan", "heb",
              "gan", "hyd")
NASAL_AFTER = ("yn",)
ASPIRATE_AFTER = ("a", "gyda", "tua")
PREPOSITIONS = NASAL_AFTER + SOFT_AFTER + ASPIRATE_AFTER
#: Prepositions ending in a vowel: the article joins them ("i'r Fali"), and before a vowel
#: they take a consonant ("ac Amlwch", "gydag Amlwch", "tuag Amlwch"; "i" and "o" do not).
_BEFORE_VOWEL = {"a": "ac", "gyda": "gydag", "tua": "tuag"}
_ARTICLES = ("y", "yr")


def _mutate(word: str, table: dict[str, str]) -> str:
    """``word`` with its initial changed by ``table``, keeping a capital ("Caergybi" →
    "Nghaergybi")."""
    lower = word.lower()
    first = initial(lower)
    if first not in table or len(word) <= len(first):
        return word
    mutated = table[first] + word[len(first):]
    return mutated[:1].upper() + mutated[1:] if word[:1].isupper() else mutated


def soft(word: str) -> str:
    """The soft mutation: Caergybi → Gaergybi, Llangefni → Langefni, Gwalchmai → Walchmai."""
    return _mutate(word, SOFT)


def nasal(word: str) -> str:
    """The nasal mutation: Caergybi → Nghaergybi, Bangor → Mangor, Talwrn → Nhalwrn."""
    return _mutate(word, NASAL)


def aspirate(word: str) -> str:
    """The aspirate mutation: Caergybi → Chaergybi, Porthaethwy → Phorthaethwy."""
    return _mutate(word, ASPIRATE)


def after(preposition: str, place: str) -> str:
    """A preposition and the place after it, written as Welsh writes them: only the first
    word of the place mutates ("ym Mae Trearddur"), a place named with the article keeps it
    unmutated ("yn y Fali", "i'r Fali"), and a vowel is left alone ("yn Amlwch", "ac
    Amlwch"). Raises ValueError for a word that is not in :data:`PREPOSITIONS`."""
    word = preposition.lower()
    word = "yn" if word in ("ym", "yng") else word
    if word not in PREPOSITIONS:
        raise ValueError(f"'{preposition}' is not a preposition socialdesk mutates after")
    first, _, rest = place.strip().partition(" ")
    if first.lower() in _ARTICLES and rest:
        if word[-1] in VOWELS:
            return f"{word}'r {rest}"
        return f"{word} {first.lower()} {rest}"
    if word in NASAL_AFTER:
        mutated = nasal(first)
        lead = mutated.lower()
        word = "yng" if lead.startswith("ng") else "ym" if lead.startswith("m") else "yn"
    elif word in SOFT_AFTER:
        mutated = soft(first)
    else:
        mutated = aspirate(first)
        if first[:1].lower() in VOWELS:
            word = _BEFORE_VOWEL.get(word, word)
    return f"{word} {mutated}{' ' + rest if rest else ''}"
