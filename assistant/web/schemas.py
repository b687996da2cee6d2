"""Request and response bodies of the JSON API (the answer itself is the shared contract in assistant.models)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FileStatus = Literal["added", "changed", "unchanged", "removed", "skipped", "quarantined"]


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000, description="The question, in plain words.")


class FieldProblem(BaseModel):
    loc: list[str | int] = Field(description="Where the problem is, e.g. ['body', 'question'].")
    msg: str
    type: str


class ErrorOut(BaseModel):
    error: str = Field(description="What went wrong, in plain English, safe to show staff.")
    detail: list[FieldProblem] | None = Field(default=None, description="For an invalid request (422): each "
                                                                        "field that is wrong, and why.")


class HealthOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    status: Literal["ok", "empty"] = Field(description="'empty' until a knowledge base has been loaded.")
    generation: int | None = Field(description="The knowledge-base generation questions are answered from.")


class DocumentOut(BaseModel):
    id: str = Field(description="URL-safe identifier of the source path; use it in /api/documents/{id}/...")
    source: str = Field(description="Path of the file relative to the knowledge folder (what citations name).")
    title: str
    document_type: str
    date: str = Field(description="ISO date the document states, or ''.")
    version: str
    status: Literal["current", "superseded", "quarantined"] | str
    chunks: int = Field(description="Searchable passages the document was split into (0 when quarantined).")
    loaded_at: datetime
    reason: str = Field(description="Why the document is quarantined, when it is.")
    warnings: list[str]
    source_url: str | None = Field(description="Where to download the original; null for quarantined files.")


class FileOutcome(BaseModel):
    source: str = Field(description="The file, relative to the knowledge folder (as uploaded, when refused).")
    status: FileStatus
    chunks: int
    reason: str = Field(description="Why the file was skipped or quarantined.")
    warnings: list[str]


class ReloadSummaryOut(BaseModel):
    reloaded: bool = Field(description="False when every uploaded file was refused, so the knowledge base was "
                                       "not touched.")
    generation: int = Field(description="The knowledge-base generation now current.")
    seconds: float
    chunks: int = Field(description="Searchable passages in the knowledge base after the reload.")
    embedded_chunks: int = Field(description="Passages embedded in this reload (new and changed files only).")
    counts: dict[FileStatus, int]
    files: list[FileOutcome]


class ReloadStatusOut(BaseModel):
    running: bool = Field(description="True while an upload, replacement or removal is being loaded.")
    stage: Literal["", "check", "load", "embed", "sentences"] | str = Field(
        description="check: checking uploaded files; load: reading files; embed: indexing new text; "
                    "sentences: indexing its sentences for answers.")
    done: int
    total: int


class FeedbackRequest(BaseModel):
    answer_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                           description="The answer_id of the answer being rated.")
    helpful: bool
    comment: str | None = Field(default=None, max_length=2000,
                                description="Optional; please leave out personal details.")
    question: str | None = Field(default=None, max_length=2000,
                                 description="Kept only when the server is configured to store questions.")


class FeedbackOut(BaseModel):
    id: int
    answer_id: str
    helpful: bool
    question_stored: bool = Field(description="Whether the question text was kept with the feedback.")
