"""Welsh → English glosses, so that MiniLM (which knows little Welsh) embeds meaning.

Before a Welsh or mixed text goes to the encoder, each word listed in
prompts/welsh_gloss.toml — in any mutated form ("feic", "meic" → "beic") — is replaced by its
English gloss; other words stay as written. The encoder, the fine-tuned network and one block
of word n-grams read the gloss; the character n-grams and the other word n-grams read the
original text. Measured in BENCHMARKS.md ("approaches").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from socialdesk.core.classify.data import Example
from socialdesk.core.classify.language import detect_language
from socialdesk.core.welsh import radicals
from socialdesk.errors import UserError
from socialdesk.prompts import read_prompt_toml

GLOSS_FILE = "welsh_gloss.toml"
TOKENS = re.compile(r"[\w']+|[^\w\s]")


def load_gloss(path: Path) -> dict[str, str]:
    """Read the glossary (``[words]``: Welsh word = English gloss)."""
    words = read_prompt_toml(path, "the Welsh glossary").get("words", {})
    if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
        raise UserError(f"{path}: [words] must map each Welsh word to an English gloss.")
    return {str(k).lower(): v for k, v in words.items()}


def gloss(text: str, words: Mapping[str, str]) -> str:
    """The text with every known Welsh word (mutated or not) replaced by its gloss; a word
    with a clitic ("mae'n", "efo'r", "wedi'i") not listed whole is glossed part by part."""
    out = []
    for token in TOKENS.findall(text.lower()):
        found = _lookup(token, words)
        if found is None and "'" in token[1:-1]:
            head, tail = token.split("'", 1)
            head_gloss = _lookup(head, words)
            if head_gloss is not None:
                found = " ".join(p for p in (head_gloss, words.get("'" + tail, "")) if p)
        out.append(token if found is None else found)
    return " ".join(part for part in out if part)


def _lookup(token: str, words: Mapping[str, str]) -> str | None:
    """The gloss of a word or of the radical form of a mutated word (3+ letters)."""
    found = words.get(token)
    if found is None and len(token) > 2:
        found = next((words[r] for r in sorted(radicals(token)) if r in words), None)
    return found


def encoder_texts(texts: Sequence[str], words: Mapping[str, str],
                  languages: Sequence[str] | None = None) -> list[str]:
    """What the encoder reads: English as written, Welsh and mixed glossed (``languages``
    are detected when the caller has not detected them already)."""
    if languages is None:
        languages = [detect_language(text) for text in texts]
    return [text if language == "en" else gloss(text, words)
            for text, language in zip(texts, languages, strict=True)]


def with_posts(read: Sequence[str], examples: Sequence[Example],
               words: Mapping[str, str]) -> list[str]:
    """What the fine-tuned network reads: each text as the encoder reads it (``read``) and,
    for a comment, " [post] " and the post it sits under, read the same way."""
    posts = sorted({e.context for e in examples if e.context})
    glossed = dict(zip(posts, encoder_texts(posts, words), strict=True))
    return [f"{text} [post] {glossed[e.context]}" if e.context else text
            for text, e in zip(read, examples, strict=True)]
