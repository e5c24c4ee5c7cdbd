"""Language of an item: en, cy (Welsh) or mixed.

py3langid (restricted to en+cy) decides for longer texts; Welsh and English function words
decide code-switching ("mixed") and carry short texts, where character statistics are weak.
Measured on the labelled training and development data (see BENCHMARKS.md).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Only words that are unambiguous between the two languages ("a", "i", "am", "car", "hi",
# "mi", "on", "pan" are both Welsh and English, so they are left out).
WELSH = frozenset(
    [
        "ac",
        "ag",
        "ar",
        "bod",
        "bob",
        "chi",
        "cyn",
        "dach",
        "dani",
        "dwi",
        "dw",
        "dy",
        "efo",
        "ei",
        "eich",
        "ein",
        "eu",
        "fo",
        "fy",
        "gan",
        "gyda",
        "hefyd",
        "hwn",
        "hyn",
        "i'r",
        "mae",
        "maen",
        "mod",
        "nad",
        "neu",
        "nhw",
        "o'r",
        "oedd",
        "oes",
        "ond",
        "pam",
        "pwy",
        "rŵan",
        "rwan",
        "sut",
        "sy",
        "sydd",
        "wedi",
        "yn",
        "yr",
        "ydi",
        "ydy",
        "ym",
        "yng",
        "yno",
        "yma",
        "ymlaen",
        "wrth",
        "heb",
        "dim",
        "ddim",
        "diolch",
        "plis",
        "helo",
        "iawn",
        "hogia",
        "hogyn",
        "hogan",
        "genod",
        "nain",
        "taid",
        "ffordd",
        "lôn",
        "stryd",
        "tŷ",
        "mewn",
        "hefo",
        "eto",
        "rhywun",
        "rhywbeth",
        "rywun",
        "neithiwr",
        "heddiw",
        "ddoe",
        "fory",
        "bore",
        "pnawn",
        "wythnos",
        "isio",
        "eisiau",
        "ganddo",
        "ganddi",
        "fasa",
        "fyddai",
        "byth",
        "wastad",
        "newydd",
        "ydan",
        "dydi",
        "dydw",
        "roedd",
        "roeddan",
        "mae'r",
        "dwi'n",
        "da'r",
        "gafodd",
        "cafodd",
        "ges",
        "wnes",
        "i'm",
        "efo'r",
        "yn",
        "y",
    ]
)
ENGLISH = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "was",
        "were",
        "to",
        "of",
        "for",
        "with",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "this",
        "that",
        "there",
        "it",
        "its",
        "be",
        "been",
        "have",
        "has",
        "had",
        "not",
        "no",
        "but",
        "or",
        "if",
        "so",
        "just",
        "what",
        "when",
        "where",
        "who",
        "why",
        "how",
        "can",
        "could",
        "would",
        "should",
        "will",
        "do",
        "does",
        "did",
        "i'm",
        "it's",
        "don't",
        "can't",
        "im",
        "dont",
        "cant",
        "you",
        "he",
        "she",
        "they",
        "we",
        "me",
        "him",
        "them",
        "from",
        "about",
        "over",
        "after",
        "before",
        "again",
        "still",
        "very",
        "really",
        "please",
        "thanks",
        "thank",
        "hello",
        "someone",
        "something",
        "last",
        "night",
        "today",
        "yesterday",
        "tomorrow",
        "morning",
        "street",
        "road",
        "house",
    ]
)
WORD = re.compile(r"[a-zâêîôûŵŷàèìòùẁỳäëïöüẅÿáéíóúẃý']+", re.I)
MIXED_SHARE = 0.25


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=["en", "cy"])


def word_evidence(text: str) -> tuple[int, int]:
    """(Welsh function words, English function words) in the text."""
    words = [w.lower() for w in WORD.findall(text)]
    return sum(w in WELSH for w in words), sum(w in ENGLISH for w in words)


def detect_language(text: str) -> str:
    """'en', 'cy' or 'mixed'."""
    welsh, english = word_evidence(text)
    total = welsh + english
    if min(welsh, english) >= 1 and min(welsh, english) / total >= MIXED_SHARE:
        return "mixed"
    if sum(ch.isalpha() for ch in text) < 3:
        return "en"  # emoji or punctuation only: nothing to go on; answer in the default
    if total >= 3 and min(welsh, english) == 0:
        return "cy" if welsh else "en"
    language, _ = _identifier().classify(text)
    return str(language)
