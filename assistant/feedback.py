""""Was this helpful?" feedback on answers, kept in the application database.

The question text may hold case details, so it is stored only when the setting ``feedback_store_question`` says
so; by default a feedback row holds the answer id, yes/no and whatever comment the person chose to type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from assistant.db import Base
from assistant.errors import BadRequestError

MAX_COMMENT_CHARS = 2000
_ANSWER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(String(64), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    question: Mapped[str | None] = mapped_column(Text, nullable=True)  # only when the setting allows it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    answer_id: str
    helpful: bool
    comment: str | None
    question: str | None
    created_at: datetime


class FeedbackStore:
    def __init__(self, sessions: sessionmaker[Session], store_question: bool) -> None:
        self.sessions, self.store_question = sessions, store_question

    def record(self, answer_id: str, helpful: bool, comment: str | None = None,
               question: str | None = None) -> FeedbackRecord:
        """Store one answer's feedback; the question is dropped unless storing questions is switched on."""
        if not _ANSWER_ID.match(answer_id or ""):
            raise BadRequestError("The answer this feedback is about is not recognised.")
        comment = (comment or "").strip() or None
        if comment and len(comment) > MAX_COMMENT_CHARS:
            raise BadRequestError(f"Please keep comments under {MAX_COMMENT_CHARS} characters.")
        kept_question = ((question or "").strip() or None) if self.store_question else None
        with self.sessions.begin() as s:
            row = Feedback(answer_id=answer_id, helpful=helpful, comment=comment, question=kept_question)
            s.add(row)
            s.flush()
            return _record(row)

    def recent(self, limit: int = 100) -> list[FeedbackRecord]:
        with self.sessions() as s:
            rows = s.scalars(select(Feedback).order_by(Feedback.id.desc()).limit(limit))
            return [_record(r) for r in rows]


def _record(row: Feedback) -> FeedbackRecord:
    return FeedbackRecord(id=row.id, answer_id=row.answer_id, helpful=row.helpful, comment=row.comment,
                          question=row.question, created_at=row.created_at)
