"""Reloads while people ask questions, and reloads started at once.

Questions asked in a loop while reloads change a document never fail, and each answer comes wholly from the old
or wholly from the new generation. Two reloads at once: the second is refused with a clear message, or waits
(``reload_lock_timeout``), and nothing is corrupted; across processes (the file lock), and across app servers
that share a PostgreSQL database (the database lock). The fake embedder keeps this fast; Chroma and the databases
are real.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from topology import Topology

from assistant.embedding import FakeEmbedder
from assistant.errors import ReloadInProgressError
from assistant.kb_store import DatabaseWriterLock
from assistant.models import Answer
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.vectorstore import collection_name

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("reload_driver.py")
NUMBERS = ["0300 111 0001", "0300 222 0002", "0300 333 0003", "0300 444 0004"]
QUESTION = "What is the widget panel duty number?"
BUSY = "Another reload is running. Try again when it has finished."


class SlowEmbedder(FakeEmbedder):
    """The fake embedder, slowed down like a real model so that reloads and questions overlap."""

    def embed(self, texts: list[str]) -> np.ndarray:
        time.sleep(0.004 * len(texts))
        return super().embed(texts)


def widget_handbook(number: str) -> str:
    """A document whose duty number changes between versions; 60 sections so a reload takes a while."""
    parts = ["# Widget panel handbook", "", "Safer Eastbrook Partnership", "",
             "## 1. Contact", "", f"The widget panel duty number is {number}, staffed Monday to Friday 09:00–17:00.",
             ""]
    for i in range(2, 60):
        parts += [f"## {i}. Procedure step {i}", "",
                  f"Step {i} of the gadget procedure: the coordinator records item {i} in the register and checks "
                  f"it against the list of approved gizmos for area {i} before the monthly review.", ""]
    return "\n".join(parts)


def _settings(data: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": data, "database_url": "", "chroma_host": "", "embedder": "fake",
                                 "embedding_batch_size": 8, **overrides}
    return Settings(**values)  # type: ignore[arg-type]


def _folder(tmp_path: Path, corpus: Path) -> Path:
    root = tmp_path / "kb"
    (root / "pathways").mkdir(parents=True)
    shutil.copyfile(corpus / "referral-pathways/modern-slavery-nrm.md", root / "pathways/modern-slavery-nrm.md")
    shutil.copyfile(corpus / "protocols/multi-agency-tasking-process.md", root / "tasking.md")
    (root / "widgets.md").write_text(widget_handbook(NUMBERS[0]), encoding="utf-8")
    return root


def _consistent(assistant: Assistant) -> None:
    """The current generation's collection holds exactly the chunks its manifest lists."""
    current = assistant.store.current()
    assert current is not None
    ids = set(assistant.chroma.get_collection(collection_name(current.id)).get(include=[])["ids"])
    assert ids == {cid for m in assistant.store.manifest(current.id) for cid in m.chunk_ids}


