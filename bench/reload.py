"""Measure reloads with the real model, in one run, and print a Markdown section for BENCHMARKS.md.

    .venv/bin/python -m bench.reload

- full ingest of ../shared/corpus (copied to a temporary folder) into an empty knowledge base;
- reload with no change; reload with one changed file (a paragraph added to one pathway);
- peak memory of ingesting the 2 MB single-line file (corpus-bad/long-single-line-tasking-log.txt), each in a
  child process: its peak resident memory against a child that loads the same model and ingests one small file,
  and the peak of Python allocations (tracemalloc) during the reload itself.

Takes about 15 minutes on 2 cores (most of it embedding the 2,390 chunks of the 2 MB file with the real model).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from assistant.logging_setup import configure, offline_environment
from assistant.service import Assistant
from assistant.settings import REPO_ROOT, Settings

SHARED = REPO_ROOT.parent / "shared"
CHANGED = "referral-pathways/modern-slavery-nrm.md"
LONG = SHARED / "corpus-bad" / "long-single-line-tasking-log.txt"
SMALL = SHARED / "corpus" / "referral-pathways" / "youth-diversion-turnaround.md"
REPEATS = 3


def _timed(assistant: Assistant, folder: Path) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    summary = assistant.ingest(folder)
    return time.perf_counter() - started, summary.as_dict()


def reload_times(tmp: Path) -> list[str]:
    folder = tmp / "corpus"
    shutil.copytree(SHARED / "corpus", folder)
    assistant = Assistant(Settings(data_dir=tmp / "data"))
    assistant.embedder.embed(["warm up the model"])  # model loading is not part of any reload
    full, summary = _timed(assistant, folder)
    files, chunks = summary["counts"]["added"], summary["chunks"]
    unchanged, changed = [], []
    for i in range(REPEATS):
        unchanged.append(_timed(assistant, folder))
        with (folder / CHANGED).open("a", encoding="utf-8") as fh:
            fh.write(f"\n\n## Review {i + 1}\n\nThis pathway was reviewed by the Modern Slavery Coordinator in "
                     f"June 2026 (review {i + 1}); no change to the referral route.\n")
        changed.append(_timed(assistant, folder))
    one = statistics.median(s for s, _ in changed)
    none = statistics.median(s for s, _ in unchanged)
    embedded = changed[-1][1]["embedded_chunks"]
    return [
        "| reload | seconds | files embedded | chunks embedded | share of a full ingest |",
        "|---|---|---|---|---|",
        f"| full ingest (empty knowledge base) | {full:.1f} | {files} | {summary['embedded_chunks']} | 100% |",
        f"| one changed file (`{CHANGED}`) | {one:.1f} | 1 | {embedded} | {one / full:.0%} |",
        f"| no change | {none:.1f} | 0 | {unchanged[-1][1]['embedded_chunks']} | {none / full:.0%} |",
        "",
        f"{files} files, {chunks} chunks. The two incremental reloads are medians of {REPEATS} runs each "
        f"(one changed: {', '.join(f'{s:.1f}' for s, _ in changed)} s; no change: "
        f"{', '.join(f'{s:.1f}' for s, _ in unchanged)} s). Every reload builds a new generation: unchanged files "
        "carry their vectors over from the previous one instead of being embedded again, then one pointer switch.",
    ]


def child(file: Path, embedder: str) -> None:
    """In a child process: ingest a folder holding ``file`` alone; print what it cost as JSON."""
    offline_environment()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "kb"
        folder.mkdir()
        shutil.copyfile(file, folder / file.name)
        assistant = Assistant(Settings(data_dir=Path(tmp) / "data", embedder=embedder))
        assistant.embedder.embed(["warm up the model"])
        rss_before = _peak_rss_kb()
        tracemalloc.start()
        started = time.perf_counter()
        summary = assistant.ingest(folder)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        longest = max(len(c.text) for c in assistant.knowledge_base().chunks)
        print(json.dumps({"seconds": seconds, "chunks": summary.chunks, "longest_chunk": longest,
                          "traced_peak": peak, "rss_before_kb": rss_before,
                          "rss_peak_kb": _peak_rss_kb()}))


def _peak_rss_kb() -> int:
    """This process's peak resident memory. VmHWM starts afresh at exec (ru_maxrss would start at the parent's
    size at fork, and the parent holds a model)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _run_child(file: Path, embedder: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.reload", "--child", str(file), "--embedder", embedder],
                          cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def memory() -> list[str]:
    lines = ["| ingesting | embedder | seconds | chunks | longest chunk (chars) | peak Python allocations "
             "(tracemalloc) | peak resident memory of the process | of which above a one-small-file ingest |",
             "|---|---|---|---|---|---|---|---|"]
    for embedder in ("local", "fake"):
        small, big = _run_child(SMALL, embedder), _run_child(LONG, embedder)
        for name, r in ((SMALL.name, small), (LONG.name, big)):
            extra = (r["rss_peak_kb"] - small["rss_peak_kb"]) / 1024
            lines.append(f"| `{name}` | {embedder} | {r['seconds']:.1f} | {r['chunks']} | "
                         f"{r['longest_chunk']} | {r['traced_peak'] / 2**20:.0f} MB | "
                         f"{r['rss_peak_kb'] / 1024:.0f} MB | {extra:+.0f} MB |")
    return [*lines, "",
            f"`{LONG.name}` is {LONG.stat().st_size / 1e6:.1f} MB on one line; it is chunked by size (never by "
            "line) and embedded in batches, so memory grows with the chunks kept for the reload, not with the "
            "line. Each row is a separate child process (peak RSS: VmHWM); 'local' is the packaged model, "
            "'fake' the hashed test embedder (loading, chunking and indexing alone)."]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--embedder", default="local", help=argparse.SUPPRESS)
    args = parser.parse_args()
    offline_environment()
    configure("WARNING")
    if args.child:
        child(args.child, args.embedder)
        return
    out = ["## Reloads (incremental and whole)", "",
           f"Reproduce: `.venv/bin/python -m bench.reload`. Measured in one run on {platform.machine()} with Python "
           f"{platform.python_version()}, 2 cores shared, the packaged embedding model, embedded Chroma + SQLite.",
           ""]
    mem = memory()  # first, in child processes, before this process loads the model
    with tempfile.TemporaryDirectory() as tmp:
        out += reload_times(Path(tmp))
    out += ["", "### Memory: the 2 MB single-line file", "", *mem]
    print("\n".join(out))


if __name__ == "__main__":
    main()
