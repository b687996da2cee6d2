"""Escalations, their history and the audit trail, in the application database (SQLite or PostgreSQL).

Every change to an escalation is a conditional UPDATE on its ``version`` (optimistic locking), so two processes
(two tick runs, or a tick racing an acknowledgement) cannot both apply a change: the loser's UPDATE matches no row.
Notices to channels are rows too (an outbox on the event), claimed before sending, so a crash between committing a
change and posting it loses nothing: the next tick posts what is still unsent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    CursorResult,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.db import Base


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend: SQLite keeps no zone, so values are stored as naive UTC there."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the escalation store; use an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EscalationRow(Base):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    topic_id: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(300))
    special_case: Mapped[str] = mapped_column(String(300), default="")
    level: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(300))
    contact_role: Mapped[str] = mapped_column(String(300), default="")
    contact_email: Mapped[str] = mapped_column(String(300), default="")
    contact_phone: Mapped[str] = mapped_column(String(60), default="")
    channel: Mapped[str | None] = mapped_column(String(100), nullable=True)
    copy_to: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of role names
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | acknowledged | resolved
    raised_by: Mapped[str] = mapped_column(String(200))
    case_ref: Mapped[str] = mapped_column(String(100), default="")  # the agency's own reference, never a name
    summary: Mapped[str] = mapped_column(Text, default="")
    tried: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    level_sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # last level ran out
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_by: Mapped[str] = mapped_column(String(200), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    auto_escalations: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        # The timer's one query: open escalations whose response time has run out.
        Index("ix_escalations_status_due", "status", "due_at"),
        Index("ix_escalations_topic", "topic_id"),
    )


class EscalationEventRow(Base):
    """One line of an escalation's history; ``notify`` marks the ones a channel must be told about."""

    __tablename__ = "escalation_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(30))  # raised | acknowledged | note | escalated | auto_escalated...
    actor: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    from_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    owner: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    notify: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notify_attempts: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_escalation_events_outbox", "notify", "notified_at"),)


class AuditRow(Base):
    """Who changed what, when: one row per change, never updated or deleted by the product."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(200), index=True)  # e.g. "escalation:SCE-2026-001"
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the fields that changed, no case details


class ReferenceCounterRow(Base):
    """The last sequence number issued per prefix and year (SCE-2026-001, -002...)."""

    __tablename__ = "escalation_counters"

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


# -- small data functions (keyword-only, the session passed in) --------------------------------------------------
def conditional_update(session: Session, where: tuple[Any, ...], **values: Any) -> bool:
    """UPDATE escalations ... WHERE <where>; True only if this call changed the row (so it owns the change)."""
    result = session.execute(update(EscalationRow).where(*where).values(**values)
                             .execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount == 1


def next_reference(session: Session, *, prefix: str, year: int, digits: int) -> str:
    """Issue the next reference for the year; concurrent callers get distinct numbers (row lock / write lock)."""
    for _ in range(3):
        stmt = (update(ReferenceCounterRow)
                .where(ReferenceCounterRow.prefix == prefix, ReferenceCounterRow.year == year)
                .values(last=ReferenceCounterRow.last + 1)
                .returning(ReferenceCounterRow.last)
                .execution_options(synchronize_session=False))
        issued = session.execute(stmt).scalar_one_or_none()
        if issued is None:
            try:
                with session.begin_nested():
                    session.add(ReferenceCounterRow(prefix=prefix, year=year, last=1))
                issued = 1
            except IntegrityError:
                continue  # another process created the year's counter first: take the next number from it
        return f"{prefix}-{year}-{issued:0{digits}d}"
    raise RuntimeError("could not issue an escalation reference")


def add_event(session: Session, *, escalation_id: int, at: datetime, kind: str, actor: str, level: int,
              owner: str, from_level: int | None = None, detail: str = "", notify: bool = False) -> None:
    """Append to an escalation's history. Values are passed in because changes are conditional Core UPDATEs."""
    session.add(EscalationEventRow(escalation_id=escalation_id, at=at, kind=kind, actor=actor, level=level,
                                   from_level=from_level, owner=owner, detail=detail, notify=notify,
                                   notify_attempts=0))


def add_audit(session: Session, *, at: datetime, actor: str, action: str, subject: str,
              detail: dict[str, Any]) -> None:
    session.add(AuditRow(at=at, actor=actor, action=action, subject=subject,
                         detail=json.dumps(detail, default=str, sort_keys=True)))
