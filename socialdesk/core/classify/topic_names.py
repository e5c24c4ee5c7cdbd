"""Naming a topic by its most typical words in English and in Welsh: class-based TF-IDF (a
topic's items as one document against the other topics), each language apart, stop words out,
Welsh words folded to their radical and English plurals to a singular the items use; a topic
with no item in one language borrows that language's words from the glossary, and says so.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from socialdesk.core.classify.language import ENGLISH, WELSH
from socialdesk.core.classify.topics import topic_text
from socialdesk.core.welsh import radicals
from socialdesk.lazy import lazy_module
from socialdesk.prompts import prompt_file, read_prompt_toml

if TYPE_CHECKING:
    import numpy as np
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")

#: Words shown per topic and language.
TOP_WORDS = 4
STOP_WORDS_FILE = "listening_stop_words.toml"
WORD = re.compile(r"[^\W\d_][\w'’]*", re.UNICODE)


@cache
def stop_words() -> tuple[frozenset[str], frozenset[str]]:
    """(English, Welsh) words that never name a topic: the language detector's function
    words (less each table's ``keep``) plus prompts/listening_stop_words.toml's ``words``."""
    tables = read_prompt_toml(prompt_file(STOP_WORDS_FILE), "the listening stop words")

    def listed(language: str, key: str) -> set[str]:
        return {str(w).lower() for w in tables.get(language, {}).get(key, [])}

    return (frozenset((ENGLISH - listed("en", "keep")) | listed("en", "words")),
            frozenset((WELSH - listed("cy", "keep")) | listed("cy", "words")))


def _fold_welsh(word: str, lexicon: Mapping[str, str]) -> str:
    """A mutated Welsh word as its radical when the glossary knows the radical ("feic" →
    "beic"); otherwise as written."""
    if word in lexicon:
        return word
    return next((r for r in sorted(radicals(word)) if r in lexicon), word)


def words_of(text: str, language: str, lexicon: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """(English words, Welsh words) of one text worth naming a topic by: lower case, three
    letters or more, stop words out, Welsh words folded to their radical. A mixed text's
    words go to Welsh when the glossary or the Welsh stop words know them, else English."""
    stop_en, stop_cy = stop_words()
    en: set[str] = set()
    cy: set[str] = set()
    for raw in WORD.findall(text.lower().replace("’", "'")):
        word = raw.split("'")[0] if language != "en" else raw.replace("'", "")
        if len(word) < 3:
            continue
        if language == "en":
            if word not in stop_en:
                en.add(word)
            continue
        folded = _fold_welsh(word, lexicon)
        welsh = language == "cy" or folded in lexicon or word in stop_cy
        if welsh:
            if word not in stop_cy and folded not in stop_cy:
                cy.add(folded)
        elif word not in stop_en:
            en.add(word)
    return en, cy


def _fold_plurals(docs: list[set[str]]) -> list[set[str]]:
    """English plurals as the singular when the items use the singular too ("dogs" → "dog")."""
    seen = set().union(*docs) if docs else set()
    return [{w[:-1] if w.endswith("s") and not w.endswith("ss") and w[:-1] in seen else w
             for w in doc} for doc in docs]


def distinctive_words(docs: Sequence[set[str]], labels: np.ndarray, k: int,
                      top: int = TOP_WORDS) -> list[list[str]]:
    """Each topic's most typical words by class-based TF-IDF: a word's share of the topic's
    items × log(1 + the average topic size / the items using it anywhere). A word must be in
    two of the topic's items (one in a topic of fewer than four) and more common in it than
    in the other topics."""
    topic_df: list[Counter[str]] = [Counter() for _ in range(k)]
    sizes = np.bincount(labels, minlength=k) if len(labels) else np.zeros(k, int)
    for doc, label in zip(docs, labels, strict=True):
        topic_df[int(label)].update(doc)
    overall: Counter[str] = Counter()
    for counts in topic_df:
        overall.update(counts)
    n = max(len(docs), 1)
    average = n / max(k, 1)
    named = []
    for topic, counts in enumerate(topic_df):
        size = int(sizes[topic])
        need = 2 if size >= 4 else 1
        scored = []
        for word, df in counts.items():
            rest = overall[word] - df
            share, rest_share = df / max(size, 1), rest / max(n - size, 1)
            if df < need or share <= rest_share:
                continue
            scored.append((share * math.log(1 + average / overall[word]), word))
        scored.sort(key=lambda s: (-s[0], s[1]))
        named.append([word for _, word in scored[:top]])
    return named


@dataclass(frozen=True)
class TopicNames:
    """A topic's words in English and Welsh; ``borrowed`` names the language whose words
    came from the glossary (no item of the topic was in it), else None."""

    en: list[str]
    cy: list[str]
    borrowed: str | None = None


def name_topics(texts: Sequence[str], languages: Sequence[str], labels: np.ndarray, k: int,
                gloss: Mapping[str, str], top: int = TOP_WORDS) -> list[TopicNames]:
    """Each topic's most typical words in both languages (see :func:`distinctive_words`),
    English from English (and mixed) items and Welsh from Welsh (and mixed) ones; never a
    place's name (places are shown apart)."""
    pairs = [words_of(topic_text(t, ""), lang, gloss)
             for t, lang in zip(texts, languages, strict=True)]
    english = distinctive_words(_fold_plurals([p[0] for p in pairs]), labels, k, top)
    welsh = distinctive_words([p[1] for p in pairs], labels, k, top)
    reverse = _reverse_gloss(gloss)
    names = []
    for en, cy in zip(english, welsh, strict=True):
        if en and not cy:
            borrowed = [reverse[w] for w in en if w in reverse]
            names.append(TopicNames(en, borrowed, "cy" if borrowed else None))
        elif cy and not en:
            glossed = [gloss[w] for w in cy if gloss.get(w) and " " not in gloss[w]]
            names.append(TopicNames(glossed, cy, "en" if glossed else None))
        else:
            names.append(TopicNames(en, cy))
    return names


def _reverse_gloss(gloss: Mapping[str, str]) -> dict[str, str]:
    """English word → the first Welsh word (alphabetically) glossed as it, single words only,
    in its radical form (the glossary lists some mutated forms too: "draeth" beside
    "traeth")."""
    stop_en, stop_cy = stop_words()
    found: dict[str, str] = {}
    for welsh, english in sorted(gloss.items()):
        if not english or " " in english or "'" in welsh or welsh in stop_cy \
                or english in stop_en:
            continue
        if any(gloss.get(r) == english for r in radicals(welsh) if r != welsh):
            continue   # a mutated form of a listed radical
        found.setdefault(english, welsh)
    return found
