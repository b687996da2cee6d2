"""The answer contract shared by every door (CLI --json, POST /api/ask, Slack, web page)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Citation(BaseModel):
    source: str = Field(description="Path of the document relative to the ingested folder.")
    page: int | None = Field(default=None, description="PDF page number (1-based), when the source has pages.")
    section: str = Field(default="", description="Numbered paragraph or heading the evidence sits under.")
    snippet: str = Field(description="The evidence text the answer was drawn from.")
    score: float = Field(description="Relevance of this evidence to the question, 0..1.")
    title: str = ""
    row_id: str = ""
    document_type: str = ""
    document_date: str = ""
    version: str = ""
    status: str = "current"


class DocumentPointer(BaseModel):
    """A nearby document offered when the assistant abstains."""

    source: str
    title: str
    section: str = ""


class Answer(BaseModel):
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    answer_id: str = ""
    question_type: str = ""
    related: list[DocumentPointer] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    generation: int | None = Field(default=None, description="The knowledge-base generation the answer was drawn "
                                                             "from (it changes when a reload completes).")
