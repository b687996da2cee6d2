"""Two real `partnership serve` processes on loopback, sharing the session's `chroma run` server and a PostgreSQL
database of their own, as docker-compose.yml runs them: a reload through one is answered by the other, and the
escalation timer both of them schedule fires once, in the leader; when the leader dies, the other takes over.

The fake embedder keeps start-up and reloads fast; the processes, HTTP, servers and timer are the product's own.
Escalation notices go to the fake Slack Web API (tests/fakes/slack_api.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fakes.slack_api import FakeSlackAPI
from sqlalchemy import select
from topology import Topology

from assistant.db import build_engine, build_sessionmaker
from assistant.escalations.models import EscalationNotice
from assistant.escalations.rules import RULES_FILE, load_rules
from assistant.escalations.service import EscalationService
from assistant.escalations.store import EscalationEventRow, EscalationRow
from bench.servers import free_port, stop

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.topology("servers")]

REPO = Path(__file__).resolve().parents[2]
PARTNERSHIP = Path(sys.executable).with_name("partnership")
TOKEN = "xoxb-serve-processes-test"
API_TOKEN = "serve-processes-api-token"
QUESTION = "What is the out-of-hours number for the gadget response desk?"
NUMBERS = ["0300 555 0101", "0300 555 0202"]
LONDON = ZoneInfo("Europe/London")
LONG_AGO = datetime(2026, 1, 5, 10, 0, tzinfo=LONDON)  # raised then, so Level 1's response time has run out
TICK_MINUTES = 0.01  # the timer runs every 0.6 s in both processes
LEADS, STANDS_BY = "escalation timer: this process leads", "escalation timer: another process leads"


def desk_guide(number: str) -> str:
    return (f"# Gadget response desk guide\n\nSafer Eastbrook Partnership\n\n## 1. Out of hours\n\n"
            f"The out-of-hours number for the gadget response desk is {number}, answered every night.\n\n"
            "## 2. Desk routine\n\nThe desk officer logs each sprocket report against the supplier ledger.\n")


class Recorder:
    def notify(self, notice: EscalationNotice) -> None:
        """The raising notice is posted here, in the test: the servers should post only the timer's."""


