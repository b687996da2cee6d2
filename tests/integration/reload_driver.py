"""A separate process that reloads a folder with the core, for the crash and lock tests (not collected by pytest).

    python reload_driver.py FOLDER [--pause POINT --markers DIR] [--ask QUESTION] [--no-reload]

Settings come from the environment (PARTNERSHIP_DATA_DIR, PARTNERSHIP_EMBEDDER=fake, ...), as for `partnership`.
It prints one JSON line: the knowledge base as a fresh process sees it before the reload (``before``), the answer
to ``--ask`` (which generation it came from), the reload summary and the knowledge base after it (``after``).

With ``--pause POINT`` the reload stops at that point and waits, after writing ``DIR/POINT``, so that the test
can kill the process there with SIGKILL:

    load      after reading the first file (nothing written yet)
    embed     after the first batch of new vectors is in the new generation's collection
    manifest  after the new generation's manifest rows are written, just before the pointer switch
    switched  just after the pointer switch, before old generations are dropped
    cleanup   while dropping an abandoned generation: its collection deleted, its rows not yet
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assistant.kb_store import Generation, GenerationStore
from assistant.logging_setup import offline_environment
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.vectorstore import collection_name
from ingestion.reload import Reloader


def snapshot(assistant: Assistant) -> dict[str, Any]:
    """Everything that must be exactly as it was after a killed reload: pointer, generations, manifest, vectors."""
    store = assistant.store
    current = store.current()
    with assistant.sessions() as s:
        generations = sorted([g.id, g.state] for g in s.scalars(select(Generation)))
    collections = sorted(str(getattr(c, "name", c)) for c in assistant.chroma.list_collections())
    out: dict[str, Any] = {"current": current.id if current else None, "generations": generations,
                           "collections": collections, "manifest": [], "chunks": []}
    if current is None:
        return out
    out["manifest"] = [{"source": m.source, "sha256": m.sha256, "status": m.status, "title": m.title,
                        "doc_type": m.doc_type, "date": m.doc_date, "version": m.version,
                        "chunk_ids": list(m.chunk_ids), "reason": m.reason, "warnings": list(m.warnings),
                        "loaded_at": m.loaded_at.isoformat()} for m in store.manifest(current.id)]
    got = assistant.chroma.get_collection(collection_name(current.id)).get(
        include=["documents", "embeddings", "metadatas"])
    chunks = []
    for cid, text, vec, meta in zip(got["ids"], got["documents"], got["embeddings"], got["metadatas"], strict=True):
        digest = hashlib.sha1((text + json.dumps(meta, sort_keys=True) +
                               ",".join(f"{float(x):.5f}" for x in vec)).encode()).hexdigest()
        chunks.append([cid, digest])
    out["chunks"] = sorted(chunks)
    return out


def _pause(markers: Path, point: str) -> None:
    (markers / point).write_text(str(time.time()), encoding="utf-8")
    time.sleep(600)  # the test kills the process here
    raise SystemExit(f"nobody killed the process at {point}")


def _arm(point: str, markers: Path) -> Any:
    """Install the pause at ``point``; return a progress callback for the reload."""
    if point == "manifest":
        switch = GenerationStore.switch

        def before_switch(self: GenerationStore, generation_id: int, summary: dict[str, object]) -> int | None:
            _pause(markers, point)
            return switch(self, generation_id, summary)

        GenerationStore.switch = before_switch  # type: ignore[method-assign]
    elif point == "switched":
        switch = GenerationStore.switch

        def after_switch(self: GenerationStore, generation_id: int, summary: dict[str, object]) -> int | None:
            previous = switch(self, generation_id, summary)
            _pause(markers, point)
            return previous

        GenerationStore.switch = after_switch  # type: ignore[method-assign]
    elif point == "cleanup":
        def drop_halfway(self: Reloader, gen_id: int) -> None:
            self.chroma.delete_collection(collection_name(gen_id))
            _pause(markers, point)

        Reloader._drop = drop_halfway  # type: ignore[method-assign]

    def progress(stage: str, done: int, total: int) -> None:
        if (point == "load" and stage == "load" and done == 1) or (
                point == "embed" and stage == "embed" and 0 < done < total):
            _pause(markers, point)

    return progress


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pause", default="")
    parser.add_argument("--markers", type=Path, default=Path("."))
    parser.add_argument("--ask", default="")
    parser.add_argument("--no-reload", action="store_true")
    args = parser.parse_args()
    offline_environment()
    assistant = Assistant(Settings())
    result: dict[str, Any] = {"before": snapshot(assistant)}
    if args.ask:
        answer = assistant.ask(args.ask)
        result["answer"] = {"generation": answer.generation, "abstained": answer.abstained,
                            "sources": [c.source for c in answer.citations]}
    if not args.no_reload:
        progress = _arm(args.pause, args.markers) if args.pause else None
        result["summary"] = assistant.ingest(args.folder, progress).as_dict()
        result["after"] = snapshot(assistant)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
