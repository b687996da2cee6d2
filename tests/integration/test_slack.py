"""The Slack door end to end: real signed HTTP requests to the app served by uvicorn on loopback, and slack_sdk
pointed at a local fake Slack Web API (tests/fakes/slack_api.py) that records every call."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from fakes.slack_api import BOT_TOKEN, BOT_USER_ID, TEAM_ID, FakeSlackAPI
from fastapi import FastAPI

from assistant.library import document_id
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.slack import build_bolt_app, mount
from assistant.slack.blocks import FEEDBACK_UP

pytestmark = pytest.mark.integration

SECRET = "test-signing-secret-0123456789"
TOKEN = BOT_TOKEN
OFFICER = "UOFFICER"
STAFF = "USTAFF"
BASE_URL = "https://assistant.eastbrook.example"
PERSONAL = ("Sarah", "Whitlock", "14/02/1991", "999 123 4500", "Millfield", "EB4 7QT", "07700 900123")
_ts = itertools.count(1)


def _next_ts() -> str:
    return f"{int(time.time())}.{next(_ts):06d}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serve(app: FastAPI) -> Iterator[str]:
    """A server that stops with the test (the session's live_server would outlive a per-test assistant)."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


def _slack_settings(settings: Settings, fake: FakeSlackAPI, **extra: Any) -> Settings:
    return settings.model_copy(update={"slack_signing_secret": SECRET, "slack_bot_token": TOKEN,
                                       "slack_api_url": fake.api_url, "slack_policy_officers": f"{OFFICER},UOTHER",
                                       "slack_policy_officer_groups": "S0OFFICERS",
                                       "public_base_url": BASE_URL, **extra})


class SignedSlack:
    """Sends requests the way Slack does: form or JSON bodies signed with HMAC-SHA256 (v0) and a timestamp."""

    def __init__(self, url: str, fake: FakeSlackAPI) -> None:
        self.url, self.fake = f"{url}/slack/events", fake

    def post(self, body: str, content_type: str, *, age: int = 0, secret: str = SECRET,
             headers: dict[str, str] | None = None) -> httpx.Response:
        ts = str(int(time.time()) - age)
        sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        return httpx.post(self.url, content=body, timeout=10, headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig,
            **(headers or {})})

    def event(self, event: dict[str, Any], event_id: str | None = None, **kw: Any) -> httpx.Response:
        body = {"token": "unused", "team_id": TEAM_ID, "api_app_id": "A0001", "type": "event_callback",
                "event_id": event_id or f"Ev{_next_ts().replace('.', '')}", "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}], "event": event}
        return self.post(json.dumps(body), "application/json", **kw)

    def mention(self, text: str, *, thread_ts: str | None = None, user: str = STAFF,
                channel: str = "C100") -> tuple[httpx.Response, str]:
        ts = _next_ts()
        event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
                 "channel": channel, "event_ts": ts, **({"thread_ts": thread_ts} if thread_ts else {})}
        return self.event(event), ts

    def direct_message(self, text: str, *, user: str = STAFF, files: list[dict[str, Any]] | None = None,
                       ) -> tuple[httpx.Response, str]:
        ts = _next_ts()
        event: dict[str, Any] = {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
                                 "channel": "D100", "event_ts": ts}
        if files:
            event.update(subtype="file_share", files=files)
        return self.event(event), ts

    def command(self, text: str, *, user: str = STAFF, response: str = "cmd") -> httpx.Response:
        body = urlencode({"token": "unused", "team_id": TEAM_ID, "channel_id": "C100", "user_id": user,
                          "command": "/partnership", "text": text, "api_app_id": "A0001", "trigger_id": "1.2.3",
                          "response_url": f"{self.fake.url}/response/{response}"})
        return self.post(body, "application/x-www-form-urlencoded")

    def click(self, action_id: str, value: str, message: dict[str, Any], channel: str = "C100") -> httpx.Response:
        payload = {"type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": STAFF}, "api_app_id": "A0001",
                   "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel,
                                 "is_ephemeral": False},
                   "channel": {"id": channel}, "message": message, "trigger_id": "1.2.3",
                   "response_url": f"{self.fake.url}/response/click",
                   "actions": [{"action_id": action_id, "block_id": "answer_feedback", "value": value,
                                "type": "button", "action_ts": _next_ts()}]}
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def _texts(blocks: list[dict[str, Any]]) -> str:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        out.extend(e.get("text", "") if isinstance(e.get("text"), str) else e.get("text", {}).get("text", "")
                   for e in b.get("elements", []))
    return "\n".join(out)


