"""A reload killed with SIGKILL at any point leaves the previous knowledge base exactly as it was, and the next
reload succeeds and clears away what the killed one left behind.

Every reload runs in a real separate process (reload_driver.py, or the `partnership ingest` command itself) on a
copy of a few corpus files with one changed file; the fake embedder keeps it fast (no answer quality is judged).
What a fresh process sees after the kill is compared with what it saw before the reload: the current generation,
its manifest rows and the chunk ids, texts, metadata and vectors of its Chroma collection.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.vectorstore import collection_names

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DRIVER = Path(__file__).with_name("reload_driver.py")
REPO = Path(__file__).resolve().parents[2]
PARTNERSHIP = Path(sys.executable).with_name("partnership")
FILES = ["referral-pathways/modern-slavery-nrm.md", "referral-pathways/youth-diversion-turnaround.md",
         "protocols/multi-agency-tasking-process.md", "kpis/kpi-dashboard-2026-q2.csv"]
CHANGED = "referral-pathways/youth-diversion-turnaround.md"
LOG = "long-single-line-tasking-log.txt"
EXTRACT = "tasking-log-extract.txt"  # 400 kB of the 2 MB single-line log: ~450 chunks, a long embedding stage
QUESTION = "Who holds the case once consent is given for Turnaround?"


def _env(data: Path, batch: int = 4) -> dict[str, str]:
    """Small embedding batches so that the changed file is embedded in several steps (a point to kill at)."""
    return {**os.environ, "PARTNERSHIP_DATA_DIR": str(data), "PARTNERSHIP_EMBEDDER": "fake",
            "PARTNERSHIP_DATABASE_URL": "", "PARTNERSHIP_CHROMA_HOST": "",
            "PARTNERSHIP_EMBEDDING_BATCH_SIZE": str(batch), "PARTNERSHIP_RELOAD_LOCK_TIMEOUT": "0"}


def _run(data: Path, folder: Path, *extra: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(DRIVER), str(folder), *extra], env=_env(data), cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _start(data: Path, folder: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(DRIVER), str(folder), *extra], env=_env(data), cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_at(data: Path, folder: Path, point: str, markers: Path) -> None:
    """Run a reload that pauses at ``point``, then SIGKILL it there."""
    proc = _start(data, folder, "--pause", point, "--markers", str(markers))
    deadline = time.time() + 240
    while not (markers / point).exists():
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(f"the reload ended before reaching {point}: {err[-3000:]}")
        assert time.time() < deadline, f"the reload never reached {point}"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _chunk_ids(snap: dict[str, Any]) -> set[str]:
    return {c[0] for c in snap["chunks"]}


def _manifest_ids(snap: dict[str, Any]) -> set[str]:
    return {cid for m in snap["manifest"] for cid in m["chunk_ids"]}


def _assert_complete(snap: dict[str, Any], folder: Path) -> None:
    """A whole generation: every file as it is now, and the collection holds exactly the manifest's chunks."""
    assert {m["source"]: m["sha256"] for m in snap["manifest"]} == {
        p.relative_to(folder).as_posix(): _file_sha(p) for p in folder.rglob("*") if p.is_file()}
    assert {m["source"] for m in snap["manifest"]} >= set(FILES)
    assert _chunk_ids(snap) == _manifest_ids(snap) and _chunk_ids(snap)


def _assert_cleaned(snap: dict[str, Any], previous: int) -> None:
    """After a successful reload only the new generation and the one it replaced remain, in the DB and Chroma."""
    current = snap["current"]
    assert current is not None and current > previous
    assert snap["generations"] == [[previous, "retired"], [current, "ready"]]
    assert snap["collections"] == sorted([*collection_names(previous), *collection_names(current)])


def _change(folder: Path) -> None:
    path = folder / CHANGED
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("5 working days", "7 working days") + "\n## 12. Review\n\nThis pathway is "
                    "reviewed every year by the Youth Justice Service and the Community Safety Partnership.\n",
                    encoding="utf-8")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, corpus: Path, corpus_bad: Path) -> dict[str, Any]:
    """A knowledge base built once by a reload process; each scenario starts from a copy of it."""
    root = tmp_path_factory.mktemp("crash-base")
    folder, data = root / "kb", root / "data"
    for rel in FILES:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / rel, folder / rel)
    first = _run(data, folder)
    assert first["summary"]["counts"]["added"] == len(FILES)
    return {"folder": folder, "data": data, "snap": first["after"], "log": (corpus_bad / LOG).read_bytes()}


