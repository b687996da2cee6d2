"""The JSON API over real HTTP on loopback: documents (list, upload, replace, remove, source), feedback, errors and
sign-in. The main site uses the real model on a temporary copy of a few corpus files; the limit and sign-in checks
use the fake embedder, since they never need an answer."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from topology import SettingsFor, Topology, make_settings
from typer.testing import CliRunner

from assistant import cli
from assistant.embedding import Embedder
from assistant.errors import ConfigError
from assistant.feedback import FeedbackStore
from assistant.library import document_id
from assistant.service import Assistant
from assistant.web.app import create_app
from assistant.web.security import SESSION_COOKIE

pytestmark = pytest.mark.integration

KB_FILES = ("guidance/glossary-of-acronyms.md", "referral-pathways/prevent-channel-referral-pathway.pdf",
            "kpis/kpi-dashboard-2026-q2.csv")
PREVENT = "referral-pathways/prevent-channel-referral-pathway.pdf"
TOKEN = "a-long-test-token-0123456789"
PASSWORD = "a-long-test-password"


@dataclass
class Site:
    url: str
    assistant: Assistant
    root: Path
    cookies: dict[str, str]  # a signed-in policy officer: changing the documents needs one, even in local mode

    def api(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        return httpx.request(method, f"{self.url}{path}", timeout=120, cookies=self.cookies,
                             **kwargs)  # type: ignore[arg-type]

    def sources(self) -> set[str]:
        return {d["source"] for d in self.api("GET", "/api/documents").json()}

    def files_on_disk(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}


def sign_in(url: str, assistant: Assistant, username: str = "officer",
            role: str = "policy_officer") -> dict[str, str]:
    """Add the user (once) and sign in on /signin; returns the session cookie."""
    if assistant.users.get(username) is None:
        assistant.users.add(username, PASSWORD, role)
    reply = httpx.post(f"{url}/signin", data={"username": username, "password": PASSWORD})
    assert reply.status_code == 303, reply.text
    return {SESSION_COOKIE: reply.cookies[SESSION_COOKIE]}


def _copy(corpus: Path, root: Path, rels: tuple[str, ...]) -> Path:
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / rel, root / rel)  # copyfile: the shared corpus files are read-only
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, corpus: Path, real_embedder: Embedder,
         live_server: Callable[[FastAPI], str], topology: Topology) -> Site:
    base = tmp_path_factory.mktemp("web-api")
    root = _copy(corpus, base / "knowledge", KB_FILES)
    assistant = Assistant(make_settings(base / "data", topology), embedder=real_embedder)
    assistant.ingest(root)
    url = live_server(create_app(assistant))
    return Site(url, assistant, root.resolve(), sign_in(url, assistant))


def _files(folder: Path, *names: str) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (Path(n).name, (folder / n).read_bytes())) for n in names]


# -- listing and sources ----------------------------------------------------------------------------------------
def test_listing_describes_each_document(site: Site) -> None:
    docs = {d["source"]: d for d in site.api("GET", "/api/documents").json()}
    assert set(docs) == set(KB_FILES)
    prevent = docs[PREVENT]
    assert prevent["id"] == document_id(PREVENT)
    assert prevent["title"].startswith("Prevent") and prevent["document_type"] and prevent["version"] == "2.2"
    assert prevent["status"] == "current" and prevent["chunks"] > 0 and prevent["loaded_at"]
    assert prevent["source_url"] == f"/api/documents/{prevent['id']}/source"


def test_source_download_returns_the_original_bytes(site: Site, corpus: Path) -> None:
    pdf = site.api("GET", f"/api/documents/{document_id(PREVENT)}/source")
    assert pdf.status_code == 200 and pdf.content == (corpus / PREVENT).read_bytes()
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline")
    assert pdf.headers["content-security-policy"] == "sandbox"  # an uploaded web page cannot script this site
    md = site.api("GET", f"/api/documents/{document_id(KB_FILES[0])}/source")
    assert md.headers["content-type"].startswith("text/markdown") and md.text.startswith("#")
    assert site.api("GET", f"/api/documents/{document_id('no/such.pdf')}/source").status_code == 404
    assert site.api("GET", "/api/documents/%2E%2E%2Fetc/source").status_code == 404


# -- uploads ----------------------------------------------------------------------------------------------------
def test_uploaded_document_becomes_answerable_and_a_bad_file_does_not_block_it(site: Site, corpus: Path,
                                                                               corpus_bad: Path) -> None:
    before = site.assistant.knowledge_base().generation_id
    reply = site.api("POST", "/api/documents", data={"folder": "referral-pathways"},
                     files=[*_files(corpus / "referral-pathways", "youth-diversion-turnaround.md"),
                            *_files(corpus_bad, "referral-flowchart.pdf")])
    assert reply.status_code == 200, reply.text
    summary = reply.json()
    assert summary["reloaded"] and summary["generation"] > before
    outcome = {f["source"]: f for f in summary["files"]}
    assert outcome["referral-pathways/youth-diversion-turnaround.md"]["status"] == "added"
    assert outcome["referral-pathways/referral-flowchart.pdf"]["status"] == "skipped"
    assert "PNG" in outcome["referral-pathways/referral-flowchart.pdf"]["reason"]
    assert summary["counts"]["added"] == 1 and summary["counts"]["unchanged"] == len(KB_FILES)
    assert "referral-pathways/youth-diversion-turnaround.md" in site.sources()
    assert "referral-pathways/referral-flowchart.pdf" not in site.files_on_disk()  # refused files are not saved

    answer = site.api("POST", "/api/ask", json={
        "question": "who do I phone with questions before referring a child to Turnaround?"}).json()
    assert not answer["abstained"]
    assert answer["citations"][0]["source"] == "referral-pathways/youth-diversion-turnaround.md"
    assert "020 7946 0610" in answer["answer"]


BAD_FILES = {
    "empty-upload.pdf": "empty",
    "referral-flowchart.pdf": "PNG image named .pdf",
    "password-protected-isa-schedule-3.pdf": "password-protected",
    "truncated-strategy.pdf": "corrupt or truncated",
    "scanned-minutes-image-only.pdf": "no extractable text",
    "empty-board-minutes.md": "empty",
}


def test_bad_files_are_named_with_their_reason_and_the_index_stays(site: Site, corpus_bad: Path) -> None:
    before_gen = site.assistant.knowledge_base().generation_id
    before_files = site.files_on_disk()
    bad_names = [("files", (name, b"# Notes\n\nSome ordinary text about referrals.")) for name in
                 ("../escape.md", "sub\\dir.md", ".hidden.md", "README.md", "notes.exe")]
    reply = site.api("POST", "/api/documents", files=[*_files(corpus_bad, *BAD_FILES), *bad_names])
    assert reply.status_code == 200, reply.text
    summary = reply.json()
    assert summary["reloaded"] is False and summary["generation"] == before_gen
    outcome = {f["source"]: f for f in summary["files"]}
    for name, reason in BAD_FILES.items():
        assert outcome[name]["status"] == "skipped" and reason in outcome[name]["reason"], outcome[name]
    assert "folder path" in outcome["../escape.md"]["reason"]
    assert "folder path" in outcome["sub\\dir.md"]["reason"]
    assert "dot" in outcome[".hidden.md"]["reason"]
    assert "not partnership documents" in outcome["README.md"]["reason"]
    assert "unsupported file type" in outcome["notes.exe"]["reason"]
    assert site.assistant.knowledge_base().generation_id == before_gen
    assert site.files_on_disk() == before_files
    assert not (site.root.parent / "escape.md").exists()
    answer = site.api("POST", "/api/ask", json={"question": "what does DARDR stand for?"}).json()
    assert not answer["abstained"] and "Domestic Abuse Related Death Review" in answer["answer"]


def test_folder_traversal_is_refused(site: Site) -> None:
    files = [("files", ("ok.md", b"# Title\n\nText about a partnership meeting."))]
    for folder in ("../outside", "/etc", "a/../../b", ".git"):
        reply = site.api("POST", "/api/documents", data={"folder": folder}, files=files)
        assert reply.status_code == 400 and "folder" in reply.json()["error"]
    assert not (site.root.parent / "outside").exists()


def test_replace_with_a_new_version_and_a_broken_one(site: Site, corpus_bad: Path) -> None:
    glossary = KB_FILES[0]
    doc = document_id(glossary)
    original = (site.root / glossary).read_bytes()
    new = original + b"\n| ZZTP | Zebra Zone Test Panel, a made-up body for this test |\n"
    reply = site.api("PUT", f"/api/documents/{doc}", files={"file": ("glossary-of-acronyms.md", new)})
    assert reply.status_code == 200, reply.text
    assert {f["source"]: f["status"] for f in reply.json()["files"]}[glossary] == "changed"
    assert (site.root / glossary).read_bytes() == new

    broken = site.api("PUT", f"/api/documents/{doc}",
                      files={"file": ("glossary-of-acronyms.md", (corpus_bad / "empty-upload.pdf").read_bytes())})
    assert broken.status_code == 200 and broken.json()["reloaded"] is False
    assert (site.root / glossary).read_bytes() == new  # the good version was not overwritten
    assert glossary in site.sources()


def test_quarantined_upload_is_listed_but_its_source_is_not_served(site: Site, corpus_bad: Path) -> None:
    reply = site.api("POST", "/api/documents", files=_files(corpus_bad, "case-notes-with-personal-data.md"))
    assert {f["source"]: f["status"] for f in reply.json()["files"]}[
        "case-notes-with-personal-data.md"] == "quarantined"
    doc = {d["source"]: d for d in site.api("GET", "/api/documents").json()}["case-notes-with-personal-data.md"]
    assert doc["status"] == "quarantined" and doc["source_url"] is None and doc["chunks"] == 0
    assert site.api("GET", f"/api/documents/{doc['id']}/source").status_code == 403
    assert site.api("DELETE", f"/api/documents/{doc['id']}").json()["counts"]["removed"] == 1


def test_delete_removes_the_file_and_the_document(site: Site) -> None:
    csv = "kpis/kpi-dashboard-2026-q2.csv"
    reply = site.api("DELETE", f"/api/documents/{document_id(csv)}")
    assert reply.status_code == 200, reply.text
    assert {f["source"]: f["status"] for f in reply.json()["files"]}[csv] == "removed"
    assert csv not in site.sources() and csv not in site.files_on_disk()
    assert site.api("GET", f"/api/documents/{document_id(csv)}/source").status_code == 404
    assert site.api("DELETE", f"/api/documents/{document_id(csv)}").status_code == 404
    assert site.api("DELETE", "/api/documents/not-base64!").status_code == 404


def test_a_second_change_while_one_runs_is_refused(site: Site) -> None:
    assert site.api("GET", "/api/reload").json() == {"running": False, "stage": "", "done": 0, "total": 0}
    with site.assistant.library._writer:  # as if another upload were reloading now
        reply = site.api("POST", "/api/documents", files=[("files", ("x.md", b"# X\n\nSome text here."))])
    assert reply.status_code == 409 and "Another reload" in reply.json()["error"]
    assert "x.md" not in site.files_on_disk()


# -- feedback ---------------------------------------------------------------------------------------------------
def test_feedback_is_stored_without_the_question_by_default(site: Site) -> None:
    answer = site.api("POST", "/api/ask", json={"question": "what does DARDR stand for?"}).json()
    reply = site.api("POST", "/api/feedback", json={"answer_id": answer["answer_id"], "helpful": False,
                                                    "comment": "too long", "question": "what does DARDR stand for?"})
    assert reply.status_code == 201, reply.text
    assert reply.json()["question_stored"] is False
    stored = site.assistant.feedback.recent(1)[0]
    assert (stored.answer_id, stored.helpful, stored.comment, stored.question) == (
        answer["answer_id"], False, "too long", None)
    keeping = FeedbackStore(site.assistant.sessions, store_question=True)
    assert keeping.record("abc", True, question="kept when configured").question == "kept when configured"


# -- errors are clear 4xx, never 500 ----------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [
    ("POST", "/api/ask", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 422),
    ("POST", "/api/ask", {"json": {}}, 422),
    ("POST", "/api/ask", {"json": {"question": ""}}, 422),
    ("POST", "/api/ask", {"json": {"question": "x" * 2001}}, 422),
    ("POST", "/api/ask", {"json": {"question": 42}}, 422),
    ("POST", "/api/feedback", {"json": {"answer_id": "<script>", "helpful": True}}, 422),
    ("POST", "/api/feedback", {"json": {"answer_id": "abc", "helpful": "maybe"}}, 422),
    ("POST", "/api/feedback", {"content": b"[", "headers": {"content-type": "application/json"}}, 422),
    ("POST", "/api/documents", {"data": {"folder": "x"}}, 422),
    ("PUT", "/api/documents/bm9uZQ", {"files": {"file": ("a.md", b"# A\n\ntext")}}, 404),
    ("GET", "/api/documents/%FF/source", {}, 404),
])
def test_malformed_requests_get_a_clear_4xx(site: Site, method: str, path: str, kwargs: dict[str, object],
                                            status: int) -> None:
    reply = site.api(method, path, **kwargs)
    assert reply.status_code == status, reply.text
    assert reply.json()["error"]


def test_writes_from_other_sites_are_refused(site: Site) -> None:
    evil = site.api("POST", "/api/ask", json={"question": "what does DARDR stand for?"},
                    headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    files = [("files", ("x.md", b"# X\n\ntext"))]
    assert site.api("POST", "/api/documents", files=files, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    # DNS rebinding: a page on another name that resolves to 127.0.0.1 cannot use the local-mode server.
    assert site.api("GET", "/api/documents", headers={"Host": "evil.example"}).status_code == 400
    # Signed Slack events may come through a tunnel with its own host name (no Slack app here, hence 404).
    assert site.api("POST", "/slack/events", headers={"Host": "tunnel.example"}).status_code == 404


def test_openapi_lists_every_endpoint(site: Site) -> None:
    paths = site.api("GET", "/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/health", "/api/documents", "/api/documents/{doc_id}", "/api/documents/{doc_id}/source",
            "/api/feedback", "/api/reload"} <= set(paths)
    assert set(paths["/api/documents/{doc_id}"]) == {"put", "delete"}
    upload = paths["/api/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert upload["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("ReloadSummaryOut")


# -- limits and sign-in (fake embedder: no answers needed) ------------------------------------------------------
@pytest.fixture
def small_kb(tmp_path: Path, corpus: Path) -> Path:
    return _copy(corpus, tmp_path / "knowledge", ("referral-pathways/modern-slavery-nrm.md",))


def test_upload_limits(tmp_path: Path, settings_for: SettingsFor,
                       small_kb: Path, live_server: Callable[[FastAPI], str]) -> None:
    assistant = Assistant(settings_for(tmp_path / "data", embedder="fake", max_file_bytes=20_000,
                                    upload_max_bytes=60_000, upload_max_files=2))
    assistant.ingest(small_kb)
    url = live_server(create_app(assistant))
    officer = sign_in(url, assistant)
    big = httpx.post(f"{url}/api/documents", files=[("files", ("big.md", b"# Big\n\n" + b"word " * 5000))],
                     cookies=officer)
    assert big.status_code == 200
    assert "too large" in big.json()["files"][0]["reason"] and big.json()["reloaded"] is False
    many = [("files", (f"f{i}.md", b"# F\n\ntext")) for i in range(3)]
    too_many = httpx.post(f"{url}/api/documents", files=many, cookies=officer)
    assert too_many.status_code == 400 and "at most 2" in too_many.json()["error"]
    huge = httpx.post(f"{url}/api/documents", files=[("files", ("huge.md", b"x" * 100_000))], cookies=officer)
    assert huge.status_code == 413 and "too large" in huge.json()["error"]
    assistant.engine.dispose()


def test_a_non_local_binding_needs_a_token(tmp_path: Path, settings_for: SettingsFor) -> None:
    assistant = Assistant(settings_for(tmp_path / "data", embedder="fake"))
    with pytest.raises(ConfigError, match="PARTNERSHIP_API_TOKEN"):
        create_app(assistant, host="0.0.0.0")
    assistant.settings.api_token = "short"
    with pytest.raises(ConfigError, match="too short"):
        create_app(assistant, host="192.168.1.20")
    create_app(assistant, host="::1")  # loopback in any spelling is local mode
    cli._State.settings = settings_for(tmp_path / "cli", embedder="fake")
    try:
        result = CliRunner().invoke(cli.app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    finally:
        cli._State.settings = None
    assert isinstance(result.exception, ConfigError) and cli._State.assistant is None  # refused before loading
    assistant.engine.dispose()


def test_sign_in_off_loopback(tmp_path: Path, settings_for: SettingsFor,
                              small_kb: Path, live_server: Callable[[FastAPI], str]) -> None:
    assistant = Assistant(settings_for(tmp_path / "data", embedder="fake", api_token=TOKEN))
    assistant.ingest(small_kb)
    # Served on loopback for the test, but built as if bound to a public address.
    url = live_server(create_app(assistant, host="0.0.0.0"))
    assert httpx.get(f"{url}/api/health").json()["status"] == "ok"
    ask = {"question": "what is the NRM?"}
    refused = httpx.post(f"{url}/api/ask", json=ask)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert httpx.get(f"{url}/api/documents").status_code == 401
    assert httpx.post(f"{url}/api/ask", json=ask, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.post(f"{url}/api/ask", json=ask, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200

    page = httpx.get(f"{url}/documents")
    assert page.status_code == 303 and page.headers["location"] == "/signin?next=/documents"
    with httpx.Client(base_url=url) as browser:
        wrong = browser.post("/signin", data={"token": "nope", "next": "/documents"})
        assert wrong.status_code == 401 and "not right" in wrong.text
        signed = browser.post("/signin", data={"token": TOKEN, "next": "//evil.example/"})
        assert signed.status_code == 303 and signed.headers["location"] == "/"  # no open redirect
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert browser.get("/documents").status_code == 200
        assert browser.get("/api/documents").status_code == 200
        browser.post("/signout")
        assert browser.get("/documents").status_code == 303
    forged = httpx.get(f"{url}/documents", cookies={"partnership_session": "9999999999.deadbeef"})
    assert forged.status_code == 303
    assistant.engine.dispose()


def test_pages_work_without_javascript(site: Site) -> None:
    """Plain form posts get full pages back: asking, feedback, uploading and removing."""
    with httpx.Client(base_url=site.url, timeout=120) as browser:
        assert "Your question" in browser.get("/").text
        browser.cookies.update(site.cookies)
        page = browser.post("/", data={"question": "police closed a prevent referral. who do i escalate to?"})
        assert page.status_code == 200 and "Where this comes from" in page.text
        assert f"/api/documents/{document_id(PREVENT)}/source#page=3" in page.text
        empty = browser.post("/", data={"question": "  "})
        assert empty.status_code == 400 and "Please type a question." in empty.text
        thanks = browser.post("/feedback", data={"answer_id": "abc123", "helpful": "no"})
        assert thanks.status_code == 200 and "Thank you" in thanks.text

        tiny = browser.post("/documents", files=[("files", ("tiny.md", b"# Note\n\nA short note."))])
        assert "Nothing was changed" in tiny.text and "no text to index" in tiny.text
        note = b"# Panel note\n\nThe widget panel meets on the first Monday of each month to review open cases."
        upload = browser.post("/documents", files=[("files", ("nojs-note.md", note))])
        assert upload.status_code == 200 and "Knowledge base reloaded" in upload.text and "nojs-note.md" in upload.text
        removed = browser.post(f"/documents/{document_id('nojs-note.md')}/remove")
        assert removed.status_code == 200 and "Removed" in removed.text
        missing = browser.post(f"/documents/{document_id('nojs-note.md')}/remove")
        assert missing.status_code == 404 and "There is a problem" in missing.text


# -- users and roles (fake embedder) ----------------------------------------------------------------------------
NOTE = [("files", ("role-note.md", b"# Role note\n\nThe widget panel meets on the first Monday of each month."))]


def test_local_mode_roles(tmp_path: Path, settings_for: SettingsFor,
                          small_kb: Path, live_server: Callable[[FastAPI], str]) -> None:
    assistant = Assistant(settings_for(tmp_path / "data", embedder="fake"))
    assistant.ingest(small_kb)
    url = live_server(create_app(assistant))
    # Asking needs no sign-in on 127.0.0.1 (tools rely on it); changing the documents does.
    assert httpx.post(f"{url}/api/ask", json={"question": "what is the NRM?"}).status_code == 200
    assert httpx.get(f"{url}/api/documents").status_code == 200
    anonymous = httpx.post(f"{url}/api/documents", files=NOTE)
    assert anonymous.status_code == 401 and "policy officer" in anonymous.json()["error"]
    assert httpx.get(f"{url}/documents").text.count("sign in as a policy officer") == 1
    staff = sign_in(url, assistant, "s.staff", "staff")
    refused = httpx.post(f"{url}/api/documents", files=NOTE, cookies=staff)
    assert refused.status_code == 403 and "signed in as s.staff (staff)" in refused.json()["error"]
    doc = document_id("referral-pathways/modern-slavery-nrm.md")
    assert httpx.delete(f"{url}/api/documents/{doc}", cookies=staff).status_code == 403
    page = httpx.post(f"{url}/documents", files=NOTE, cookies=staff)
    assert page.status_code == 403 and "Only policy officers" in page.text and "Upload and reload" not in page.text
    officer = sign_in(url, assistant)
    assert httpx.get(f"{url}/documents", cookies=officer).text.count("Upload and reload") == 1
    uploaded = httpx.post(f"{url}/api/documents", files=NOTE, cookies=officer)
    assert uploaded.status_code == 200 and uploaded.json()["counts"]["added"] == 1
    wrong = httpx.post(f"{url}/signin", data={"username": "officer", "password": "not-it"})
    assert wrong.status_code == 401 and "do not match" in wrong.text and SESSION_COOKIE not in wrong.cookies
    assistant.users.disable("officer")  # disabling a user ends their sessions
    assert httpx.post(f"{url}/api/documents", files=NOTE, cookies=officer).status_code == 401
    assistant.engine.dispose()


def test_users_sign_in_off_loopback(tmp_path: Path, settings_for: SettingsFor,
                                    small_kb: Path, live_server: Callable[[FastAPI], str]) -> None:
    assistant = Assistant(settings_for(tmp_path / "data", embedder="fake", api_token=TOKEN))
    assistant.ingest(small_kb)
    url = live_server(create_app(assistant, host="0.0.0.0"))
    ask = {"question": "what is the NRM?"}
    for method, path in (("POST", "/api/ask"), ("GET", "/api/documents"), ("POST", "/api/referral"),
                         ("POST", "/api/documents")):
        assert httpx.request(method, f"{url}{path}", json=ask).status_code == 401, path
    staff = sign_in(url, assistant, "s.staff", "staff")
    assert httpx.post(f"{url}/api/ask", json=ask, cookies=staff).status_code == 200
    assert httpx.post(f"{url}/api/documents", files=NOTE, cookies=staff).status_code == 403
    officer = sign_in(url, assistant)
    assert httpx.post(f"{url}/api/documents", files=NOTE, cookies=officer).status_code == 200
    tampered = {SESSION_COOKIE: staff[SESSION_COOKIE].replace(".", "x.", 1)}
    assert httpx.post(f"{url}/api/ask", json=ask, cookies=tampered).status_code == 401
    # The API token acts as an admin, for tools.
    admin = {"Authorization": f"Bearer {TOKEN}"}
    doc = document_id("role-note.md")
    assert httpx.delete(f"{url}/api/documents/{doc}", headers=admin).status_code == 200
    assistant.engine.dispose()


def test_trusted_proxy_header(tmp_path: Path, settings_for: SettingsFor,
                              small_kb: Path, live_server: Callable[[FastAPI], str]) -> None:
    assistant = Assistant(settings_for(tmp_path / "data", embedder="fake", api_token=TOKEN,
                                    trusted_user_header="X-Forwarded-User"))
    assistant.ingest(small_kb)
    assistant.users.add("p.officer", PASSWORD, "policy_officer")
    assistant.users.add("s.staff", PASSWORD, "staff")
    url = live_server(create_app(assistant, host="0.0.0.0"))
    as_officer = {"X-Forwarded-User": "p.officer"}
    assert httpx.post(f"{url}/api/documents", files=NOTE, headers=as_officer).status_code == 200
    assert httpx.post(f"{url}/api/documents", files=NOTE,
                      headers={"X-Forwarded-User": "s.staff"}).status_code == 403
    assert httpx.get(f"{url}/api/documents", headers={"X-Forwarded-User": "nobody"}).status_code == 401
    assert "p.officer (policy officer)" in httpx.get(f"{url}/documents", headers=as_officer).text
    # From an address that is not a trusted proxy, the header means nothing.
    untrusted = Assistant(settings_for(tmp_path / "data", embedder="fake", api_token=TOKEN,
                                    trusted_user_header="X-Forwarded-User", trusted_proxy_ips=["10.9.9.9"]))
    other = live_server(create_app(untrusted, host="0.0.0.0"))
    assert httpx.get(f"{other}/api/documents", headers=as_officer).status_code == 401
    untrusted.engine.dispose()
    assistant.engine.dispose()