@pytest.mark.slow
def test_questions_during_reloads_never_fail_and_never_mix(tmp_path: Path, corpus: Path) -> None:
    assistant = Assistant(_settings(tmp_path / "data"), embedder=SlowEmbedder())
    root = _folder(tmp_path, corpus)
    number_of = {assistant.ingest(root).generation_id: NUMBERS[0]}
    answers: list[Answer] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask_in_a_loop() -> None:
        while not stop.is_set():
            try:
                answers.append(assistant.ask(QUESTION))
            except BaseException as exc:  # any failure is a test failure
                errors.append(exc)

    threads = [threading.Thread(target=ask_in_a_loop) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for number in NUMBERS[1:]:
            time.sleep(0.3)
            (root / "widgets.md").write_text(widget_handbook(number), encoding="utf-8")
            summary = assistant.ingest(root)
            assert {f.source: f.status for f in summary.files}["widgets.md"] == "changed"
            number_of[summary.generation_id] = number
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not errors, errors[:3]
    seen = {a.generation for a in answers}
    assert len(seen) >= 3, f"reloads and questions did not overlap: {len(answers)} answers from {seen}"
    for a in answers:
        assert a.generation in number_of and not a.abstained
        expected = number_of[a.generation]
        shown = a.answer + " ".join(c.snippet for c in a.citations)
        assert expected in shown, (a.generation, a.answer)
        assert not [n for n in NUMBERS if n != expected and n in shown], (a.generation, a.answer)
    _consistent(assistant)


def test_second_reload_is_refused_or_waits(tmp_path: Path, corpus: Path) -> None:
    data = tmp_path / "data"
    first = Assistant(_settings(data), embedder=SlowEmbedder())
    root = _folder(tmp_path, corpus)
    first.ingest(root)
    refusing = Assistant(_settings(data, reload_lock_timeout=0))
    waiting = Assistant(_settings(data, reload_lock_timeout=60))
    (root / "widgets.md").write_text(widget_handbook(NUMBERS[1]), encoding="utf-8")

    in_embed, go = threading.Event(), threading.Event()

    def hold(stage: str, done: int, total: int) -> None:
        if stage == "embed" and not in_embed.is_set():
            in_embed.set()
            assert go.wait(60)

    results: dict[str, object] = {}

    def run(name: str, assistant: Assistant, progress: object = None) -> None:
        try:
            results[name] = assistant.ingest(root, progress)  # type: ignore[arg-type]
        except BaseException as exc:
            results[name] = exc

    a = threading.Thread(target=run, args=("a", first, hold))
    a.start()
    assert in_embed.wait(60)
    generations = _generations(first)
    with pytest.raises(ReloadInProgressError) as refused:
        refusing.ingest(root)
    assert refused.value.message == BUSY
    assert _generations(first) == generations  # the refused reload touched nothing

    c = threading.Thread(target=run, args=("c", waiting))
    c.start()
    time.sleep(1.0)
    assert c.is_alive() and "c" not in results  # waiting for the lock
    go.set()
    a.join(60)
    c.join(60)
    gen_a, gen_c = results["a"].generation_id, results["c"].generation_id  # type: ignore[union-attr]
    assert gen_c > gen_a
    assert {f.source: f.status for f in results["c"].files}["widgets.md"] == "unchanged"  # type: ignore[union-attr]
    assert first.store.current().id == gen_c  # type: ignore[union-attr]
    assert _generations(first) == [(gen_a, "retired"), (gen_c, "ready")]
    _consistent(first)


def _generations(assistant: Assistant) -> list[tuple[int, str]]:
    with assistant.engine.connect() as conn:
        return [(int(r[0]), str(r[1])) for r in conn.execute(text("SELECT id, state FROM kb_generations ORDER BY id"))]


@pytest.mark.slow
def test_a_reload_in_another_process_holds_the_lock_until_it_dies(tmp_path: Path, corpus: Path) -> None:
    data = tmp_path / "data"
    root = _folder(tmp_path, corpus)
    here = Assistant(_settings(data))
    before = here.ingest(root).generation_id
    (root / "widgets.md").write_text(widget_handbook(NUMBERS[1]), encoding="utf-8")
    env = {**os.environ, "PARTNERSHIP_DATA_DIR": str(data), "PARTNERSHIP_EMBEDDER": "fake",
           "PARTNERSHIP_DATABASE_URL": "", "PARTNERSHIP_EMBEDDING_BATCH_SIZE": "4"}
    other = subprocess.Popen([sys.executable, str(DRIVER), str(root), "--pause", "embed", "--markers", str(tmp_path)],
                             env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        while not (tmp_path / "embed").exists():
            assert other.poll() is None and time.time() < deadline, other.stderr.read() if other.stderr else ""
            time.sleep(0.05)
        with pytest.raises(ReloadInProgressError, match="Another reload is running"):
            here.ingest(root)
        assert here.store.current().id == before  # type: ignore[union-attr]
    finally:
        os.kill(other.pid, signal.SIGKILL)
        other.communicate(timeout=30)
    summary = here.ingest(root)  # the killed writer's lock went with it
    assert summary.generation_id > before
    assert [g for g, _ in _generations(here)] == [before, summary.generation_id]  # its abandoned build is gone
    _consistent(here)


# -- several app servers on one PostgreSQL database ---------------------------------------------------------
@pytest.fixture
def pg_url(topology: Topology) -> Iterator[str]:
    """A database of its own on the session's PostgreSQL server (tests/topology.py)."""
    assert topology.postgres is not None
    with topology.postgres.database("pa_reload") as url:
        yield url


@pytest.mark.topology("servers")
def test_app_servers_sharing_postgresql_reload_one_at_a_time(tmp_path: Path, corpus: Path, pg_url: str) -> None:
    """Each server has its own data folder (so its own file lock) but shares the database and the vectors."""
    root = _folder(tmp_path, corpus)
    one = Assistant(_settings(tmp_path / "one", database_url=pg_url))
    two = Assistant(_settings(tmp_path / "two", database_url=pg_url), chroma=one.chroma)
    patient = Assistant(_settings(tmp_path / "three", database_url=pg_url, reload_lock_timeout=30), chroma=one.chroma)
    try:
        first = one.ingest(root).generation_id
        (root / "widgets.md").write_text(widget_handbook(NUMBERS[1]), encoding="utf-8")
        with DatabaseWriterLock(one.engine).hold(0):  # server one is reloading
            with pytest.raises(ReloadInProgressError) as refused:
                two.ingest(root)
            assert refused.value.message == BUSY
            with pytest.raises(ReloadInProgressError):
                DatabaseWriterLock(two.engine).hold(0).__enter__()
        assert two.store.current().id == first  # type: ignore[union-attr]

        held = threading.Event()

        def hold_for_a_while() -> None:
            with DatabaseWriterLock(one.engine).hold(0):
                held.set()
                time.sleep(1.5)

        holder = threading.Thread(target=hold_for_a_while)
        holder.start()
        assert held.wait(10)
        started = time.monotonic()
        summary = patient.ingest(root)  # waits for server one, then reloads
        holder.join(10)
        assert time.monotonic() - started >= 1.0
        assert {f.source: f.status for f in summary.files}["widgets.md"] == "changed"
        assert one.store.current().id == summary.generation_id  # type: ignore[union-attr]
        _consistent(one)
        assert one.ask(QUESTION).generation == summary.generation_id
    finally:
        for a in (one, two, patient):
            a.engine.dispose()


@pytest.mark.topology("servers")
def test_a_killed_server_never_leaves_the_database_lock_behind(tmp_path: Path, corpus: Path, pg_url: str) -> None:
    root = _folder(tmp_path, corpus)
    server = Assistant(_settings(tmp_path / "data", database_url=pg_url, reload_lock_timeout=10))
    psycopg_url = pg_url.replace("postgresql+psycopg://", "postgresql://")
    code = ("import sys, time, psycopg\n"
            f"conn = psycopg.connect({psycopg_url!r}, autocommit=True)\n"
            f"conn.execute('SELECT pg_advisory_lock({DatabaseWriterLock.KEY})')\n"
            "print('held', flush=True)\n"
            "time.sleep(600)\n")
    other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        impatient = Assistant(_settings(tmp_path / "other", database_url=pg_url, reload_lock_timeout=0))
        with pytest.raises(ReloadInProgressError):
            impatient.ingest(root)
        impatient.engine.dispose()
    finally:
        os.kill(other.pid, signal.SIGKILL)
        other.communicate(timeout=30)
    try:
        assert server.ingest(root).generation_id  # PostgreSQL released the dead session's lock
    finally:
        server.engine.dispose()