def _scenario(baseline: dict[str, Any], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the baseline's folder and data, with one file changed."""
    folder, data = tmp_path / "kb", tmp_path / "data"
    shutil.copytree(baseline["folder"], folder)
    shutil.copytree(baseline["data"], data)
    _change(folder)
    return folder, data


@pytest.mark.parametrize("point", ["load", "embed", "manifest"])
def test_killed_reload_leaves_the_previous_knowledge_base(baseline: dict[str, Any], tmp_path: Path,
                                                          point: str) -> None:
    folder, data = _scenario(baseline, tmp_path)
    _kill_at(data, folder, point, tmp_path)

    verify = _run(data, folder, "--ask", QUESTION)
    before, base = verify["before"], baseline["snap"]
    assert before["current"] == base["current"]
    assert before["manifest"] == base["manifest"]
    assert before["chunks"] == base["chunks"]  # ids, texts, metadata and vectors
    assert verify["answer"]["generation"] == base["current"] and not verify["answer"]["abstained"]
    abandoned = [g for g, state in before["generations"] if state == "building"]
    assert len(abandoned) == (0 if point == "load" else 1)  # 'load' is killed before the generation is started

    after = verify["after"]
    _assert_complete(after, folder)
    _assert_cleaned(after, previous=base["current"])
    assert verify["summary"]["counts"]["changed"] == 1 and verify["summary"]["counts"]["unchanged"] == len(FILES) - 1


def test_reload_killed_after_the_switch_leaves_the_new_knowledge_base_whole(baseline: dict[str, Any],
                                                                           tmp_path: Path) -> None:
    folder, data = _scenario(baseline, tmp_path)
    _kill_at(data, folder, "switched", tmp_path)

    verify = _run(data, folder, "--ask", QUESTION)
    before = verify["before"]
    assert before["current"] > baseline["snap"]["current"]
    _assert_complete(before, folder)
    assert verify["answer"]["generation"] == before["current"]
    _assert_cleaned(verify["after"], previous=before["current"])
    assert baseline["snap"]["current"] not in {g for g, _ in verify["after"]["generations"]}


def test_a_crash_while_clearing_up_a_crash_is_also_safe(baseline: dict[str, Any], tmp_path: Path) -> None:
    folder, data = _scenario(baseline, tmp_path)
    _kill_at(data, folder, "embed", tmp_path)
    _kill_at(data, folder, "cleanup", tmp_path)  # the next reload is killed while dropping the abandoned one

    verify = _run(data, folder)
    before, base = verify["before"], baseline["snap"]
    assert (before["current"], before["manifest"], before["chunks"]) == (base["current"], base["manifest"],
                                                                         base["chunks"])
    _assert_complete(verify["after"], folder)
    _assert_cleaned(verify["after"], previous=base["current"])  # the half-dropped generation is gone too


def test_partnership_ingest_killed_at_random_moments(baseline: dict[str, Any], tmp_path: Path) -> None:
    """The real command, killed from outside at random moments once its new generation is being built."""
    rng = random.Random(4)
    for attempt in range(2):
        folder, data = _scenario(baseline, tmp_path / str(attempt))
        (folder / EXTRACT).write_bytes(baseline["log"][:400_000])
        proc = subprocess.Popen([str(PARTNERSHIP), "ingest", "--json", str(folder)], env=_env(data, batch=32),
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        delay = rng.uniform(0.0, 2.5)
        _kill_when_building(proc, data / "partnership.db", delay)
        verify = _run(data, folder)
        before, base = verify["before"], baseline["snap"]
        if before["current"] == base["current"]:
            assert (before["manifest"], before["chunks"]) == (base["manifest"], base["chunks"]), (attempt, delay)
        else:  # the command finished (or was killed after its switch): the new generation is whole
            _assert_complete(before, folder)
        _assert_complete(verify["after"], folder)
        _assert_cleaned(verify["after"], previous=before["current"])


def _kill_when_building(proc: subprocess.Popen[str], db: Path, delay: float) -> bool:
    """Wait until the command has started its new generation, wait ``delay`` more seconds, then SIGKILL it."""
    deadline = time.time() + 240
    while proc.poll() is None and time.time() < deadline:
        if _building(db):
            time.sleep(delay)
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        proc.communicate()
        assert proc.returncode == 0
        return False
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    return True


def _building(db: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM kb_generations WHERE state = 'building'").fetchone()[0] > 0
    except sqlite3.Error:
        return False


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
