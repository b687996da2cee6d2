"""The JSON API. Each route parses its input, calls one core method and returns a response model."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse

from assistant.library import LibraryChange, Upload
from assistant.models import Answer
from assistant.service import Assistant, DocumentRow
from assistant.web.schemas import (
    AskRequest,
    DocumentOut,
    ErrorOut,
    FeedbackOut,
    FeedbackRequest,
    HealthOut,
    ReloadStatusOut,
    ReloadSummaryOut,
)
from assistant.web.security import require_access, require_policy_officer


def get_assistant(request: Request) -> Assistant:
    assistant: Assistant = request.app.state.assistant
    return assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
DocId = Annotated[str, PathParam(description="The document's id, from GET /api/documents.")]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Sign-in needed (only when not bound to 127.0.0.1, or to change the "
                                            "documents)."},
    403: {"model": ErrorOut, "description": "Refused: a cross-site request, a quarantined document, or a role that "
                                            "may not do this (changing documents needs a policy officer)."},
}
_OFFICER = [Depends(require_policy_officer)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such document."}}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "The request is not valid: `detail` says which field and why."}}
_RELOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "No file chosen, too many files, or a folder name not allowed."},
    409: {"model": ErrorOut, "description": "Another reload is running; nothing was changed."},
    413: {"model": ErrorOut, "description": "The request is larger than the upload limit."},
    422: {"model": ErrorOut, "description": "The request is not valid (`detail` says why), or the reload failed "
                                            "(e.g. nothing would be left to load) and the folder and the knowledge "
                                            "base were left as they were."},
}

public = APIRouter(prefix="/api", tags=["health"])
router = APIRouter(prefix="/api", dependencies=[Depends(require_access)], responses=_ERRORS)


@public.get("/health", response_model=HealthOut)
def health(assistant: AssistantDep) -> dict[str, Any]:
    """Whether a knowledge base is loaded (no sign-in needed, for load balancers and monitors)."""
    return assistant.health()


@router.post("/ask", response_model=Answer, tags=["ask"],
             responses={**_INVALID, 503: {"model": ErrorOut,
                                          "description": "No knowledge base has been loaded yet."}})
def ask(body: AskRequest, assistant: AssistantDep) -> Answer:
    """Ask the partnership documents a question: a short answer with numbered citations, or an abstention
    (``abstained: true``) listing the closest documents in ``related``."""
    return assistant.ask(body.question)


@router.get("/documents", response_model=list[DocumentOut], tags=["documents"])
def list_documents(assistant: AssistantDep) -> list[DocumentOut]:
    """The documents of the current knowledge base, with their type, date, version, status and chunks."""
    return [document_out(row) for row in assistant.documents()]


@router.post("/documents", response_model=ReloadSummaryOut, tags=["documents"], responses=_RELOAD_ERRORS,
             dependencies=_OFFICER)
def upload_documents(
    assistant: AssistantDep,
    files: Annotated[list[UploadFile], File(description="One or more documents (PDF, DOCX, HTML, MD, CSV, TXT).")],
    folder: Annotated[str, Form(description="Sub-folder of the knowledge folder to put them in, e.g. "
                                            "'minutes'; empty for the top.")] = "",
) -> dict[str, Any]:
    """Upload documents, then reload (a policy officer or admin). A file with the same name in the same folder
    replaces the old one. Files that cannot be used (bad name, wrong type, too large, unreadable) are not saved
    and are listed as skipped with the reason; the others are loaded."""
    return summary_out(assistant.upload(to_uploads(files), folder))


@router.put("/documents/{doc_id}", response_model=ReloadSummaryOut, tags=["documents"],
            responses={**_NOT_FOUND, **_RELOAD_ERRORS}, dependencies=_OFFICER)
def replace_document(
    doc_id: DocId, assistant: AssistantDep,
    file: Annotated[UploadFile, File(description="The new version. In another format, it replaces the old file "
                                                 "under its own name.")],
) -> dict[str, Any]:
    """Replace a document with a new version, then reload. If the new file cannot be used, nothing changes."""
    return summary_out(assistant.upload(to_uploads([file]), replaces=doc_id))


@router.delete("/documents/{doc_id}", response_model=ReloadSummaryOut, tags=["documents"],
               responses={**_NOT_FOUND, **_RELOAD_ERRORS}, dependencies=_OFFICER)
def remove_document(doc_id: DocId, assistant: AssistantDep) -> dict[str, Any]:
    """Remove a document's file from the knowledge folder, then reload (it is listed as removed)."""
    return summary_out(assistant.remove_document(doc_id))


@router.get("/documents/{doc_id}/source", tags=["documents"], response_class=FileResponse,
            responses={**_NOT_FOUND, **_INVALID, 200: {"description": "The original file, with its own media type.",
                                           "content": {"application/pdf": {}, "text/html": {}, "text/markdown": {},
                                                       "text/csv": {}, "text/plain": {}}}})
def document_source(doc_id: DocId, assistant: AssistantDep) -> FileResponse:
    """The original file, for citation links (add ``#page=N`` to open a PDF at a page). Web pages are served
    sandboxed, so a script inside an uploaded page cannot run as this site."""
    source = assistant.document_source(doc_id)
    return FileResponse(source.path, media_type=source.media_type, filename=source.filename,
                        content_disposition_type="inline",
                        headers={"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"})


@router.get("/reload", response_model=ReloadStatusOut, tags=["documents"])
def reload_status(assistant: AssistantDep) -> ReloadStatusOut:
    """Progress of the upload, replacement or removal this server is loading (polled by the documents page)."""
    p = assistant.reload_progress()
    return ReloadStatusOut(running=p.running, stage=p.stage, done=p.done, total=p.total)


@router.post("/feedback", response_model=FeedbackOut, status_code=201, tags=["ask"],
             responses={**_INVALID, 400: {"model": ErrorOut, "description": "The answer id is not recognised."}})
def feedback(body: FeedbackRequest, assistant: AssistantDep) -> FeedbackOut:
    """Record whether an answer helped. The question is stored only if the server is configured to keep it."""
    record = assistant.record_feedback(body.answer_id, body.helpful, body.comment, body.question)
    return FeedbackOut(id=record.id, answer_id=record.answer_id, helpful=record.helpful,
                       question_stored=record.question is not None)


def document_out(row: DocumentRow) -> DocumentOut:
    return DocumentOut(id=row.id, source=row.source, title=row.title, document_type=row.doc_type, date=row.date,
                       version=row.version, status=row.status, chunks=row.chunks, loaded_at=row.loaded_at,
                       reason=row.reason, warnings=row.warnings,
                       source_url=None if row.status == "quarantined" else f"/api/documents/{row.id}/source")


def summary_out(change: LibraryChange) -> dict[str, Any]:
    return change.as_dict()


def to_uploads(files: list[UploadFile]) -> list[Upload]:
    """Browsers send an empty part when no file was chosen; that is 'no file', not a file without a name."""
    return [Upload(f.filename or "", f.file) for f in files if f.filename or f.size]