class Serve:
    """One `partnership serve` on a free loopback port, its log in ``<name>.log``."""

    def __init__(self, name: str, tmp_path: Path, env: dict[str, str]) -> None:
        self.name, self.port, self.log = name, free_port(), tmp_path / f"{name}.log"
        self.url = f"http://127.0.0.1:{self.port}"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([str(PARTNERSHIP), "serve", "--host", "127.0.0.1", "--port",
                                             str(self.port)], env=env, cwd=REPO, stdout=log, stderr=log)

    def wait_healthy(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"{self.name} exited: {self.text()[-3000:]}"
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.name} never answered /api/health: {self.text()[-3000:]}")

    def ask(self, question: str) -> dict[str, Any]:
        reply = httpx.post(f"{self.url}/api/ask", json={"question": question}, timeout=60)
        assert reply.status_code == 200, reply.text
        return dict(reply.json())

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def slack() -> Iterator[FakeSlackAPI]:
    fake = FakeSlackAPI(TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def shared(tmp_path: Path, topology: Topology, slack: FakeSlackAPI) -> Iterator[dict[str, str]]:
    """The environment both processes share: the servers, one knowledge folder, Slack and a fast timer."""
    root = tmp_path / "knowledge"
    root.mkdir()
    (root / "desk.md").write_text(desk_guide(NUMBERS[0]), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERSHIP_")}
    env.update({k: v for k, v in topology.env(tmp_path / "partnership").items() if k != "PARTNERSHIP_DATA_DIR"})
    env.update({"PARTNERSHIP_KNOWLEDGE_DIR": str(root), "PARTNERSHIP_EMBEDDER": "fake",
                "PARTNERSHIP_ESCALATION_TICK_MINUTES": str(TICK_MINUTES), "PARTNERSHIP_SLACK_BOT_TOKEN": TOKEN,
                "PARTNERSHIP_SLACK_API_URL": slack.api_url, "PARTNERSHIP_API_TOKEN": API_TOKEN,
                "PARTNERSHIP_LOG_LEVEL": "INFO"})
    yield env
    topology.forget(tmp_path / "partnership")


def _wait(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_two_serve_processes_share_reloads_and_fire_the_timer_once(tmp_path: Path, shared: dict[str, str],
                                                                   slack: FakeSlackAPI) -> None:
    first = subprocess.run([str(PARTNERSHIP), "ingest", shared["PARTNERSHIP_KNOWLEDGE_DIR"]], cwd=REPO,
                           env={**shared, "PARTNERSHIP_DATA_DIR": str(tmp_path / "one")}, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-3000:]
    one = Serve("one", tmp_path, {**shared, "PARTNERSHIP_DATA_DIR": str(tmp_path / "one")})
    two = Serve("two", tmp_path, {**shared, "PARTNERSHIP_DATA_DIR": str(tmp_path / "two")})
    engine = build_engine(shared["PARTNERSHIP_DATABASE_URL"])
    try:
        one.wait_healthy()
        two.wait_healthy()

        # A reload through one process (an upload to its API) is what the other answers from next.
        before = two.ask(QUESTION)
        assert NUMBERS[0] in str(before) and not before["abstained"]
        upload = httpx.post(f"{one.url}/api/documents", headers={"Authorization": f"Bearer {API_TOKEN}"},
                            files=[("files", ("desk.md", desk_guide(NUMBERS[1]).encode()))], timeout=120)
        assert upload.status_code == 200, upload.text
        assert upload.json()["reloaded"] is True
        after = two.ask(QUESTION)
        assert after["generation"] > before["generation"]
        assert NUMBERS[1] in str(after) and NUMBERS[0] not in str(after)

        # Both processes run the timer; exactly one leads.
        _wait(lambda: all(LEADS in s.text() or STANDS_BY in s.text() for s in (one, two)), "no leader chosen")
        leader, standby = (one, two) if LEADS in one.text() else (two, one)
        assert LEADS not in standby.text() and STANDS_BY not in leader.text()

        service = EscalationService(rules=load_rules(REPO / "knowledge" / "rules" / RULES_FILE),
                                    sessions=build_sessionmaker(engine), notifier=Recorder(),
                                    clock=type("Then", (), {"now": staticmethod(lambda: LONG_AGO)})())

        def moved_once(reference: str) -> None:
            """The due escalation moves up one level, once, and its notices are posted once each."""
            _wait(lambda: _level(engine, reference) == 2, f"{reference} never moved up", timeout=90)
            time.sleep(10 * TICK_MINUTES * 60)  # ten more timer runs in each live process
            assert _level(engine, reference) == 2
            assert _events(engine, reference).count("auto_escalated") == 1
            posted = [c.body["text"] for c in slack.calls_to("chat.postMessage") if reference in c.text]
            assert len([t for t in posted if "not acknowledged in time and moved up" in t]) == 1, posted
            assert len(posted) == len(set(posted)), posted  # and its raising notice, once

        overdue = service.raise_(summary="IOM treatment referral stuck", raised_by="test", level=1).reference
        moved_once(overdue)

        # The leader dies without a word; PostgreSQL ends its session, and the stand-by leads from its next run.
        os.kill(leader.process.pid, signal.SIGKILL)
        leader.process.wait(30)
        later = service.raise_(summary="MARAC action overdue", raised_by="test", level=1).reference
        moved_once(later)
        assert LEADS in standby.text()
    finally:
        for serve in (one, two):
            stop(serve.process)
        engine.dispose()


def _level(engine: Any, reference: str) -> int:
    with build_sessionmaker(engine)() as session:
        return int(session.scalars(select(EscalationRow.level).where(EscalationRow.reference == reference)).one())


def _events(engine: Any, reference: str) -> list[str]:
    with build_sessionmaker(engine)() as session:
        row_id = session.scalars(select(EscalationRow.id).where(EscalationRow.reference == reference)).one()
        return [str(k) for k in session.scalars(select(EscalationEventRow.kind)
                                                .where(EscalationEventRow.escalation_id == row_id))]
