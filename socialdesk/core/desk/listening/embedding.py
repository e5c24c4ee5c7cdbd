"""How listening reads an item: the served model's MiniLM encoder, Welsh glossed as the
classifier reads it (with the everyday words of prompts/listening_gloss.toml added) and place
names replaced; ``version`` fingerprints what made the vectors so cached ones never mix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache, cached_property
from typing import TYPE_CHECKING, Protocol

from socialdesk.core.classify import topics as topic_model
from socialdesk.core.classify.gloss import GLOSS_FILE, encoder_texts, load_gloss
from socialdesk.core.classify.topics import topic_text
from socialdesk.core.places import load_gazetteer
from socialdesk.lazy import lazy_module
from socialdesk.prompts import prompt_file

if TYPE_CHECKING:
    import numpy as np

    from socialdesk.core.classify.classifier import Classifier
else:   # imported on first use: the dashboard paints without it
    np = lazy_module("numpy", globals(), "np")


#: Everyday Welsh words the classifier's glossary lacks, read by listening only (the
#: classifier's glossary is part of its trained model; see the file's header).
EVERYDAY_FILE = "listening_gloss.toml"


class Embedder(Protocol):
    """Texts (with their languages) in, unit vectors out; ``version`` names what made them
    (cached vectors of another version are never mixed in)."""

    @property
    def version(self) -> str:
        """What made the vectors (an encoder and glossary fingerprint)."""
        ...

    def embed(self, texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
        """One unit vector per text, in order."""
        ...


class ModelEmbedder:
    """The served model's MiniLM encoder, reading Welsh glossed as the classifier does, and
    place names replaced (:func:`~socialdesk.core.classify.topics.topic_text`)."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier

    @cached_property
    def version(self) -> str:
        """A fingerprint of the encoder graph and the glossary (the fast and the full model
        share one encoder: their vectors are the same, and so is this)."""
        digest = hashlib.sha256()
        with (self.classifier.folder / "encoder.onnx").open("rb") as graph:
            for block in iter(lambda: graph.read(1 << 20), b""):
                digest.update(block)
        digest.update((self.classifier.folder / "gloss.json").read_bytes())
        digest.update(prompt_file(EVERYDAY_FILE).read_bytes())
        digest.update(f"places {load_gazetteer().version} as {topic_model.PLACE!r}".encode())
        return f"minilm-{digest.hexdigest()[:16]}"

    def embed(self, texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
        """MiniLM vectors of the texts (place names replaced, Welsh and mixed glossed with
        the model's glossary and listening's everyday words)."""
        return self.classifier.encoder.encode(encoder_texts(
            [topic_text(t) for t in texts], self.words, languages))

    @cached_property
    def words(self) -> dict[str, str]:
        """The model's glossary with listening's everyday words (prompts/listening_gloss.toml)
        added."""
        return {**load_gloss(prompt_file(EVERYDAY_FILE)), **self.classifier.gloss}


@cache
def listening_gloss() -> dict[str, str]:
    """The glossary (prompts/welsh_gloss.toml) with listening's everyday words
    (prompts/listening_gloss.toml): Welsh radicals for naming, and the words a topic borrows
    in the language none of its items was written in."""
    return {**load_gloss(prompt_file(EVERYDAY_FILE)), **load_gloss(prompt_file(GLOSS_FILE))}
