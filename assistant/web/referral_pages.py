"""The "Find a referral route" page: describe a worry in plain words and see which pathway fits, why, the steps to
follow and the key details (who can refer, how, consent, timescales, handoff, out of hours, if not picked up), each
with a link to where the document says it.

A plain form answered with a full page (no JavaScript needed). The route calls ``Assistant.find_referral`` once and
renders ``referral.html``; errors reach the one handler in app.py, which renders them back on this page with what
was typed (``render_referral``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from assistant.referrals.models import ReferralResult
from assistant.web.api import AssistantDep
from assistant.web.pages import render
from assistant.web.security import require_access

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_access)])

# The key details shown for a pathway, in the order a non-specialist needs them; "how" groups the contact details.
KEY_FIELDS: tuple[str, ...] = ("who_can_refer", "self_referral", "how", "consent", "timescales", "next_steps",
                               "handoff", "out_of_hours", "not_picked_up")
HOW_FIELDS: tuple[str, ...] = ("form", "email", "phone", "hours")


def render_referral(request: Request, *, result: ReferralResult | None = None, error: str = "",
                    status_code: int = 200) -> Response:
    situation: str = getattr(request.state, "situation", "")
    return render(request, "referral.html", {
        "active": "referral", "situation": situation, "result": result, "error": error,
        "key_fields": KEY_FIELDS, "how_fields": HOW_FIELDS}, status_code)


@pages.get("/referral", response_class=HTMLResponse)
def referral_page(request: Request) -> Response:
    return render_referral(request)


@pages.post("/referral", response_class=HTMLResponse)
def referral_form(request: Request, assistant: AssistantDep, situation: Annotated[str, Form()] = "") -> Response:
    request.state.situation = situation  # so an error page can give the situation back to edit
    return render_referral(request, result=assistant.find_referral(situation))
