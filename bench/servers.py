"""The scale-out servers on loopback, without Docker: a `chroma run` subprocess and a throwaway PostgreSQL database.

Used by tests/integration/test_scale_out.py and bench/scale.py. PostgreSQL is the one the project's machines run on
127.0.0.1:5432 (trust auth, user postgres, STACK.md §10); each caller creates a uniquely named database and drops it.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_listening() -> bool:
    return listening(PG_HOST, PG_PORT)


@contextlib.contextmanager
def postgres_database(prefix: str = "pa_scale") -> Iterator[str]:
    """Create a uniquely named database on 127.0.0.1:5432, yield its SQLAlchemy URL, then drop it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def chroma_executable() -> str:
    beside = Path(sys.executable).with_name("chroma")
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise RuntimeError("the `chroma` command is not installed (pip install -r requirements.txt)")
    return found


@dataclass
class ChromaServer:
    host: str
    port: int
    process: subprocess.Popen[bytes]
    started_in: float  # seconds from launch to the first heartbeat

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextlib.contextmanager
def chroma_server(path: Path, timeout: float = 60.0) -> Iterator[ChromaServer]:
    """`chroma run --path PATH --host 127.0.0.1 --port FREE`, ready when /api/v2/heartbeat answers; stopped after."""
    port = free_port()
    log = open(path.parent / f"chroma-{port}.log", "wb")  # noqa: SIM115 - closed below, after the process ends
    started = time.monotonic()
    process = subprocess.Popen([chroma_executable(), "run", "--path", str(path), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {process.returncode}; see {log.name}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"chroma run did not answer within {timeout:.0f} s; see {log.name}")
            time.sleep(0.1)
        yield ChromaServer("127.0.0.1", port, process, time.monotonic() - started)
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen[Any], grace: float = 15.0) -> None:
    """Terminate one process we started (SIGTERM, then SIGKILL after ``grace`` seconds)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(grace)
