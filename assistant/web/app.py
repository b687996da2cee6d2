"""FastAPI application factory: the JSON API, the web page, access control and the one error handler."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from assistant import __version__
from assistant.errors import PartnershipError
from assistant.escalations.leadership import TimerLeadership
from assistant.scheduler import start_escalation_timer, stop_escalation_timer
from assistant.service import Assistant
from assistant.slack import build_bolt_app, mount
from assistant.web import api, escalation_api, escalation_pages, pages, referral_api, referral_pages
from assistant.web.schemas import AskRequest
from assistant.web.security import Access, guard

__all__ = ["AskRequest", "create_app"]

STATIC_DIR = Path(__file__).parent / "static"


def create_app(assistant: Assistant, host: str | None = None) -> FastAPI:
    """The web door for ``assistant``. ``host`` is the address being served on (default: the settings' host):
    loopback means local mode with no sign-in; any other address needs ``settings.api_token`` (ConfigError
    without one)."""
    access = Access.for_binding(assistant.settings, host or assistant.settings.host)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The escalation timer runs while the server runs (setting escalation_tick_minutes; 0 switches it off),
        # ticking only in the one server that leads among those sharing the database.
        leadership = TimerLeadership(assistant.engine, assistant.settings.data_dir)
        app.state.escalation_timer = start_escalation_timer(assistant.escalations,
                                                            assistant.settings.escalation_tick_minutes, leadership)
        # The server answers at once; the generation's derived indexes are built beside it, not on a first question.
        warming = threading.Thread(target=assistant.warm, name="warm-generation", daemon=True)
        warming.start()
        try:
            yield
        finally:
            warming.join(timeout=60)  # not reading the database while it is closed under it
            stop_escalation_timer(app.state.escalation_timer, leadership)

    app = FastAPI(lifespan=lifespan, title="Partnership Assistant", version=__version__,
                  description="Ask the partnership's documents and get answers with citations; manage the "
                              "documents. In local mode (served on 127.0.0.1) no sign-in is needed; otherwise send "
                              "`Authorization: Bearer <PARTNERSHIP_API_TOKEN>`.")
    app.state.assistant = assistant
    app.state.access = access
    app.middleware("http")(guard(access, assistant.settings.upload_max_bytes))

    @app.exception_handler(PartnershipError)
    async def _partnership_error(request: Request, exc: PartnershipError) -> Response:
        if request.url.path.startswith("/api/"):
            headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
            return JSONResponse(status_code=exc.status_code, content={"error": exc.message}, headers=headers)
        return pages.render_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # The input is left out of the reply: it may be a question holding case details.
        detail: list[dict[str, Any]] = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""),
                                         "type": e.get("type", "")} for e in exc.errors()]
        if any(d["type"] == "json_invalid" for d in detail):
            message = "The request body is not valid JSON."
        else:
            message = "The request is not valid: " + "; ".join(
                f"{'.'.join(str(p) for p in d['loc'][1:]) or 'body'}: {d['msg']}" for d in detail[:3]) + "."
        return JSONResponse(status_code=422, content={"error": message, "detail": detail})

    app.include_router(api.public)
    app.include_router(api.router)
    app.include_router(escalation_api.router)
    app.include_router(referral_api.router)
    app.include_router(pages.signin)
    app.include_router(pages.pages)
    app.include_router(escalation_pages.pages)
    app.include_router(referral_pages.pages)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if (bolt := build_bolt_app(assistant, assistant.settings)) is not None:
        mount(app, bolt)  # Slack's events, commands and buttons at POST /slack/events (signed; no sign-in)
    return app
