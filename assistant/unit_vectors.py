"""Embeddings of answer units (sentences, list items, table rows) for the sentence-level rerank."""

from __future__ import annotations

import hashlib

import numpy as np

from assistant.embedding import Embedder
from assistant.evidence import Unit, compact_row, readable_units
from assistant.index import IndexedChunk, LoadedKB

CACHE_SIZE = 50_000


def sentence_text(chunk: IndexedChunk, text: str) -> str:
    """What the model reads for one unit: the unit with its chunk's heading path, as chunks are embedded."""
    return f"{chunk.context}: {text}"


def sentence_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def sentences_to_embed(chunk: IndexedChunk) -> list[str]:
    """The units of a chunk the rerank reads with vectors of their own, as it reads them (instructions stripped,
    captions left out). A chunk that is a single unit reuses its own vector; a long table row has the vector of its
    shortening (its name columns and short values)."""
    whole = chunk.text.strip()
    if chunk.kind == "table_row":  # (as a question naming none of its columns reads it)
        return [sentence_text(chunk, short) for short in (compact_row(t, set()) for _, t in readable_units(chunk))
                if short != whole]
    return [sentence_text(chunk, t) for _, t in readable_units(chunk) if t != whole]


class UnitVectors:
    """A unit that is its whole chunk reuses the chunk's indexed vector; a sentence inside a longer chunk, and a table
    row shortened as a question naming none of its columns reads it, were embedded at ingest (a generation built
    before that is embedded here once and memoised)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, kb: LoadedKB, units: list[Unit]) -> np.ndarray:
        texts = [sentence_text(u.chunk, u.text) for u in units]
        whole = [u.text == u.chunk.text.strip() for u in units]
        found: dict[str, np.ndarray] = {}
        for u, text, w in zip(units, texts, whole, strict=True):
            if not w and text not in found:
                vec = kb.sentence_vectors.get(sentence_key(text))
                if vec is None:
                    vec = self._cache.get(text)
                if vec is None and u.chunk.kind == "table_row":
                    # A row shortened to the columns a question names is read by its whole row's vector: embedding
                    # each question's own shortening costs more time than it buys.
                    vec = kb.vectors[kb.by_id[u.chunk.id]]
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
