"""How cost grows with the size of the knowledge base: 1×, 10× and 100× the corpus, embedded vs. the servers, in one
run; prints a Markdown section for BENCHMARKS.md.

    nice -n 19 .venv/bin/python -m bench.size > bench/results/size.md        # 1×, 10×, 100× (about an hour)
    .venv/bin/python -m bench.size --sizes 1 3 --real-up-to 3 --questions 5  # a quick look

What it does:
- builds each N-fold knowledge base with bench/generate.py (seed 2026): the corpus plus N-1 other boroughs'
  versions; not timed;
- ingests it into each topology in a fresh child process (so memory figures are that run's alone): *embedded*
  (SQLite + Chroma on disk) and *servers* (a fresh `chroma run` on a free loopback port and a new PostgreSQL
  database, bench/servers.py), then asks ``--questions`` dev questions in process (``Assistant.ask``, after a warm-up
  question of each kind) and reports p50/p95;
- **embedding is measured apart from storing**. Up to ``--real-up-to``× the real model embeds every chunk once,
  in the embedded run, timed inside the embedder; the servers run reuses those vectors (same texts, same model),
  so its ingest time is storage and indexing alone, and the real-model total is that plus the same embedding time.
  Above it (100×: about 45 minutes of model time per topology on 2 cores) both topologies use a fixed-cost
  stand-in (hashed bag of words, 384 dimensions like the model, so Chroma stores and searches the same shapes),
  and the real embedding time is estimated from the model's chunks/s measured at the largest real size. Questions
  are always embedded for real below the threshold; above it the stand-in answers them too, so p50/p95 there are
  retrieval, keyword index and answering without the ~10 ms question embedding (and answers are not judged);
- peak resident memory of the app process during ingest and during questions (VmHWM, reset between), the `chroma
  run` server's peak, and disk: the data folder (embedded) or the Chroma server's folder plus the PostgreSQL
  database's size (servers).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import pickle
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, text

from assistant.embedding import Embedder, FakeEmbedder, build_embedder
from assistant.logging_setup import offline_environment
from assistant.service import Assistant
from assistant.settings import Settings
from bench.generate import CORPUS, generate
from bench.servers import chroma_server, postgres_database

MODEL_DIMENSION = 384


class MeasuredEmbedder:
    """The real model, timed, with the chunk vectors of an earlier run reused (``cache``): the same texts give the
    same vectors, so the second topology pays for storing them, not for computing them again. Only ingest is
    cached; questions and answer sentences are embedded as usual."""

    def __init__(self, inner: Embedder, cache: dict[str, np.ndarray]) -> None:
        self.inner, self.cache, self.caching, self.seconds, self.computed = inner, cache, True, 0.0, 0
        self.dimension = getattr(inner, "dimension", MODEL_DIMENSION)

    def is_common_word(self, word: str) -> bool:
        return self.inner.is_common_word(word)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not self.caching:
            return self.inner.embed(texts)
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in self.cache]
        if missing:
            started = time.perf_counter()
            vectors = self.inner.embed(missing)
            self.seconds += time.perf_counter() - started
            self.computed += len(missing)
            for t, v in zip(missing, vectors, strict=True):
                self.cache[hashlib.sha1(t.encode()).hexdigest()] = v
        return np.stack([self.cache[k] for k in keys])


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_hwm() -> None:
    with contextlib.suppress(OSError):  # Linux: "5" resets the peak resident size to the current one
        Path("/proc/self/clear_refs").write_text("5")


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def run_one(args: argparse.Namespace) -> dict[str, Any]:
    """One ingest and question run in this (child) process; the settings come from the environment."""
    offline_environment()
    settings = Settings()
    if args.embedder == "real":
        cache: dict[str, np.ndarray] = {}
        if args.cache.exists():
            cache = pickle.loads(args.cache.read_bytes())
        model = build_embedder("local", settings.embedding_package, settings.embedding_batch_size)
        embedder: Any = MeasuredEmbedder(model, cache)
    else:
        embedder = FakeEmbedder(MODEL_DIMENSION)
    assistant = Assistant(settings, embedder=embedder)
    _reset_hwm()
    cpu0, started = time.process_time(), time.perf_counter()
    summary = assistant.ingest(args.kb)
    ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu0
    ingest_rss = _hwm_mb()
    out: dict[str, Any] = {
        "files": summary.count("added"), "skipped": summary.count("skipped"),
        "quarantined": summary.count("quarantined"), "chunks": sum(d.chunks for d in assistant.documents()),
        "ingest_s": ingest_s, "ingest_cpu_s": ingest_cpu, "ingest_rss_mb": ingest_rss,
        "embed_s": getattr(embedder, "seconds", 0.0), "embedded_now": getattr(embedder, "computed", 0)}
    if isinstance(embedder, MeasuredEmbedder):
        embedder.caching = False
        if embedder.computed:
            args.cache.write_bytes(pickle.dumps(embedder.cache))
    rows = [json.loads(line) for line in (CORPUS / "dev-questions.jsonl").read_text().splitlines() if line.strip()]
    qs = [r["question"] for r in rows][:args.questions]
    # Warm-up, one question of each kind: the keyword index, caches and the escalation router load on first use.
    for question in {r.get("kind"): r["question"] for r in reversed(rows)}.values():
        assistant.ask(question)
    _reset_hwm()
    latencies = []
    for q in qs:
        t = time.perf_counter()
        assistant.ask(q)
        latencies.append(time.perf_counter() - t)
    ms = sorted(x * 1000 for x in latencies)
    out.update(p50_ms=statistics.median(ms), p95_ms=ms[min(len(ms) - 1, int(0.95 * len(ms)))],
               ask_rss_mb=_hwm_mb(), questions=len(ms))
    assistant.engine.dispose()
    return out


@dataclass
class Row:
    size: int
    topology: str
    embedder: str
    result: dict[str, Any]
    server_rss_mb: float | None
    disk_bytes: int
    wall_s: float
    cpu_s: float


def _child(kb: Path, settings: dict[str, Any], embedder: str, cache: Path, questions: int) -> tuple[dict[str, Any],
                                                                                                     float, float]:
    env = {**os.environ, "PARTNERSHIP_ESCALATION_TICK_MINUTES": "0", "PARTNERSHIP_LOG_LEVEL": "WARNING",
           **{f"PARTNERSHIP_{k.upper()}": str(v) for k, v in settings.items()}}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.size", "--one", "--kb", str(kb), "--embedder", embedder,
                           "--cache", str(cache), "--questions", str(questions)], env=env, capture_output=True,
                          text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"the {settings} run failed: {done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return dict(json.loads(done.stdout.strip().splitlines()[-1])), time.perf_counter() - started, cpu


def _server_stats(pid: int) -> tuple[float, float]:
    """Peak resident memory (MB) and CPU seconds of the `chroma run` process."""
    hwm = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return hwm, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(size: int, kb: Path, tmp: Path, embedder: str, questions: int) -> Iterator[Row]:
    cache = tmp / f"vectors-{size}.pickle"
    data = tmp / f"embedded-{size}"
    result, wall, cpu = _child(kb, {"data_dir": data, "database_url": "", "chroma_host": ""}, embedder, cache,
                               questions)
    yield Row(size, "embedded", embedder, result, None, _du(data), wall, cpu)
    with chroma_server(tmp / f"chroma-{size}") as chroma, postgres_database("pa_bench_size") as pg_url:
        settings = {"data_dir": tmp / f"servers-{size}", "database_url": pg_url, "chroma_host": chroma.host,
                    "chroma_port": chroma.port}
        result, wall, cpu = _child(kb, settings, embedder, cache, questions)
        server_rss, server_cpu = _server_stats(chroma.process.pid)
        engine = create_engine(pg_url)
        with engine.connect() as conn:
            pg_bytes = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
        engine.dispose()
        yield Row(size, "servers", embedder, result, server_rss, _du(tmp / f"chroma-{size}") + pg_bytes, wall,
                  cpu + server_cpu)


def report(rows: list[Row], args: argparse.Namespace, wall: float) -> str:
    real = [r for r in rows if r.embedder == "real" and r.result["embedded_now"]]
    model_rate = (real[-1].result["embedded_now"] / real[-1].result["embed_s"]) if real else float("nan")
    embed_s = {r.size: r.result["embed_s"] for r in real}
    base = {r.topology: r for r in rows if r.size == min(args.sizes)}
    lines = [
        "## Knowledge base size: 1×, 10×, 100× the corpus, embedded vs. servers",
        "",
        f"`nice -n 19 .venv/bin/python -m bench.size --sizes {' '.join(map(str, args.sizes))} --real-up-to "
        f"{args.real_up_to} --questions {args.questions}` on {platform.machine()} with {os.cpu_count()} cores "
        f"(load average {os.getloadavg()[0]:.1f} at the end: other work shared the cores), Python "
        f"{platform.python_version()}; the knowledge bases from `python -m bench.generate` (seed 2026). "
        f"The whole run took {wall / 60:.0f} min wall.",
        "",
        "| size | topology | embedder | files | chunks | embedding s | store + index s | ingest chunks/s (real "
        "model) | files/s | ask p50 ms | ask p95 ms | app peak RSS ingest / ask MB | chroma run peak MB | disk MB "
        "| wall / CPU s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        res = r.result
        store_s = res["ingest_s"] - res["embed_s"]
        if r.embedder == "real":
            embed = embed_s.get(r.size, float("nan"))
            embed_cell = f"{embed:.0f}" + ("" if res["embedded_now"] else " (reused)")
        else:
            embed = res["chunks"] / model_rate
            embed_cell = f"≈{embed:.0f} (est.)"
        total = store_s + embed
        lines.append(
            f"| {r.size}× | {r.topology} | {'model' if r.embedder == 'real' else 'stand-in'} | {res['files']} | "
            f"{res['chunks']} | {embed_cell} | {store_s:.0f} | {res['chunks'] / total:.1f} | {res['files'] / total:.2f}"
            f" | {res['p50_ms']:.0f} | {res['p95_ms']:.0f} | {res['ingest_rss_mb']:.0f} / {res['ask_rss_mb']:.0f} | "
            f"{'' if r.server_rss_mb is None else f'{r.server_rss_mb:.0f}'} | {r.disk_bytes / 1e6:.0f} | "
            f"{r.wall_s:.0f} / {r.cpu_s:.0f} |")
    lines += ["", "Growth against the 1× baseline (same topology):", "",
              "| size | topology | chunks | store + index s | ask p50 | ask p95 | app RSS (ask) | disk |",
              "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        b = base[r.topology].result
        store, b_store = r.result["ingest_s"] - r.result["embed_s"], b["ingest_s"] - b["embed_s"]
        lines.append(f"| {r.size}× | {r.topology} | ×{r.result['chunks'] / b['chunks']:.1f} | ×{store / b_store:.1f} "
                     f"| ×{r.result['p50_ms'] / b['p50_ms']:.1f} | ×{r.result['p95_ms'] / b['p95_ms']:.1f} | "
                     f"×{r.result['ask_rss_mb'] / b['ask_rss_mb']:.1f} | "
                     f"×{r.disk_bytes / base[r.topology].disk_bytes:.1f} |")
    skipped = sum(r.result["skipped"] + r.result["quarantined"] for r in rows)
    lines += ["", f"*Embedding* is the real model's time for the chunks, measured in the embedded run and the same "
              f"vectors reused by the servers run ({model_rate:.1f} chunks/s at the largest real size); above "
              f"{args.real_up_to}× both runs used the fixed-cost stand-in and the model time is estimated at that "
              "rate. *Store + index* is the rest of the ingest: loading, chunking, screening, writing Chroma, the "
              "database and the keyword index. *Ingest chunks/s* is chunks ÷ (embedding + store + index). "
              f"Questions: the first {args.questions} dev questions, in process, after a warm-up question of each "
              f"kind; above {args.real_up_to}× they are embedded by the stand-in. Files skipped or quarantined in "
              f"all runs: {skipped}. *wall / CPU s*: the child process (plus the `chroma run` server's CPU)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Ingest, ask, memory and disk at 1×, 10×, 100× the corpus.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--real-up-to", type=int, default=10, help="largest size embedded with the real model")
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--kb", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--embedder", default="real", help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        sys.stdout.write(json.dumps(run_one(args)) + "\n")
        return
    offline_environment()
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="pa-size-") as tmp_name:
        tmp = Path(tmp_name)
        for size in sorted(args.sizes):
            kb = tmp / f"kb-{size}"
            generate(kb, size)
            embedder = "real" if size <= args.real_up_to else "fixed"
            for row in measure(size, kb, tmp, embedder, args.questions):
                rows.append(row)
                print(json.dumps({**asdict(row), "at": time.strftime("%H:%M:%S")}), file=sys.stderr, flush=True)
            shutil.rmtree(kb, ignore_errors=True)
    sys.stdout.write(report(rows, args, time.perf_counter() - started))


if __name__ == "__main__":
    main()
