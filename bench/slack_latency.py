"""Slack latency: from a signed event arriving at ``POST /slack/events`` to the answer reaching the Web API.

The app is served by uvicorn on loopback with the Slack door mounted, slack_sdk points at the local fake Web API
from tests/fakes/slack_api.py, and each question is sent as a real signed ``app_mention`` event, one at a time.
Run alone with ``python -m bench.slack_latency [data_dir]`` (a data dir that already holds a knowledge base).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.slack import build_bolt_app, mount
from assistant.web.app import create_app
from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID, FakeSlackAPI

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
MAX_QUESTIONS = 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(assistant: Assistant, questions: list[str]) -> dict[str, float]:
    fake = FakeSlackAPI(TOKEN).start()
    settings = assistant.settings.model_copy(update={"slack_signing_secret": SECRET, "slack_bot_token": TOKEN,
                                                     "slack_api_url": fake.api_url})
    app = create_app(assistant)
    bolt = build_bolt_app(assistant, settings)
    assert bolt is not None
    mount(app, bolt)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    acks: list[float] = []
    answers: list[float] = []
    try:
        with httpx.Client(timeout=30) as http:
            for i, question in enumerate(questions[:MAX_QUESTIONS]):
                ts = f"{int(time.time())}.{i:06d}"
                body = json.dumps({"type": "event_callback", "team_id": TEAM_ID, "event_id": f"EvBench{i}",
                                   "event": {"type": "app_mention", "user": "UBENCH", "channel": "CBENCH",
                                             "text": f"<@{BOT_USER_ID}> {question}", "ts": ts, "event_ts": ts}})
                stamp = str(int(time.time()))
                sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
                started = time.perf_counter()
                http.post(f"http://127.0.0.1:{port}/slack/events", content=body, headers={
                    "Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp,
                    "X-Slack-Signature": sig}).raise_for_status()
                acks.append(time.perf_counter() - started)
                fake.wait_for("chat.postMessage", i + 1, timeout=60)
                answers.append(time.perf_counter() - started)
    finally:
        server.should_exit = True
        thread.join(5)
        fake.stop()
    return {"n": len(answers), "ack_p50": _percentile(acks, 0.5) * 1000, "ack_p95": _percentile(acks, 0.95) * 1000,
            "answer_p50": _percentile(answers, 0.5) * 1000, "answer_p95": _percentile(answers, 0.95) * 1000,
            "answer_max": max(answers) * 1000, "answer_mean": statistics.mean(answers) * 1000}


def report(assistant: Assistant, questions_file: Path) -> list[str]:
    questions = [json.loads(line)["question"] for line in questions_file.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    r = measure(assistant, questions)
    return ["## Slack: signed event to answer posted", "",
            f"{r['n']:.0f} `app_mention` events (questions of `{questions_file.name}`, at most {MAX_QUESTIONS}), "
            "sent one at a time as real signed HTTP requests to `POST /slack/events` (uvicorn on loopback); the "
            "answer is posted by a lazy listener to a local fake Slack Web API (tests/fakes/slack_api.py).", "",
            "| measure | p50 (ms) | p95 (ms) |", "|---|---|---|",
            f"| HTTP acknowledgement (Slack's limit: 3,000 ms) | {r['ack_p50']:.0f} | {r['ack_p95']:.0f} |",
            f"| event received → answer posted to the Web API | {r['answer_p50']:.0f} | {r['answer_p95']:.0f} |",
            ""]


if __name__ == "__main__":
    from assistant.logging_setup import configure, offline_environment
    from assistant.settings import REPO_ROOT

    offline_environment()
    configure("WARNING")
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT / ".data"
    bench_assistant = Assistant(Settings(data_dir=data))
    print("\n".join(report(bench_assistant, REPO_ROOT.parent / "shared" / "corpus" / "dev-questions.jsonl")))
