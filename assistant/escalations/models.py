"""What the escalation core hands to the doors: routes, escalations, their history, notices and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from assistant.models import Citation

Status = Literal["open", "acknowledged", "resolved"]
NoticeKind = Literal["raised", "escalated", "auto_escalated", "overdue"]


@dataclass(frozen=True)
class Contact:
    """Who owns a step and how to reach them. ``via`` is the contacts-table role reached on their behalf."""

    role: str
    email: str = ""
    phone: str = ""
    via: str = ""

    def details(self) -> str:
        """'via: email, phone' in one line, or '' when the protocol gives no contact details."""
        reach = ", ".join(p for p in (self.email, self.phone) if p)
        if reach and self.via:
            return f"{self.via}: {reach}"
        return reach


@dataclass(frozen=True)
class LadderStep:
    level: int
    name: str
    owner: Contact
    response_time: str


GUESSED = "No topic is named outright"  # how the router's reasons open when it guessed the topic
UNTRIED = "The description does not say what has been tried."  # the reason given when it starts at the entry level


@dataclass(frozen=True)
class RouteDecision:
    """Where a stuck case goes next, and why. ``topic_id`` is None when the topic could not be told."""

    topic_id: str | None
    topic: str
    owning_board: str
    level: int
    level_name: str
    owner: Contact
    channel: str | None
    outside_protocol: bool = False
    special_case: str = ""
    copy_to: tuple[Contact, ...] = ()
    other_topics: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    ladder: tuple[LadderStep, ...] = ()
    confidence: float = 0.0
    # The levels below the one named, when nothing says they were tried (the practitioners and their managers).
    before: tuple[LadderStep, ...] = ()

    @property
    def guessed(self) -> bool:
        """No topic was named outright; the router took the closest match."""
        return bool(self.reasons) and self.reasons[0].startswith(GUESSED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic, "topic_id": self.topic_id, "owning_board": self.owning_board,
            "level": self.level, "level_name": self.level_name, "owner": self.owner.role,
            "contact": self.owner.details(), "channel": self.channel, "outside_protocol": self.outside_protocol,
            "copy_to": [{"owner": c.role, "contact": c.details()} for c in self.copy_to],
            "reasons": list(self.reasons), "citations": [c.model_dump() for c in self.citations],
            "ladder": [{"level": s.level, "name": s.name, "owner": s.owner.role, "contact": s.owner.details(),
                        "response_time": s.response_time} for s in self.ladder],
        }


@dataclass(frozen=True)
class EscalationEvent:
    at: datetime
    kind: str
    actor: str
    level: int
    from_level: int | None
    owner: str
    detail: str


@dataclass(frozen=True)
class EscalationView:
    reference: str
    topic_id: str
    topic: str
    level: int
    level_name: str
    owner: str
    contact: Contact
    channel: str | None
    status: Status
    raised_by: str
    case_ref: str
    summary: str
    raised_at: datetime
    level_sent_at: datetime
    due_at: datetime | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    outcome: str
    auto_escalations: int
    copy_to: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    history: tuple[EscalationEvent, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "reference": self.reference, "topic": self.topic, "topic_id": self.topic_id, "level": self.level,
            "level_name": self.level_name, "owner": self.owner, "contact": self.contact.details(),
            "channel": self.channel, "status": self.status, "raised_by": self.raised_by, "case_ref": self.case_ref,
            "summary": self.summary, "raised_at": iso(self.raised_at), "level_sent_at": iso(self.level_sent_at),
            "due_at": iso(self.due_at), "acknowledged_at": iso(self.acknowledged_at),
            "resolved_at": iso(self.resolved_at), "outcome": self.outcome, "auto_escalations": self.auto_escalations,
            "copy_to": list(self.copy_to), "citations": [c.model_dump() for c in self.citations],
            "history": [{"at": iso(e.at), "kind": e.kind, "actor": e.actor, "level": e.level,
                         "from_level": e.from_level, "owner": e.owner, "detail": e.detail} for e in self.history],
        }


@dataclass(frozen=True)
class EscalationNotice:
    """What a channel is told. By construction it holds no case details: no summary, no case reference."""

    reference: str
    topic: str
    level: int
    level_name: str
    owner: str
    channel: str | None
    kind: NoticeKind


@dataclass(frozen=True)
class TickReport:
    escalated: tuple[str, ...]  # references moved up a level by this tick
    overdue: tuple[str, ...]  # references past the response time of the last level (flagged once)
    notified: int  # notices delivered by this tick (including ones left over from an earlier crash)

    def to_dict(self) -> dict[str, Any]:
        return {"escalated": list(self.escalated), "overdue": list(self.overdue), "notified": self.notified}


@dataclass(frozen=True)
class EscalationReport:
    start: datetime
    end: datetime
    open_by_topic_level: dict[str, dict[int, int]]
    raised: int
    auto_escalations: int
    mean_hours_to_acknowledge: float | None
    mean_hours_to_resolve: float | None
    review_triggers: tuple[str, ...]  # topics escalated at least `review_threshold` times in the period

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "open_by_topic_level": {topic: {str(level): n for level, n in sorted(levels.items())}
                                    for topic, levels in sorted(self.open_by_topic_level.items())},
            "raised": self.raised, "auto_escalations": self.auto_escalations,
            "mean_hours_to_acknowledge": self.mean_hours_to_acknowledge,
            "mean_hours_to_resolve": self.mean_hours_to_resolve, "review_triggers": list(self.review_triggers),
        }