# -- fixtures -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_slack(real_assistant: Assistant, slack_api: FakeSlackAPI, live_server: Callable[[FastAPI], str]) -> str:
    """The whole app on the real knowledge base (ingested once per session), with Slack mounted. The shared
    assistant's settings are left alone: the Slack app gets its own copy."""
    from assistant.web.app import create_app

    app = create_app(real_assistant)
    bolt = build_bolt_app(real_assistant, _slack_settings(real_assistant.settings, slack_api))
    assert bolt is not None
    mount(app, bolt)
    return live_server(app)


@pytest.fixture
def real(real_slack: str, fake: FakeSlackAPI) -> SignedSlack:
    return SignedSlack(real_slack, fake)


@pytest.fixture
def small_kb(fake_assistant: Assistant, tmp_path: Path, corpus: Path, fake: FakeSlackAPI) -> Assistant:
    """A few corpus files in a temporary knowledge folder (fake embedder), with Slack switched on in its settings:
    the reload tests write into this folder, never into the shared corpus."""
    root = tmp_path / "kb"
    (root / "referral-pathways").mkdir(parents=True)
    shutil.copy(corpus / "referral-pathways/modern-slavery-nrm.md", root / "referral-pathways")
    shutil.copy(corpus / "guidance/glossary-of-acronyms.md", root)
    fake_assistant.ingest(root)
    fake_assistant.settings = _slack_settings(fake_assistant.settings, fake)
    return fake_assistant


@pytest.fixture
def small(small_kb: Assistant, fake: FakeSlackAPI) -> Iterator[SignedSlack]:
    from assistant.web.app import create_app

    with _serve(create_app(small_kb)) as url:  # mounted by create_app because the settings are present
        yield SignedSlack(url, fake)


# -- asking ---------------------------------------------------------------------------------------------------
def test_mention_gets_a_threaded_answer_citing_document_and_page(real: SignedSlack, fake: FakeSlackAPI) -> None:
    started = time.perf_counter()
    response, ts = real.mention("what's the first time entrants target?")
    assert response.status_code == 200
    assert time.perf_counter() - started < 3.0  # acknowledged well within Slack's 3 seconds
    post = fake.wait_for("chat.postMessage")[0]
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    assert post.body["channel"] == "C100" and post.body["thread_ts"] == ts
    text = _texts(post.body["blocks"])
    assert "170" in text
    source = "strategy/safer-eastbrook-community-safety-strategy-2025-2028.pdf"
    assert f"*[1]* <{BASE_URL}/api/documents/{document_id(source)}/source#page=6|" in text
    assert "· page 6" in text
    assert post.body["blocks"][-1]["elements"][0]["action_id"] == FEEDBACK_UP


def test_unanswerable_question_gets_the_short_abstention(real: SignedSlack, fake: FakeSlackAPI) -> None:
    real.mention("how many moons does Jupiter have?")
    post = fake.wait_for("chat.postMessage")[0]
    text = _texts(post.body["blocks"])
    assert "don't answer this" in text
    assert "*[1]*" not in text  # no citations, only where to look
    assert "Where to look: <" in text


def test_direct_message_is_answered_in_its_thread(real: SignedSlack, fake: FakeSlackAPI) -> None:
    _, ts = real.direct_message("what does DARDR stand for?")
    post = fake.wait_for("chat.postMessage")[0]
    assert post.body["channel"] == "D100" and post.body["thread_ts"] == ts
    assert "Domestic Abuse Related Death Review" in _texts(post.body["blocks"])


