"""The knowledge folder as policy officers see it: upload, replace and remove documents, and fetch the originals.

Uploads are checked before they touch the folder (a safe name, a supported type, the size limit, and readable by
the same loaders the reload uses), so a bad file is reported by name and never replaces a good one. Every change
is followed by an incremental reload; if the reload fails, the folder is put back as it was, so the folder and the
knowledge base never disagree.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from assistant.errors import AccessDeniedError, BadRequestError, NotFoundError, ReloadInProgressError
from assistant.kb_store import GenerationStore, ManifestEntry
from assistant.settings import Settings
from ingestion.discover import is_ignored
from ingestion.models import FileResult
from ingestion.reload import Progress, ReloadSummary
from ingestion.sniff import TEXT_EXTENSIONS

log = logging.getLogger(__name__)

# What a browser should be told each original is. Text types say UTF-8: the loaders decode them that way too.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".markdown": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
ALLOWED_SUFFIXES = frozenset({".pdf", ".docx", *TEXT_EXTENSIONS})
SUPPORTED_TYPES = "PDF, Word (.docx), web page (.html), Markdown (.md), CSV and plain text (.txt)"
MAX_NAME_CHARS = 150
# Path separators, characters Windows forbids, and control characters: a name with any of them is refused rather
# than "cleaned", so what is saved is exactly what the officer sees in the summary.
_BAD_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def document_id(source: str) -> str:
    """A URL-safe identifier of a document's source path (reversible, so no lookup table is needed)."""
    return base64.urlsafe_b64encode(source.encode("utf-8")).decode("ascii").rstrip("=")


