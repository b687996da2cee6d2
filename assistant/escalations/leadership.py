"""Which app process runs the escalation timer: one leader among every process sharing the database.

Each ``serve`` process schedules the timer; at each run only the leader ticks and the others stand by. The tick is
already idempotent (conditional updates), so this is not what makes a move happen once: it keeps N processes from
all scanning, and racing to post, every interval. No table is needed:

* PostgreSQL: a session-level ``pg_try_advisory_lock`` held on a connection of the leader's own. PostgreSQL
  releases it when that connection ends, so when the leader exits, is killed or loses its connection, another
  process takes it at its next run.
* SQLite: the database is a file in the data folder, so only processes on this machine share it; a file lock
  beside it (filelock: the operating system drops it with the process) does the same job.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

LOCK_KEY = 0x50415449  # "PATI": the escalation timer's leader (the reload writer's lock is "PAKB")
LOCK_FILE = "escalation-timer.lock"


class TimerLeadership:
    """``lead()`` says whether this process is the timer's leader now, taking the lead when nobody holds it."""

    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.lock_path = data_dir / LOCK_FILE
        self._conn: Connection | None = None
        self._file: FileLock | None = None
        self._leading: bool | None = None  # as last seen, to log only changes
        self._mutex = threading.Lock()  # the scheduler thread and shutdown may both call in

    def lead(self) -> bool:
        with self._mutex:
            leading = self._hold_lock() if self.engine.dialect.name == "postgresql" else self._hold_file()
            if leading != self._leading:
                log.info("escalation timer: %s", "this process leads" if leading else
                         "another process leads; this one stands by")
            self._leading = leading
            return leading

    def release(self) -> None:
        """Give the lead up (at shutdown), so another process takes it at its next run."""
        with self._mutex:
            if self._conn is not None:
                try:
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                    self._conn.commit()
                except Exception:
                    self._conn.invalidate()  # never pool a connection that may still hold the lock
                self._conn.close()
                self._conn = None
            if self._file is not None:
                self._file.release()
                self._file = None
            self._leading = None

    def _hold_lock(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True  # still connected, so still holding it
            except Exception:
                log.warning("escalation timer: lost the leader's database connection; trying to lead again")
                self._conn.invalidate()
                self._conn.close()
                self._conn = None
        conn = self.engine.connect()
        try:
            taken = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar())
            conn.commit()  # the lock belongs to the session: hold no transaction open
        except Exception:
            conn.invalidate()
            conn.close()
            raise
        if taken:
            self._conn = conn
        else:
            conn.close()
        return taken

    def _hold_file(self) -> bool:
        if self._file is not None:
            return True
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.lock_path)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        self._file = lock
        return True
