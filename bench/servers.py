"""The scale-out servers on loopback, without Docker: a `chroma run` subprocess and throwaway PostgreSQL databases.

The one place tests (tests/conftest.py's ``topology``, the escalation store and reload concurrency tests) and the
benchmarks (bench/scale.py, bench/size.py) get their servers from. PostgreSQL is the one the project's machines run
on 127.0.0.1:5432 (trust auth, user postgres, STACK.md §10), or a throwaway trust cluster started here when nothing
answers there; each caller creates a uniquely named database and drops it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_USER = "postgres"


class ServerUnavailable(RuntimeError):
    """A server the scale-out topology needs cannot be reached or started here; the message says why."""


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


@dataclass(frozen=True)
class PostgresServer:
    """A PostgreSQL server with trust auth for user ``postgres`` on loopback, where callers make their own databases."""

    host: str
    port: int
    throwaway: bool = False  # started by us (STACK.md §10) rather than the machine's own server

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@{self.host}:{self.port}/{database}"

    def create_database(self, prefix: str) -> str:
        """Create a uniquely named database and return its SQLAlchemy URL (drop it with ``drop_database``)."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        # WITH (FORCE): a test that failed may have left a connection open; the database goes anyway.
        self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self, prefix: str) -> Iterator[str]:
        url = self.create_database(prefix)
        try:
            yield url
        finally:
            self.drop_database(url)

    def _admin(self, statement: str) -> None:
        admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(statement))
        finally:
            admin.dispose()


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server on 127.0.0.1:5432 when one answers (the project's machines run it); otherwise a
    throwaway trust cluster on a free port, stopped afterwards (STACK.md §10). ServerUnavailable when neither is
    possible (no PostgreSQL binaries installed)."""
    if postgres_listening():
        yield PostgresServer(PG_HOST, PG_PORT)
        return
    with throwaway_cluster() as server:
        yield server


@contextlib.contextmanager
def postgres_database(prefix: str = "pa_scale") -> Iterator[str]:
    """A database of its own on ``postgres_server()``: its SQLAlchemy URL, dropped afterwards."""
    with postgres_server() as server, server.database(prefix) as url:
        yield url


def _postgres_bin(name: str) -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise ServerUnavailable(f"nothing listens on {PG_HOST}:{PG_PORT} and no PostgreSQL server is installed "
                                f"(no {name} under /usr/lib/postgresql; apt-get install postgresql)")
    return found[-1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root; the cluster then belongs to the postgres user, as in STACK.md §10.
    return ["runuser", "-u", PG_USER, "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[PostgresServer]:
    """initdb a trust-auth cluster, start it on a free loopback port, stop and delete it after."""
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    # In the system temp folder, not a caller's private one: the postgres user must be able to reach it.
    data = Path(tempfile.mkdtemp(prefix="pa-pgdata-"))
    if os.geteuid() == 0:
        shutil.chown(data, PG_USER, PG_USER)
    port = free_port()
    run = functools.partial(subprocess.run, check=True, capture_output=True, timeout=120)
    try:
        run(_as_postgres([str(initdb), "-D", str(data), "-U", PG_USER, "-A", "trust", "--no-sync"]))
        run(_as_postgres([str(pg_ctl), "-D", str(data), "-l", str(data / "log"), "-w", "start", "-o",
                          f"-p {port} -k {data} -c listen_addresses={PG_HOST} -c fsync=off"]))
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(data, ignore_errors=True)
        raise ServerUnavailable(f"could not start a throwaway PostgreSQL cluster: {exc.stderr!r}") from exc
    try:
        yield PostgresServer(PG_HOST, port, throwaway=True)
    finally:
        subprocess.run(_as_postgres([str(pg_ctl), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       capture_output=True, timeout=120)
        shutil.rmtree(data, ignore_errors=True)


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
