"""Typed hand-offs between ingestion stages. Failures are values (Skipped), not exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]
FileStatus = Literal["added", "changed", "unchanged", "removed", "skipped", "quarantined"]


@dataclass(frozen=True)
class Block:
    """One structural unit of a loaded document, in reading order."""

    text: str
    kind: BlockKind = "paragraph"
    section: str = ""  # the heading or numbered paragraph the text sits under, e.g. "3.2.2" or "5. Timescales"
    heading_path: tuple[str, ...] = ()  # enclosing headings, outermost first
    page: int | None = None
    row_id: str = ""  # first-column identifier of a table row (SYV-16, RR02)
    header: tuple[str, ...] = ()  # column names, for table rows
    cells: tuple[str, ...] = ()  # cell values, for table rows
    table: str = ""  # caption / heading of the table a row belongs to


@dataclass
class LoadedDocument:
    source: str  # path relative to the ingested folder, POSIX separators
    fmt: str  # pdf, docx, html, markdown, csv, text
    title: str
    blocks: list[Block]
    meta: dict[str, str] = field(default_factory=dict)  # hints found by the loader (html meta date, docx core props)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentInfo:
    """Document-level metadata, attached to every chunk of the document."""

    source: str
    title: str
    doc_type: str
    date: str = ""  # ISO date where the document states one
    version: str = ""
    status: str = "current"  # current | superseded
    supersedes: str = ""


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str
    text: str  # what is shown and cited
    embed_text: str  # text plus its title/section context, what is embedded and keyword-indexed
    kind: BlockKind
    section: str = ""
    page: int | None = None
    row_id: str = ""
    order: int = 0


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


@dataclass
class FileResult:
    """What happened to one file in an ingest: loaded (with chunks) or skipped (with a reason)."""

    source: str
    status: FileStatus
    chunks: int = 0
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
