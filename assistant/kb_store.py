"""Knowledge-base generations and their manifest, in the application database.

A reload builds a new generation beside the current one and then moves the single `current` pointer in one
transaction, so readers never see a half-built knowledge base and a crash leaves the old one current.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Engine, ForeignKey, Integer, String, Text, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from assistant.db import Base
from assistant.errors import ReloadInProgressError
from ingestion.models import DocumentInfo

RELOAD_BUSY = "Another reload is running. Try again when it has finished."


def utcnow() -> datetime:
    return datetime.now(UTC)


class Generation(Base):
    __tablename__ = "kb_generations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    state: Mapped[str] = mapped_column(String(16), default="building")  # building | ready | retired
    root: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    summary: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class Pointer(Base):
    __tablename__ = "kb_pointer"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    generation_id: Mapped[int] = mapped_column(ForeignKey("kb_generations.id"))
    switched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ManifestEntry(Base):
    """One file of one generation: what was loaded, from which bytes, and what became of it."""

    __tablename__ = "kb_manifest"
    generation_id: Mapped[int] = mapped_column(ForeignKey("kb_generations.id", ondelete="CASCADE"),
                                               primary_key=True)
    source: Mapped[str] = mapped_column(String(1000), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    mtime: Mapped[float] = mapped_column(default=0.0)
    title: Mapped[str] = mapped_column(Text, default="")
    doc_type: Mapped[str] = mapped_column(String(64), default="")
    doc_date: Mapped[str] = mapped_column(String(32), default="")
    version: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="current")  # current | superseded | quarantined
    supersedes: Mapped[str] = mapped_column(Text, default="")
    chunk_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def info(self) -> DocumentInfo:
        return DocumentInfo(source=self.source, title=self.title, doc_type=self.doc_type, date=self.doc_date,
                            version=self.version, status=self.status, supersedes=self.supersedes)


class ReleasedFile(Base):
    """A quarantined file a policy officer checked and released: these exact bytes (by hash) may be searched.

    A changed file has another hash, so it is screened (and, if need be, quarantined) again.
    """

    __tablename__ = "kb_released"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(1000), default="")
    released_by: Mapped[str] = mapped_column(String(200), default="")
    released_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True)
class CurrentGeneration:
    id: int
    root: str


class GenerationStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def current(self) -> CurrentGeneration | None:
        with self.sessions() as s:
            row = s.execute(select(Pointer.generation_id, Generation.root)
                            .join(Generation, Generation.id == Pointer.generation_id)
                            .where(Pointer.name == "current")).first()
            return CurrentGeneration(row[0], row[1]) if row else None

    def parser_version(self, generation_id: int) -> str:
        """The loaders' version that parsed a generation ('' for generations built before it was recorded)."""
        with self.sessions() as s:
            summary = s.execute(select(Generation.summary).where(Generation.id == generation_id)).scalar()
        return str((summary or {}).get("parser_version", ""))

    def manifest(self, generation_id: int) -> list[ManifestEntry]:
        with self.sessions() as s:
            return list(s.scalars(select(ManifestEntry).where(ManifestEntry.generation_id == generation_id)
                                  .order_by(ManifestEntry.source)))

    def start(self, root: str) -> int:
        with self.sessions.begin() as s:
            gen = Generation(root=root, state="building")
            s.add(gen)
            s.flush()
            return int(gen.id)

    def add_entries(self, entries: list[ManifestEntry]) -> None:
        with self.sessions.begin() as s:
            s.add_all(entries)

    def switch(self, generation_id: int, summary: dict[str, object]) -> int | None:
        """Make ``generation_id`` current in one transaction; return the generation it replaced."""
        with self.sessions.begin() as s:
            s.execute(update(Generation).where(Generation.id == generation_id)
                      .values(state="ready", summary=json.loads(json.dumps(summary))))
            ptr = s.get(Pointer, "current", with_for_update=True)
            previous = ptr.generation_id if ptr else None
            if ptr is None:
                s.add(Pointer(name="current", generation_id=generation_id))
            else:
                ptr.generation_id = generation_id
                ptr.switched_at = utcnow()
            if previous is not None:
                s.execute(update(Generation).where(Generation.id == previous).values(state="retired"))
            return previous

    def stale(self, keep: set[int]) -> list[int]:
        """Generations that are not current and not kept: abandoned builds and old retired ones."""
        with self.sessions() as s:
            ids = s.scalars(select(Generation.id)).all()
        return [i for i in ids if i not in keep]

    def generation_ids(self) -> set[int]:
        with self.sessions() as s:
            return set(s.scalars(select(Generation.id)).all())

    def release(self, sha256: str, source: str, released_by: str = "") -> None:
        with self.sessions.begin() as s:
            if s.get(ReleasedFile, sha256) is None:
                s.add(ReleasedFile(sha256=sha256, source=source, released_by=released_by[:200]))

    def released(self) -> frozenset[str]:
        """Hashes of the files policy officers have released from quarantine."""
        with self.sessions() as s:
            return frozenset(s.scalars(select(ReleasedFile.sha256)).all())

    def forget(self, generation_id: int) -> None:
        with self.sessions.begin() as s:
            s.query(ManifestEntry).filter(ManifestEntry.generation_id == generation_id).delete()
            s.query(Generation).filter(Generation.id == generation_id).delete()


class DatabaseWriterLock:
    """One reload at a time across every app server that shares a PostgreSQL database (scale-out).

    A session-level advisory lock, held on a connection of its own for the whole reload; PostgreSQL releases it
    when that connection ends, so a killed process never leaves it behind. On SQLite nothing more is needed: the
    database sits in the data folder beside the reload's file lock.
    """

    KEY = 0x50414B42  # "PAKB": the knowledge-base writer

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextlib.contextmanager
    def hold(self, timeout: float) -> Iterator[None]:
        """Hold the lock; wait up to ``timeout`` seconds (forever when negative), else ReloadInProgressError."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        deadline = time.monotonic() + timeout
        conn = self.engine.connect()
        try:
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.KEY}).scalar():
                conn.commit()
                if timeout >= 0 and time.monotonic() >= deadline:
                    raise ReloadInProgressError(RELOAD_BUSY)
                time.sleep(0.2)
            conn.commit()  # the lock belongs to the session, not the transaction: hold no transaction open
            try:
                yield
            finally:
                try:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.KEY})
                    conn.commit()
                except Exception:
                    conn.invalidate()  # never return a connection that may still hold the lock to the pool
                    raise
        finally:
            conn.close()
