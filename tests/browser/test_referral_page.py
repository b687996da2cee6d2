"""The "Find a referral route" screen in a real headless Chromium: from a plain-words situation to the best pathway,
its steps and key details with citation links; the emergency notice first when someone is in immediate danger; the
form without JavaScript; and a phone-width layout. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from assistant.embedding import Embedder
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.web.app import create_app
from tests.browser.conftest import Site

pytestmark = pytest.mark.browser

CCE = "year 9 boy seems to have lots of cash and new trainers and is missing school"
DANGER = "my neighbour says her partner strangled her last night"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, corpus: Path, real_embedder: Embedder,
         live_server: Callable[[FastAPI], str]) -> Site:
    """The real model on a temporary copy of the corpus's referral pathways and glossary, served on loopback."""
    base = tmp_path_factory.mktemp("referral-page")
    root = base / "knowledge"
    shutil.copytree(corpus / "referral-pathways", root / "referral-pathways")
    (root / "guidance").mkdir()
    shutil.copyfile(corpus / "guidance/glossary-of-acronyms.md", root / "guidance/glossary-of-acronyms.md")
    settings = Settings(data_dir=base / "data", database_url="", chroma_host="")  # type: ignore[call-arg]
    assistant = Assistant(settings, embedder=real_embedder)
    assistant.ingest(root)
    return Site(live_server(create_app(assistant)), assistant, root)


def _find(page: Page, url: str, situation: str) -> None:
    page.goto(f"{url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find a referral route").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a referral route")
    page.get_by_label("What is the situation?").fill(situation)
    page.get_by_role("button", name="Find a route").click()
    expect(page.locator("[data-referral]")).to_be_visible()


def _no_sideways_scroll(page: Page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, (scroll, inner)


def test_plain_words_situation_leads_to_the_exploitation_pathway_with_steps_and_citations(
        page: Page, site: Site, artifacts: Path) -> None:
    _find(page, site.url, CCE)
    expect(page.get_by_role("link", name="Find a referral route")).to_have_attribute("aria-current", "page")
    expect(page.locator("[data-emergency]")).to_have_count(0)
    best = page.locator("[data-pathway]").first
    expect(best.locator(".pathway__name")).to_contain_text(re.compile("criminal exploitation", re.I))
    expect(best.locator(".pathway__name")).to_contain_text("Best match")
    expect(best.get_by_role("heading", name="Why it matches")).to_be_visible()
    expect(best.locator(".why-list li").first).to_be_visible()

    steps = best.locator(".steps li")
    expect(steps.first).to_be_visible()
    assert steps.count() >= 2
    expect(best.get_by_role("heading", name="Steps to follow")).to_be_visible()
    for label in ("Who can refer", "How to refer", "Consent", "Timescales", "Out of hours",
                  "If it is not picked up"):
        expect(best.locator(".summary-list__key", has_text=label).first).to_be_visible()
    expect(best.locator(".summary-list__key", has_text=re.compile("Handoff"))).to_be_visible()
    expect(best.locator(".contact-list")).to_contain_text(re.compile(r"Email\s*\S+@"))
    page.screenshot(path=str(artifacts / "referral-route.png"), full_page=True)
    best.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "referral-route-best.png"))

    link = steps.first.locator("a.cite-link")
    expect(link).to_have_text(re.compile("How to refer"))
    href = link.get_attribute("href") or ""
    assert href.startswith("/api/documents/") and href.endswith("/source"), href
    source = page.request.get(f"{site.url}{href}")
    assert source.ok and "exploitation" in source.text().lower()
    every = best.locator("a.cite-link")
    assert every.count() >= steps.count() + 5  # the steps, why and the key details each link to their source

    others = page.locator("[data-pathway]")
    if others.count() > 1:  # the next best pathways keep their steps folded away
        expect(others.nth(1).locator(".steps")).not_to_be_visible()
        others.nth(1).get_by_text("Steps and details").click()
        expect(others.nth(1).locator(".summary-list")).to_be_visible()


def test_immediate_danger_shows_the_emergency_notice_before_the_pathways(page: Page, site: Site,
                                                                         artifacts: Path) -> None:
    _find(page, site.url, DANGER)
    notice = page.locator("[data-emergency]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("999")
    expect(notice.locator("a.cite-link")).to_have_count(1)
    assert (notice.locator("a.cite-link").get_attribute("href") or "").startswith("/api/documents/")
    expect(page.locator("#emergency-heading")).to_be_focused()  # keyboard and screen-reader users land on it
    first_pathway = page.locator("[data-pathway]").first
    expect(first_pathway).to_contain_text(re.compile("domestic abuse", re.I))
    assert page.evaluate("([a, b]) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)",
                         [notice.element_handle(), first_pathway.element_handle()])
    assert notice.bounding_box()["y"] < first_pathway.bounding_box()["y"]  # type: ignore[index]
    page.screenshot(path=str(artifacts / "referral-emergency.png"), full_page=True)


def test_the_form_works_without_javascript(browser: Browser, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site.url}/referral")
        page.get_by_label("What is the situation?").fill(CCE)
        page.get_by_role("button", name="Find a route").click()
        expect(page.locator("[data-pathway]").first).to_contain_text(re.compile("criminal exploitation", re.I))
        expect(page.get_by_label("What is the situation?")).to_have_value(CCE)  # kept, to refine it
    finally:
        context.close()


def test_phone_width_has_no_sideways_scrolling(page: Page, site: Site, artifacts: Path) -> None:
    page.set_viewport_size(PHONE)
    _find(page, site.url, DANGER)
    expect(page.locator("[data-emergency]")).to_be_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "referral-phone.png"), full_page=True)
    page.locator("[data-emergency]").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "referral-phone-result.png"))  # the first screenful of the result
    _find(page, site.url, CCE)
    _no_sideways_scroll(page)
