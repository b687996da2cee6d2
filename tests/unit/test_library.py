"""Uploading, replacing and removing documents in the core (fake embedder): safe names, refusals by name,
the folder put back when a reload fails, feedback storage and the personal-data warning on questions."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from assistant.errors import BadRequestError, IngestError, NotFoundError, ReloadInProgressError
from assistant.feedback import FeedbackStore
from assistant.library import Upload, _name_problem, document_id, source_of
from assistant.service import Assistant

NRM = "referral-pathways/modern-slavery-nrm.md"


def _kb(tmp_path: Path, corpus: Path) -> Path:
    root = tmp_path / "kb"
    (root / "referral-pathways").mkdir(parents=True)
    shutil.copyfile(corpus / NRM, root / NRM)
    return root


def _up(name: str, data: bytes) -> Upload:
    return Upload(name, io.BytesIO(data))


GOOD = b"# Widget panel\n\nThe widget panel meets on the first Monday of each month to review cases."


@pytest.mark.parametrize("source", ["a.md", "minutes/2026-01-22 board.pdf", "café/ünïcode – notes.docx"])
def test_document_ids_are_url_safe_and_reversible(source: str) -> None:
    doc = document_id(source)
    assert all(ch.isalnum() or ch in "-_" for ch in doc)
    assert source_of(doc) == source


@pytest.mark.parametrize("doc", ["", "!!!", "%2e%2e", "ÿ", "Zm9v="])
def test_unknown_ids_are_not_found(doc: str) -> None:
    with pytest.raises(NotFoundError):
        source_of(doc)


@pytest.mark.parametrize(("name", "problem"), [
    ("minutes.md", ""), ("Board minutes (final).docx", ""), ("plan.PDF", ""),
    ("", "no name"), ("../x.md", "folder path"), ("a/b.md", "folder path"), ("a\\b.md", "folder path"),
    (".env", "dot"), ("x.md.", "dot"), ("x\x00.md", "not allowed"), ("x" * 200 + ".md", "too long"),
    ("run.exe", "unsupported"), ("archive.zip", "unsupported"), ("noextension", "no extension"),
])
def test_file_names(name: str, problem: str) -> None:
    found = _name_problem(name)
    assert (problem in found) if problem else not found


def test_upload_saves_good_files_and_refuses_bad_ones(fake_assistant: Assistant, tmp_path: Path,
                                                      corpus: Path) -> None:
    root = _kb(tmp_path, corpus)
    fake_assistant.ingest(root)
    change = fake_assistant.upload([_up("widgets.md", GOOD), _up("empty.md", b""), _up("../up.md", GOOD)],
                                   folder="panels")
    status = {f.source: (f.status, f.reason) for f in change.summary.files}
    assert change.reloaded and status["panels/widgets.md"] == ("added", "")
    assert status["panels/empty.md"][0] == "skipped" and "empty" in status["panels/empty.md"][1]
    assert status["panels/../up.md"][0] == "skipped"
    assert sorted(p.name for p in (root / "panels").iterdir()) == ["widgets.md"]
    assert not (root / "up.md").exists() and not (tmp_path / "up.md").exists()
    with pytest.raises(BadRequestError):
        fake_assistant.upload([])


def test_replace_in_another_format_replaces_the_old_file(fake_assistant: Assistant, tmp_path: Path,
                                                         corpus: Path) -> None:
    root = _kb(tmp_path, corpus)
    fake_assistant.ingest(root)
    fake_assistant.upload([_up("widgets.md", GOOD)])
    change = fake_assistant.upload([_up("widgets-v2.txt", GOOD + b" Now fortnightly.")],
                                   replaces=document_id("widgets.md"))
    status = {f.source: f.status for f in change.summary.files}
    assert status["widgets.md"] == "removed" and status["widgets-v2.txt"] == "added"
    assert not (root / "widgets.md").exists() and (root / "widgets-v2.txt").exists()
    with pytest.raises(BadRequestError, match="one file"):
        fake_assistant.upload([_up("a.md", GOOD), _up("b.md", GOOD)], replaces=document_id(NRM))
    with pytest.raises(NotFoundError):
        fake_assistant.upload([_up("a.md", GOOD)], replaces=document_id("missing.md"))


def test_failed_reload_puts_the_folder_back(fake_assistant: Assistant, tmp_path: Path, corpus: Path) -> None:
    root = _kb(tmp_path, corpus)
    fake_assistant.ingest(root)
    generation = fake_assistant.knowledge_base().generation_id
    with pytest.raises(IngestError):  # removing the only document would leave nothing to answer from
        fake_assistant.remove_document(document_id(NRM))
    assert (root / NRM).read_bytes() == (corpus / NRM).read_bytes()

    with FileLock(str(fake_assistant.settings.data_dir / "reload.lock")), \
            pytest.raises(ReloadInProgressError):  # another process is reloading
        fake_assistant.upload([_up("widgets.md", GOOD), _up(Path(NRM).name, GOOD)], folder="referral-pathways")
    assert not (root / "referral-pathways" / "widgets.md").exists()
    assert (root / NRM).read_bytes() == (corpus / NRM).read_bytes()  # the overwritten file is restored
    assert fake_assistant.knowledge_base().generation_id == generation
    assert not fake_assistant.reload_progress().running


def test_progress_is_reported_while_a_change_reloads(fake_assistant: Assistant, tmp_path: Path,
                                                     corpus: Path) -> None:
    fake_assistant.ingest(_kb(tmp_path, corpus))
    seen: list[str] = []
    tracker = fake_assistant.library.tracker
    original = tracker.update

    def spy(stage: str, done: int, total: int) -> None:
        original(stage, done, total)
        seen.append(stage)
        assert fake_assistant.reload_progress().running

    tracker.update = spy  # type: ignore[method-assign]
    fake_assistant.upload([_up("widgets.md", GOOD)])
    assert {"check", "load", "embed"} <= set(seen)
    assert not fake_assistant.reload_progress().running


def test_feedback_keeps_the_question_only_when_configured(fake_assistant: Assistant) -> None:
    default = fake_assistant.record_feedback("a1", True, " useful ", "my question")
    assert (default.helpful, default.comment, default.question) == (True, "useful", None)
    kept = FeedbackStore(fake_assistant.sessions, store_question=True).record("a2", False, None, "my question")
    assert kept.question == "my question" and kept.comment is None
    with pytest.raises(BadRequestError):
        fake_assistant.record_feedback("not an id!", True)


def test_a_question_with_personal_data_gets_a_warning(fake_assistant: Assistant, tmp_path: Path,
                                                      corpus: Path) -> None:
    fake_assistant.ingest(_kb(tmp_path, corpus))
    assert fake_assistant.ask("what is the NRM?").warnings == []
    warned = fake_assistant.ask("NRM for a man DOB 12/03/1990 on 07700 900123?").warnings
    assert warned and "date of birth" in warned[0] and "07700" not in warned[0]
