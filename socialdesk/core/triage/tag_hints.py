"""Suggested tags: which of the configured tags an item's text points to.

Place tags are suggested by their English and Welsh names and by every name the gazetteer
(:mod:`socialdesk.core.places`) knows for the same place ("Caergybi" suggests the Holyhead
tag); topic tags by the words of ``prompts/tag_hints.toml`` (English and Welsh) and by their
own labels. Welsh words match in their mutated forms too (:func:`socialdesk.core.welsh
.search_forms`: "ym Mhorthaethwy", "twyll" → "dwyll"). These are only suggestions: nothing
here writes anything, and the dashboard shows them for an officer to accept.
"""

from __future__ import annotations

from functools import lru_cache

from socialdesk.config import TagsConfig
from socialdesk.core.places import aliases_at, fold, words_of
from socialdesk.core.welsh import search_forms
from socialdesk.errors import UserError
from socialdesk.prompts import prompt_file, read_prompt_toml

HINTS_FILE = "tag_hints.toml"

#: one hint: its folded words, and whether its last word is a prefix ("scam*")
Hint = tuple[tuple[str, ...], bool]


@lru_cache(maxsize=1)
def hint_words() -> dict[str, tuple[str, ...]]:
    """The hint words of each tag name in ``prompts/tag_hints.toml`` (en and cy together)."""
    path = prompt_file(HINTS_FILE)
    found: dict[str, tuple[str, ...]] = {}
    for name, table in read_prompt_toml(path, "the tag hints").items():
        if not isinstance(table, dict) or not all(
                isinstance(words, list) and all(isinstance(w, str) for w in words)
                for words in table.values()):
            raise UserError(f"{path}: [{name}] must hold lists of words, like "
                            'en = ["scam", "phishing"].')
        found[name] = tuple(w for words in table.values() for w in words)
    return found


def _hint(text: str) -> Hint | None:
    words = words_of(text.rstrip("*"))
    return (words, text.endswith("*")) if words else None


@lru_cache(maxsize=8)
def _hints(known: TagsConfig) -> tuple[tuple[str, tuple[Hint, ...]], ...]:
    """Each configured tag with every hint that suggests it."""
    hints = hint_words()
    compiled = []
    for tag in known.tags:
        names = {words_of(tag.en), words_of(tag.cy)}
        for name in list(names):
            if name:
                names.update(aliases_at(name, 0)[1])   # every name of the same place
        found = {(name, False) for name in names if name}
        found.update(h for text in hints.get(tag.name, ()) if (h := _hint(text)))
        compiled.append((tag.name, tuple(sorted(found))))
    return tuple(compiled)


@lru_cache(maxsize=4096)
def _forms(word: str) -> tuple[str, ...]:
    """A hint word in all the forms it may take in a Welsh text (folded)."""
    return tuple(fold(form) for form in search_forms(word))


def _word_matches(written: str, hint: str, prefix: bool, mutate: bool) -> bool:
    forms = _forms(hint) if mutate else (hint,)
    return any(written.startswith(form) if prefix else written == form for form in forms)


def _matches_at(words: tuple[str, ...], at: int, hint: Hint) -> bool:
    """Whether the hint's words begin at ``words[at]`` (its first word in any mutated form)."""
    hint_words_, prefix = hint
    if at + len(hint_words_) > len(words):
        return False
    last = len(hint_words_) - 1
    return all(_word_matches(words[at + n], word, prefix and n == last, mutate=n == 0)
               for n, word in enumerate(hint_words_))


def suggest_tags(text: str, known: TagsConfig, already: frozenset[str] | set[str] = frozenset(),
                 ) -> list[str]:
    """The tag names the text suggests, in the configured order, leaving out those the item
    has already."""
    words = words_of(text or "")
    if not words:
        return []
    return [name for name, hints in _hints(known) if name not in already and
            any(_matches_at(words, at, hint) for hint in hints for at in range(len(words)))]
