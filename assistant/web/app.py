"""FastAPI application factory. Routes call the core service and nothing else."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant import __version__
from assistant.errors import PartnershipError
from assistant.models import Answer
from assistant.service import Assistant


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000, description="The question, in plain words.")


def create_app(assistant: Assistant) -> FastAPI:
    app = FastAPI(title="Partnership Assistant", version=__version__)
    app.state.assistant = assistant

    @app.exception_handler(PartnershipError)
    async def _partnership_error(_request: Request, exc: PartnershipError) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"error": exc.message})

    @app.get("/api/health")
    def health() -> dict[str, object]:
        return assistant.health()

    @app.post("/api/ask", response_model=Answer)
    def ask(body: AskRequest) -> Answer:
        return assistant.ask(body.question)

    return app
