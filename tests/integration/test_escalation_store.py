"""Escalation storage on SQLite and on a real PostgreSQL server: concurrency across processes and restarts.

PostgreSQL runs on 127.0.0.1:5432 (trust auth, user postgres); each test creates and drops its own database.
The worker functions are module-level so ``multiprocessing`` (spawn) can import them in the child processes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from topology import Topology

from assistant.db import build_engine, build_sessionmaker
from assistant.escalations.models import EscalationNotice
from assistant.escalations.rules import RULES_FILE, load_rules
from assistant.escalations.service import EscalationService
from assistant.escalations.store import AuditRow, EscalationEventRow, EscalationRow
from assistant.migrate import current_revision, upgrade

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
RULES_PATH = REPO / "knowledge" / "rules" / RULES_FILE
LONDON = ZoneInfo("Europe/London")
RAISED_AT = datetime(2026, 4, 30, 10, 0, tzinfo=LONDON)  # Thursday; Level 1 runs out Tuesday 5 May at 10:00
DUE = datetime(2026, 5, 5, 10, 0, tzinfo=LONDON)
SUMMARIES = ["IOM treatment referral stuck", "MARAC action overdue", "school exclusion dispute",
             "county lines case stepped down", "housing management transfer refused"]


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class RecordingNotifier:
    def __init__(self) -> None:
        self.notices: list[EscalationNotice] = []

    def notify(self, notice: EscalationNotice) -> None:
        self.notices.append(notice)


class FileNotifier:
    """Appends one JSON line per notice, so a parent process can count what its children posted."""

    def __init__(self, path: str) -> None:
        self.path = path

    def notify(self, notice: EscalationNotice) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"reference": notice.reference, "kind": notice.kind, "level": notice.level}) + "\n")


class CrashingNotifier:
    """Kills its process the first time it is asked to post: a crash between a committed move and its notice."""

    def notify(self, notice: EscalationNotice) -> None:
        os._exit(3)


@pytest.fixture
def database_url(topology: Topology, tmp_path: Path) -> Iterator[str]:
    """SQLite on the embedded topology; a database of its own on the session's PostgreSQL server on the other."""
    if topology.postgres is None:
        yield f"sqlite:///{tmp_path / 'escalations.db'}"
        return
    with topology.postgres.database("pa_escalations") as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = build_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _service(engine: Engine, now: datetime, notifier: Any = None) -> EscalationService:
    return EscalationService(rules=load_rules(RULES_PATH), sessions=build_sessionmaker(engine),
                             notifier=notifier or RecordingNotifier(), clock=FixedClock(now))


def _raise_many(service: EscalationService, count: int, level: int | None = 1) -> list[str]:
    return [service.raise_(summary=SUMMARIES[i % len(SUMMARIES)], raised_by=f"worker-{i}", level=level).reference
            for i in range(count)]


# -- worker processes -----------------------------------------------------------------------------------------
def _tick_worker(url: str, now_iso: str, barrier: Any, out_path: str) -> None:
    engine = build_engine(url)
    now = datetime.fromisoformat(now_iso)
    service = _service(engine, now, FileNotifier(out_path))
    barrier.wait(timeout=60)  # both processes are built and connected: start the ticks together
    report = service.tick(now)
    with open(out_path + ".report", "w", encoding="utf-8") as fh:
        json.dump({"escalated": list(report.escalated), "notified": report.notified}, fh)
    engine.dispose()


def _raise_worker(url: str, count: int, barrier: Any, out_path: str) -> None:
    engine = build_engine(url)
    service = _service(engine, RAISED_AT)
    barrier.wait(timeout=60)
    refs = _raise_many(service, count, level=None)
    Path(out_path).write_text(json.dumps(refs), encoding="utf-8")
    engine.dispose()


def _crashing_tick_worker(url: str, now_iso: str) -> None:
    engine = build_engine(url)
    _service(engine, datetime.fromisoformat(now_iso), CrashingNotifier()).tick()


def _run(target: Any, args_for: list[tuple[Any, ...]]) -> list[int | None]:
    ctx = multiprocessing.get_context("spawn")
    processes = [ctx.Process(target=target, args=args) for args in args_for]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=180)
    return [p.exitcode for p in processes]


