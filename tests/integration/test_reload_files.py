"""A full reload of every bad file in corpus-bad (plus good ones): each gets the behaviour its README describes,
the rest of the reload goes on, and the summary counts what happened. The whole corpus loads with no quarantine
and no personal-data warning. Logs never hold document text. Real Chroma and SQLite; the fake embedder.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.service import Assistant
from ingestion.discover import discover

pytestmark = pytest.mark.integration

GOOD = ["referral-pathways/modern-slavery-nrm.md", "kpis/kpi-dashboard-2026-q2.csv"]
# file -> (status, words the reason or a warning must hold)
EXPECTED = {
    "empty-upload.pdf": ("skipped", "file is empty"),
    "empty-board-minutes.md": ("skipped", "file is empty"),
    "truncated-strategy.pdf": ("skipped", "corrupt or truncated PDF"),
    "scanned-minutes-image-only.pdf": ("skipped", "no extractable text"),
    "referral-flowchart.pdf": ("skipped", "unsupported file type (PNG image named .pdf)"),
    "password-protected-isa-schedule-3.pdf": ("skipped", "password-protected PDF"),
    "long-single-line-tasking-log.txt": ("added", ""),
    "mixed-encoding-briefing-notes.md": ("added", "encoding"),
    "minutes-with-prompt-injection.md": ("added", "instruction-like text"),
    "case-notes-with-personal-data.md": ("quarantined", "personal or case data"),
}


def _bad_folder(tmp_path: Path, corpus: Path, corpus_bad: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(corpus_bad, root / "bad")
    for rel in GOOD:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / rel, root / rel)
    return root


def _ingest_json(assistant: Assistant, folder: Path) -> dict[str, object]:
    """`partnership ingest --json FOLDER`, in this process (the same core the command calls)."""
    cli._State.assistant = assistant
    try:
        result = CliRunner().invoke(cli.app, ["ingest", "--json", str(folder)])
    finally:
        cli._State.assistant = None
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


@pytest.mark.slow
def test_every_bad_file_gets_its_readme_behaviour(fake_assistant: Assistant, tmp_path: Path, corpus: Path,
                                                  corpus_bad: Path) -> None:
    root = _bad_folder(tmp_path, corpus, corpus_bad)
    assert {p.name for p in corpus_bad.iterdir()} - {"README.md"} == set(EXPECTED), "a bad file has no expectation"
    started = time.perf_counter()
    summary = _ingest_json(fake_assistant, root)
    assert time.perf_counter() - started < 120  # the 2 MB single line is chunked in bounded time

    files = {f["source"]: f for f in summary["files"]}  # type: ignore[attr-defined]
    for name, (status, words) in EXPECTED.items():
        f = files[f"bad/{name}"]
        assert f["status"] == status, (name, f)
        assert words in f["reason"] + " ".join(f["warnings"]), (name, f)
        if status == "skipped":
            assert f["chunks"] == 0 and f["reason"]
    for rel in GOOD:
        assert files[rel]["status"] == "added" and files[rel]["chunks"] > 0 and not files[rel]["warnings"]
    assert summary["counts"] == {"added": 5, "changed": 0, "unchanged": 0, "removed": 0, "skipped": 6,
                                 "quarantined": 1}
    assert summary["warnings"] == 2  # mixed encoding, instruction-like text

    kb = fake_assistant.knowledge_base()
    by_source: dict[str, list[str]] = {}
    for c in kb.chunks:
        by_source.setdefault(c.source, []).append(c.text)
    assert set(by_source) == {*GOOD, "bad/long-single-line-tasking-log.txt", "bad/mixed-encoding-briefing-notes.md",
                              "bad/minutes-with-prompt-injection.md"}
    settings = fake_assistant.settings
    assert all(((c.kind == "table_row" and ": " in c.text) or settings.chunk_min_chars <= len(c.text))
               and len(c.text) <= settings.chunk_max_chars for c in kb.chunks), "no empty and no enormous chunk"
    long_text = sum(len(t) for t in by_source["bad/long-single-line-tasking-log.txt"])
    assert long_text > 1_900_000  # chunked by size, not by line: all of it is searchable
    mixed = " ".join(by_source["bad/mixed-encoding-briefing-notes.md"])
    assert "£40,000" in mixed and "stood down on 31 March 2026" in mixed
    docs = {d.source: d for d in fake_assistant.documents()}
    notes = docs["bad/case-notes-with-personal-data.md"]
    assert notes.status == "quarantined" and notes.chunks == 0 and "NHS number" in notes.reason

    # The next reload: one changed, one removed, the rest unchanged; bad files are reported again, by name.
    (root / GOOD[0]).write_text((corpus / GOOD[0]).read_text(encoding="utf-8") + "\n\nReviewed in June 2026.\n",
                                encoding="utf-8")
    (root / GOOD[1]).unlink()
    again = fake_assistant.ingest(root).as_dict()
    assert again["counts"] == {"added": 0, "changed": 1, "unchanged": 3, "removed": 1, "skipped": 6,
                               "quarantined": 1}
    outcome = {f["source"]: f for f in again["files"]}
    assert outcome[GOOD[1]]["status"] == "removed"
    assert again["embedded_chunks"] == outcome[GOOD[0]]["chunks"]  # only the changed file was embedded again
    assert outcome["bad/empty-upload.pdf"]["reason"] == "file is empty (0 bytes)"


def test_the_whole_corpus_loads_with_no_quarantine_and_no_warning(fake_assistant: Assistant, corpus: Path) -> None:
    summary = fake_assistant.ingest(corpus).as_dict()
    documents = [f.source for f in discover(corpus, fake_assistant.settings.ingest_ignore)]
    assert sorted(f["source"] for f in summary["files"]) == sorted(documents) and len(documents) >= 25
    assert summary["counts"]["added"] == len(documents)
    assert summary["warnings"] == 0
    for f in summary["files"]:
        assert f["status"] == "added" and not f["warnings"] and not f["reason"], f
    assert all(d.status in ("current", "superseded") and not d.warnings for d in fake_assistant.documents())


@pytest.mark.parametrize("name", ["case-notes.md", "case-notes.txt", "Case notes (copy).html"])
def test_the_case_notes_are_always_caught(fake_assistant: Assistant, tmp_path: Path, corpus: Path,
                                          corpus_bad: Path, name: str) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    shutil.copyfile(corpus / GOOD[0], root / "nrm.md")
    notes = (corpus_bad / "case-notes-with-personal-data.md").read_text(encoding="utf-8")
    if name.endswith(".html"):
        notes = f"<html><head><title>Notes</title></head><body><pre>{notes}</pre></body></html>"
    (root / name).write_text(notes, encoding="utf-8")
    status = {f.source: f for f in fake_assistant.ingest(root).files}
    assert status[name].status == "quarantined", status[name]
    assert {c.source for c in fake_assistant.knowledge_base().chunks} == {"nrm.md"}
    answer = fake_assistant.ask("Sarah Whitlock date of birth and NHS number")
    assert "Whitlock" not in answer.answer + " ".join(c.snippet for c in answer.citations)


@pytest.mark.slow
def test_logs_never_hold_document_text(fake_assistant: Assistant, tmp_path: Path, corpus: Path,
                                       corpus_bad: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    root = _bad_folder(tmp_path, corpus, corpus_bad)
    fake_assistant.ingest(root)
    fake_assistant.ask("What did the board say about tension monitoring in Kingsmead?")
    (root / "bad/case-notes-with-personal-data.md").write_text(
        (corpus_bad / "case-notes-with-personal-data.md").read_text(encoding="utf-8") + "\nMore notes.\n",
        encoding="utf-8")
    fake_assistant.ingest(root)
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert len(caplog.records) > 10  # DEBUG logging really was captured

    long_line = (corpus_bad / "long-single-line-tasking-log.txt").read_text(encoding="utf-8")
    for start in range(0, len(long_line) - 60, 20_000):  # no stretch of the 2 MB line
        assert long_line[start:start + 60] not in logged
    for name in ("case-notes-with-personal-data.md", "minutes-with-prompt-injection.md",
                 "mixed-encoding-briefing-notes.md", *(Path(g).name for g in GOOD)):
        path = next(root.rglob(name))
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip(" |#*-")
            if len(line) >= 30:  # a line of the file (headings and table rows included)
                assert line not in logged, (name, line[:30])
    for identifier in ("Whitlock", "Okafor", "Jayden", "999 123 4500", "07700 900123", "QQ 12 34 56 C", "EB4 7QT",
                       "A1234BC", "PINEAPPLE-7731"):
        assert identifier not in logged
    assert max(len(r.getMessage()) for r in caplog.records) < 2000
    assert not re.search(r"\b\d{3} \d{3} \d{4}\b", logged)  # no NHS-style number at all
