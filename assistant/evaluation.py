"""`partnership eval`: run a question set through the core and report by kind, beside a naive baseline."""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter
from rich.console import Console
from rich.table import Table

from assistant.models import Answer, Citation
from assistant.service import Assistant
from ingestion.discover import discover
from ingestion.loaders import load_file


def load_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def grade(q: dict[str, Any], answer: Answer) -> dict[str, Any]:
    text = answer.answer.lower()
    expected = q.get("expected_sources") or []
    cited = {c.source for c in answer.citations}
    answerable = q["kind"] != "unanswerable"
    contains = all(s.lower() in text for s in q.get("answer_must_contain") or [])
    hit = all(e in cited for e in expected) if q["kind"] == "multi-hop" else any(e in cited for e in expected)
    correct = (contains and not answer.abstained) if answerable else answer.abstained
    return {"id": q["id"], "kind": q["kind"], "correct": correct, "citation_hit": hit if answerable else None,
            "abstained": answer.abstained, "answerable": answerable, "chars": len(answer.answer)}


def summarise(rows: list[dict[str, Any]], latencies: list[float]) -> dict[str, Any]:
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    abstained = [r for r in rows if r["abstained"]]
    lat = sorted(latencies)

    def share(xs: list[Any]) -> float | None:
        return round(sum(1 for x in xs if x) / len(xs), 3) if xs else None

    return {
        "questions": len(rows),
        "correct": share([r["correct"] for r in rows]),
        "answerable_correct": share([r["correct"] for r in answerable]),
        "citation_hit": share([r["citation_hit"] for r in answerable]),
        "abstention_recall": share([r["abstained"] for r in unanswerable]),
        "abstention_precision": share([not r["answerable"] for r in abstained]),
        "wrongly_refused": share([r["abstained"] for r in answerable]),
        "median_answer_chars": int(statistics.median([r["chars"] for r in answerable])) if answerable else 0,
        "latency_ms_p50": round(lat[len(lat) // 2] * 1000, 1) if lat else None,
        "latency_ms_p95": round(lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000, 1) if lat else None,
        "by_kind": {k: {"n": len(v), "correct": share([r["correct"] for r in v]),
                        "citation_hit": share([r["citation_hit"] for r in v if r["answerable"]])}
                    for k, v in sorted(by_kind.items())},
        "rows": rows,
    }


def evaluate_assistant(assistant: Assistant, path: Path) -> dict[str, Any]:
    questions = load_questions(path)
    assistant.warm()  # the model and the generation's indexes are warm before timing, as in a running server
    assistant.ask("warm up")
    rows, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        answer = assistant.ask(q["question"])
        latencies.append(time.perf_counter() - started)
        rows.append(grade(q, answer))
    return summarise(rows, latencies)


def run_baseline(assistant: Assistant, path: Path, corpus: Path) -> dict[str, Any]:
    """Naive pipeline: fixed 1000/200-character chunks, dense top-4, the top chunk is the answer."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts: list[str] = []
    sources: list[str] = []
    for found in discover(corpus, assistant.settings.ingest_ignore):
        try:
            doc = load_file(found.path, corpus)
        except Exception:  # the baseline skips what it cannot read, as the product does
            continue
        for piece in splitter.split_text("\n".join(b.text for b in doc.blocks)):
            texts.append(piece)
            sources.append(found.source)
    matrix = assistant.embedder.embed(texts)
    rows, latencies = [], []
    for q in load_questions(path):
        started = time.perf_counter()
        qv = assistant.embedder.embed([q["question"]])[0]
        top = np.argsort(-(matrix @ qv))[:4]
        answer = Answer(answer=texts[top[0]], abstained=False, citations=[
            Citation(source=sources[i], snippet=texts[i][:200], score=float(matrix[i] @ qv)) for i in top])
        latencies.append(time.perf_counter() - started)
        rows.append(grade(q, answer))
    return summarise(rows, latencies)


def print_report(console: Console, name: str, rep: dict[str, Any]) -> None:
    console.print(f"[bold]{name}[/bold]: {rep['questions']} questions — correct {rep['correct']}, citation hit "
                  f"{rep['citation_hit']}, abstention recall {rep['abstention_recall']}, precision "
                  f"{rep['abstention_precision']}, wrongly refused {rep['wrongly_refused']}, median answer "
                  f"{rep['median_answer_chars']} chars, p50 {rep['latency_ms_p50']} ms, p95 {rep['latency_ms_p95']} ms")
    table = Table("kind", "n", "correct", "citation hit")
    for kind, v in rep["by_kind"].items():
        table.add_row(kind, str(v["n"]), str(v["correct"]), str(v["citation_hit"]))
    console.print(table)
