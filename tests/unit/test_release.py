"""Quarantine and release: a quarantined file is listed with its reason and never searched, until a policy
officer releases it (`partnership release SOURCE`); the release is for those exact bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.errors import BadRequestError, NotFoundError
from assistant.service import Assistant

NOTES = "case-notes.md"
NRM = "modern-slavery-nrm.md"


@pytest.fixture
def folder(tmp_path: Path, corpus: Path, corpus_bad: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    shutil.copyfile(corpus / "referral-pathways" / NRM, root / NRM)
    shutil.copyfile(corpus_bad / "case-notes-with-personal-data.md", root / NOTES)
    return root


def _cli(assistant: Assistant, *args: str) -> str:
    cli._State.assistant = assistant
    try:
        result = CliRunner().invoke(cli.app, list(args), env={"COLUMNS": "250"})
    finally:
        cli._State.assistant = None
    assert result.exit_code == 0, result.output
    return result.stdout


def _searchable(assistant: Assistant) -> set[str]:
    return {c.source for c in assistant.knowledge_base().chunks}


def test_documents_lists_a_quarantined_file_with_its_reason(fake_assistant: Assistant, folder: Path) -> None:
    fake_assistant.ingest(folder)
    rows = {r["source"]: r for r in json.loads(_cli(fake_assistant, "documents", "--json"))}
    assert rows[NOTES]["status"] == "quarantined" and rows[NOTES]["chunks"] == 0
    assert "personal or case data" in rows[NOTES]["reason"] and "NHS number" in rows[NOTES]["reason"]
    assert rows[NRM]["status"] == "current" and not rows[NRM]["reason"]
    table = _cli(fake_assistant, "documents")
    line = next(x for x in table.splitlines() if "quarantined" in x)
    assert "quarantined" in line and "appears to contain personal or case data" in table
    assert _searchable(fake_assistant) == {NRM}


def test_release_makes_those_exact_bytes_searchable(fake_assistant: Assistant, folder: Path) -> None:
    first = fake_assistant.ingest(folder)
    summary = json.loads(_cli(fake_assistant, "release", NOTES, "--by", "policy officer AB", "--json"))
    outcome = {f["source"]: f for f in summary["files"]}
    assert outcome[NOTES]["status"] == "added" and outcome[NOTES]["chunks"] > 0
    assert any("released from quarantine" in w for w in outcome[NOTES]["warnings"])
    assert outcome[NRM]["status"] == "unchanged"
    assert summary["generation"] > first.generation_id
    assert _searchable(fake_assistant) == {NRM, NOTES}
    row = next(r for r in fake_assistant.documents() if r.source == NOTES)
    assert row.status == "current" and any("released" in w for w in row.warnings)

    again = {f.source: f.status for f in fake_assistant.ingest(folder).files}
    assert again[NOTES] == "unchanged" and _searchable(fake_assistant) == {NRM, NOTES}  # the release is kept

    with (folder / NOTES).open("a", encoding="utf-8") as fh:  # the file changes: screened (and caught) again
        fh.write("\n- **New entry**, DOB 01/01/1990, NHS 999 123 4500.\n")
    changed = {f.source: f.status for f in fake_assistant.ingest(folder).files}
    assert changed[NOTES] == "quarantined" and _searchable(fake_assistant) == {NRM}


def test_release_refuses_what_is_not_quarantined(fake_assistant: Assistant, folder: Path) -> None:
    with pytest.raises(NotFoundError):
        fake_assistant.release(NOTES)  # nothing loaded yet
    fake_assistant.ingest(folder)
    with pytest.raises(BadRequestError, match="not quarantined"):
        fake_assistant.release(NRM)
    with pytest.raises(NotFoundError, match="no document"):
        fake_assistant.release("missing.md")
    assert fake_assistant.store.released() == frozenset()


def test_files_parsed_by_older_loaders_are_parsed_again_and_quarantine_is_kept(fake_assistant: Assistant,
                                                                             folder: Path) -> None:
    from sqlalchemy import update

    from assistant.kb_store import Generation

    first = fake_assistant.ingest(folder)
    again = {f.source: f.status for f in fake_assistant.ingest(folder).files}
    assert again[NRM] == "unchanged"  # same bytes, same loaders: nothing to do
    current = fake_assistant.store.current()
    assert current is not None and fake_assistant.store.parser_version(current.id)
    with fake_assistant.sessions.begin() as s:  # a generation built before the loaders changed
        s.execute(update(Generation).where(Generation.id == current.id).values(summary={}))
    upgraded = {f.source: f.status for f in fake_assistant.ingest(folder).files}
    assert upgraded[NRM] == "changed" and upgraded[NOTES] == "quarantined"
    assert _searchable(fake_assistant) == {NRM} and first.chunks > 0
