"""Telling a channel about an escalation: the Notifier the doors inject, and the outbox that feeds it.

A notice carries the reference, topic, level and owner only (``EscalationNotice`` has no field for anything else),
so no case detail can reach Slack. Notices are event rows marked ``notify``; delivery claims a row before sending
(so two processes do not both post it), marks it sent afterwards, and releases it if the post fails. A process
that dies between claiming and sending leaves a claim that expires after ``CLAIM_LEASE``, and the next tick sends
it then: at least once, and in practice once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from assistant.escalations.models import EscalationNotice, NoticeKind
from assistant.escalations.rules import EscalationRules
from assistant.escalations.store import EscalationEventRow, EscalationRow

log = logging.getLogger(__name__)

# Long enough for any Slack post to finish; short enough that a crashed sender's notice goes out on a later tick.
CLAIM_LEASE = timedelta(minutes=5)
_KINDS: frozenset[str] = frozenset({"raised", "escalated", "auto_escalated", "overdue"})


class Notifier(Protocol):
    def notify(self, notice: EscalationNotice) -> None:
        """Post the notice (e.g. to its Slack channel). Raise on failure; it is retried on the next tick."""
        ...


class NullNotifier:
    """For deployments without Slack: notices are recorded as sent and go nowhere."""

    def notify(self, notice: EscalationNotice) -> None:
        return None


def deliver_pending(sessions: sessionmaker[Session], rules: EscalationRules, notifier: Notifier, now: datetime,
                    escalation_id: int | None = None) -> int:
    """Send every unsent notice (of one escalation, or all); returns how many were sent."""
    expired = now - CLAIM_LEASE
    query = (select(EscalationEventRow.id)
             .where(EscalationEventRow.notify.is_(True), EscalationEventRow.notified_at.is_(None),
                    or_(EscalationEventRow.notify_claimed_at.is_(None),
                        EscalationEventRow.notify_claimed_at < expired))
             .order_by(EscalationEventRow.id))
    if escalation_id is not None:
        query = query.where(EscalationEventRow.escalation_id == escalation_id)
    with sessions() as session:
        pending = list(session.scalars(query))
    sent = 0
    for event_id in pending:
        notice = _claim(sessions, rules, event_id, now, expired)
        if notice is None:
            continue  # another process claimed it first
        try:
            notifier.notify(notice)
        except Exception:  # a failed post must not stop the timer; the notice is released and retried
            log.warning("could not post notice for %s (level %d); will retry", notice.reference, notice.level,
                        exc_info=True)
            with sessions.begin() as session:
                session.execute(update(EscalationEventRow).where(EscalationEventRow.id == event_id)
                                .values(notify_claimed_at=None).execution_options(synchronize_session=False))
            continue
        with sessions.begin() as session:
            session.execute(update(EscalationEventRow).where(EscalationEventRow.id == event_id)
                            .values(notified_at=now).execution_options(synchronize_session=False))
        sent += 1
    return sent


def _claim(sessions: sessionmaker[Session], rules: EscalationRules, event_id: int, now: datetime,
           expired: datetime) -> EscalationNotice | None:
    with sessions.begin() as session:
        result = session.execute(
            update(EscalationEventRow)
            .where(EscalationEventRow.id == event_id, EscalationEventRow.notified_at.is_(None),
                   or_(EscalationEventRow.notify_claimed_at.is_(None),
                       EscalationEventRow.notify_claimed_at < expired))
            .values(notify_claimed_at=now, notify_attempts=EscalationEventRow.notify_attempts + 1)
            .execution_options(synchronize_session=False))
        if getattr(result, "rowcount", 0) != 1:
            return None
        row = session.execute(
            select(EscalationEventRow, EscalationRow)
            .join(EscalationRow, EscalationRow.id == EscalationEventRow.escalation_id)
            .where(EscalationEventRow.id == event_id)).one()
        event, escalation = row
        kind: NoticeKind = event.kind if event.kind in _KINDS else "raised"  # type: ignore[assignment]
        channel = escalation.channel or (rules.intake.channel if rules.intake else None)
        return EscalationNotice(reference=escalation.reference, topic=escalation.topic, level=event.level,
                                level_name=_level_name(rules, event.level), owner=event.owner, channel=channel,
                                kind=kind)


def _level_name(rules: EscalationRules, number: int) -> str:
    try:
        return rules.level(number).name
    except KeyError:
        return f"Level {number}"
