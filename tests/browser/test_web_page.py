"""The web page in a real headless Chromium: ask and see the evidence, abstain, keyboard use, feedback, upload with
progress and a file-by-file summary, removal, sign-in off loopback and a phone-width layout. Screenshots of each
main screen go to tests/artifacts/."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from assistant.web.app import create_app

pytestmark = pytest.mark.browser

ANSWERABLE = "police closed a prevent referral and i think thats wrong. who do i escalate to?"
UNANSWERABLE = "how many PCSOs are there in eastbrook?"
TURNAROUND = "who do I phone with questions before referring a child to Turnaround?"
PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-browser-password"


def _ask(page: Page, url: str, question: str) -> None:
    page.goto(f"{url}/")
    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Ask").click()
    expect(page.locator("#answer-heading")).to_be_visible()


def _sign_in(page: Page, site: Any, username: str = "officer", role: str = "policy_officer") -> None:
    """Sign in on /signin as a user made as `partnership users add` makes them (added once)."""
    if site.assistant.users.get(username) is None:
        site.assistant.users.add(username, PASSWORD, role)
    page.goto(f"{site.url}/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _no_sideways_scroll(page: Page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, (scroll, inner)


def test_answer_shows_numbered_citations_with_page_and_section(page: Page, site: Any, artifacts: Path) -> None:
    _ask(page, site.url, ANSWERABLE)
    expect(page.locator("#answer-heading")).to_have_text("Answer")
    expect(page.locator(".answer__text")).to_contain_text("Head of Community Safety")
    first = page.locator("#cite-1")
    expect(first).to_contain_text("Prevent")
    expect(first.locator(".citation__meta")).to_contain_text(re.compile(r"Page\s*3"))
    expect(first.locator(".citation__meta")).to_contain_text(re.compile(r"Section\s*9\.2"))
    expect(first.locator(".citation__snippet")).not_to_be_empty()
    page.screenshot(path=str(artifacts / "ask-answer.png"), full_page=True)

    link = first.get_by_role("link", name=re.compile("Open the source"))
    href = link.get_attribute("href") or ""
    assert href.endswith("#page=3"), href
    source = page.request.get(f"{site.url}{href}")
    assert source.ok and source.headers["content-type"] == "application/pdf"
    with page.expect_popup() as popup:  # the source opens in a new tab at the cited page
        link.click()
    assert popup.value.url.endswith("#page=3")


def test_feedback_is_recorded_in_place(page: Page, site: Any) -> None:
    _ask(page, site.url, ANSWERABLE)
    before = len(site.assistant.feedback.recent())
    page.get_by_text("Add a comment (optional)").click()
    page.get_by_label("Comment").fill("clear, thanks")
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_text("Thank you. Your feedback has been recorded.")).to_be_visible()
    expect(page.locator("#answer-heading")).to_be_visible()  # the answer stays on screen
    latest = site.assistant.feedback.recent(1)[0]
    assert len(site.assistant.feedback.recent()) == before + 1
    assert (latest.helpful, latest.comment, latest.question) == (True, "clear, thanks", None)


def test_unanswerable_question_shows_the_abstention_with_closest_documents(page: Page, site: Any,
                                                                          artifacts: Path) -> None:
    _ask(page, site.url, UNANSWERABLE)
    expect(page.locator("#answer-heading")).to_have_text("The documents don't answer this")
    expect(page.locator(".citations")).to_have_count(0)
    related = page.locator(".related-list li")
    expect(related.first).to_be_visible()
    assert (related.first.get_by_role("link").get_attribute("href") or "").startswith("/api/documents/")
    page.screenshot(path=str(artifacts / "ask-abstain.png"), full_page=True)


def test_asking_works_with_the_keyboard_only(page: Page, site: Any, artifacts: Path) -> None:
    page.goto(f"{site.url}/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "question":
            break
    else:
        pytest.fail("the question box cannot be reached with Tab")
    page.keyboard.type(ANSWERABLE)
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent.trim(), "
                            "getComputedStyle(document.activeElement).backgroundColor]")
    assert focused == ["Ask", "rgb(255, 221, 0)"]  # the Ask button, with the visible yellow focus style
    page.screenshot(path=str(artifacts / "keyboard-focus.png"))
    page.keyboard.press("Enter")
    expect(page.locator("#answer-heading")).to_be_focused()  # focus moves to the answer for screen readers
    expect(page.locator("#cite-1")).to_contain_text("Section")


def test_upload_shows_progress_then_the_summary_file_by_file(page: Page, site: Any, corpus: Path,
                                                             corpus_bad: Path, artifacts: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    library = site.assistant.library
    reload = library._reload

    def slow_reload(root: Path, progress: Callable[[str, int, int], None], refused: list[Any]) -> Any:
        progress("load", 1, 3)  # hold the reload long enough to see the progress bar
        time.sleep(2)
        return reload(root, progress, refused)

    monkeypatch.setattr(library, "_reload", slow_reload)
    _sign_in(page, site)  # changing the documents needs a policy officer, even in local mode
    page.goto(f"{site.url}/documents")
    page.get_by_label("Choose files").set_input_files([
        corpus / "referral-pathways/youth-diversion-turnaround.md", corpus_bad / "referral-flowchart.pdf"])
    page.get_by_label("Folder (optional)").fill("referral-pathways")
    page.get_by_role("button", name="Upload and reload").click()
    progress = page.locator("[data-progress]")
    expect(progress).to_be_visible()
    expect(progress).to_contain_text("Reading the documents: 1 of 3")
    page.screenshot(path=str(artifacts / "documents-progress.png"))

    expect(page.locator("#summary-heading")).to_have_text("Knowledge base reloaded", timeout=60_000)
    expect(progress).to_be_hidden()
    added = page.locator(".summary-row--added")
    expect(added).to_contain_text("referral-pathways/youth-diversion-turnaround.md")
    skipped = page.locator(".summary-row--skipped")
    expect(skipped).to_contain_text("referral-flowchart.pdf")
    expect(skipped).to_contain_text("unsupported file type (PNG image named .pdf)")
    expect(page.locator(".documents-table")).to_contain_text("Youth diversion")
    page.screenshot(path=str(artifacts / "documents-summary.png"), full_page=True)

    _ask(page, site.url, TURNAROUND)
    expect(page.locator(".answer__text")).to_contain_text("020 7946 0610")
    expect(page.locator("#cite-1")).to_contain_text("youth-diversion-turnaround.md")


def test_remove_a_document_from_the_documents_page(page: Page, site: Any) -> None:
    _sign_in(page, site)
    page.goto(f"{site.url}/documents")
    page.get_by_label("Choose files").set_input_files(
        files=[{"name": "widget-panel.md", "mimeType": "text/markdown",
                "buffer": b"# Widget panel terms\n\nThe widget panel meets on the first Monday of each month."}])
    page.get_by_role("button", name="Upload and reload").click()
    row = page.locator(".documents-table tr", has_text="widget-panel.md")
    expect(row).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())  # "Remove … from the knowledge base?"
    row.get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator(".summary-row--removed")).to_contain_text("widget-panel.md")
    expect(page.locator(".documents-table")).not_to_contain_text("widget-panel.md")
    assert not (site.root / "widget-panel.md").exists()


def test_phone_width_has_no_sideways_scrolling(page: Page, site: Any, artifacts: Path) -> None:
    page.set_viewport_size(PHONE)
    _ask(page, site.url, ANSWERABLE)
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "phone-answer.png"), full_page=True)
    page.goto(f"{site.url}/documents")
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "phone-documents.png"))
    page.locator(".documents-table tbody tr").first.screenshot(path=str(artifacts / "phone-documents-row.png"))


def test_sign_in_is_required_off_loopback(page: Page, site: Any, artifacts: Path,
                                          live_server: Callable[[FastAPI], str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site.assistant.settings, "api_token", "browser-test-token-0123456789")
    url = live_server(create_app(site.assistant, host="0.0.0.0"))  # as if served on a public address
    page.goto(f"{url}/documents")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.screenshot(path=str(artifacts / "signin.png"))
    page.get_by_text("Sign in with an access token instead").click()
    page.get_by_label("Access token").fill("wrong")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("That access token is not right.")
    page.screenshot(path=str(artifacts / "signin-error.png"))
    page.get_by_label("Access token").fill("browser-test-token-0123456789")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    expect(page.get_by_text("Local mode")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_staff_can_ask_but_not_upload_and_an_officer_can(page: Page, site: Any, artifacts: Path,
                                                          live_server: Callable[[FastAPI], str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site.assistant.settings, "api_token", "browser-test-token-0123456789")
    url = live_server(create_app(site.assistant, host="0.0.0.0"))  # off loopback: everyone signs in
    served = type(site)(url, site.assistant, site.root)
    _sign_in(page, served, "s.staff", "staff")
    expect(page.get_by_text("s.staff (staff)")).to_be_visible()
    _ask(page, url, ANSWERABLE)
    expect(page.locator(".answer__text")).to_contain_text("Head of Community Safety")
    page.goto(f"{url}/documents")
    expect(page.get_by_role("heading", name="Only policy officers can change the documents")).to_be_visible()
    expect(page.get_by_label("Choose files")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    page.screenshot(path=str(artifacts / "documents-staff.png"), full_page=True)
    refused = page.request.post(f"{url}/api/documents", multipart={"files": {
        "name": "staff-note.md", "mimeType": "text/markdown", "buffer": b"# Staff note\n\nSome text here."}})
    assert refused.status == 403

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, served, "o.officer", "policy_officer")
    page.goto(f"{url}/documents")
    page.get_by_label("Choose files").set_input_files(
        files=[{"name": "officer-note.md", "mimeType": "text/markdown",
                "buffer": b"# Officer note\n\nThe gadget board meets on the last Friday of each month."}])
    page.get_by_role("button", name="Upload and reload").click()
    expect(page.locator(".summary-row--added")).to_contain_text("officer-note.md", timeout=60_000)
    page.screenshot(path=str(artifacts / "documents-officer.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".documents-table tr", has_text="officer-note.md").get_by_role(
        "button", name=re.compile("^Remove")).click()
    expect(page.locator(".summary-row--removed")).to_contain_text("officer-note.md")
