"""Escalations through every door: `ask`, the CLI, the JSON API and web page, Slack, and the timer in `serve`.

`ask` runs on the session's real knowledge base (real model); the other doors use an assistant with the fake
embedder on SQLite in a temporary folder (the storage itself runs on SQLite and PostgreSQL in
test_escalation_store.py). Slack is the local fake Web API (tests/fakes/slack_api.py), reached over real HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from fakes.slack_api import BOT_TOKEN, TEAM_ID, FakeSlackAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant import cli
from assistant.db import build_engine, build_sessionmaker
from assistant.errors import PersonalDataError
from assistant.escalations import EscalationService, NullNotifier, load_rules
from assistant.escalations.rules import RULES_FILE, parse_rules
from assistant.escalations.slack_notifier import ACK_ACTION, SlackNotifier, build_notifier
from assistant.migrate import upgrade
from assistant.scheduler import run_tick, start_escalation_timer, stop_escalation_timer
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.slack.blocks import RAISE_ACTION, RAISE_VIEW
from assistant.web.app import create_app

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
QUESTION_SETS = [SHARED / "corpus" / "dev-questions.jsonl", REPO / "tests" / "eval" / "eastbrook-tuning.jsonl"]
PROTOCOL = "protocols/stuck-case-escalation-protocol.md"
LONDON = ZoneInfo("Europe/London")
SECRET = "test-signing-secret-0123456789"
TOKEN = BOT_TOKEN
# What a raiser types that must never reach Slack: the summary, the agency's case reference, their own name.
SUMMARY = "Housing association will not agree a management transfer for a high risk domestic abuse tenant"
CASE_REF = "EBH-77-QX"
RAISER = "Jo Bloggs, Eastbrook Homes"


def _escalation_questions() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in QUESTION_SETS:
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["kind"] == "escalation"]


def _settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"database_url": "", "chroma_host": "", "embedder": "fake",
                              "escalation_tick_minutes": 0, **overrides}
    return Settings(data_dir=data_dir, **values)


@pytest.fixture
def app_settings(settings_for: Callable[..., Settings]) -> Callable[..., Settings]:
    """Settings of an app on this test's topology (both, in turn), with the fake embedder and the timer off."""
    def build(data_dir: Path, **overrides: Any) -> Settings:
        return settings_for(data_dir, **{"embedder": "fake", "escalation_tick_minutes": 0, **overrides})
    return build


@pytest.fixture
def assistant(tmp_path: Path, app_settings: Callable[..., Settings]) -> Iterator[Assistant]:
    built = Assistant(app_settings(tmp_path / "data"))
    yield built
    built.engine.dispose()


@pytest.fixture
def client(assistant: Assistant) -> TestClient:
    return TestClient(create_app(assistant), base_url="http://127.0.0.1")


# -- ask --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("question", _escalation_questions(), ids=lambda q: q["id"])
def test_ask_names_the_owner(real_assistant: Assistant, question: dict[str, Any]) -> None:
    answer = real_assistant.ask(question["question"])
    assert not answer.abstained and answer.question_type == "escalation"
    for wanted in question["answer_must_contain"]:
        assert wanted.lower() in answer.answer.lower(), answer.answer
    cited = {c.source for c in answer.citations}
    assert PROTOCOL in cited and cited & set(question["expected_sources"])
    assert re.search(r"\[1\]", answer.answer)


