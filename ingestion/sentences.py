"""Sentence vectors for a generation, stored beside its chunks: the answer rerank reads them instead of running
the model on each candidate sentence at question time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from assistant.embedding import Embedder
from assistant.index import IndexedChunk
from assistant.unit_vectors import sentence_key, sentences_to_embed

PAGE = 2000


def index_sentences(records: Iterable[tuple[str, str, dict[str, Any]]], target: Any, previous: Any,
                    embedder: Embedder, batch_size: int, progress: Callable[[str, int, int], None]) -> int:
    """Store a vector for every sentence of these chunks (id, text, metadata) in ``target``. Sentences the previous
    generation already holds are copied; only new ones are embedded. Returns how many were embedded."""
    wanted: dict[str, str] = {}
    for cid, text, meta in records:
        for sentence in sentences_to_embed(IndexedChunk.from_record(cid, text, meta)):
            wanted.setdefault(sentence_key(sentence), sentence)
    keys = list(wanted)
    have: set[str] = set()
    if previous is not None:
        for start in range(0, len(keys), PAGE):
            got = previous.get(ids=keys[start:start + PAGE], include=["embeddings"])
            if got["ids"]:
                target.add(ids=got["ids"], embeddings=got["embeddings"])
                have.update(got["ids"])
    new = [k for k in keys if k not in have]
    for start in range(0, len(new), batch_size):
        progress("sentences", start, len(new))
        batch = new[start:start + batch_size]
        target.add(ids=batch, embeddings=embedder.embed([wanted[k] for k in batch]).tolist())
    progress("sentences", len(new), len(new))
    return len(new)
