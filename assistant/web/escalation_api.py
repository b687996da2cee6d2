"""The escalations JSON API: route a stuck case, raise it, acknowledge, note, escalate, resolve, list and report.

Each route parses its body, calls one method of the core's ``EscalationService`` and returns its ``to_dict()``.
Personal data in a summary, note or outcome is refused by the core with 422 and a message that names the kind of
data found, never the text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from assistant.web.api import AssistantDep
from assistant.web.schemas import ErrorOut
from assistant.web.security import require_access

Reference = Annotated[str, PathParam(max_length=40, description="The escalation's reference, e.g. SCE-2026-001.")]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Sign-in needed (only when not bound to 127.0.0.1)."},
    403: {"model": ErrorOut, "description": "Refused: a cross-site request."},
    422: {"model": ErrorOut, "description": "The request is not valid (`detail` says which field), or a text "
                                            "looks like it holds personal data (the message says what kind)."},
}
_CHANGE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Not possible now, e.g. already resolved or at the last level."},
    404: {"model": ErrorOut, "description": "No escalation has this reference."},
}

router = APIRouter(prefix="/api/escalations", tags=["escalations"], dependencies=[Depends(require_access)],
                   responses=_ERRORS)


# -- bodies --------------------------------------------------------------------------------------------------
class RouteRequest(BaseModel):
    description: str = Field(min_length=1, max_length=4000, description="The stuck case in plain words, with no "
                                                                         "names or other personal details.")
    tried: str = Field(default="", max_length=4000, description="What has been tried so far, e.g. 'team managers "
                                                                 "met last week'.")


class RaiseRequest(BaseModel):
    summary: str = Field(min_length=1, max_length=1000, description="A short, non-identifying summary.")
    raised_by: str = Field(min_length=1, max_length=200, description="Who is raising it (name and agency).")
    tried: str = Field(default="", max_length=4000)
    case_ref: str = Field(default="", max_length=100, description="Your agency's own case reference.")
    topic_id: str | None = Field(default=None, max_length=100, description="Choose the topic outright (its id "
                                                                            "from the route); default: routed.")
    level: int | None = Field(default=None, ge=0, le=20, description="Raise at this level; default: routed.")


class ActorRequest(BaseModel):
    by: str = Field(min_length=1, max_length=200, description="Who is doing this (name and role).")


class NoteRequest(ActorRequest):
    note: str = Field(min_length=1, max_length=1000)


class EscalateRequest(ActorRequest):
    reason: str = Field(default="", max_length=1000)


class ResolveRequest(ActorRequest):
    outcome: str = Field(min_length=1, max_length=1000, description="What was decided (no personal details).")


# -- responses (the core's to_dict(); the models document the fields every client may rely on) ----------------
class RouteOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    topic: str
    topic_id: str | None = Field(description="null when the topic could not be told (the intake channel then).")
    level: int
    level_name: str
    owner: str
    contact: str
    channel: str | None
    outside_protocol: bool
    reasons: list[str]
    citations: list[dict[str, Any]]


class EscalationOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    reference: str
    topic: str
    level: int
    owner: str
    contact: str
    channel: str | None
    status: Literal["open", "acknowledged", "resolved"]
    raised_at: datetime
    due_at: datetime | None = Field(description="When it moves up a level if nobody acknowledges it.")
    history: list[dict[str, Any]]


# -- routes ----------------------------------------------------------------------------------------------------
@router.post("/route", response_model=RouteOut)
def route(body: RouteRequest, assistant: AssistantDep) -> dict[str, Any]:
    """Where a stuck case goes next: topic, level, owner, contact and channel, with reasons and citations.
    Nothing is stored."""
    return assistant.escalations.route(body.description, body.tried).to_dict()


@router.post("", response_model=EscalationOut, status_code=201, responses={400: {"model": ErrorOut}})
def raise_escalation(body: RaiseRequest, assistant: AssistantDep) -> dict[str, Any]:
    """Raise an escalation: routed, given the next reference (SCE-2026-001...), and posted to the topic's Slack
    channel (reference, topic, level and owner only)."""
    return assistant.escalations.raise_(summary=body.summary, raised_by=body.raised_by, tried=body.tried,
                                        case_ref=body.case_ref, topic_id=body.topic_id, level=body.level).to_dict()


@router.get("", response_model=list[EscalationOut])
def list_escalations(
    assistant: AssistantDep,
    status: Annotated[Literal["open", "acknowledged", "resolved"] | None, Query()] = None,
    topic_id: Annotated[str | None, Query(max_length=100)] = None,
    level: Annotated[int | None, Query()] = None,
    open_only: Annotated[bool, Query(description="Not yet resolved (open or acknowledged).")] = False,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[dict[str, Any]]:
    """Escalations, newest first (without their history; GET one for that)."""
    return [v.to_dict() for v in assistant.escalations.list(status=status, topic_id=topic_id, level=level,
                                                            open_only=open_only, limit=limit)]


@router.get("/report")
def report(assistant: AssistantDep,
           start: Annotated[datetime | None, Query(description="Default: 90 days ago.")] = None,
           end: Annotated[datetime | None, Query(description="Default: now.")] = None) -> dict[str, Any]:
    """Open escalations by topic and level, times to acknowledge and resolve, automatic escalations, and topics
    escalated often enough in the period to trigger a pathway review."""
    end = _aware(end) if end else datetime.now(UTC)
    start = _aware(start) if start else end - timedelta(days=90)
    return assistant.escalations.report(start=start, end=end).to_dict()


@router.get("/{reference}", response_model=EscalationOut, responses={404: {"model": ErrorOut}})
def get_escalation(reference: Reference, assistant: AssistantDep) -> dict[str, Any]:
    """One escalation with its full history (who did what, when)."""
    return assistant.escalations.get(reference).to_dict()


@router.post("/{reference}/ack", response_model=EscalationOut, responses=_CHANGE_ERRORS)
def acknowledge(reference: Reference, body: ActorRequest, assistant: AssistantDep) -> dict[str, Any]:
    """The owner has it: the clock stops. Acknowledging twice is harmless."""
    return assistant.escalations.acknowledge(reference, by=body.by).to_dict()


@router.post("/{reference}/notes", response_model=EscalationOut, responses=_CHANGE_ERRORS)
def add_note(reference: Reference, body: NoteRequest, assistant: AssistantDep) -> dict[str, Any]:
    return assistant.escalations.add_note(reference, by=body.by, note=body.note).to_dict()


@router.post("/{reference}/escalate", response_model=EscalationOut, responses=_CHANGE_ERRORS)
def escalate(reference: Reference, body: EscalateRequest, assistant: AssistantDep) -> dict[str, Any]:
    """Move it up one level by hand; the new owner is told."""
    return assistant.escalations.escalate(reference, by=body.by, reason=body.reason).to_dict()


@router.post("/{reference}/resolve", response_model=EscalationOut, responses=_CHANGE_ERRORS)
def resolve(reference: Reference, body: ResolveRequest, assistant: AssistantDep) -> dict[str, Any]:
    return assistant.escalations.resolve(reference, by=body.by, outcome=body.outcome).to_dict()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
