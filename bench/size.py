"""How cost grows with the size of the knowledge base: 1×, 10× and 100× the corpus, embedded vs. the servers, in one
run; prints a Markdown section for BENCHMARKS.md (bench/results/size.md, folded in by bench/run.py).

    nice -n 19 .venv/bin/python -m bench.size --sizes 100 10 1 --real-up-to 10 > bench/results/size.md  # ~20 min
    .venv/bin/python -m bench.size --sizes 1 3 --real-up-to 3 --questions 5  # a quick look
    .venv/bin/python -m bench.size --render LOG [LOG ...] --sizes ... --real-up-to ...  # the report from stderr logs

What it does:
- builds each N-fold knowledge base with bench/generate.py (seed 2026): the corpus plus N-1 other boroughs'
  versions; not timed;
- ingests it into each topology in a fresh child process (so memory figures are that run's alone): *embedded*
  (SQLite + Chroma on disk) and *servers* (a fresh `chroma run` on a free loopback port and a new PostgreSQL
  database, bench/servers.py), then asks ``--questions`` dev questions in process (``Assistant.ask``, after a warm-up
  question of each kind) and reports p50/p95; a failed run is reported as such and the others go on;
- **embedding is measured apart from storing**. When some size is above ``--real-up-to``, every size runs with a
  fixed-cost stand-in embedder (hashed bag of words, 384 dimensions like the model, so Chroma stores and searches
  the same shapes): those rows grow like against like, without the model in the process or in the questions. The
  sizes up to ``--real-up-to`` then run again with the real model, which embeds every chunk once, in the embedded
  run, timed inside the embedder; the servers run reuses those vectors (same texts, same model), so its ingest time
  is storage and indexing alone. Above it (100×: about an hour of model time on 2 shared cores) the model's time is
  estimated from its chunks/s at the largest real size;
- peak resident memory of the app process during ingest and during questions (VmHWM, reset between), the `chroma
  run` server's peak, and disk: the data folder, the Chroma server's folder and the PostgreSQL database's size.
Each finished row is printed to stderr as one JSON line, so an interrupted run can still be reported (``--render``).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import math
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
    latencies, cpu_times = [], []
    for q in qs:
        t, c = time.perf_counter(), time.process_time()
        assistant.ask(q)
        latencies.append(time.perf_counter() - t)
        cpu_times.append(time.process_time() - c)
    ms = sorted(x * 1000 for x in latencies)
    cpu_ms = sorted(x * 1000 for x in cpu_times)  # the app's own CPU: what contention does not inflate
    out.update(p50_ms=statistics.median(ms), p95_ms=ms[min(len(ms) - 1, int(0.95 * len(ms)))],
               cpu_p50_ms=statistics.median(cpu_ms), cpu_p95_ms=cpu_ms[min(len(ms) - 1, int(0.95 * len(ms)))],
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
    data_bytes: int = 0  # the app's data folder (embedded: Chroma + SQLite; servers: the keyword index etc.)
    chroma_bytes: int = 0  # the `chroma run` server's folder (servers)
    pg_bytes: int = 0  # the PostgreSQL database (servers)
    load1: float = 0.0  # 1-minute load average when the row finished
    error: str = ""  # why the child run failed (then ``result`` is empty)


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
    started = time.perf_counter()
    try:
        result, wall, cpu = _child(kb, {"data_dir": data, "database_url": "", "chroma_host": ""}, embedder, cache,
                                   questions)
        yield Row(size, "embedded", embedder, result, None, _du(data), wall, cpu, data_bytes=_du(data),
                  load1=os.getloadavg()[0])
    except RuntimeError as exc:  # one failed run is a finding; the other topology and sizes still run
        yield Row(size, "embedded", embedder, {}, None, _du(data), time.perf_counter() - started, 0.0,
                  data_bytes=_du(data), load1=os.getloadavg()[0], error=str(exc)[-1500:])
    with chroma_server(tmp / f"chroma-{size}") as chroma, postgres_database("pa_bench_size") as pg_url:
        settings = {"data_dir": tmp / f"servers-{size}", "database_url": pg_url, "chroma_host": chroma.host,
                    "chroma_port": chroma.port}
        started, error = time.perf_counter(), ""
        try:
            result, wall, cpu = _child(kb, settings, embedder, cache, questions)
        except RuntimeError as exc:
            result, wall, cpu, error = {}, time.perf_counter() - started, 0.0, str(exc)[-1500:]
        server_rss, server_cpu = _server_stats(chroma.process.pid)
        engine = create_engine(pg_url)
        with engine.connect() as conn:
            pg_bytes = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
        engine.dispose()
        chroma_bytes, data_bytes = _du(tmp / f"chroma-{size}"), _du(tmp / f"servers-{size}")
        yield Row(size, "servers", embedder, result, server_rss, chroma_bytes + pg_bytes, wall, cpu + server_cpu,
                  data_bytes=data_bytes, chroma_bytes=chroma_bytes, pg_bytes=pg_bytes, load1=os.getloadavg()[0],
                  error=error)


def _embedder_order(row: Row) -> int:
    return 0 if row.embedder == "real" else 1


def _per_10x(a: float, b: float, size_a: int, size_b: int) -> str:
    """How much a cost multiplies for each tenfold growth of the knowledge base between two sizes."""
    if not (a > 0 and b > 0) or size_b <= size_a:
        return "–"
    return f"×{(b / a) ** (1 / math.log10(size_b / size_a)):.1f}"


def report(rows: list[Row], args: argparse.Namespace, wall: float | None) -> str:
    rows = sorted(rows, key=lambda r: (r.size, _embedder_order(r), r.topology != "embedded"))
    ok = [r for r in rows if not r.error]
    real = [r for r in ok if r.embedder == "real" and r.result["embedded_now"]]
    model_rate = (real[-1].result["embedded_now"] / real[-1].result["embed_s"]) if real else float("nan")
    embed_s = {r.size: r.result["embed_s"] for r in real}
    loads = [r.load1 for r in rows if r.load1]
    load = f"{min(loads):.1f}–{max(loads):.1f}" if loads else f"{os.getloadavg()[0]:.1f}"
    took = "" if wall is None else f" The whole run took {wall / 60:.0f} min wall."
    lines = [
        "## Knowledge base size: 1×, 10×, 100× the corpus, embedded vs. servers (issue 9)",
        "",
        f"`nice -n 19 .venv/bin/python -m bench.size --sizes {' '.join(map(str, args.sizes))} --real-up-to "
        f"{args.real_up_to} --questions {args.questions}` on {platform.machine()} with {os.cpu_count()} cores "
        f"(1-minute load average {load} as the runs finished: other work shared the cores, so every time is "
        f"inflated by contention), Python {platform.python_version()}; the knowledge bases from "
        f"`python -m bench.generate` (seed 2026).{took}",
        "",
        "| size | topology | embedder | files | chunks | embedding s | store + index s | ask p50 / p95 ms | app peak "
        "RSS ingest / ask MB | `chroma run` peak MB | disk MB: data folder / Chroma server / PostgreSQL | wall / "
        "CPU s | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        name = "model" if r.embedder == "real" else "stand-in"
        if r.error:
            reason = r.error.strip().splitlines()[-1][:200].replace("|", "/") if r.error.strip() else "?"
            lines.append(f"| {r.size}× | {r.topology} | {name} | – | – | – | **failed** after {r.wall_s:.0f} s: "
                         f"{reason} | – | – | – | – | – | {r.load1:.1f} |")
            continue
        res = r.result
        store_s = res["ingest_s"] - res["embed_s"]
        if r.embedder == "real":
            embed_cell = f"{embed_s.get(r.size, float('nan')):.0f}" + (
                " (reused)" if not res["embedded_now"] else
                f" ({res['embedded_now']} distinct texts)" if res["embedded_now"] < res["chunks"] else "")
        elif r.size in embed_s:
            embed_cell = f"{embed_s[r.size]:.0f} (model row)"
        else:
            embed_cell = f"≈{res['chunks'] / model_rate:.0f} (est.)"
        server = "" if r.server_rss_mb is None else f"{r.server_rss_mb:.0f}"
        disk = (f"{r.data_bytes / 1e6:.0f}" if r.topology == "embedded" else
                f"{r.data_bytes / 1e6:.0f} / {r.chroma_bytes / 1e6:.0f} / {r.pg_bytes / 1e6:.0f}")
        lines.append(
            f"| {r.size}× | {r.topology} | {name} | {res['files']} | {res['chunks']} | {embed_cell} | {store_s:.0f} | "
            f"{res['p50_ms']:.0f} / {res['p95_ms']:.0f}{_cpu(res)} | "
            f"{res['ingest_rss_mb']:.0f} / {res['ask_rss_mb']:.0f} | "
            f"{server} | {disk} | {r.wall_s:.0f} / {r.cpu_s:.0f} | {r.load1:.1f} |")
    lines += _growth(ok, model_rate)
    questions = max((r.result["questions"] for r in ok), default=args.questions)
    skipped = sum(r.result["skipped"] + r.result["quarantined"] for r in ok)
    lines += ["", f"*Embedding*: the real model's time for the chunks, measured in the embedded run, its vectors "
              "reused by the servers run; identical chunk texts (boilerplate repeated across the generated "
              f"boroughs) are embedded once, so the model's rate is {model_rate:.1f} distinct texts/s at the largest "
              "model size, and *every chunk (est.)* is all chunks at that rate, what a first load that embeds each "
              "chunk costs. Every size also ran with the fixed-cost stand-in (hashed bag of words, 384 dimensions, "
              f"so Chroma stores and searches the same shapes), and above {args.real_up_to}× only with it: there the "
              "model's time is estimated at "
              "that rate. *Store + index*: the rest of the ingest (loading, chunking, screening, the stand-in's "
              "hashing, writing Chroma, the database and the keyword index). Questions: the first "
              f"{questions} dev questions, in process, after a warm-up question of each kind; in the stand-in rows "
              "the stand-in embeds them, so p50/p95 there are retrieval, keyword index and answering without the "
              "model (answers not judged); *(CPU …)*: the app process's own CPU time per question, which contention "
              "does not inflate (on the servers the Chroma query's CPU is in `chroma run`). *Peak RSS*: the app "
              "process's VmHWM, reset between ingest and questions. *Disk*: the embedded data folder (Chroma + "
              "SQLite); for the servers the app's own data folder, the `chroma run` folder and `pg_database_size`. "
              f"Files skipped or quarantined in all runs: {skipped}. *wall / CPU s*: the child process (plus the "
              "`chroma run` server's CPU); *load*: the 1-minute load average when the row finished."]
    return "\n".join(lines) + "\n"


def _cpu(res: dict[str, Any]) -> str:
    return f" (CPU {res['cpu_p50_ms']:.0f} / {res['cpu_p95_ms']:.0f})" if "cpu_p50_ms" in res else ""


def _growth(rows: list[Row], model_rate: float) -> list[str]:
    """Each cost against the 1× baseline and its growth per tenfold size, like against like: the stand-in sizes
    against the 1× stand-in run when there is one."""
    fixed = [r for r in rows if r.embedder == "fixed"]
    if not fixed:
        return []
    sizes = sorted({r.size for r in fixed})
    measures: list[tuple[str, Any]] = [
        ("chunks", lambda r: r.result["chunks"]),
        ("model embedding s, every chunk (est.)", lambda r: r.result["chunks"] / model_rate),
        ("store + index s", lambda r: r.result["ingest_s"] - r.result["embed_s"]),
        ("ask p50 ms", lambda r: r.result["p50_ms"]), ("ask p95 ms", lambda r: r.result["p95_ms"]),
        ("ask CPU p50 ms", lambda r: r.result.get("cpu_p50_ms")),
        ("ask CPU p95 ms", lambda r: r.result.get("cpu_p95_ms")),
        ("app peak RSS, ingest MB", lambda r: r.result["ingest_rss_mb"]),
        ("app peak RSS, ask MB", lambda r: r.result["ask_rss_mb"]),
        ("disk MB (all)", lambda r: (r.data_bytes + r.chroma_bytes + r.pg_bytes) / 1e6),
        ("`chroma run` peak MB", lambda r: r.server_rss_mb)]
    steps = list(itertools.pairwise(sizes))
    lines = ["", f"How each cost grows (stand-in runs, like against like; {sizes[0]}× is the baseline; *per 10×* is "
             "the factor for each tenfold growth between two sizes):", "",
             "| topology | measure | " + " | ".join(f"{s}×" for s in sizes) + " | "
             + " | ".join(f"per 10×, {a}×→{b}×" for a, b in steps) + " |",
             "|---|---|" + "---|" * (len(sizes) + len(steps))]
    for topology in ("embedded", "servers"):
        by_size = {r.size: r for r in fixed if r.topology == topology}
        for label, get in measures:
            if (topology == "embedded" and label.startswith("`chroma")) or any(get(r) is None
                                                                              for r in by_size.values()):
                continue
            values = {s: get(by_size[s]) for s in sizes if s in by_size}
            cells = [("–" if values.get(s) is None else f"{values[s]:.0f}") for s in sizes]
            ratios = [(_per_10x(values[a], values[b], a, b) if a in values and b in values else "–")
                      for a, b in steps]
            lines.append(f"| {topology} | {label} | " + " | ".join(cells + ratios) + " |")
    return lines


def _read_log(paths: list[Path]) -> list[Row]:
    """Rows from the JSON lines a run printed to stderr (other stderr lines are skipped)."""
    names = set(Row.__dataclass_fields__)
    rows = []
    for path in paths:
        for line in path.read_text().splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError, TypeError):
                    rows.append(Row(**{k: v for k, v in json.loads(line).items() if k in names}))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="Ingest, ask, memory and disk at 1×, 10×, 100× the corpus.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100],
                        help="sizes, run in this order (largest first gets the riskiest run done first)")
    parser.add_argument("--real-up-to", type=int, default=10,
                        help="largest size also measured with the real model (every size gets the stand-in when some "
                             "size is larger)")
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--render", type=Path, nargs="+", help="print the report from earlier runs' stderr logs")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--kb", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--embedder", default="real", help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        sys.stdout.write(json.dumps(run_one(args)) + "\n")
        return
    if args.render:
        sys.stdout.write(report(_read_log(args.render), args, None))
        return
    offline_environment()
    started = time.perf_counter()
    rows: list[Row] = []
    # When some size is beyond the model, every size is measured with the stand-in (so costs grow like against like:
    # no model in the process, no model time in the questions), all sizes first, largest first when so given; the
    # sizes up to --real-up-to are then measured with the model as well.
    real = [(size, "real") for size in args.sizes if size <= args.real_up_to]
    runs = real if len(real) == len(args.sizes) else [(size, "fixed") for size in args.sizes] + real
    with tempfile.TemporaryDirectory(prefix="pa-size-") as tmp_name:
        tmp = Path(tmp_name)
        for i, (size, embedder) in enumerate(runs):
            kb = tmp / f"kb-{size}"
            if not kb.exists():
                generate(kb, size)
            work = tmp / f"run-{i}"
            work.mkdir()
            for row in measure(size, kb, work, embedder, args.questions):
                rows.append(row)
                print(json.dumps({**asdict(row), "at": time.strftime("%H:%M:%S")}), file=sys.stderr, flush=True)
            if all(s != size for s, _ in runs[i + 1:]):
                shutil.rmtree(kb, ignore_errors=True)
    sys.stdout.write(report(rows, args, time.perf_counter() - started))


if __name__ == "__main__":
    main()
