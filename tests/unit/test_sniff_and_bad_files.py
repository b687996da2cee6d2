"""Every bad file is rejected by name with a specific reason, or loaded with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import FileRejected
from ingestion.loaders import load_file

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
