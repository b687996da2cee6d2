"""Embedding models. The real one is loaded from its PyPI package's folder (never a hub); the fake is for unit tests."""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import re
from typing import Protocol

import numpy as np
from wordfreq import zipf_frequency

from assistant.errors import ConfigError

log = logging.getLogger(__name__)


class Embedder(Protocol):
    dimension: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return an (n, dimension) float32 array of L2-normalised vectors."""
        ...

    def is_common_word(self, word: str) -> bool:
        """True when the model's vocabulary holds the word whole (ordinary English, not a rare name)."""
        ...


ORDINARY_ZIPF = 2.7  # a few times per ten million words: "lapse", "shoplifting" (a place or scheme name is rarer)
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers", "ization", "izations")
# British to American spellings, for the model's (American) vocabulary: general English, no domain words.
_SPELLINGS = ((r"isation", "ization"), (r"is(e|ed|es|ing)$", r"iz\1"), (r"yse", "yze"), (r"our", "or"),
              (r"tre$", "ter"), (r"ogue$", "og"), (r"ence$", "ense"), (r"ae", "e"), (r"^enq", "inq"))


def _american(word: str) -> list[str]:
    return [re.sub(pattern, repl, word) for pattern, repl in _SPELLINGS if re.search(pattern, word)]


class LocalSentenceTransformer:
    """sentence-transformers model shipped inside a Python package (offline, no hub)."""

    def __init__(self, package: str, batch_size: int = 32) -> None:
        try:
            model_dir = importlib.resources.files(package) / "model"
        except ModuleNotFoundError as exc:
            raise ConfigError(f"The embedding model package '{package}' is not installed.") from exc
        from sentence_transformers import SentenceTransformer  # heavy import kept out of module import

        self._model = SentenceTransformer(str(model_dir), device="cpu")
        self.dimension = int(self._model.get_embedding_dimension() or 384)
        self.batch_size = batch_size
        self.path = str(model_dir)
        self._vocab = frozenset(self._model.tokenizer.get_vocab())

    def is_common_word(self, word: str) -> bool:
        word = word.lower()
        if word in self._vocab:
            return True
        # An inflection of an ordinary word ("tuesdays", "axed", "growers", "cuckooing") is ordinary too, and so is
        # a British spelling of one ("radicalisation", "enquiry"); so is an everyday word the model's small
        # vocabulary splits ("lapse", "clutter", "qualifies"), by its frequency in written English.
        return (any(self._inflected(w) for w in dict.fromkeys([word, *_american(word)]))
                or (len(word) >= 5 and zipf_frequency(word, "en") >= ORDINARY_ZIPF))  # not an acronym ('fgm')

    def _inflected(self, word: str) -> bool:
        if word in self._vocab:
            return True
        return len(word) > 3 and any(word.endswith(suffix) and (word[:-len(suffix)] in self._vocab
                                                                or word[:-len(suffix)] + "e" in self._vocab)
                                     for suffix in _INFLECTIONS)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vecs = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                  show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors: fast, no model, good enough for unit tests of the plumbing."""

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension

    def is_common_word(self, word: str) -> bool:
        return len(word) <= 7

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in re.findall(r"[a-z0-9]+", text.lower()):
                h = int(hashlib.md5(tok.encode()).hexdigest()[:8], 16)
                out[i, h % self.dimension] += 1.0
            norm = float(np.linalg.norm(out[i]))
            if norm:
                out[i] /= norm
        return out


def build_embedder(kind: str, package: str, batch_size: int = 32) -> Embedder:
    """The one place that chooses the embedding backend."""
    match kind:
        case "local":
            return LocalSentenceTransformer(package, batch_size)
        case "fake":
            return FakeEmbedder()
        case _:
            raise ConfigError(f"Unknown embedder '{kind}'. Use 'local' or 'fake'.")
