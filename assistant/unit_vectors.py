"""Embeddings of answer units (sentences, list items, table rows) for the sentence-level rerank."""

from __future__ import annotations

import numpy as np

from assistant.embedding import Embedder
from assistant.evidence import Unit
from assistant.index import LoadedKB

CACHE_SIZE = 50_000


class UnitVectors:
    """A unit that is its whole chunk reuses the chunk's indexed vector; a sentence inside a longer chunk is embedded
    once and memoised (the same sentences come back across questions)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, kb: LoadedKB, units: list[Unit]) -> np.ndarray:
        texts = [f"{u.chunk.context}: {u.text}" for u in units]
        whole = [u.text == u.chunk.text.strip() for u in units]
        missing = [t for t, w in dict.fromkeys(zip(texts, whole, strict=True)) if not w and t not in self._cache]
        if missing:
            if len(self._cache) > CACHE_SIZE:
                self._cache.clear()
            for text, vec in zip(missing, self.embedder.embed(missing), strict=True):
                self._cache[text] = vec
        return np.stack([kb.vectors[kb.by_id[u.chunk.id]] if w else self._cache[t]
                         for u, t, w in zip(units, texts, whole, strict=True)])
