"""One escalation timer leader among the processes sharing a database, on both topologies: an advisory lock on
PostgreSQL, a file lock in the data folder on SQLite. Two app processes are stood in for by two engines (and, on
PostgreSQL, two sessions); tests/integration/test_serve_processes.py does it with real `partnership serve`s."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text
from topology import SettingsFor

from assistant.db import build_engine
from assistant.escalations.leadership import LOCK_KEY, TimerLeadership
from assistant.scheduler import run_tick

pytestmark = pytest.mark.integration


class CountingService:
    def __init__(self) -> None:
        self.ticks = 0

    def tick(self) -> object:
        self.ticks += 1
        return type("Report", (), {"escalated": (), "overdue": (), "notified": 0})()


def test_one_leader_ticks_and_another_takes_over_when_it_goes(tmp_path: Path, settings_for: SettingsFor) -> None:
    settings = settings_for(tmp_path / "data")
    engines = [build_engine(settings.sqlalchemy_url) for _ in range(3)]
    one, two, three = (TimerLeadership(e, settings.data_dir) for e in engines)
    services = [CountingService() for _ in range(3)]
    try:
        for _ in range(3):  # three timer runs in each of three processes: only the leader ticks
            for leadership, service in zip((one, two, three), services, strict=True):
                run_tick(service, leadership)  # type: ignore[arg-type]
        assert [s.ticks for s in services] == [3, 0, 0]
        one.release()  # the leader shuts down
        assert two.lead() and not three.lead()  # the next process to run takes over
        assert not one.lead()  # the old leader comes back as a stand-by
    finally:
        for leadership in (one, two, three):
            leadership.release()
        for engine in engines:
            engine.dispose()


@pytest.mark.topology("servers")
def test_a_leader_that_loses_its_connection_is_replaced(tmp_path: Path, settings_for: SettingsFor) -> None:
    settings = settings_for(tmp_path / "data")
    leader_engine, other_engine = build_engine(settings.sqlalchemy_url), build_engine(settings.sqlalchemy_url)
    leader, other = TimerLeadership(leader_engine, settings.data_dir), TimerLeadership(other_engine, settings.data_dir)
    try:
        assert leader.lead() and not other.lead()
        # The database ends the leader's session (a network cut, a failover, a killed backend): the lock goes with it.
        with other_engine.connect() as conn:
            killed = conn.execute(text(
                "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                "WHERE l.locktype = 'advisory' AND l.objid = :k AND l.granted AND d.datname = current_database()"),
                {"k": LOCK_KEY}).scalars().all()
            conn.commit()
        assert killed == [True]
        # pg_terminate_backend only signals the backend: wait until its session (and the lock) has really gone.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with other_engine.connect() as conn:
                held = conn.execute(text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = "
                    "'advisory' AND l.objid = :k AND l.granted AND d.datname = current_database()"),
                    {"k": LOCK_KEY}).scalar_one()
            if not held:
                break
            time.sleep(0.05)
        assert other.lead()
        assert not leader.lead()  # it notices, tries again, and stands by
    finally:
        leader.release()
        other.release()
        leader_engine.dispose()
        other_engine.dispose()