def test_ask_leaves_other_questions_to_the_documents(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how long does level 2 have to respond to a stuck case?")
    assert answer.question_type != "escalation"


def test_ask_does_not_route_when_the_protocol_is_not_in_the_knowledge_base(assistant: Assistant,
                                                                           tmp_path: Path) -> None:
    root = tmp_path / "kb"
    (root / "guidance").mkdir(parents=True)
    shutil.copyfile(SHARED / "corpus" / "guidance" / "glossary-of-acronyms.md", root / "guidance" / "glossary.md")
    assistant.ingest(root)
    assert assistant.ask("who's level 3 for a DA stuck case?").question_type != "escalation"


def test_a_new_protocol_version_warns_that_the_rules_may_be_out_of_date(assistant: Assistant,
                                                                       tmp_path: Path) -> None:
    root = tmp_path / "kb"
    (root / "protocols").mkdir(parents=True)
    shutil.copyfile(SHARED / "corpus" / PROTOCOL, root / PROTOCOL)
    first = assistant.ingest(root)
    assert not any("out of date" in w for f in first.files for w in f.warnings)
    with (root / PROTOCOL).open("a", encoding="utf-8") as fh:
        fh.write("\nA new paragraph in the next version.\n")
    summary = assistant.ingest(root)
    line = next(f for f in summary.files if f.source == PROTOCOL)
    assert any("may be out of date" in w for w in line.warnings)
    answer = assistant.ask("who's level 3 for a DA stuck case?")
    assert answer.question_type == "escalation" and any("out of date" in w for w in answer.warnings)


def test_a_broken_rules_file_is_explained_on_reload_and_the_old_rules_stay(assistant: Assistant,
                                                                          tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(REPO / "knowledge" / "rules", rules_dir)
    assistant.settings = assistant.settings.model_copy(update={"rules_dir": rules_dir})
    text = (rules_dir / RULES_FILE).read_text(encoding="utf-8")
    (rules_dir / RULES_FILE).write_text(text.replace("channel: '#sep-esc-dasv'", "channel: '#no-such-channel'"),
                                        encoding="utf-8")
    root = tmp_path / "kb"
    (root / "protocols").mkdir(parents=True)
    shutil.copyfile(SHARED / "corpus" / PROTOCOL, root / PROTOCOL)
    summary = assistant.ingest(root)
    line = next(f for f in summary.files if f.source == PROTOCOL)
    assert any("#no-such-channel" in w and "still in use" in w for w in line.warnings)
    assert assistant.escalations.rules.topic("domestic-abuse").channel == "#sep-esc-dasv"


# -- CLI --------------------------------------------------------------------------------------------------------
@pytest.fixture
def run_cli(assistant: Assistant) -> Iterator[Any]:
    cli._State.settings, cli._State.assistant = assistant.settings, assistant

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli.app, list(args))

    yield run
    cli._State.settings, cli._State.assistant = None, None


def test_cli_escalate_json_raises_and_reports_the_route(run_cli: Any) -> None:
    result = run_cli("escalate", "--json", "--case-ref", CASE_REF, "--by", RAISER,
                     "IOM drug treatment referral stuck for weeks", "--tried", "managers talked")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert re.fullmatch(r"SCE-\d{4}-001", data["reference"])
    assert data["topic"] == "Reoffending" and data["level"] == 2 and isinstance(data["level"], int)
    assert data["owner"] == "Head of Eastbrook Probation Delivery Unit"
    assert "@" in data["contact"] and data["channel"] == "#sep-esc-reoffending"
    assert data["citations"][0]["source"] == PROTOCOL and data["reasons"]

    route = json.loads(run_cli("escalate", "--route-only", "--json", "managed move row between 2 schools").stdout)
    assert route["reference"] is None and route["owner"].startswith("Head of Inclusion") and route["reasons"]

    listed = json.loads(run_cli("escalations", "list", "--json").stdout)
    assert [(e["reference"], e["level"], e["status"]) for e in listed] == [(data["reference"], 2, "open")]
    assert listed[0]["owner"] == data["owner"]
    assert run_cli("escalations", "ack", data["reference"], "--by", "Head of PDU").exit_code == 0
    resolved = run_cli("escalations", "resolve", data["reference"].lower(), "--outcome", "slot found", "--json")
    assert json.loads(resolved.stdout)["status"] == "resolved"
    shown = json.loads(run_cli("escalations", "show", data["reference"], "--json").stdout)
    assert [h["kind"] for h in shown["history"]] == ["raised", "acknowledged", "resolved"]
    assert json.loads(run_cli("escalations", "tick", "--json").stdout) == {"escalated": [], "overdue": [],
                                                                             "notified": 0}
    report = json.loads(run_cli("escalations", "report", "--since", "2020-01-01", "--json").stdout)
    assert report["raised"] == 1 and report["open_by_topic_level"] == {}


def test_cli_refuses_personal_data_and_raises_nothing(run_cli: Any, assistant: Assistant) -> None:
    result = run_cli("escalate", "Mr Smith, 07700 900123, stuck housing transfer")
    assert isinstance(result.exception, PersonalDataError)
    assert "Smith" not in result.exception.message and "07700" not in result.exception.message
    assert assistant.escalations.list() == ()


def test_cli_rules_draft_and_check(run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    result = run_cli("escalation-rules", "draft", str(SHARED / "corpus" / PROTOCOL), "--out", str(out))
    assert result.exit_code == 0, result.output
    drafted = parse_rules(out.read_text(encoding="utf-8"))
    reviewed = load_rules(REPO / "knowledge" / "rules" / RULES_FILE)
    assert [lv.response_time for lv in drafted.levels] == [lv.response_time for lv in reviewed.levels]
    assert {t.id for t in drafted.topics} == {t.id for t in reviewed.topics}
    check = run_cli("escalation-rules", "check")
    assert check.exit_code == 0 and "valid" in check.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(out.read_text(encoding="utf-8").replace("response_time: 5 working days",
                                                              "response_time: soonish", 1), encoding="utf-8")
    failed = run_cli("escalation-rules", "check", str(broken))
    assert failed.exception is not None and "soonish" in str(failed.exception)


# -- JSON API and web page ---------------------------------------------------------------------------------------
def test_api_route_raise_ack_resolve_round_trip(client: TestClient) -> None:
    route = client.post("/api/escalations/route", json={"description": SUMMARY})
    assert route.status_code == 200, route.text
    assert route.json()["owner"] == "Domestic Abuse Strategic Lead" and route.json()["level"] == 2

    raised = client.post("/api/escalations", json={"summary": SUMMARY, "raised_by": RAISER, "case_ref": CASE_REF})
    assert raised.status_code == 201, raised.text
    ref = raised.json()["reference"]
    assert raised.json()["status"] == "open" and raised.json()["due_at"]
    assert raised.json()["copy_to"] == ["Head of Housing Needs & Homelessness"]

    assert [e["reference"] for e in client.get("/api/escalations", params={"open_only": True}).json()] == [ref]
    acked = client.post(f"/api/escalations/{ref}/ack", json={"by": "DA Strategic Lead"})
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    noted = client.post(f"/api/escalations/{ref}/notes", json={"by": "DA Strategic Lead", "note": "Meeting booked"})
    assert noted.status_code == 200
    resolved = client.post(f"/api/escalations/{ref}/resolve", json={"by": "DA Strategic Lead",
                                                                     "outcome": "Transfer agreed"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    again = client.post(f"/api/escalations/{ref}/resolve", json={"by": "x", "outcome": "y"})
    assert again.status_code == 400 and "already resolved" in again.json()["error"]

    one = client.get(f"/api/escalations/{ref}").json()
    assert [h["kind"] for h in one["history"]] == ["raised", "acknowledged", "note", "resolved"]
    assert client.get("/api/escalations", params={"status": "resolved"}).json()[0]["reference"] == ref
    assert client.get("/api/escalations/SCE-1999-999").status_code == 404
    report = client.get("/api/escalations/report").json()
    assert report["raised"] == 1 and report["mean_hours_to_resolve"] is not None


def test_api_refuses_personal_data_with_a_safe_message(client: TestClient, assistant: Assistant) -> None:
    reply = client.post("/api/escalations", json={
        "summary": "Sarah Whitlock 14/02/1991 NHS 999 123 4500 stuck housing transfer", "raised_by": RAISER})
    assert reply.status_code == 422
    message = reply.json()["error"]
    assert "personal data" in message and "NHS number" in message
    for secret in ("Sarah", "Whitlock", "14/02/1991", "999 123 4500"):
        assert secret not in reply.text
    assert assistant.escalations.list() == ()
    assert client.post("/api/escalations", json={"summary": "", "raised_by": RAISER}).status_code == 422


def test_web_page_checks_raises_and_acknowledges(client: TestClient) -> None:
    assert "Escalate a stuck case" in client.get("/escalations").text
    routed = client.post("/escalations", data={"summary": SUMMARY, "action": "route"})
    assert routed.status_code == 200 and "Domestic Abuse Strategic Lead" in routed.text
    raised = client.post("/escalations", data={"summary": SUMMARY, "raised_by": RAISER, "action": "raise"})
    ref = re.search(r"SCE-\d{4}-\d{3}", raised.text)
    assert raised.status_code == 200 and ref is not None
    acked = client.post(f"/escalations/{ref.group(0)}/ack", data={"by": "DA lead"})
    assert acked.status_code == 200 and "is now acknowledged" in acked.text
    refused = client.post("/escalations", data={"summary": "Mr Jones stuck", "raised_by": RAISER,
                                                "action": "raise"})
    assert refused.status_code == 422 and "personal data" in refused.text


# -- Slack ------------------------------------------------------------------------------------------------------
@pytest.fixture
def slack_assistant(tmp_path: Path, fake: FakeSlackAPI, app_settings: Callable[..., Settings]) -> Iterator[Assistant]:
    built = Assistant(app_settings(tmp_path / "data", slack_signing_secret=SECRET, slack_bot_token=TOKEN,
                                   slack_api_url=fake.api_url))
    yield built
    built.engine.dispose()


def test_notifier_is_slack_only_when_a_bot_token_is_set(tmp_path: Path) -> None:
    assert isinstance(build_notifier(_settings(tmp_path)), NullNotifier)
    assert isinstance(build_notifier(_settings(tmp_path, slack_bot_token=TOKEN)), SlackNotifier)


def test_the_channel_post_reaches_slack_without_case_details(slack_assistant: Assistant, fake: FakeSlackAPI) -> None:
    view = slack_assistant.escalations.raise_(summary=SUMMARY, raised_by=RAISER, case_ref=CASE_REF,
                                              tried="Team managers met on Monday")
    post = fake.wait_for("chat.postMessage")[0]
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    assert post.body["channel"] == "#sep-esc-dasv"
    text = post.text
    for wanted in (view.reference, "Domestic abuse", "Level 2", "Domestic Abuse Strategic Lead"):
        assert wanted in text
    for secret in (SUMMARY, "management transfer", CASE_REF, "Jo Bloggs", "Team managers met"):
        assert secret not in fake.all_text()
    buttons = post.body["blocks"][-1]["elements"]
    assert {b["value"] for b in buttons} == {view.reference}


class _SignedSlack:
    def __init__(self, client: TestClient, fake: FakeSlackAPI) -> None:
        self.client, self.fake = client, fake

    def post(self, body: str) -> Any:
        ts = str(int(time.time()))
        sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        return self.client.post("/slack/events", content=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig})

    def command(self, text: str) -> Any:
        return self.post(urlencode({"team_id": TEAM_ID, "channel_id": "C100", "user_id": "USTAFF",
                                    "command": "/partnership", "text": text, "trigger_id": "1.2.3",
                                    "response_url": f"{self.fake.url}/response/esc"}))

    def interaction(self, payload: dict[str, Any]) -> Any:
        payload = {"team": {"id": TEAM_ID}, "user": {"id": "UOWNER", "name": "da.lead"}, "api_app_id": "A0001",
                   "trigger_id": "1.2.4", **payload}
        return self.post(urlencode({"payload": json.dumps(payload)}))


def test_slack_escalate_shows_the_route_and_raises_through_the_modal(slack_assistant: Assistant,
                                                                       fake: FakeSlackAPI) -> None:
    slack = _SignedSlack(TestClient(create_app(slack_assistant), base_url="http://127.0.0.1"), fake)
    assert slack.command("escalate " + SUMMARY).status_code == 200
    reply = fake.wait_for("response")[0]
    text = json.dumps(reply.body)
    assert "Domestic Abuse Strategic Lead" in text and "#sep-esc-dasv" in text
    button = next(e for b in reply.body["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["action_id"] == RAISE_ACTION

    slack.interaction({"type": "block_actions", "container": {"type": "message", "is_ephemeral": True},
                       "response_url": f"{fake.url}/response/click",
                       "actions": [{"action_id": RAISE_ACTION, "value": button["value"], "type": "button"}]})
    modal = fake.wait_for("views.open")[0].body["view"]
    modal = json.loads(modal) if isinstance(modal, str) else modal
    assert modal["callback_id"] == RAISE_VIEW

    def submit(summary: str) -> Any:
        state = {"values": {"summary": {"value": {"type": "plain_text_input", "value": summary}},
                            "case_ref": {"value": {"type": "plain_text_input", "value": CASE_REF}}}}
        return slack.interaction({"type": "view_submission", "view": {**modal, "id": "V1", "state": state}})

    refused = submit("Mr Smith 07700 900123 stuck")
    assert refused.status_code == 200 and refused.json()["response_action"] == "errors"
    assert "personal data" in refused.json()["errors"]["summary"]
    assert slack_assistant.escalations.list() == ()

    assert submit(SUMMARY).status_code == 200
    dm = next(c for c in fake.wait_for("chat.postMessage", 2) if c.body["channel"] == "UOWNER")
    ref = re.search(r"SCE-\d{4}-001", json.dumps(dm.body))
    assert ref is not None, dm.body
    view = slack_assistant.escalations.get(ref.group(0))
    assert view.raised_by == "da.lead (Slack UOWNER)" and view.case_ref == CASE_REF


def test_slack_acknowledge_button_stops_the_clock(slack_assistant: Assistant, fake: FakeSlackAPI) -> None:
    slack = _SignedSlack(TestClient(create_app(slack_assistant), base_url="http://127.0.0.1"), fake)
    view = slack_assistant.escalations.raise_(summary=SUMMARY, raised_by=RAISER)
    notice = fake.wait_for("chat.postMessage")[0]
    message = {"ts": "1700000000.000100", "text": notice.body["text"], "blocks": notice.body["blocks"]}
    slack.interaction({"type": "block_actions", "channel": {"id": "C200"}, "message": message,
                       "container": {"type": "message", "message_ts": message["ts"], "is_ephemeral": False},
                       "response_url": f"{fake.url}/response/ack",
                       "actions": [{"action_id": ACK_ACTION, "value": view.reference, "type": "button"}]})
    update = fake.wait_for("chat.update")[0]
    assert "Acknowledged by <@UOWNER>" in json.dumps(update.body)
    after = slack_assistant.escalations.get(view.reference)
    assert after.status == "acknowledged" and after.history[-1].actor == "da.lead (Slack UOWNER)"


# -- the timer --------------------------------------------------------------------------------------------------
class _Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def test_the_scheduler_job_moves_an_overdue_escalation_up(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'timer.db'}")
    upgrade(engine)
    clock = _Clock(datetime(2026, 4, 30, 10, 0, tzinfo=LONDON))  # Thursday
    service = EscalationService(rules=load_rules(REPO / "knowledge" / "rules" / RULES_FILE),
                                sessions=build_sessionmaker(engine), clock=clock)
    ref = service.raise_(summary=SUMMARY, raised_by=RAISER, level=1).reference
    # Level 1 (2 working days) runs out at 10:00 on Tuesday 5 May: Monday 4 May is a bank holiday.
    clock.current += timedelta(days=5, minutes=1)
    scheduler = start_escalation_timer(service, minutes=0.01)
    assert scheduler is not None
    try:
        deadline = time.time() + 20
        while service.get(ref).level == 1 and time.time() < deadline:
            time.sleep(0.05)
    finally:
        stop_escalation_timer(scheduler)
    assert not scheduler.running
    after = service.get(ref)
    assert after.level == 2 and after.auto_escalations == 1
    assert run_tick(service) is not None and service.get(ref).level == 2  # idempotent: nothing more is due
    assert start_escalation_timer(service, minutes=0) is None
    engine.dispose()


def test_the_timer_runs_while_the_server_runs(tmp_path: Path, app_settings: Callable[..., Settings]) -> None:
    served = Assistant(app_settings(tmp_path / "data", escalation_tick_minutes=5))
    app = create_app(served)
    with TestClient(app, base_url="http://127.0.0.1"):
        timer = app.state.escalation_timer
        assert timer is not None and timer.running and timer.get_job("escalation-tick") is not None
    assert not timer.running
    served.engine.dispose()


def test_a_failing_tick_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def tick(self) -> Any:
            raise RuntimeError("database went away")

    assert run_tick(Broken()) is None  # type: ignore[arg-type]
    assert "escalation timer run failed" in caplog.text