# -- tests ------------------------------------------------------------------------------------------------------
def test_migrations_are_idempotent(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == "0001"


def test_two_tick_processes_at_once_escalate_once(engine: Engine, database_url: str, tmp_path: Path) -> None:
    service = _service(engine, RAISED_AT)
    refs = _raise_many(service, 40)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    outs = [str(tmp_path / f"notices-{i}.jsonl") for i in range(2)]
    codes = _run(_tick_worker, [(database_url, DUE.isoformat(), barrier, out) for out in outs])
    assert codes == [0, 0]

    reports = [json.loads(Path(out + ".report").read_text()) for out in outs]
    moved = [ref for r in reports for ref in r["escalated"]]
    assert sorted(moved) == sorted(refs)  # every escalation moved, by exactly one of the two processes
    notices = [json.loads(line) for out in outs if Path(out).exists() for line in Path(out).read_text().splitlines()]
    assert Counter(n["reference"] for n in notices) == Counter(refs)  # each new owner told exactly once
    assert {(n["kind"], n["level"]) for n in notices} == {("auto_escalated", 2)}
    with engine.connect() as conn:
        levels = conn.execute(select(EscalationRow.level, func.count()).group_by(EscalationRow.level)).all()
        moves = conn.scalar(select(func.count()).select_from(EscalationEventRow)
                            .where(EscalationEventRow.kind == "auto_escalated"))
        audits = conn.scalar(select(func.count()).select_from(AuditRow)
                             .where(AuditRow.action == "escalation.auto_escalated"))
    assert levels == [(2, 40)] and moves == 40 and audits == 40


def test_two_processes_raising_at_once_get_distinct_sequential_references(engine: Engine, database_url: str,
                                                                        tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    outs = [str(tmp_path / f"refs-{i}.json") for i in range(2)]
    assert _run(_raise_worker, [(database_url, 15, barrier, out) for out in outs]) == [0, 0]
    refs = [ref for out in outs for ref in json.loads(Path(out).read_text())]
    assert sorted(refs) == [f"SCE-2026-{n:03d}" for n in range(1, 31)]


def test_a_restart_mid_tick_loses_nothing(engine: Engine, database_url: str) -> None:
    refs = _raise_many(_service(engine, RAISED_AT), 5)
    # The child moves the first escalation, then dies while posting its notice: one move is committed and
    # claimed but unsent, four are still due.
    assert _run(_crashing_tick_worker, [(database_url, DUE.isoformat())]) == [3]
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(EscalationRow).where(EscalationRow.level == 2)) == 1

    recorder = RecordingNotifier()
    restarted = _service(engine, DUE, recorder)
    report = restarted.tick(DUE)
    assert len(report.escalated) == 4
    later = DUE + timedelta(minutes=6)  # past the crashed process's claim on its notice
    assert restarted.tick(later).notified == 1
    assert restarted.tick(later + timedelta(minutes=10)).notified == 0
    assert Counter(n.reference for n in recorder.notices if n.kind == "auto_escalated") == Counter(refs)
    for ref in refs:
        view = restarted.get(ref)
        assert view.level == 2
        assert [e.kind for e in view.history] == ["raised", "auto_escalated"]
    with engine.connect() as conn:
        unsent = conn.scalar(select(func.count()).select_from(EscalationEventRow).where(
            EscalationEventRow.notify.is_(True), EscalationEventRow.notified_at.is_(None)))
    assert unsent == 0


def test_full_lifecycle_and_times_round_trip(engine: Engine) -> None:
    service = _service(engine, RAISED_AT)
    ref = service.raise_(summary="Prevent referral closed, we disagree", raised_by="worker", case_ref="AG-1").reference
    assert service.get(ref).raised_at == RAISED_AT
    clock = FixedClock(RAISED_AT + timedelta(hours=3))
    service = EscalationService(rules=load_rules(RULES_PATH), sessions=build_sessionmaker(engine), clock=clock)
    service.acknowledge(ref, by="head-of-community-safety")
    service.add_note(ref, by="head-of-community-safety", note="Gateway assessment to be repeated")
    clock.current = RAISED_AT + timedelta(days=1)
    done = service.resolve(ref, by="head-of-community-safety", outcome="Referral reopened")
    assert done.acknowledged_at == RAISED_AT + timedelta(hours=3)
    assert [e.kind for e in done.history] == ["raised", "acknowledged", "note", "resolved"]
    report = service.report(start=RAISED_AT - timedelta(days=30), end=RAISED_AT + timedelta(days=60))
    assert report.raised == 1 and report.mean_hours_to_acknowledge == 3.0 and report.mean_hours_to_resolve == 24.0
    assert [v.reference for v in service.list(status="resolved")] == [ref]
