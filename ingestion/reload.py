"""Reload the knowledge base as a new generation: only new and changed files are embedded, then one switch."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from assistant.embedding import Embedder
from assistant.errors import FileRejected, IngestError, ReloadInProgressError
from assistant.kb_store import RELOAD_BUSY, DatabaseWriterLock, GenerationStore, ManifestEntry
from assistant.vectorstore import collection_name, collection_names, generation_of, units_collection_name
from ingestion.chunking import chunk_document
from ingestion.discover import FoundFile, discover, sha256_bytes
from ingestion.loaders import PARSER_VERSION, load_bytes
from ingestion.metadata import TypeRules, describe, resolve_versions
from ingestion.models import Chunk, DocumentInfo, FileResult, FileStatus
from ingestion.screening import screen
from ingestion.sentences import index_sentences

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class ReloadSummary:
    generation_id: int
    root: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    chunks: int = 0
    embedded: int = 0
    parser_version: str = PARSER_VERSION

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "generation": self.generation_id, "parser_version": self.parser_version,
            "seconds": round(self.seconds, 2), "chunks": self.chunks,
            "embedded_chunks": self.embedded,
            "counts": {s: self.count(s) for s in ("added", "changed", "unchanged", "removed", "skipped",
                                                   "quarantined")},
            "warnings": sum(1 for f in self.files if f.warnings),  # files loaded (or skipped) with a warning
            "files": [{"source": f.source, "status": f.status, "chunks": f.chunks, "reason": f.reason,
                       "warnings": f.warnings} for f in self.files],
        }


@dataclass
class _Prepared:
    found: FoundFile
    sha: str
    info: DocumentInfo | None = None
    chunks: list[Chunk] = field(default_factory=list)
    carried: ManifestEntry | None = None
    result: FileResult | None = None


class Reloader:
    def __init__(self, store: GenerationStore, chroma: Any, embedder: Embedder, rules: TypeRules,
                 lock_path: Path, max_chunk_chars: int, min_chunk_chars: int, max_file_bytes: int,
                 ignore: list[str], lock_timeout: float = 0.0, batch_size: int = 64,
                 db_lock: DatabaseWriterLock | None = None) -> None:
        self.store, self.chroma, self.embedder, self.rules = store, chroma, embedder, rules
        self.lock = FileLock(str(lock_path))
        self.db_lock = db_lock
        self.max_chunk_chars, self.min_chunk_chars = max_chunk_chars, min_chunk_chars
        self.max_file_bytes, self.ignore = max_file_bytes, ignore
        self.lock_timeout, self.batch_size = lock_timeout, batch_size

    def reload(self, root: Path, progress: Progress | None = None, released: frozenset[str] = frozenset(),
               extra_skipped: list[FileResult] | None = None) -> ReloadSummary:
        """One writer: the file lock (processes sharing the data folder), then the database lock (app servers
        sharing PostgreSQL). The second reload waits up to ``lock_timeout`` seconds, then is refused."""
        started = time.monotonic()
        try:
            with self.lock.acquire(timeout=self.lock_timeout), contextlib.ExitStack() as stack:
                if self.db_lock is not None:
                    wait = -1.0 if self.lock_timeout < 0 else max(0.0, self.lock_timeout - (time.monotonic() - started))
                    stack.enter_context(self.db_lock.hold(wait))
                return self._reload(root.resolve(), progress or (lambda *_: None), released, extra_skipped or [])
        except Timeout as exc:
            raise ReloadInProgressError(RELOAD_BUSY) from exc

    def check(self, raw: bytes, source: str) -> str:
        """Why a reload would skip this file ('' when it would load or quarantine it), so an upload can be
        refused before it is saved. The same limits, loaders and chunking as the reload itself."""
        if len(raw) > self.max_file_bytes:
            return f"file is too large (the limit is {self.max_file_bytes // 1_000_000} MB)"
        try:
            doc = load_bytes(raw, source)
        except FileRejected as exc:
            return exc.message
        except Exception:  # a loader bug must not stop the upload; the file is reported and refused
            log.exception("unexpected error checking a file (source withheld from logs)")
            return "the file could not be read (unexpected error)"
        info = describe(doc, self.rules)
        if not chunk_document(doc, info, sha256_bytes(raw), self.max_chunk_chars, self.min_chunk_chars):
            return "no text to index"
        return ""

    # -- stages -------------------------------------------------------------------------------------------
    def _reload(self, root: Path, progress: Progress, released: frozenset[str],
                extra_skipped: list[FileResult]) -> ReloadSummary:
        started = time.perf_counter()
        if not root.is_dir():
            raise IngestError(f"The folder '{root.name}' does not exist or is not a folder.")
        current = self.store.current()
        self._drop_stale(keep={current.id} if current else set())
        old = {e.source: e for e in self.store.manifest(current.id)} if current else {}
        # Files parsed by an older version of the loaders, or typed by other document-type rules, are read again.
        version = f"{PARSER_VERSION}/{self.rules.digest}"
        reparse = current is not None and self.store.parser_version(current.id) != version
        files = discover(root, self.ignore)
        prepared = [self._prepare(f, old.get(f.source), released, progress, i, len(files), reparse)
                    for i, f in enumerate(files)]
        infos = resolve_versions([p.info for p in prepared if p.info is not None])
        by_source = {i.source: i for i in infos}
        gen_id = self.store.start(str(root))
        summary = ReloadSummary(generation_id=gen_id, root=str(root), parser_version=version)
        try:
            # A new generation gets new, empty collections: never ones left behind by an abandoned build.
            for name in collection_names(gen_id):
                with contextlib.suppress(Exception):
                    self.chroma.delete_collection(name)
            collection = self.chroma.create_collection(collection_name(gen_id), embedding_function=None,
                                                       metadata={"hnsw:space": "cosine", "hnsw:search_ef": 200,
                                                                 "hnsw:construction_ef": 200})
            sentences = self.chroma.create_collection(units_collection_name(gen_id), embedding_function=None,
                                                      metadata={"hnsw:space": "cosine"})
            old_collection = self.chroma.get_collection(collection_name(current.id)) if current else None
            old_sentences = self._existing(units_collection_name(current.id)) if current else None
            entries = self._index(prepared, by_source, (collection, sentences), (old_collection, old_sentences),
                                  summary, progress, gen_id)
        except Exception:
            self._drop(gen_id)
            raise
        summary.files.extend(extra_skipped)
        summary.files.extend(FileResult(src, "removed") for src in old if src not in {f.source for f in files})
        if summary.chunks == 0:
            self._drop(gen_id)
            raise IngestError("Nothing could be ingested from the folder; the knowledge base was left as it was. "
                              + _reasons(summary))
        self.store.add_entries(entries)
        summary.seconds = time.perf_counter() - started
        previous = self.store.switch(gen_id, summary.as_dict())
        self._drop_stale(keep={gen_id} | ({previous} if previous is not None else set()))
        log.info("reload finished: generation %s, %s files, %s chunks (%s embedded) in %.1fs", gen_id,
                 len(summary.files), summary.chunks, summary.embedded, summary.seconds)
        return summary

    def _prepare(self, found: FoundFile, old: ManifestEntry | None, released: frozenset[str],
                 progress: Progress, i: int, n: int, reparse: bool = False) -> _Prepared:
        progress("load", i, n)
        if found.size > self.max_file_bytes:
            return _Prepared(found, "", result=FileResult(found.source, "skipped", reason=(
                f"file is too large ({found.size // 1_000_000} MB; the limit is "
                f"{self.max_file_bytes // 1_000_000} MB)")))
        raw = found.path.read_bytes()
        sha = sha256_bytes(raw)
        if (old is not None and old.sha256 == sha and not (old.status == "quarantined" and sha in released)
                and not (reparse and old.status != "quarantined")):
            result = FileResult(found.source, "unchanged", chunks=len(old.chunk_ids), reason=old.reason,
                                warnings=list(old.warnings))
            if old.status == "quarantined":
                result.status = "quarantined"
            return _Prepared(found, sha, info=old.info() if old.status != "quarantined" else None, carried=old,
                             result=result)
        # A file leaving quarantine is new to the searchable knowledge base.
        status: FileStatus = "changed" if old is not None and old.status != "quarantined" else "added"
        try:
            doc = load_bytes(raw, found.source)
        except FileRejected as exc:
            return _Prepared(found, sha, result=FileResult(found.source, "skipped", reason=exc.message))
        except Exception:  # a loader bug must not stop the reload; the file is reported and skipped
            log.exception("unexpected error loading a file (source withheld from logs)")
            return _Prepared(found, sha, result=FileResult(found.source, "skipped",
                                                           reason="the file could not be read (unexpected error)"))
        text = "\n".join(b.text for b in doc.blocks)
        raw_text = raw.decode("utf-8", "replace") if doc.fmt not in ("pdf", "docx") else text
        screened = screen(raw_text)
        warnings = [*doc.warnings, *screened.warnings]
        if screened.quarantine_reason and sha in released:
            warnings.append("released from quarantine by a policy officer: " + screened.quarantine_reason.split(
                ";")[0])
        elif screened.quarantine_reason:
            entry = ManifestEntry(source=found.source, sha256=sha, size=found.size, mtime=found.mtime,
                                  title=doc.title, status="quarantined", reason=screened.quarantine_reason,
                                  warnings=warnings, chunk_ids=[])
            return _Prepared(found, sha, carried=entry, result=FileResult(
                found.source, "quarantined", reason=screened.quarantine_reason, warnings=warnings))
        info = describe(doc, self.rules)
        chunks = chunk_document(doc, info, sha, self.max_chunk_chars, self.min_chunk_chars)
        if not chunks:
            return _Prepared(found, sha, result=FileResult(found.source, "skipped", reason="no text to index"))
        return _Prepared(found, sha, info=info, chunks=chunks,
                         result=FileResult(found.source, status, chunks=len(chunks), warnings=warnings))

    def _index(self, prepared: list[_Prepared], infos: dict[str, DocumentInfo], collections: tuple[Any, Any],
               old: tuple[Any, Any], summary: ReloadSummary, progress: Progress, gen_id: int) -> list[ManifestEntry]:
        entries: list[ManifestEntry] = []
        (collection, sentences), (old_collection, old_sentences) = collections, old
        records: list[tuple[str, str, dict[str, Any]]] = []
        carried_ids = [cid for p in prepared if p.carried and p.info for cid in p.carried.chunk_ids]
        if carried_ids and old_collection is not None:
            for start in range(0, len(carried_ids), 2000):
                got = old_collection.get(ids=carried_ids[start:start + 2000],
                                         include=["embeddings", "documents", "metadatas"])
                collection.add(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"],
                               metadatas=got["metadatas"])
                records.extend(zip(got["ids"], got["documents"], got["metadatas"], strict=True))
        new_chunks = [c for p in prepared if p.chunks for c in p.chunks]
        for start in range(0, len(new_chunks), self.batch_size):
            batch = new_chunks[start:start + self.batch_size]
            progress("embed", start, len(new_chunks))
            vecs = self.embedder.embed([c.embed_text for c in batch])
            collection.add(ids=[c.id for c in batch], embeddings=vecs.tolist(), documents=[c.text for c in batch],
                           metadatas=[_chunk_meta(c) for c in batch])
        progress("embed", len(new_chunks), len(new_chunks))
        summary.embedded = len(new_chunks)
        records.extend((c.id, c.text, dict(_chunk_meta(c))) for c in new_chunks)
        index_sentences(records, sentences, old_sentences, self.embedder, self.batch_size, progress)
        for p in prepared:
            assert p.result is not None
            summary.files.append(p.result)
            if p.carried is not None:
                src = p.carried
                info = infos.get(src.source)
                entries.append(ManifestEntry(
                    generation_id=gen_id, source=src.source, sha256=src.sha256, size=p.found.size,
                    mtime=p.found.mtime, title=src.title, doc_type=info.doc_type if info else src.doc_type,
                    doc_date=src.doc_date, version=src.version,
                    status=info.status if info else src.status, supersedes=src.supersedes,
                    chunk_ids=list(src.chunk_ids), reason=src.reason, warnings=list(src.warnings),
                    loaded_at=src.loaded_at))
                summary.chunks += len(src.chunk_ids) if info else 0
            elif p.info is not None:
                info = infos[p.info.source]
                entries.append(ManifestEntry(
                    generation_id=gen_id, source=info.source, sha256=p.sha, size=p.found.size, mtime=p.found.mtime,
                    title=info.title, doc_type=info.doc_type, doc_date=info.date, version=info.version,
                    status=info.status, supersedes=info.supersedes, chunk_ids=[c.id for c in p.chunks],
                    warnings=list(p.result.warnings)))
                summary.chunks += len(p.chunks)
        return entries

    def _existing(self, name: str) -> Any:
        try:
            return self.chroma.get_collection(name)
        except Exception:  # a generation built before sentences were stored: they are embedded afresh
            return None

    def _drop(self, gen_id: int) -> None:
        for name in collection_names(gen_id):
            with contextlib.suppress(Exception):  # the collection may never have been created
                self.chroma.delete_collection(name)
        self.store.forget(gen_id)

    def _drop_stale(self, keep: set[int]) -> None:
        """Drop generations that are neither kept nor current (abandoned builds, old retired ones), and any
        collection of ours that no generation owns (left behind by a build killed while being dropped)."""
        for gen_id in self.store.stale(keep):
            self._drop(gen_id)
        known = self.store.generation_ids()
        try:
            names = [getattr(c, "name", c) for c in self.chroma.list_collections()]
        except Exception:  # listing is housekeeping only: a reload never fails on it
            log.warning("could not list vector collections to remove leftovers", exc_info=True)
            return
        for name in names:
            owner = generation_of(str(name))
            if owner is not None and owner not in known | keep:
                with contextlib.suppress(Exception):
                    self.chroma.delete_collection(str(name))


def _chunk_meta(c: Chunk) -> dict[str, str | int]:
    meta: dict[str, str | int] = {"source": c.source, "section": c.section, "row_id": c.row_id, "kind": c.kind,
                                  "order": c.order, "context": c.embed_text.split("\n", 1)[0]}
    if c.page is not None:
        meta["page"] = c.page
    return meta


def _reasons(summary: ReloadSummary) -> str:
    skipped = [f"{f.source}: {f.reason}" for f in summary.files if f.status in ("skipped", "quarantined")]
    return ("Problems: " + "; ".join(skipped[:10])) if skipped else ""
