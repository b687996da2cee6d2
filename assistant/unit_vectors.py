"""Embeddings of answer units (sentences, list items, table rows) for the sentence-level rerank."""

from __future__ import annotations

import hashlib

import numpy as np

from assistant.embedding import Embedder
from assistant.evidence import Unit, readable_units
from assistant.index import IndexedChunk, LoadedKB

CACHE_SIZE = 50_000


def sentence_text(chunk: IndexedChunk, text: str) -> str:
    """What the model reads for one unit: the unit with its chunk's heading path, as chunks are embedded."""
    return f"{chunk.context}: {text}"


def sentence_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def sentences_to_embed(chunk: IndexedChunk) -> list[str]:
    """The units of a chunk the rerank reads with vectors of their own, as it reads them (instructions stripped,
    captions left out). A chunk that is a single unit reuses its own vector, and a table row is shortened to the
    question's columns, so neither has any."""
    if chunk.kind == "table_row":
        return []
    whole = chunk.text.strip()
    return [sentence_text(chunk, t) for _, t in readable_units(chunk) if t != whole]


class UnitVectors:
    """A unit that is its whole chunk reuses the chunk's indexed vector; a sentence inside a longer chunk was
    embedded at ingest (a generation built before that is embedded here once and memoised)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, kb: LoadedKB, units: list[Unit]) -> np.ndarray:
        texts = [sentence_text(u.chunk, u.text) for u in units]
        whole = [u.text == u.chunk.text.strip() for u in units]
        found: dict[str, np.ndarray] = {}
        for text, w in zip(texts, whole, strict=True):
            if not w and text not in found:
                vec = kb.sentence_vectors.get(sentence_key(text))
                if vec is None:
                    vec = self._cache.get(text)
                if vec is not None:
                    found[text] = vec
        missing = [t for t, w in dict.fromkeys(zip(texts, whole, strict=True)) if not w and t not in found]
        if missing:
            if len(self._cache) > CACHE_SIZE:
                self._cache.clear()
            for text, vec in zip(missing, self.embedder.embed(missing), strict=True):
                self._cache[text] = found[text] = vec
        return np.stack([kb.vectors[kb.by_id[u.chunk.id]] if w else found[t]
                         for u, t, w in zip(units, texts, whole, strict=True)])
