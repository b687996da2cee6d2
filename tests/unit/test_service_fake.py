"""The core service end to end with the fake embedder: ingest, report bad files, answer, abstain, keep the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.errors import BadRequestError, IngestError, NotReadyError
from assistant.service import Assistant


def _folder(tmp_path: Path, corpus: Path, corpus_bad: Path) -> Path:
    root = tmp_path / "kb"
    (root / "pathways").mkdir(parents=True)
    shutil.copy(corpus / "referral-pathways/modern-slavery-nrm.md", root / "pathways")
    shutil.copy(corpus / "kpis/kpi-dashboard-2026-q2.csv", root)
    for bad in ("empty-upload.pdf", "referral-flowchart.pdf", "case-notes-with-personal-data.md"):
        shutil.copy(corpus_bad / bad, root)
    return root


def test_ingest_reports_each_file(fake_assistant: Assistant, tmp_path: Path, corpus: Path, corpus_bad: Path) -> None:
    summary = fake_assistant.ingest(_folder(tmp_path, corpus, corpus_bad))
    status = {f.source: f for f in summary.files}
    assert status["pathways/modern-slavery-nrm.md"].status == "added"
    assert status["empty-upload.pdf"].status == "skipped" and "empty" in status["empty-upload.pdf"].reason
    assert "PNG" in status["referral-flowchart.pdf"].reason
    assert status["case-notes-with-personal-data.md"].status == "quarantined"
    sources = {c.source for c in fake_assistant.knowledge_base().chunks}
    assert sources == {"pathways/modern-slavery-nrm.md", "kpi-dashboard-2026-q2.csv"}


def test_answer_cites_relative_source(fake_assistant: Assistant, tmp_path: Path, corpus: Path,
                                      corpus_bad: Path) -> None:
    fake_assistant.ingest(_folder(tmp_path, corpus, corpus_bad))
    answer = fake_assistant.ask("RR03 IOM substance misuse assessments within 10 working days")
    assert not answer.abstained
    assert answer.citations[0].source == "kpi-dashboard-2026-q2.csv"
    assert answer.citations[0].row_id == "RR03"


def test_nothing_ingestible_leaves_previous_index(fake_assistant: Assistant, tmp_path: Path, corpus: Path,
                                                  corpus_bad: Path) -> None:
    fake_assistant.ingest(_folder(tmp_path, corpus, corpus_bad))
    before = fake_assistant.knowledge_base().generation_id
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    shutil.copy(corpus_bad / "empty-upload.pdf", only_bad)
    with pytest.raises(IngestError, match="empty"):
        fake_assistant.ingest(only_bad)
    assert fake_assistant.knowledge_base().generation_id == before


def test_ask_before_ingest_and_empty_question(fake_assistant: Assistant) -> None:
    with pytest.raises(NotReadyError):
        fake_assistant.ask("anything")
    with pytest.raises(BadRequestError):
        fake_assistant.ask("   ")


def test_a_knowledge_base_larger_than_one_read_is_loaded_page_by_page(
        fake_assistant: Assistant, tmp_path: Path, corpus: Path, corpus_bad: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.index as index

    fake_assistant.ingest(_folder(tmp_path, corpus, corpus_bad))
    stored = fake_assistant.knowledge_base().collection.count()
    monkeypatch.setattr(index, "READ_PAGE", 8)  # many pages, the last one partly full
    reloaded = index.LoadedKB(fake_assistant.store.current().id, fake_assistant.chroma,  # type: ignore[union-attr]
                              fake_assistant.store.manifest(fake_assistant.store.current().id))  # type: ignore[union-attr]
    assert stored > 8 and stored % 8
    assert len(reloaded.chunks) == len({c.id for c in reloaded.chunks}) == stored