def source_of(doc_id: str) -> str:
    """The source path a document id stands for; NotFoundError when the id is not one of ours."""
    try:
        source = base64.urlsafe_b64decode(doc_id + "=" * (-len(doc_id) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise NotFoundError("There is no such document.") from None
    if not source or document_id(source) != doc_id:
        raise NotFoundError("There is no such document.")
    return source


@dataclass(frozen=True)
class Upload:
    """One uploaded file as the door received it: the name the client gave and a stream of its bytes."""

    filename: str
    stream: BinaryIO


@dataclass(frozen=True)
class SourceFile:
    path: Path
    filename: str
    media_type: str


@dataclass(frozen=True)
class ReloadProgress:
    """What a reload started here is doing now: stage is check (uploads), load (reading files) or embed."""

    running: bool = False
    stage: str = ""
    done: int = 0
    total: int = 0


class ProgressTracker:
    """Thread-safe progress of the reload this process is running, for a status endpoint to poll."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = ReloadProgress()

    def update(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            self._state = ReloadProgress(True, stage, done, total)

    def finish(self) -> None:
        with self._lock:
            self._state = ReloadProgress()

    def snapshot(self) -> ReloadProgress:
        with self._lock:
            return self._state


@dataclass
class LibraryChange:
    """The outcome of an upload, replacement or removal: the reload summary, file by file."""

    summary: ReloadSummary
    reloaded: bool  # False when nothing was saved (every upload refused), so no reload ran

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary.as_dict(), "reloaded": self.reloaded}


# (folder, progress, files refused before the reload) -> summary
Reload = Callable[[Path, Progress, list[FileResult]], ReloadSummary]
# (bytes, source) -> why the reload would skip the file, or ""
Check = Callable[[bytes, str], str]


@dataclass
class _FolderEdit:
    """Changes made to the knowledge folder, with what is needed to undo them if the reload fails."""

    undo: list[tuple[Path, bytes | None]] = field(default_factory=list)  # (path, bytes before; None = new file)
    new_dirs: list[Path] = field(default_factory=list)

    def write(self, path: Path, data: bytes) -> None:
        for parent in reversed(path.parents):
            if not parent.exists():
                parent.mkdir()
                self.new_dirs.append(parent)
        self.undo.append((path, path.read_bytes() if path.exists() else None))
        _atomic_write(path, data)

    def delete(self, path: Path) -> None:
        self.undo.append((path, path.read_bytes()))
        path.unlink()

    def rollback(self) -> None:
        for path, before in reversed(self.undo):
            with contextlib.suppress(OSError):
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    _atomic_write(path, before)
        for folder in reversed(self.new_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()


class DocumentLibrary:
    """Upload, replace and remove documents in the folder the current knowledge base was built from."""

    def __init__(self, settings: Settings, store: GenerationStore, reload: Reload, check: Check) -> None:
        self.settings, self.store, self._reload, self._check_content = settings, store, reload, check
        self.tracker = ProgressTracker()
        self._writer = threading.Lock()

    def root(self) -> Path:
        """The current generation's folder (sources are relative to it), or the configured knowledge folder."""
        current = self.store.current()
        return Path(current.root) if current and current.root else self.settings.knowledge_dir.resolve()

    # -- changes ------------------------------------------------------------------------------------------
    def upload(self, uploads: list[Upload], folder: str = "", replaces: str | None = None) -> LibraryChange:
        """Save the files that pass the checks into ``folder`` (or over the document ``replaces``), then reload."""
        if not uploads:
            raise BadRequestError("Choose at least one file to upload.")
        if len(uploads) > self.settings.upload_max_files:
            raise BadRequestError(f"Upload at most {self.settings.upload_max_files} files at a time.")
        with self._writing():
            root = self.root()
            old: ManifestEntry | None = None
            if replaces is not None:
                if len(uploads) != 1:
                    raise BadRequestError("Choose one file to replace a document with.")
                old = self._entry(source_of(replaces))
                parent = PurePosixPath(old.source).parent
                folder = "" if parent == PurePosixPath(".") else parent.as_posix()
            base = _safe_folder(folder)
            accepted: list[tuple[str, bytes]] = []
            refused: list[FileResult] = []
            for i, upload in enumerate(uploads):
                self.tracker.update("check", i, len(uploads))
                rel, reason, data = self._check(upload, base, root)
                if old is not None and not reason and rel != old.source and (root / rel).exists():
                    reason = "another document already has this name; remove it first or rename the new file"
                if not reason and any(rel == r for r, _ in accepted):
                    reason = "the same file name appears twice in this upload"
                if reason:
                    refused.append(FileResult(rel, "skipped", reason=reason))
                else:
                    accepted.append((rel, data))
            if not accepted:
                current = self.store.current()
                return LibraryChange(ReloadSummary(current.id if current else 0, str(root), files=refused), False)
            edit = _FolderEdit()
            for rel, data in accepted:
                edit.write(root / rel, data)
            if old is not None and accepted[0][0] != old.source:
                edit.delete(root / old.source)  # a new version in another format replaces the old file
            return self._reload_or_undo(root, edit, refused)

    def remove(self, doc_id: str) -> LibraryChange:
        """Delete a document's file from the knowledge folder, then reload (it is reported as removed)."""
        source = source_of(doc_id)
        with self._writing():
            root = self.root()
            path = _inside(root, source)
            known = any(e.source == source for e in self._manifest())
            if not path.is_file() and not known:
                raise NotFoundError("There is no such document.")
            edit = _FolderEdit()
            if path.is_file():
                edit.delete(path)
            return self._reload_or_undo(root, edit, [])

    # -- reading ------------------------------------------------------------------------------------------
    def source(self, doc_id: str) -> SourceFile:
        """The original file of a document in the current knowledge base (never a quarantined one)."""
        entry = self._entry(source_of(doc_id))
        if entry.status == "quarantined":
            raise AccessDeniedError("This document is quarantined because it appears to hold personal or case "
                                    "data, so it is not shown.")
        path = _inside(self.root(), entry.source)
        if not path.is_file():
            raise NotFoundError("The original file is no longer in the knowledge folder.")
        media = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return SourceFile(path=path, filename=path.name, media_type=media)

    def progress(self) -> ReloadProgress:
        return self.tracker.snapshot()

    # -- helpers ------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One change at a time in this process; the reload's file lock covers other processes."""
        if not self._writer.acquire(blocking=False):
            raise ReloadInProgressError("Another reload is running. Try again when it has finished.")
        try:
            yield
        finally:
            self.tracker.finish()
            self._writer.release()

    def _reload_or_undo(self, root: Path, edit: _FolderEdit, refused: list[FileResult]) -> LibraryChange:
        try:
            summary = self._reload(root, self.tracker.update, refused)
        except BaseException:
            edit.rollback()  # the knowledge base was left as it was, so the folder goes back too
            raise
        return LibraryChange(summary, True)

    def _check(self, upload: Upload, base: PurePosixPath, root: Path) -> tuple[str, str, bytes]:
        """(relative path, reason it is refused or "", bytes)."""
        name = unicodedata.normalize("NFC", (upload.filename or "").strip())
        rel = (base / name).as_posix() if name else base.as_posix()
        reason = _name_problem(name)
        if not reason and is_ignored(rel, self.settings.ingest_ignore):
            reason = "this name is kept for notes and rules, not partnership documents; rename the file"
        if not reason and not _inside_or_none(root, rel):
            reason = "the file name points outside the knowledge folder"
        if reason:
            return rel, reason, b""
        limit = self.settings.max_file_bytes
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            return rel, f"file is too large (the limit is {_size(limit)})", b""
        reason = self._check_content(data, rel)  # the reload's own checks: what fails here it would skip
        return rel, reason, b"" if reason else data

    def _manifest(self) -> list[ManifestEntry]:
        current = self.store.current()
        return self.store.manifest(current.id) if current else []

    def _entry(self, source: str) -> ManifestEntry:
        for entry in self._manifest():
            if entry.source == source:
                return entry
        raise NotFoundError("There is no such document in the knowledge base.")


def _name_problem(name: str) -> str:
    if not name:
        return "the file has no name"
    if len(name) > MAX_NAME_CHARS:
        return f"the file name is too long (over {MAX_NAME_CHARS} characters)"
    if _BAD_NAME_CHARS.search(name) or name in (".", ".."):
        return "the file name contains a folder path or characters that are not allowed (such as / \\ : * ?)"
    if name.startswith(".") or name.endswith((" ", ".")):
        return "the file name must not start with a dot or end with a dot or space"
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return f"unsupported file type ('{suffix or 'no extension'}'); supported: {SUPPORTED_TYPES}"
    return ""


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n / 1000:g} kB"


def _safe_folder(folder: str) -> PurePosixPath:
    """A sub-folder of the knowledge folder to upload into; '' is the folder itself."""
    folder = unicodedata.normalize("NFC", (folder or "").strip()).rstrip("/")
    if not folder:
        return PurePosixPath()
    parts = folder.split("/")
    bad_part = any(not p or p in (".", "..") or p.startswith(".") or _BAD_NAME_CHARS.search(p) for p in parts)
    if len(folder) > 200 or folder.startswith("/") or bad_part:
        raise BadRequestError("The folder name is not allowed: use letters, numbers, spaces and dashes, with / "
                              "between sub-folders.")
    return PurePosixPath(*parts)


def _inside_or_none(root: Path, rel: str) -> Path | None:
    """root/rel if it stays inside root once symbolic links are followed, else None."""
    root = root.resolve()
    path = (root / rel).resolve()
    return path if path != root and path.is_relative_to(root) else None


def _inside(root: Path, rel: str) -> Path:
    path = _inside_or_none(root, rel)
    if path is None:
        raise NotFoundError("There is no such document.")
    return path


def _atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target under a hidden name (the reload ignores it), then rename over the target."""
    fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
