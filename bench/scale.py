"""Throughput and latency of `POST /api/ask`: embedded defaults vs. a Chroma server + PostgreSQL behind 1 and 2
app processes, in one run; prints a Markdown section for BENCHMARKS.md.

    .venv/bin/python -m bench.scale                      # real model, 200 requests per topology, 4 at a time
    .venv/bin/python -m bench.scale --embedder fake      # plumbing only (fast; not a measure of answering)

What it does, all on loopback:
- copies ../shared/corpus to a temporary folder and ingests it twice with the same model: into the embedded
  defaults (SQLite + Chroma on disk) and into the servers (a `chroma run` subprocess on a free port and a new
  database on the PostgreSQL server at 127.0.0.1:5432, dropped at the end);
- starts `partnership serve` processes on free loopback ports: one on the embedded store, then one and two on the
  servers (the embedded store cannot be shared by two processes);
- sends a bounded load to each topology from a thread pool (httpx): the dev questions in turn, ``--requests``
  requests at most, ``--concurrency`` in flight, stopping early after ``--max-seconds``; round-robin over the app
  processes. One warm-up question per process first (it loads the knowledge base).
Reports completed requests, errors, requests/s, p50/p95/max latency and each app process's resident memory.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from assistant.embedding import Embedder, build_embedder
from assistant.logging_setup import offline_environment
from assistant.service import Assistant
from assistant.settings import REPO_ROOT, Settings
from bench.servers import chroma_server, free_port, postgres_database, stop

CORPUS = REPO_ROOT.parent / "shared" / "corpus"


@dataclass
class Load:
    label: str
    processes: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    rss_mb: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)

    def row(self) -> str:
        done = len(self.latencies)
        ms = sorted(x * 1000 for x in self.latencies)
        p = (lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]) if ms else (lambda q: float("nan"))
        rss = " + ".join(f"{r:.0f}" for r in self.rss_mb)
        return (f"| {self.label} | {self.processes} | {done} | {self.errors} | {done / self.seconds:.2f} | "
                f"{statistics.median(ms) if ms else float('nan'):.0f} | {p(0.95):.0f} | {ms[-1] if ms else 0:.0f} | "
                f"{rss} |")


def questions() -> list[str]:
    lines = (CORPUS / "dev-questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def env_for(settings: dict[str, Any]) -> dict[str, str]:
    return {**os.environ, "PARTNERSHIP_ESCALATION_TICK_MINUTES": "0", "PARTNERSHIP_LOG_LEVEL": "WARNING",
            **{f"PARTNERSHIP_{k.upper()}": str(v) for k, v in settings.items()}}


@contextlib.contextmanager
def serving(settings: dict[str, Any], count: int, workdir: Path) -> Iterator[list[tuple[str, int]]]:
    """``count`` `partnership serve` processes on free loopback ports; yields (base URL, pid) when all are healthy."""
    exe = str(Path(sys.executable).with_name("partnership"))
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for _ in range(count):
            port = free_port()
            data = workdir / f"app-{port}"
            log = (workdir / f"app-{port}.log").open("wb")
            env = env_for({**settings, "data_dir": settings.get("data_dir", data)})
            procs.append(subprocess.Popen([exe, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                          stdout=log, stderr=subprocess.STDOUT))
            log.close()
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 180
        for proc, url in zip(procs, urls, strict=True):
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"`partnership serve` exited with {proc.returncode}; see {workdir}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"`partnership serve` did not start within 180 s; see {workdir}")
                time.sleep(0.2)
        yield [(u, p.pid) for u, p in zip(urls, procs, strict=True)]
    finally:
        for proc in procs:
            stop(proc)


def _proc_stats(pid: int) -> tuple[float, float]:
    """Resident memory (MB) and CPU seconds (user + system) of one process, from /proc."""
    rss = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss, (int(fields[11]) + int(fields[12])) / ticks


def measure(label: str, apps: list[tuple[str, int]], qs: list[str], requests: int, concurrency: int,
            max_seconds: float) -> Load:
    load = Load(label, len(apps))
    lock = threading.Lock()
    with httpx.Client(timeout=120, limits=httpx.Limits(max_connections=concurrency * 2)) as client:
        for url, _ in apps:  # warm-up: the first question loads the knowledge base in each process
            client.post(f"{url}/api/ask", json={"question": qs[0]}).raise_for_status()
        cpu_before = [_proc_stats(pid)[1] for _, pid in apps]
        jobs = iter(itertools.islice(zip(itertools.cycle(qs), itertools.cycle(apps)), requests))
        deadline = time.monotonic() + max_seconds

        def worker() -> None:
            while time.monotonic() < deadline:
                with lock:
                    job = next(jobs, None)
                if job is None:
                    return
                question, (url, _) = job
                t0 = time.perf_counter()
                try:
                    ok = client.post(f"{url}/api/ask", json={"question": question}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = time.perf_counter() - t0
                with lock:
                    if ok:
                        load.latencies.append(elapsed)
                    else:
                        load.errors += 1

        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            for _ in range(concurrency):
                pool.submit(worker)
        load.seconds = time.perf_counter() - started
    for (_, pid), before in zip(apps, cpu_before, strict=True):
        rss, cpu = _proc_stats(pid)
        load.rss_mb.append(rss)
        load.cpu_s.append(cpu - before)
    print(f"  {label}, {len(apps)} process(es): {len(load.latencies)} answers, {load.errors} errors in "
          f"{load.seconds:.1f} s", file=sys.stderr, flush=True)
    return load


def ingest(settings: Settings, embedder: Embedder, folder: Path) -> tuple[float, int]:
    assistant = Assistant(settings, embedder=embedder)
    started = time.perf_counter()
    summary = assistant.ingest(folder)
    seconds = time.perf_counter() - started
    assistant.engine.dispose()
    return seconds, summary.chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per topology (bounded)")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--max-seconds", type=float, default=180, help="stop sending after this long")
    parser.add_argument("--embedder", default="local", choices=["local", "fake"])
    args = parser.parse_args()
    offline_environment()
    qs = questions()
    base = Settings()
    embedder = build_embedder(args.embedder, base.embedding_package, base.embedding_batch_size)
    loads: list[Load] = []
    ingests: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pa-scale-") as tmp_name:
        tmp = Path(tmp_name)
        folder = tmp / "corpus"
        shutil.copytree(CORPUS, folder)
        common: dict[str, Any] = {"embedder": args.embedder, "knowledge_dir": folder}

        embedded = {**common, "data_dir": tmp / "embedded", "database_url": "", "chroma_host": ""}
        seconds, chunks = ingest(Settings(**embedded), embedder, folder)
        ingests.append(f"| embedded (SQLite + Chroma on disk) | {chunks} | {seconds:.1f} | {chunks / seconds:.1f} |")
        print(f"embedded: ingested {chunks} chunks in {seconds:.1f} s", file=sys.stderr, flush=True)
        with serving(embedded, 1, tmp) as apps:
            loads.append(measure("embedded", apps, qs, args.requests, args.concurrency, args.max_seconds))

        with chroma_server(tmp / "chroma-server") as chroma, postgres_database("pa_bench_scale") as pg_url:
            servers = {**common, "database_url": pg_url, "chroma_host": chroma.host, "chroma_port": chroma.port}
            seconds, chunks = ingest(Settings(data_dir=tmp / "ingest", **servers), embedder, folder)
            ingests.append(f"| servers (`chroma run` + PostgreSQL) | {chunks} | {seconds:.1f} | "
                           f"{chunks / seconds:.1f} |")
            print(f"servers: ingested {chunks} chunks in {seconds:.1f} s", file=sys.stderr, flush=True)
            for count in (1, 2):
                with serving(servers, count, tmp) as apps:
                    loads.append(measure("servers", apps, qs, args.requests, args.concurrency, args.max_seconds))
            chroma_rss = _proc_stats(chroma.process.pid)[0]

    print(f"## Scale-out: embedded vs. Chroma server + PostgreSQL ({time.strftime('%Y-%m-%d')})\n")
    print(f"`.venv/bin/python -m bench.scale --requests {args.requests} --concurrency {args.concurrency} "
          f"--embedder {args.embedder}` on {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
          f"Python {platform.python_version()}; everything on loopback, client in the same machine. "
          f"Corpus: {len(list(CORPUS.rglob('*.*'))) - 2} documents from ../shared/corpus; questions: the "
          f"{len(qs)} dev questions in turn.\n")
    print("| store | chunks | ingest s | chunks/s |\n|---|---|---|---|")
    print("\n".join(ingests) + "\n")
    print(f"`POST /api/ask`, at most {args.requests} requests per row, {args.concurrency} in flight, round-robin "
          f"over the app processes (after one warm-up question each):\n")
    print("| topology | app processes | answers | errors | req/s | p50 ms | p95 ms | max ms | app RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for load in loads:
        print(load.row())
    print(f"\nThe `chroma run` server's resident memory at the end: {chroma_rss:.0f} MB.")


if __name__ == "__main__":
    main()
