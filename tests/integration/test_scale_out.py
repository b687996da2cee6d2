"""Scale-out: several app processes behind one `chroma run` server and one PostgreSQL database, on loopback.

The servers are real: the session's `chroma run` on a free loopback port (tests/topology.py), and a database of its
own created on the PostgreSQL server at 127.0.0.1:5432 (dropped afterwards). Each app process has its own data
folder, so its own file lock: only the database (the `current` pointer and the writer's advisory lock) joins them,
as it would on several machines. The fake embedder keeps this fast; everything else is the product's own code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from topology import Topology

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.vectorstore import COLLECTION_PREFIX, build_chroma_client, collection_name, collection_names
from bench.servers import stop

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.topology("servers")]

DRIVER = Path(__file__).with_name("scale_driver.py")
QUESTION = "What is the out-of-hours number for the gadget response desk?"
NUMBERS = ["0300 555 0101", "0300 555 0202", "0300 555 0303", "0300 555 0404"]
BUSY = "Another reload is running. Try again when it has finished."


def desk_guide(number: str) -> str:
    """A document whose one fact changes between versions, with enough sections that embedding takes a while."""
    parts = ["# Gadget response desk guide", "", "Safer Eastbrook Partnership", "", "## 1. Out of hours", "",
             f"The out-of-hours number for the gadget response desk is {number}, answered every night.", ""]
    for i in range(2, 40):
        parts += [f"## {i}. Desk routine {i}", "",
                  f"Routine {i}: the desk officer logs sprocket report {i} and checks it against the ledger of "
                  f"sprocket suppliers for ward {i} before the fortnightly review.", ""]
    return "\n".join(parts)


@pytest.fixture
def servers(topology: Topology) -> Iterator[dict[str, Any]]:
    """Settings every app process shares: the session's servers, with a PostgreSQL database and a Chroma database
    of this test's own."""
    assert topology.chroma is not None and topology.postgres is not None
    with topology.postgres.database("pa_scale_test") as pg_url:
        yield {"database_url": pg_url, "chroma_host": topology.chroma.host, "chroma_port": topology.chroma.port,
               "chroma_database": f"t_{uuid.uuid4().hex[:10]}", "embedder": "fake", "embedding_batch_size": 8}


def _app(data: Path, shared: dict[str, Any], **overrides: Any) -> Assistant:
    return Assistant(Settings(data_dir=data, **{**shared, **overrides}))


def _folder(tmp_path: Path, corpus: Path) -> Path:
    root = tmp_path / "kb"
    (root / "pathways").mkdir(parents=True)
    shutil.copyfile(corpus / "referral-pathways/modern-slavery-nrm.md", root / "pathways/modern-slavery-nrm.md")
    shutil.copyfile(corpus / "protocols/multi-agency-tasking-process.md", root / "tasking.md")
    (root / "desk.md").write_text(desk_guide(NUMBERS[0]), encoding="utf-8")
    return root


def _server_collections(assistant: Assistant) -> set[str]:
    return {str(getattr(c, "name", c)) for c in assistant.chroma.list_collections()}


def _generations(assistant: Assistant) -> list[tuple[int, str]]:
    with assistant.engine.connect() as conn:
        return [(int(r[0]), str(r[1])) for r in conn.execute(text("SELECT id, state FROM kb_generations ORDER BY id"))]


def _consistent(assistant: Assistant) -> None:
    """Nothing half-built anywhere: one ready generation (the current one), its collection holds exactly the
    chunks its manifest lists, and the server holds a collection for each generation the database knows, no more."""
    current = assistant.store.current()
    assert current is not None
    generations = _generations(assistant)
    assert [g for g, state in generations if state == "ready"] == [current.id]
    assert {state for _, state in generations} <= {"ready", "retired"}
    ids = set(assistant.chroma.get_collection(collection_name(current.id)).get(include=[])["ids"])
    assert ids == {cid for m in assistant.store.manifest(current.id) for cid in m.chunk_ids}
    assert _server_collections(assistant) == {name for g, _ in generations for name in collection_names(g)}


def _shown(answer: Any) -> str:
    return answer.answer + " ".join(c.snippet for c in answer.citations)


def test_two_app_processes_share_generations_through_the_servers(tmp_path: Path, corpus: Path,
                                                                 servers: dict[str, Any]) -> None:
    root = _folder(tmp_path, corpus)
    one, two = _app(tmp_path / "one", servers), _app(tmp_path / "two", servers)
    try:
        assert type(one.chroma).__name__ != "PersistentClient" and one.chroma is not two.chroma
        first = one.ingest(root).generation_id
        a, b = one.ask(QUESTION), two.ask(QUESTION)
        assert a.generation == b.generation == first
        assert (b.answer, [c.source for c in b.citations]) == (a.answer, [c.source for c in a.citations])
        assert NUMBERS[0] in _shown(b) and not b.abstained
        assert [d.source for d in two.documents()] == [d.source for d in one.documents()]

        generations = [first]
        for number in NUMBERS[1:]:
            (root / "desk.md").write_text(desk_guide(number), encoding="utf-8")
            summary = one.ingest(root)
            assert {f.source: f.status for f in summary.files}["desk.md"] == "changed"
            generations.append(summary.generation_id)
            seen = two.ask(QUESTION)  # the pointer moved in PostgreSQL: no stale keyword index or cache in `two`
            assert seen.generation == summary.generation_id
            assert number in _shown(seen) and not [n for n in NUMBERS if n != number and n in _shown(seen)]
        # Old generations are dropped on the server as well as in the database: the current one and the one
        # before it (a question may still be reading it) remain.
        assert _server_collections(two) == {name for g in generations[-2:] for name in collection_names(g)}
        _consistent(two)
        # Another partnership's database on the same Chroma server sees none of it.
        other = build_chroma_client(Settings(data_dir=tmp_path / "other", **{**servers, "chroma_database": "other"}))
        assert not [c for c in other.list_collections() if str(getattr(c, "name", c)).startswith(COLLECTION_PREFIX)]
    finally:
        one.engine.dispose()
        two.engine.dispose()