def test_follow_up_in_the_thread_keeps_its_context(real: SignedSlack, fake: FakeSlackAPI) -> None:
    _, ts = real.mention("how do I raise an adult safeguarding concern?")
    fake.wait_for("chat.postMessage")
    real.mention("and out of hours?", thread_ts=ts)  # on its own, every pathway has an "Out of hours" section
    follow = fake.wait_for("chat.postMessage", 2)[1]
    assert follow.body["thread_ts"] == ts
    first_citation = _texts(follow.body["blocks"]).split("*[1]*")[1].split("\n")[0]
    assert document_id("referral-pathways/adults-at-risk-safeguarding.html") in first_citation
    assert "Out of hours" in _texts(follow.body["blocks"])


def test_retried_event_is_answered_once(real: SignedSlack, fake: FakeSlackAPI) -> None:
    ts = _next_ts()
    event = {"type": "app_mention", "user": STAFF, "text": f"<@{BOT_USER_ID}> what does DARDR stand for?",
             "ts": ts, "channel": "C100", "event_ts": ts}
    assert real.event(event, event_id="EvRETRY1").status_code == 200
    fake.wait_for("chat.postMessage")
    retry = real.event(event, event_id="EvRETRY1", headers={"X-Slack-Retry-Num": "1",
                                                            "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status_code == 200
    time.sleep(1.0)
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_rate_limited_post_is_retried(real: SignedSlack, fake: FakeSlackAPI) -> None:
    fake.rate_limit["chat.postMessage"] = 1  # the first attempt gets 429 with Retry-After
    real.mention("what does DARDR stand for?")
    posts = fake.wait_for("chat.postMessage", 2)
    assert posts[0].body == posts[1].body


def test_personal_data_is_not_echoed_or_logged(real: SignedSlack, fake: FakeSlackAPI,
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    real.direct_message("Sarah Jane Whitlock DOB 14/02/1991, NHS 999 123 4500, lives at Flat 12, Harlow House, "
                        "Millfield Road, Eastbrook EB4 7QT, mobile 07700 900123. How do I refer her to MARAC?")
    post = fake.wait_for("chat.postMessage")[0]
    text = _texts(post.body["blocks"])
    assert "never go in Slack" in text  # the one-line reminder of the protocol's rule
    assert "MARAC" in text  # the part that could be answered was answered
    time.sleep(0.3)
    for secret in PERSONAL:
        assert secret not in fake.all_text()
        assert secret not in caplog.text


# -- commands ---------------------------------------------------------------------------------------------------
def test_slash_ask_answers_privately(real: SignedSlack, fake: FakeSlackAPI) -> None:
    response = real.command("ask what does DARDR stand for?")
    assert response.status_code == 200
    reply = fake.wait_for("response")[0]
    assert reply.body["response_type"] == "ephemeral"
    assert "Domestic Abuse Related Death Review" in _texts(reply.body["blocks"])
    assert "glossary" in _texts(reply.body["blocks"]).lower()


def test_slash_help_referral_and_escalate(real: SignedSlack, fake: FakeSlackAPI,
                                          real_assistant: Assistant) -> None:
    assert "/partnership ask" in real.command("help").text  # answered in the ack itself
    assert "I don't know that one" in real.command("frobnicate").text
    real.command("referral adult victim of trafficking, no consent", response="ref")
    real.command("escalate housing transfer stuck for weeks", response="esc")
    replies = {c.path: c for c in fake.wait_for("response", 2)}
    if not hasattr(real_assistant, "find_referral"):
        assert "Referral look-up is coming soon" in replies["/response/ref"].body["text"]
    if not hasattr(real_assistant, "escalations"):
        assert "Escalation routing is coming soon" in replies["/response/esc"].body["text"]
    assert all(r.body.get("blocks") for r in replies.values())


def test_reload_and_documents_are_for_policy_officers_only(real: SignedSlack, fake: FakeSlackAPI,
                                                           real_assistant: Assistant) -> None:
    before = real_assistant.store.current()
    real.command("reload", response="reload")
    real.command("documents", response="docs")
    replies = fake.wait_for("response", 2)
    assert all("only the partnership's policy officers" in c.body["text"] for c in replies)
    assert real_assistant.store.current() == before


def test_documents_listed_for_an_officer(real: SignedSlack, fake: FakeSlackAPI) -> None:
    real.command("documents", user=OFFICER)
    reply = fake.wait_for("response")[0]
    text = _texts(reply.body["blocks"])
    assert "documents in the knowledge base" in text and "glossary-of-acronyms.md" in text


def test_non_officer_cannot_reload_by_sharing_a_file(real: SignedSlack, fake: FakeSlackAPI) -> None:
    fake.add_file("F9", "new-pathway.md", b"# Something\n\nText.\n")
    real.direct_message("", user=STAFF, files=[{"id": "F9", "name": "new-pathway.md"}])
    post = fake.wait_for("chat.postMessage")[0]
    assert "only the partnership's policy officers" in post.body["text"]
    time.sleep(0.3)
    assert not fake.calls_to("download") and not fake.calls_to("files.info")


# -- feedback ---------------------------------------------------------------------------------------------------
def test_feedback_click_is_stored_with_the_answer_id(real: SignedSlack, fake: FakeSlackAPI,
                                                     real_assistant: Assistant) -> None:
    real.mention("what does DARDR stand for?")
    post = fake.wait_for("chat.postMessage")[0]
    buttons = post.body["blocks"][-1]["elements"]
    answer_id = buttons[0]["value"]
    message = {"type": "message", "ts": _next_ts(), "text": post.body["text"], "blocks": post.body["blocks"]}
    assert real.click(buttons[0]["action_id"], answer_id, message).status_code == 200
    update = fake.wait_for("chat.update")[0]
    assert update.body["ts"] == message["ts"]
    assert all(b.get("block_id") != "answer_feedback" for b in update.body["blocks"])
    stored = [r for r in real_assistant.feedback.recent() if r.answer_id == answer_id]
    assert len(stored) == 1 and stored[0].helpful is True and stored[0].question is None


# -- signatures -------------------------------------------------------------------------------------------------
def test_bad_signature_is_refused_and_nothing_posted(real: SignedSlack, fake: FakeSlackAPI) -> None:
    body = json.dumps({"type": "event_callback", "event_id": "EvBAD", "team_id": TEAM_ID, "event": {
        "type": "app_mention", "user": STAFF, "text": "<@UBOT> what does DARDR stand for?", "ts": _next_ts(),
        "channel": "C100"}})
    assert real.post(body, "application/json", secret="not-the-secret").status_code == 401
    unsigned = httpx.post(real.url, content=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    assert real.command("ask anything", response="x").status_code == 200  # the same route works when signed
    fake.wait_for("response")
    assert not fake.calls_to("chat.postMessage")


def test_replayed_old_timestamp_is_refused(real: SignedSlack, fake: FakeSlackAPI) -> None:
    body = urlencode({"command": "/partnership", "text": "ask what does DARDR stand for?", "user_id": STAFF,
                      "channel_id": "C100", "team_id": TEAM_ID, "response_url": f"{fake.url}/response/old"})
    assert real.post(body, "application/x-www-form-urlencoded", age=10 * 60).status_code == 401
    time.sleep(0.5)
    assert not fake.calls


# -- reload from Slack (temporary knowledge folder, fake embedder) -----------------------------------------------
NIGHT_SHELTER = b"""# Winter night shelter referral pathway

Owner: Housing Options. Status: current.

## 1. How to refer
Referrals to the Eastbrook winter night shelter go through the Housing Options duty desk on 020 7946 0555,
open 09:00 to 17:00. The shelter opens from 1 December to 28 February.
"""


def test_officer_shares_a_file_it_is_ingested_and_then_answered(small: SignedSlack, fake: FakeSlackAPI,
                                                                 small_kb: Assistant) -> None:
    root = small_kb.library.root()
    fake.add_file("F1", "winter-night-shelter.md", NIGHT_SHELTER)
    response, ts = small.direct_message("", user=OFFICER, files=[{"id": "F1", "name": "winter-night-shelter.md"}])
    assert response.status_code == 200
    posts = fake.wait_for("chat.postMessage", 2, timeout=60)
    assert all(p.body["thread_ts"] == ts for p in posts)
    assert "Adding 1 file" in posts[0].body["text"]
    summary = _texts(posts[1].body["blocks"])
    assert "*Knowledge base updated*" in summary and "*added* `winter-night-shelter.md`" in summary
    assert "2 unchanged" in summary or "files unchanged" in summary
    assert fake.calls_to("files.info")[0].body["file"] == "F1"  # the event carried only the id
    download = fake.calls_to("download")[0]
    assert download.headers["authorization"] == f"Bearer {TOKEN}"
    assert (root / "winter-night-shelter.md").read_bytes() == NIGHT_SHELTER

    small.mention("what number do I call to refer to the winter night shelter?")
    answer = fake.wait_for("chat.postMessage", 3)[2]
    text = _texts(answer.body["blocks"])
    assert "020 7946 0555" in text and document_id("winter-night-shelter.md") in text


def test_a_shared_file_named_like_a_document_replaces_it(small: SignedSlack, fake: FakeSlackAPI,
                                                         small_kb: Assistant) -> None:
    root = small_kb.library.root()
    new_version = (root / "referral-pathways/modern-slavery-nrm.md").read_bytes() + b"\n\n## 12. Added\nNew text.\n"
    fake.add_file("F2", "modern-slavery-nrm.md", new_version)
    small.direct_message("", user=OFFICER, files=[{"id": "F2", "name": "modern-slavery-nrm.md"}])
    summary = _texts(fake.wait_for("chat.postMessage", 2, timeout=60)[1].body["blocks"])
    assert "*changed* `referral-pathways/modern-slavery-nrm.md`" in summary
    assert (root / "referral-pathways/modern-slavery-nrm.md").read_bytes() == new_version
    assert not (root / "modern-slavery-nrm.md").exists()


def test_officer_reloads_the_folder_and_a_group_member_lists_documents(small: SignedSlack,
                                                                         fake: FakeSlackAPI) -> None:
    fake.usergroups["S0OFFICERS"] = ["UGROUPIE"]
    small.command("reload", user=OFFICER, response="reload")
    replies = fake.wait_for("response", 2, timeout=60)
    assert "Reloading the knowledge base" in replies[0].body["text"]
    assert "2 files unchanged" in _texts(replies[1].body["blocks"])
    small.command("documents", user="UGROUPIE", response="docs")
    listing = _texts(fake.wait_for("response", 3)[2].body["blocks"])
    assert "2 documents in the knowledge base" in listing and "`glossary-of-acronyms.md`" in listing
    assert fake.calls_to("usergroups.users.list")[0].body["usergroup"] == "S0OFFICERS"


def test_errors_reply_with_a_safe_message(fake_assistant: Assistant, fake: FakeSlackAPI,
                                          monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from assistant.web.app import create_app

    fake_assistant.settings = _slack_settings(fake_assistant.settings, fake)
    with _serve(create_app(fake_assistant)) as url:
        slack = SignedSlack(url, fake)
        slack.mention("what does DARDR stand for?")  # nothing loaded yet: the core's own message
        assert "knowledge base is empty" in fake.wait_for("chat.postMessage")[0].body["text"]

        def broken(_question: str) -> None:
            raise RuntimeError("internal detail that must not reach Slack")

        monkeypatch.setattr(fake_assistant, "ask", broken)
        slack.mention("what does DARDR stand for?")
        post = fake.wait_for("chat.postMessage", 2)[1]
    assert "something went wrong on my side" in post.body["text"]
    assert "internal detail" not in fake.all_text()
    assert "Slack answer failed" in caplog.text and "RuntimeError" in caplog.text  # the trace is in the log


def test_create_app_mounts_slack_only_when_configured(fake_assistant: Assistant, fake: FakeSlackAPI) -> None:
    from assistant.web.app import create_app

    paths = {getattr(r, "path", "") for r in create_app(fake_assistant).routes}
    assert "/slack/events" not in paths
    fake_assistant.settings = _slack_settings(fake_assistant.settings, fake)
    assert "/slack/events" in {getattr(r, "path", "") for r in create_app(fake_assistant).routes}
