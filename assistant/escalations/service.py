"""EscalationService: the one object every door calls to route, raise, acknowledge, resolve and time escalations.

Built once per process from the rules file, a sessionmaker on the application database, an embedder (for the
router) and a Notifier (Slack, or nothing). It holds no state of its own beyond the rules: every escalation, its
history, its unsent notices and the audit trail live in the database, so any number of processes can share it.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.db import build_sessionmaker
from assistant.embedding import Embedder
from assistant.errors import BadRequestError, NotFoundError
from assistant.escalations.models import (
    Contact,
    EscalationEvent,
    EscalationReport,
    EscalationView,
    RouteDecision,
    Status,
    TickReport,
)
from assistant.escalations.notices import Notifier, NullNotifier, deliver_pending
from assistant.escalations.router import Router
from assistant.escalations.rules import RULES_FILE, EscalationRules, TopicRule, load_rules
from assistant.escalations.screening import refuse_personal_data
from assistant.escalations.store import (
    EscalationEventRow,
    EscalationRow,
    add_audit,
    add_event,
    conditional_update,
    next_reference,
)
from assistant.escalations.timer import advance_due, due_at
from assistant.escalations.workdays import Clock, SystemClock, WorkingCalendar
from assistant.settings import Settings

__all__ = ["EscalationService", "Notifier", "NullNotifier"]

log = logging.getLogger(__name__)

MAX_SUMMARY_CHARS = 1000
MAX_CASE_REF_CHARS = 100
_RETRIES = 5  # a conditional update that loses a race is re-read and retried this many times

# A change to one escalation: returns False when its conditional update lost a race (re-read and retry).
_Change = Callable[[Session, EscalationRow, datetime], bool]


class _State(NamedTuple):
    rules: EscalationRules
    router: Router
    calendar: WorkingCalendar


class EscalationService:
    def __init__(self, *, rules: EscalationRules, sessions: sessionmaker[Session], notifier: Notifier | None = None,
                 embedder: Embedder | None = None, clock: Clock | None = None) -> None:
        self._sessions = sessions
        self._notifier = notifier or NullNotifier()
        self._embedder = embedder
        self._clock = clock or SystemClock()
        self._install(rules)

    @classmethod
    def from_settings(cls, settings: Settings, *, engine: Engine, embedder: Embedder | None = None,
                      notifier: Notifier | None = None, clock: Clock | None = None) -> EscalationService:
        """Load and validate ``<rules_dir>/escalation-rules.yaml``; raises ConfigError explaining any problem.

        The database schema must exist already: run ``assistant.migrate.upgrade(engine)`` at start-up.
        """
        rules = load_rules(settings.rules_dir / RULES_FILE)
        return cls(rules=rules, sessions=build_sessionmaker(engine), notifier=notifier, embedder=embedder,
                   clock=clock)

    # -- rules ------------------------------------------------------------------------------------------------
    @property
    def rules(self) -> EscalationRules:
        return self._state.rules

    def reload_rules(self, path: Path) -> None:
        """Validate the rules file again and switch to it; on any problem keep the old rules and raise ConfigError."""
        self._install(load_rules(path))

    def _install(self, rules: EscalationRules) -> None:
        # One attribute assignment swaps rules, router and calendar together, so a call that read the state
        # once never mixes an old rules file with a new router.
        self._state = _State(rules, Router(rules, self._embedder), WorkingCalendar(rules.calendar))

    # -- routing and raising ----------------------------------------------------------------------------------
    def route(self, description: str, tried: str = "") -> RouteDecision:
        """Where a stuck case goes next (topic, level, owner, contact, channel), with reasons and citations.

        Nothing is stored or posted, so personal data is not screened here; ``raise_`` screens what it keeps.
        """
        return self._state.router.route(_required(description, "description"), tried or "")

    def raise_(self, *, summary: str, raised_by: str, tried: str = "", case_ref: str = "",
               topic_id: str | None = None, level: int | None = None) -> EscalationView:
        """Route the summary, record the escalation with a new reference, and post a notice to its channel."""
        rules, router, calendar = self._state
        summary = _required(summary, "summary", MAX_SUMMARY_CHARS)
        raised_by = _required(raised_by, "name of the person raising it", 200)
        case_ref = (case_ref or "").strip()
        if len(case_ref) > MAX_CASE_REF_CHARS:
            raise BadRequestError(f"The case reference must be at most {MAX_CASE_REF_CHARS} characters.")
        known = rules.known_phone_numbers()
        for text, field in ((summary, "summary"), (tried, "what has been tried"), (case_ref, "case reference")):
            refuse_personal_data(text, field=field, known_numbers=known)
        try:
            decision = router.route(summary, tried, topic_id=topic_id)
        except KeyError as exc:
            raise BadRequestError(f"There is no topic '{topic_id}'. Topics: {', '.join(router.topic_ids)}.") from exc
        if decision.outside_protocol:
            raise BadRequestError(f"{decision.topic} does not go through this protocol. " + " ".join(
                decision.reasons[-2:]))
        if decision.topic_id is None:
            channel = f" or post in {decision.channel}" if decision.channel else ""
            raise BadRequestError("Could not tell which topic this case is about. Choose a topic" + channel + ".")
        topic = rules.topic(decision.topic_id)
        if level is not None:
            if level not in {lv.number for lv in rules.levels}:
                raise BadRequestError(f"There is no level {level}. Levels: "
                                      + ", ".join(str(lv.number) for lv in rules.levels) + ".")
            chosen_level = level
        else:
            chosen_level = decision.level
        owner = rules.owner_for(topic, chosen_level, decision.special_case)
        now = self._now()
        year = now.astimezone(calendar.zone).year
        with self._sessions.begin() as session:
            reference = next_reference(session, prefix=rules.reference.prefix, year=year,
                                       digits=rules.reference.digits)
            row = EscalationRow(
                reference=reference, topic_id=topic.id, topic=topic.name, special_case=decision.special_case,
                level=chosen_level, owner=owner.owner, contact_role=owner.contact_role, contact_email=owner.email,
                contact_phone=owner.phone, channel=topic.channel,
                copy_to=json.dumps([c.role for c in decision.copy_to]), status="open", raised_by=raised_by,
                case_ref=case_ref, summary=summary, tried=(tried or "").strip(), raised_at=now, level_sent_at=now,
                due_at=due_at(rules, calendar, chosen_level, now), acknowledged_by="", resolved_by="", outcome="",
                auto_escalations=0, version=1, updated_at=now)
            session.add(row)
            session.flush()
            add_event(session, escalation_id=row.id, at=now, kind="raised", actor=raised_by, level=chosen_level,
                      owner=owner.owner, notify=True)
            add_audit(session, at=now, actor=raised_by, action="escalation.raised",
                      subject=f"escalation:{reference}",
                      detail={"topic": topic.id, "level": chosen_level, "owner": owner.owner,
                              "copy_to": [c.role for c in decision.copy_to]})
            row_id = row.id
        log.info("escalation %s raised at level %d", reference, chosen_level)
        self._deliver(now, row_id)
        return self.get(reference)

    # -- changes ---------------------------------------------------------------------------------------------
    def acknowledge(self, reference: str, *, by: str) -> EscalationView:
        """The owner has it: the clock stops. Acknowledging twice is harmless."""
        by = _required(by, "name of the person acknowledging", 200)

        def change(session: Session, row: EscalationRow, now: datetime) -> bool:
            if row.status == "resolved":
                raise BadRequestError(f"{row.reference} is already resolved.")
            if row.status == "acknowledged":
                return True
            if not conditional_update(session, _guard(row), status="acknowledged", acknowledged_at=now,
                                      acknowledged_by=by, version=row.version + 1, updated_at=now):
                return False
            add_event(session, escalation_id=row.id, at=now, kind="acknowledged", actor=by, level=row.level,
                      owner=row.owner)
            add_audit(session, at=now, actor=by, action="escalation.acknowledged",
                      subject=f"escalation:{row.reference}", detail={"level": row.level})
            return True

        return self._change(reference, change)

    def add_note(self, reference: str, *, by: str, note: str) -> EscalationView:
        by = _required(by, "name of the person adding the note", 200)
        note = _required(note, "note", MAX_SUMMARY_CHARS)
        refuse_personal_data(note, field="note", known_numbers=self.rules.known_phone_numbers())

        def change(session: Session, row: EscalationRow, now: datetime) -> bool:
            add_event(session, escalation_id=row.id, at=now, kind="note", actor=by, level=row.level,
                      owner=row.owner, detail=note)
            add_audit(session, at=now, actor=by, action="escalation.note", subject=f"escalation:{row.reference}",
                      detail={"chars": len(note)})
            return True

        return self._change(reference, change)

    def escalate(self, reference: str, *, by: str, reason: str = "") -> EscalationView:
        """Move up one level by hand (the owner could not resolve it); the new owner is told."""
        by = _required(by, "name of the person escalating", 200)
        rules, _router, calendar = self._state
        refuse_personal_data(reason, field="reason", known_numbers=rules.known_phone_numbers())

        def change(session: Session, row: EscalationRow, now: datetime) -> bool:
            if row.status == "resolved":
                raise BadRequestError(f"{row.reference} is already resolved.")
            following = rules.next_level(row.level)
            if following is None:
                raise BadRequestError(f"{row.reference} is already at the last level; its decision stands.")
            owner = rules.owner_for(_topic(rules, row.topic_id), following.number, row.special_case)
            if not conditional_update(
                    session, _guard(row), status="open", level=following.number, owner=owner.owner,
                    contact_role=owner.contact_role, contact_email=owner.email, contact_phone=owner.phone,
                    level_sent_at=now, due_at=due_at(rules, calendar, following.number, now), acknowledged_at=None,
                    acknowledged_by="", overdue_at=None, version=row.version + 1, updated_at=now):
                return False
            add_event(session, escalation_id=row.id, at=now, kind="escalated", actor=by, level=following.number,
                      from_level=row.level, owner=owner.owner, detail=(reason or "").strip(), notify=True)
            add_audit(session, at=now, actor=by, action="escalation.escalated", subject=f"escalation:{row.reference}",
                      detail={"from_level": row.level, "to_level": following.number, "owner": owner.owner})
            return True

        view = self._change(reference, change)
        self._deliver(self._now(), None)
        return view

    def resolve(self, reference: str, *, by: str, outcome: str) -> EscalationView:
        by = _required(by, "name of the person resolving", 200)
        outcome = _required(outcome, "outcome", MAX_SUMMARY_CHARS)
        refuse_personal_data(outcome, field="outcome", known_numbers=self.rules.known_phone_numbers())

        def change(session: Session, row: EscalationRow, now: datetime) -> bool:
            if row.status == "resolved":
                raise BadRequestError(f"{row.reference} is already resolved.")
            if not conditional_update(session, _guard(row), status="resolved", resolved_at=now, resolved_by=by,
                                      outcome=outcome, due_at=None, version=row.version + 1, updated_at=now):
                return False
            add_event(session, escalation_id=row.id, at=now, kind="resolved", actor=by, level=row.level,
                      owner=row.owner, detail=outcome)
            add_audit(session, at=now, actor=by, action="escalation.resolved", subject=f"escalation:{row.reference}",
                      detail={"level": row.level})
            return True

        return self._change(reference, change)

    def _change(self, reference: str, change: _Change) -> EscalationView:
        """Run ``change`` in a transaction; if another process changed the row meanwhile, re-read and retry."""
        for _ in range(_RETRIES):
            now = self._now()
            with self._sessions.begin() as session:
                row = _find(session, reference)
                done = change(session, row, now)
            if done:
                return self.get(reference)
        raise BadRequestError(f"{reference} is being changed by someone else; please try again.")

    # -- the timer -------------------------------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> TickReport:
        """Move up every escalation whose response time has run out, then post any unsent notices."""
        now = _aware(now) if now is not None else self._now()
        rules, _router, calendar = self._state
        moves = []
        sent = 0
        for move in advance_due(self._sessions, rules, calendar, now):
            moves.append(move)
            sent += self._deliver(now, move.escalation_id)  # the new owner hears before the next move is made
        sent += self._deliver(now, None)  # anything left unsent by an earlier failure or crash
        if moves:
            log.info("escalation tick: %d moved up, %d overdue, %d notices sent",
                     sum(m.kind == "auto_escalated" for m in moves), sum(m.kind == "overdue" for m in moves), sent)
        return TickReport(escalated=tuple(m.reference for m in moves if m.kind == "auto_escalated"),
                          overdue=tuple(m.reference for m in moves if m.kind == "overdue"), notified=sent)

    def _deliver(self, now: datetime, escalation_id: int | None) -> int:
        return deliver_pending(self._sessions, self.rules, self._notifier, now, escalation_id)

    # -- reading ---------------------------------------------------------------------------------------------
    def get(self, reference: str) -> EscalationView:
        """One escalation with its full history."""
        with self._sessions() as session:
            row = _find(session, reference)
            events = session.scalars(select(EscalationEventRow).where(EscalationEventRow.escalation_id == row.id)
                                     .order_by(EscalationEventRow.id)).all()
            history = tuple(EscalationEvent(e.at, e.kind, e.actor, e.level, e.from_level, e.owner, e.detail)
                            for e in events)
            return self._view(row, history)

    def list(self, *, status: Status | None = None, topic_id: str | None = None, level: int | None = None,
             open_only: bool = False, limit: int = 500) -> tuple[EscalationView, ...]:
        """Escalations, newest first; ``open_only`` means not yet resolved (open or acknowledged)."""
        query = select(EscalationRow).order_by(EscalationRow.raised_at.desc(), EscalationRow.id.desc()).limit(limit)
        if status is not None:
            query = query.where(EscalationRow.status == status)
        if open_only:
            query = query.where(EscalationRow.status != "resolved")
        if topic_id is not None:
            query = query.where(EscalationRow.topic_id == topic_id)
        if level is not None:
            query = query.where(EscalationRow.level == level)
        with self._sessions() as session:
            return tuple(self._view(row, ()) for row in session.scalars(query))

    def report(self, *, start: datetime, end: datetime) -> EscalationReport:
        """The protocol's monitoring figures for escalations raised in [start, end), plus what is open now."""
        start, end = _aware(start), _aware(end)
        rules = self.rules
        with self._sessions() as session:
            open_rows = session.execute(
                select(EscalationRow.topic, EscalationRow.level, func.count())
                .where(EscalationRow.status != "resolved").group_by(EscalationRow.topic, EscalationRow.level)).all()
            raised = session.scalars(select(EscalationRow).where(EscalationRow.raised_at >= start,
                                                                 EscalationRow.raised_at < end)).all()
            auto = session.scalar(select(func.count()).select_from(EscalationEventRow).where(
                EscalationEventRow.kind == "auto_escalated", EscalationEventRow.at >= start,
                EscalationEventRow.at < end)) or 0
        by_topic: dict[str, dict[int, int]] = defaultdict(dict)
        for topic, level, count in open_rows:
            by_topic[topic][level] = count
        ack = [(r.acknowledged_at - r.raised_at).total_seconds() / 3600 for r in raised if r.acknowledged_at]
        res = [(r.resolved_at - r.raised_at).total_seconds() / 3600 for r in raised if r.resolved_at]
        per_topic: dict[str, int] = defaultdict(int)
        for r in raised:
            per_topic[r.topic] += 1
        triggers = tuple(sorted(t for t, n in per_topic.items() if n >= rules.review.threshold))
        return EscalationReport(start=start, end=end, open_by_topic_level=dict(by_topic), raised=len(raised),
                                auto_escalations=int(auto), mean_hours_to_acknowledge=_mean(ack),
                                mean_hours_to_resolve=_mean(res), review_triggers=triggers)

    def _view(self, row: EscalationRow, history: tuple[EscalationEvent, ...]) -> EscalationView:
        rules = self.rules
        try:
            level = rules.level(row.level)
            level_name = level.name
            citations = [rules.citation(level.cite, f"{level.name}: {level.owner} ({level.response_time})")]
        except KeyError:
            level_name, citations = f"Level {row.level}", []
        topic = _topic(rules, row.topic_id)
        if topic is not None:
            citations.insert(0, rules.citation(topic.cite, topic.description))
        status: Status = row.status  # type: ignore[assignment]
        return EscalationView(
            reference=row.reference, topic_id=row.topic_id, topic=row.topic, level=row.level, level_name=level_name,
            owner=row.owner, contact=Contact(row.owner, row.contact_email, row.contact_phone, row.contact_role),
            channel=row.channel, status=status, raised_by=row.raised_by, case_ref=row.case_ref, summary=row.summary,
            raised_at=row.raised_at, level_sent_at=row.level_sent_at, due_at=row.due_at,
            acknowledged_at=row.acknowledged_at, resolved_at=row.resolved_at, outcome=row.outcome,
            auto_escalations=row.auto_escalations, copy_to=tuple(json.loads(row.copy_to or "[]")),
            citations=tuple(citations), history=history)

    def _now(self) -> datetime:
        return _aware(self._clock.now())


def _find(session: Session, reference: str) -> EscalationRow:
    row = session.scalars(select(EscalationRow).where(EscalationRow.reference == (reference or "").strip().upper())
                          .execution_options(populate_existing=True)).one_or_none()
    if row is None:
        raise NotFoundError(f"There is no escalation {reference}.")
    return row


def _guard(row: EscalationRow) -> tuple[Any, ...]:
    return (EscalationRow.id == row.id, EscalationRow.version == row.version)


def _topic(rules: EscalationRules, topic_id: str) -> TopicRule | None:
    try:
        return rules.topic(topic_id)
    except KeyError:
        return None


def _required(text: str, field: str, limit: int = 4000) -> str:
    text = (text or "").strip()
    if not text:
        raise BadRequestError(f"Please give the {field}.")
    if len(text) > limit:
        raise BadRequestError(f"The {field} must be at most {limit} characters; keep it short and non-identifying.")
    return text


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise BadRequestError("Times must include a time zone.")
    return value.astimezone(UTC)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None
