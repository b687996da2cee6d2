"""Every bad file is rejected by name with a specific reason, or loaded with a warning."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from assistant.errors import FileRejected
from ingestion.chunking import chunk_document
from ingestion.loaders import load_bytes, load_file
from ingestion.metadata import TypeRules, describe
from ingestion.screening import screen

REJECTED = [
    ("empty-upload.pdf", "empty"),
    ("empty-board-minutes.md", "empty"),
    ("truncated-strategy.pdf", "corrupt or truncated PDF"),
    ("password-protected-isa-schedule-3.pdf", "password-protected"),
    ("scanned-minutes-image-only.pdf", "no extractable text"),
    ("referral-flowchart.pdf", "PNG image named .pdf"),
]


@pytest.mark.parametrize(("name", "reason"), REJECTED)
def test_bad_file_rejected_with_specific_reason(corpus_bad: Path, name: str, reason: str) -> None:
    with pytest.raises(FileRejected) as info:
        load_file(corpus_bad / name, corpus_bad)
    assert reason in info.value.message


def test_mixed_encoding_recovered_with_warning(corpus_bad: Path) -> None:
    doc = load_file(corpus_bad / "mixed-encoding-briefing-notes.md", corpus_bad)
    text = "\n".join(b.text for b in doc.blocks)
    assert "£40,000" in text and "stood down on 31 March 2026" in text
    assert any("encoding" in w for w in doc.warnings)


def test_long_single_line_is_loaded(corpus_bad: Path) -> None:
    doc = load_file(corpus_bad / "long-single-line-tasking-log.txt", corpus_bad)
    assert sum(len(b.text) for b in doc.blocks) > 1_900_000


def test_long_single_line_is_chunked_in_bounded_memory_and_time(corpus_bad: Path) -> None:
    """Reading, screening and chunking the 2 MB line: small chunks, a few seconds, memory a small multiple of it."""
    raw = (corpus_bad / "long-single-line-tasking-log.txt").read_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        doc = load_bytes(raw, "long-single-line-tasking-log.txt")
        assert not screen(raw.decode("utf-8")).quarantine_reason
        chunks = chunk_document(doc, describe(doc, TypeRules()), "sha", 900, 40)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(chunks) > 2000 and max(len(c.text) for c in chunks) <= 900
    assert seconds < 30 and peak < 100 * 2**20, (seconds, peak)