def _start(name: str, root: Path, tmp_path: Path, shared: dict[str, Any], timeout: float,
           *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PARTNERSHIP_DATA_DIR": str(tmp_path / name), "PARTNERSHIP_RELOAD_LOCK_TIMEOUT": str(timeout),
           **{f"PARTNERSHIP_{k.upper()}": str(v) for k, v in shared.items()}}
    return subprocess.Popen([sys.executable, str(DRIVER), str(root), "--name", name, "--markers", str(tmp_path),
                             *extra], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, *processes: subprocess.Popen[str], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        for p in processes:
            if p.poll() is not None:
                raise AssertionError(f"driver exited with {p.returncode}: {p.stderr.read() if p.stderr else ''}")
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def _result(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err[-3000:]
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_concurrent_reloads_from_two_processes_take_turns(tmp_path: Path, corpus: Path,
                                                          servers: dict[str, Any]) -> None:
    root = _folder(tmp_path, corpus)
    here = _app(tmp_path / "here", servers)
    procs: list[subprocess.Popen[str]] = []
    try:
        before = here.ingest(root).generation_id
        (root / "desk.md").write_text(desk_guide(NUMBERS[1]), encoding="utf-8")
        go = tmp_path / "go"
        procs = [_start(n, root, tmp_path, servers, 120, "--go", str(go), "--slow", "0.2") for n in ("p1", "p2")]
        for n in ("p1", "p2"):
            _wait_for(tmp_path / f"{n}.ready", *procs)
        go.write_text("", encoding="utf-8")  # both reloads start at once; one waits for the other
        results = sorted((_result(p) for p in procs), key=lambda r: int(r["generation"]))
        first, second = results
        assert before < first["generation"] < second["generation"]
        # Compared with the first reload's last step inside the locks: its return from ingest comes after release.
        assert first["last_progress"] <= second["in_lock"], "the two reloads overlapped"
        assert second["in_lock"] - second["started"] >= 0.5  # the second one really waited
        assert first["statuses"]["desk.md"] == "changed"
        assert set(second["statuses"].values()) == {"unchanged"}  # it built on the first one's result
        assert here.store.current().id == second["generation"]  # type: ignore[union-attr]
        _consistent(here)
        answer = here.ask(QUESTION)
        assert answer.generation == second["generation"] and NUMBERS[1] in _shown(answer)
    finally:
        for p in procs:
            stop(p)
        here.engine.dispose()


def test_a_reload_in_another_process_is_refused_while_one_runs(tmp_path: Path, corpus: Path,
                                                               servers: dict[str, Any]) -> None:
    root = _folder(tmp_path, corpus)
    here = _app(tmp_path / "here", servers)
    procs: list[subprocess.Popen[str]] = []
    try:
        before = here.ingest(root).generation_id
        (root / "desk.md").write_text(desk_guide(NUMBERS[2]), encoding="utf-8")
        go1, go2, release = tmp_path / "go1", tmp_path / "go2", tmp_path / "release"
        holder = _start("holder", root, tmp_path, servers, 0, "--go", str(go1), "--hold", str(release))
        impatient = _start("impatient", root, tmp_path, servers, 0, "--go", str(go2))
        procs = [holder, impatient]
        for n in ("holder", "impatient"):
            _wait_for(tmp_path / f"{n}.ready", *procs)
        go1.write_text("", encoding="utf-8")
        _wait_for(tmp_path / "holder.embed", holder)  # the holder is mid-reload, with the writer's lock
        snapshot = (_generations(here), _server_collections(here))
        go2.write_text("", encoding="utf-8")
        refused = _result(impatient)
        assert refused == {"refused": BUSY, "after": refused["after"]} and refused["after"] < 5
        assert snapshot == (_generations(here), _server_collections(here))  # the refused reload touched nothing
        assert here.ask(QUESTION).generation == before  # questions still answered from the current generation
        release.write_text("", encoding="utf-8")
        done = _result(holder)
        assert done["generation"] > before and done["statuses"]["desk.md"] == "changed"
        _consistent(here)
        assert NUMBERS[2] in _shown(here.ask(QUESTION))
    finally:
        for p in procs:
            stop(p)
        here.engine.dispose()
