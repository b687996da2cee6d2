"""The CLI and the HTTP API return the same answer JSON from the same core call (real HTTP on loopback)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from assistant import cli
from assistant.service import Assistant
from assistant.web.app import create_app

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(real_assistant: Assistant) -> Iterator[str]:
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(real_assistant), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(5)


def test_api_and_cli_return_the_same_answer(server: str, real_assistant: Assistant) -> None:
    question = "what does DARDR stand for?"
    api = httpx.post(f"{server}/api/ask", json={"question": question}, timeout=30).json()
    cli._State.assistant = real_assistant
    try:
        result = CliRunner().invoke(cli.app, ["ask", question, "--json"])
    finally:
        cli._State.assistant = None
    assert result.exit_code == 0, result.output
    via_cli = json.loads(result.stdout)
    for payload in (api, via_cli):
        assert set(payload) >= {"answer", "abstained", "citations"}
        assert set(payload["citations"][0]) >= {"source", "page", "section", "snippet", "score"}
    assert api["answer"] == via_cli["answer"]
    assert api["citations"][0]["source"] == via_cli["citations"][0]["source"] == "guidance/glossary-of-acronyms.md"


def test_api_health_and_bad_request(server: str) -> None:
    assert httpx.get(f"{server}/api/health").json()["status"] == "ok"
    assert httpx.post(f"{server}/api/ask", json={"question": ""}).status_code == 422
