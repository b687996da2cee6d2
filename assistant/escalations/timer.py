"""The escalation timer: move unacknowledged escalations up one level when their response time has run out.

``tick(now)`` is idempotent and safe with several processes at once. Each move is a conditional UPDATE that only
matches the row if its ``version`` (and level) are still the ones this process read; a second process, or a second
run, finds nothing to change. All state is in the database, so a restart loses nothing: the next tick picks up
whatever is due. An escalation moves at most one level per tick, and the new level's clock starts when it is sent,
as the protocol says ("timescales ... run from the time the escalation is sent to that level").
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.escalations.rules import EscalationRules, TopicRule
from assistant.escalations.store import EscalationRow, add_audit, add_event, conditional_update
from assistant.escalations.workdays import Clock, SystemClock, WorkingCalendar

__all__ = ["Clock", "SystemClock", "Transition", "WorkingCalendar", "advance_due", "due_at", "tick"]

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system (escalation timer)"


@dataclass(frozen=True)
class Transition:
    escalation_id: int
    reference: str
    kind: Literal["auto_escalated", "overdue"]
    from_level: int
    to_level: int


def due_at(rules: EscalationRules, calendar: WorkingCalendar, level: int, sent_at: datetime) -> datetime | None:
    """When an escalation sent to ``level`` at ``sent_at`` moves on, or None when nothing moves automatically."""
    if not rules.auto_escalation.enabled:
        return None
    return calendar.deadline(sent_at, rules.level(level).time)


def tick(sessions: sessionmaker[Session], rules: EscalationRules, calendar: WorkingCalendar,
         now: datetime) -> list[Transition]:
    """Apply every move that is due at ``now``; returns the moves this call made (none if another process did)."""
    moves = list(advance_due(sessions, rules, calendar, now))
    if moves:
        log.info("escalation timer: %d moved up, %d overdue at the last level",
                 sum(m.kind == "auto_escalated" for m in moves), sum(m.kind == "overdue" for m in moves))
    return moves


def advance_due(sessions: sessionmaker[Session], rules: EscalationRules, calendar: WorkingCalendar,
                now: datetime) -> Iterator[Transition]:
    """Yield each move as soon as it is committed, so the caller can post its notice before the next one."""
    with sessions() as session:
        due = session.execute(
            select(EscalationRow.id, EscalationRow.version)
            .where(EscalationRow.status == "open", EscalationRow.due_at <= now, EscalationRow.overdue_at.is_(None))
            .order_by(EscalationRow.due_at, EscalationRow.id)
        ).all()
    for row_id, version in due:
        move = _advance(sessions, rules, calendar, now, row_id, version)
        if move is not None:
            yield move


def _advance(sessions: sessionmaker[Session], rules: EscalationRules, calendar: WorkingCalendar, now: datetime,
             row_id: int, version: int) -> Transition | None:
    # One short transaction per escalation: a crash part-way leaves every finished move committed and the rest due.
    with sessions.begin() as session:
        row = session.get(EscalationRow, row_id)
        if row is None or row.version != version or row.status != "open":
            return None
        level = row.level
        try:
            current = rules.level(level)
        except KeyError:
            log.warning("escalation %s is at level %d, which the rules no longer define", row.reference, level)
            return None
        following = rules.next_level(level)
        guard = (EscalationRow.id == row_id, EscalationRow.version == version, EscalationRow.level == level,
                 EscalationRow.status == "open")
        if following is None:
            changed = conditional_update(session, (*guard, EscalationRow.overdue_at.is_(None)),
                              overdue_at=now, version=version + 1, updated_at=now)
            if not changed:
                return None
            add_event(session, escalation_id=row_id, at=now, kind="overdue", actor=SYSTEM_ACTOR, level=level,
                      owner=row.owner, notify=True,
                      detail=f"Not acknowledged within {current.response_time} at {current.name}, the last level.")
            add_audit(session, at=now, actor=SYSTEM_ACTOR, action="escalation.overdue",
                      subject=f"escalation:{row.reference}", detail={"level": level})
            return Transition(row_id, row.reference, "overdue", level, level)
        topic = _topic(rules, row.topic_id)
        owner = rules.owner_for(topic, following.number, row.special_case)
        changed = conditional_update(
            session, guard, level=following.number, owner=owner.owner, contact_role=owner.contact_role,
            contact_email=owner.email, contact_phone=owner.phone, level_sent_at=now,
            due_at=due_at(rules, calendar, following.number, now),
            auto_escalations=EscalationRow.auto_escalations + 1, version=version + 1, updated_at=now)
        if not changed:
            return None
        add_event(session, escalation_id=row_id, at=now, kind="auto_escalated", actor=SYSTEM_ACTOR,
                  level=following.number, from_level=level, owner=owner.owner, notify=True,
                  detail=f"Not acknowledged within {current.response_time} at {current.name}.")
        add_audit(session, at=now, actor=SYSTEM_ACTOR, action="escalation.auto_escalated",
                  subject=f"escalation:{row.reference}",
                  detail={"from_level": level, "to_level": following.number, "owner": owner.owner})
        return Transition(row_id, row.reference, "auto_escalated", level, following.number)


def _topic(rules: EscalationRules, topic_id: str) -> TopicRule | None:
    try:
        return rules.topic(topic_id)
    except KeyError:
        return None  # topic removed from the rules since: fall back to the level's generic owner
