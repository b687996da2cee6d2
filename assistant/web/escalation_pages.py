"""The "Escalate a stuck case" page: check where a case goes, raise it, and acknowledge or resolve open ones.

Plain forms answered with a full page (no JavaScript needed). Each route parses the form, calls one method of the
core's ``EscalationService`` and renders ``escalations.html``; errors reach the one handler in app.py, which
renders them back on this page with what was typed (``render_escalations``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from assistant.escalations import EscalationView, RouteDecision
from assistant.web.api import AssistantDep
from assistant.web.pages import render
from assistant.web.security import require_access

pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_access)])


def render_escalations(request: Request, *, decision: RouteDecision | None = None,
                       raised: EscalationView | None = None, changed: EscalationView | None = None,
                       error: str = "", status_code: int = 200) -> Response:
    service = request.app.state.assistant.escalations
    form: dict[str, Any] = getattr(request.state, "escalation_form", {})
    now = datetime.now(UTC)
    quarter = datetime(now.year, 3 * ((now.month - 1) // 3) + 1, 1, tzinfo=UTC)
    return render(request, "escalations.html", {
        "active": "escalations", "form": {} if raised else form, "decision": decision, "raised": raised,
        "changed": changed, "error": error, "open": service.list(open_only=True, limit=200),
        "topics": service.rules.topics, "report": service.report(start=quarter, end=now)}, status_code)


@pages.get("/escalations", response_class=HTMLResponse)
def escalations_page(request: Request) -> Response:
    return render_escalations(request)


@pages.post("/escalations", response_class=HTMLResponse)
def escalation_form(request: Request, assistant: AssistantDep, summary: Annotated[str, Form()] = "",
                    tried: Annotated[str, Form()] = "", case_ref: Annotated[str, Form()] = "",
                    raised_by: Annotated[str, Form()] = "", topic_id: Annotated[str, Form()] = "",
                    action: Annotated[str, Form()] = "route") -> Response:
    request.state.escalation_form = {"summary": summary, "tried": tried, "case_ref": case_ref,
                                     "raised_by": raised_by, "topic_id": topic_id}
    if action == "raise":
        view = assistant.escalations.raise_(summary=summary, raised_by=raised_by, tried=tried, case_ref=case_ref,
                                            topic_id=topic_id or None)
        return render_escalations(request, raised=view)
    return render_escalations(request, decision=assistant.escalations.route(summary, tried))


@pages.post("/escalations/{reference}/ack", response_class=HTMLResponse)
def acknowledge_form(request: Request, assistant: AssistantDep, reference: str,
                     by: Annotated[str, Form()] = "") -> Response:
    return render_escalations(request, changed=assistant.escalations.acknowledge(reference, by=by))


@pages.post("/escalations/{reference}/resolve", response_class=HTMLResponse)
def resolve_form(request: Request, assistant: AssistantDep, reference: str, by: Annotated[str, Form()] = "",
                 outcome: Annotated[str, Form()] = "") -> Response:
    return render_escalations(request, changed=assistant.escalations.resolve(reference, by=by, outcome=outcome))
