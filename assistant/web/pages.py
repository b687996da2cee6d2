"""The server-rendered web page: ask, see the evidence, and (for policy officers) manage the documents.

Every form works without JavaScript (a normal form post answered with a full page); static/app.js only adds a
"searching" message, the reload progress bar and in-place feedback. Routes parse the form, call one core method
and render a template; errors reach the one handler in app.py, which renders them here (``render_error``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from assistant import __version__
from assistant.errors import PartnershipError
from assistant.library import LibraryChange, document_id
from assistant.web.api import AssistantDep, document_out, summary_out, to_uploads
from assistant.web.security import SESSION_COOKIE, Access, require_access, require_policy_officer

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
_CITE_MARK = re.compile(r"\[(\d{1,2})\]")
STATUS_LABELS = {"added": "Added", "changed": "Changed", "unchanged": "Unchanged", "removed": "Removed",
                 "skipped": "Skipped", "quarantined": "Quarantined"}


def source_href(source: str, page: int | None = None) -> str:
    """Link to the original; a PDF opens at the cited page."""
    href = f"/api/documents/{document_id(source)}/source"
    return f"{href}#page={page}" if page and source.lower().endswith(".pdf") else href


def cite_links(text: str) -> Markup:
    """Escape the answer, then turn its [n] markers into links to citation n."""
    return Markup(_CITE_MARK.sub(lambda m: f'<a class="cite-mark" href="#cite-{m[1]}">[{m[1]}]</a>',
                                 str(escape(text))))


def file_kind(source: str) -> str:
    suffix = Path(source).suffix.lower().lstrip(".")
    return {"md": "Markdown", "markdown": "Markdown", "htm": "web page", "html": "web page",
            "txt": "text", "docx": "Word"}.get(suffix, suffix.upper())


TEMPLATES.env.filters.update(source_href=source_href, cite_links=cite_links, file_kind=file_kind,
                             status_label=lambda s: STATUS_LABELS.get(s, s.title()))


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    access: Access = request.app.state.access
    user = access.principal(request)
    ctx = {"local_mode": not access.sign_in_required, "signed_in": user is not None, "user": user,
           "can_manage": user is not None and user.may("policy_officer"), "version": __version__,
           **(context or {})}
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status_code)


pages = APIRouter(include_in_schema=False, dependencies=[Depends(require_access)])
signin = APIRouter(include_in_schema=False)


# -- asking ---------------------------------------------------------------------------------------------------
@pages.get("/", response_class=HTMLResponse)
def ask_page(request: Request) -> Response:
    return render(request, "ask.html", {"active": "ask"})


@pages.post("/", response_class=HTMLResponse)
def ask_form(request: Request, assistant: AssistantDep, question: Annotated[str, Form()] = "") -> Response:
    request.state.question = question  # so an error page can give the question back to edit
    answer = assistant.ask(question)
    return render(request, "ask.html", {"active": "ask", "question": question, "answer": answer})


@pages.post("/feedback", response_class=HTMLResponse)
def feedback_form(request: Request, assistant: AssistantDep, answer_id: Annotated[str, Form()],
                  helpful: Annotated[str, Form()], comment: Annotated[str, Form()] = "",
                  question: Annotated[str, Form()] = "") -> Response:
    assistant.record_feedback(answer_id, helpful == "yes", comment, question)
    return render(request, "ask.html", {"active": "ask", "thanks": True})


# -- documents (policy officers) ------------------------------------------------------------------------------
def _documents(request: Request, change: LibraryChange | None = None, error: str = "",
               status_code: int = 200) -> Response:
    assistant = request.app.state.assistant
    rows = [document_out(r) for r in assistant.documents()]
    folders = sorted({r.source.rsplit("/", 1)[0] for r in rows if "/" in r.source})
    return render(request, "documents.html", {
        "active": "documents", "documents": rows, "folders": folders, "error": error,
        "summary": summary_out(change) if change else None,
        "max_mb": assistant.settings.max_file_bytes // 1_000_000}, status_code)


@pages.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request) -> Response:
    return _documents(request)


_OFFICER = [Depends(require_policy_officer)]


@pages.post("/documents", response_class=HTMLResponse, dependencies=_OFFICER)
def upload_form(request: Request, assistant: AssistantDep,
                files: Annotated[list[UploadFile] | None, File()] = None,
                folder: Annotated[str, Form()] = "") -> Response:
    return _documents(request, assistant.upload(to_uploads(files or []), folder))


@pages.post("/documents/{doc_id}/replace", response_class=HTMLResponse, dependencies=_OFFICER)
def replace_form(request: Request, assistant: AssistantDep, doc_id: str,
                 file: Annotated[UploadFile | None, File()] = None) -> Response:
    return _documents(request, assistant.upload(to_uploads([file] if file else []), replaces=doc_id))


@pages.post("/documents/{doc_id}/remove", response_class=HTMLResponse, dependencies=_OFFICER)
def remove_form(request: Request, assistant: AssistantDep, doc_id: str) -> Response:
    return _documents(request, assistant.remove_document(doc_id))


# -- sign-in (username and password, or the access token; in local mode too, to change the documents) ---------
def _next(target: str) -> str:
    """Only a path on this site, so the sign-in page cannot be used to send people elsewhere."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@signin.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "/") -> Response:
    return render(request, "signin.html", {"next": _next(next)})


@signin.post("/signin", response_class=HTMLResponse)
def signin_form(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    access: Access = request.app.state.access
    username = username.strip()
    if username:
        user = request.app.state.assistant.users.verify(username, password)
        session = access.new_session(user.username, user.role) if user is not None else ""
        error = "That username and password do not match an account that can sign in."
    elif token.strip():
        session = access.new_session() if access.token_ok(token.strip()) else ""
        error = "That access token is not right."
    else:
        session, error = "", "Enter your username and password."
    if not session:
        return render(request, "signin.html", {"next": _next(next), "error": error, "username": username,
                                               "token_tried": bool(token.strip())}, status_code=401)
    response = RedirectResponse(_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, session, max_age=access.session_seconds, httponly=True,
                        samesite="strict", secure=access.secure_cookie, path="/")
    return response


@signin.post("/signout")
def signout() -> Response:
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- errors ---------------------------------------------------------------------------------------------------
def render_error(request: Request, exc: PartnershipError) -> Response:
    """A page-friendly rendering of a core error: back on the page the person was using, with the message."""
    path = request.url.path
    if exc.status_code == 401:
        return RedirectResponse(f"/signin?next={quote(path)}", status_code=303)
    if path.startswith("/documents"):
        return _documents(request, error=exc.message, status_code=exc.status_code)
    if path.startswith("/escalations"):
        from assistant.web.escalation_pages import render_escalations  # that module builds on this one

        return render_escalations(request, error=exc.message, status_code=exc.status_code)
    if path.startswith("/referral"):
        from assistant.web.referral_pages import render_referral  # that module builds on this one

        return render_referral(request, error=exc.message, status_code=exc.status_code)
    if path in ("/", "/feedback"):
        question = getattr(request.state, "question", "")
        return render(request, "ask.html", {"active": "ask", "question": question, "error": exc.message},
                      exc.status_code)
    return render(request, "error.html", {"error": exc.message}, exc.status_code)
