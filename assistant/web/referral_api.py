"""POST /api/referral: the referral pathways that fit a situation told in plain words (the same JSON as
``partnership referral --json``). The route parses the body, calls the core once and returns its result."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from assistant.referrals.models import ReferralResult
from assistant.web.api import AssistantDep
from assistant.web.schemas import ErrorOut
from assistant.web.security import require_access

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Sign-in needed (only when not bound to 127.0.0.1)."},
    403: {"model": ErrorOut, "description": "Refused: a cross-site request."},
    422: {"model": ErrorOut, "description": "The request is not valid: `detail` says which field and why."},
    503: {"model": ErrorOut, "description": "No knowledge base has been loaded yet."},
}

router = APIRouter(prefix="/api", tags=["referral"], dependencies=[Depends(require_access)], responses=_ERRORS)


class ReferralRequest(BaseModel):
    situation: str = Field(min_length=1, max_length=2000, description="The worry, in your own words (no names or "
                                                                      "case details needed).")


@router.post("/referral", response_model=ReferralResult)
def find_referral(body: ReferralRequest, assistant: AssistantDep) -> ReferralResult:
    """The pathways that fit, best first: each with why it fits (the pathway's own criteria, cited), its fields
    (who can refer, how, consent, timescales, what happens next, handoff, out of hours, if not picked up) with
    citations, and the steps to follow; ``emergency`` holds the pathway's own 999 advice when the situation reads
    as immediate danger."""
    return assistant.find_referral(body.situation)
