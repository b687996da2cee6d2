"""Knowledge-base generations and their manifest, in the application database.

A reload builds a new generation beside the current one and then moves the single `current` pointer in one
transaction, so readers never see a half-built knowledge base and a crash leaves the old one current.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from assistant.db import Base
from ingestion.models import DocumentInfo


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

    def forget(self, generation_id: int) -> None:
        with self.sessions.begin() as s:
            s.query(ManifestEntry).filter(ManifestEntry.generation_id == generation_id).delete()
            s.query(Generation).filter(Generation.id == generation_id).delete()
