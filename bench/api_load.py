"""`POST /api/ask` under 1, 4 and 16 concurrent clients on loopback, beside in-process `ask` latency measured in the
same run (issue 5). Prints a Markdown section; `make bench-ops` saves it to bench/results/api_load.md.

    .venv/bin/python -m bench.api_load [--requests 100]

The app is the embedded default (SQLite + Chroma on disk, real model) served by uvicorn in a thread; each load is
bounded in request count and time, and only ever targets 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

from assistant.logging_setup import configure, offline_environment
from assistant.service import Assistant
from assistant.settings import REPO_ROOT, Settings
from assistant.web.app import create_app
from bench.servers import free_port

CORPUS = REPO_ROOT.parent / "shared" / "corpus"


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))] * 1000 if xs else 0.0


def run_load(url: str, questions: list[str], clients: int, requests: int,
             max_seconds: float) -> tuple[list[float], int, float]:
    """A bounded load: at most ``requests`` questions, ``clients`` in flight, stopping after ``max_seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds

    def one(i: int, client: httpx.Client) -> None:
        if time.perf_counter() > deadline:
            return
        started = time.perf_counter()
        try:
            ok = client.post(url, json={"question": questions[i % len(questions)]}, timeout=60).is_success
        except httpx.HTTPError:
            ok = False
        with lock:
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors[0] += 1

    started = time.perf_counter()
    with httpx.Client() as client, ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda i: one(i, client), range(requests)))
    return latencies, errors[0], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    args = parser.parse_args()
    offline_environment()
    configure("WARNING")
    questions = [json.loads(x)["question"] for x in (CORPUS / "dev-questions.jsonl").read_text().splitlines() if x]
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(Settings(data_dir=Path(tmp) / "data", escalation_tick_minutes=0))
        assistant.ingest(CORPUS)
        for q in questions:  # warm: model, index and sentence cache, as a running service would be
            assistant.ask(q)
        inproc = []
        for i in range(args.requests):
            started = time.perf_counter()
            assistant.ask(questions[i % len(questions)])
            inproc.append(time.perf_counter() - started)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(assistant), host="127.0.0.1", port=port,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/api/ask"
        rows = [f"| in-process `ask` (baseline) | 1 | {args.requests} | 0 | {args.requests / sum(inproc):.1f} | "
                f"{_pct(inproc, 0.5):.0f} | {_pct(inproc, 0.95):.0f} |"]
        for clients in (1, 4, 16):
            latencies, errors, seconds = run_load(url, questions, clients, args.requests, args.max_seconds)
            rows.append(f"| `POST /api/ask` | {clients} | {len(latencies)} | {errors} | "
                        f"{len(latencies) / seconds:.1f} | {_pct(latencies, 0.5):.0f} | {_pct(latencies, 0.95):.0f} |")
        server.should_exit = True
        thread.join(10)
    print("## Web API under load: `POST /api/ask` with 1, 4 and 16 clients (issue 5)\n")
    print(f"Command: `.venv/bin/python -m bench.api_load --requests {args.requests}` (embedded default, real model, "
          "warm, dev questions in turn, loopback; the in-process row is the baseline measured in the same run).\n")
    print("| path | concurrent clients | answers | errors | req/s | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print("\nAnswering is CPU-bound on 2 cores: more clients raise throughput only until both cores are busy, then "
          "queue (latency grows with the number of clients).")


if __name__ == "__main__":
    main()
