"""The rerank's unit vectors come from the index where it has them: no question waits for the model needlessly."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from assistant.embedding import FakeEmbedder
from assistant.evidence import Unit
from assistant.index import IndexedChunk
from assistant.unit_vectors import UnitVectors


class _Counted(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return super().embed(texts)


def test_a_shortened_table_row_is_read_by_its_whole_rows_vector() -> None:
    row = IndexedChunk("r1", "plan.csv", "Ref: A1; Action: Fix the gate; Update: a long commentary …", "Plan", "", None,
                       "A1", "table_row", 0)
    para = IndexedChunk("p1", "s.md", "First sentence here. Second sentence there.", "Scope", "Scope", None, "",
                        "paragraph", 1)
    vectors = np.eye(2, 64, dtype=np.float32)
    kb: Any = SimpleNamespace(vectors=vectors, by_id={"r1": 0, "p1": 1}, sentence_vectors={})
    counted = _Counted()
    out = UnitVectors(counted)(kb, [Unit(row, "Ref: A1; Action: Fix the gate", frozenset()),
                                    Unit(para, "Second sentence there.", frozenset())])
    assert np.allclose(out[0], vectors[0])  # the row's own indexed vector, not a new embedding
    assert counted.texts == ["Scope: Second sentence there."]  # only the sentence the index lacks


def test_a_long_rows_shortening_is_embedded_at_ingest_and_read_from_the_index() -> None:
    from assistant.evidence import compact_row
    from assistant.unit_vectors import sentence_key, sentence_text, sentences_to_embed

    long_row = "; ".join(["Ref: A1", "Action: Fix the gate", "Lead: Estates", "Due: 31/03/2026", "RAG: Green",
                          "Update: " + "a long commentary on progress that nobody asked about " * 6])
    row = IndexedChunk("r1", "plan.csv", long_row, "Plan", "", None, "A1", "table_row", 0)
    short = compact_row(long_row, set())
    assert short != long_row and sentences_to_embed(row) == [sentence_text(row, short)]
    stored = np.full(64, 0.5, dtype=np.float32)
    kb: Any = SimpleNamespace(vectors=np.eye(1, 64, dtype=np.float32), by_id={"r1": 0},
                              sentence_vectors={sentence_key(sentence_text(row, short)): stored})
    counted = _Counted()
    out = UnitVectors(counted)(kb, [Unit(row, short, frozenset())])
    assert np.allclose(out[0], stored) and counted.texts == []
