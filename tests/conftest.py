"""Shared fixtures. Unit tests use the fake embedder; integration tests share one real ingest of the corpus per
topology: every test that builds its app through ``topology`` (``settings_for``, ``real_assistant``, the
integration ``fake_assistant``) runs once on the embedded defaults and once on the servers (tests/topology.py)."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # bench/ (the servers) is not an installed package
    sys.path.insert(0, str(REPO))

from topology import TOPOLOGIES, Topology, make_settings  # noqa: E402

from assistant.embedding import Embedder, build_embedder  # noqa: E402
from assistant.logging_setup import offline_environment  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from bench.servers import ServerUnavailable, chroma_server, postgres_server  # noqa: E402

offline_environment()

SHARED = Path(os.environ.get("PARTNERSHIP_SHARED_DIR", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
CORPUS_BAD = SHARED / "corpus-bad"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_bad() -> Path:
    return CORPUS_BAD


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that needs ``topology`` runs on both, unless marked ``@pytest.mark.topology("servers")``."""
    if "topology" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("topology")
        metafunc.parametrize("topology", marker.args if marker else TOPOLOGIES, indirect=True, scope="session")


@pytest.fixture(scope="session")
def topology(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    """One per session and name: the servers are started (or reached) once; pytest runs every test of one
    topology before the other's, so `chroma run` is up only while the servers half runs."""
    name = str(getattr(request, "param", "embedded"))
    if name == "embedded":
        yield Topology(name)
        return
    with contextlib.ExitStack() as stack:
        try:
            postgres = stack.enter_context(postgres_server())
        except ServerUnavailable as exc:  # STACK.md §10: only where no PostgreSQL is installed at all
            pytest.skip(f"the servers topology needs PostgreSQL: {exc}")
        chroma = stack.enter_context(chroma_server(tmp_path_factory.mktemp("chroma-server") / "chroma"))
        placed = Topology(name, chroma, postgres)
        stack.callback(placed.close)
        yield placed


@pytest.fixture
def settings_for(topology: Topology) -> Iterator[Callable[..., Settings]]:
    """``make_settings`` on this test's topology; the test's server databases are dropped when it ends."""
    made: list[Path] = []

    def build(data_dir: Path, **overrides: object) -> Settings:
        made.append(data_dir)
        return make_settings(data_dir, topology, **overrides)

    yield build
    for data_dir in made:
        topology.forget(data_dir)


@pytest.fixture
def fake_assistant(tmp_path: Path) -> Iterator[Assistant]:
    assistant = Assistant(make_settings(tmp_path / "data", embedder="fake"))
    yield assistant
    assistant.engine.dispose()


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    """The real model, loaded once per test session and shared by every real assistant."""
    settings = Settings()
    return build_embedder("local", settings.embedding_package, settings.embedding_batch_size)


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory: pytest.TempPathFactory, corpus: Path, real_embedder: Embedder,
                   topology: Topology) -> Iterator[Assistant]:
    """One real ingest of the corpus (real model) per topology, shared by the integration tests."""
    assistant = Assistant(make_settings(tmp_path_factory.mktemp(f"kb-{topology.name}") / "data", topology),
                          embedder=real_embedder)
    assistant.ingest(corpus)
    yield assistant
    assistant.engine.dispose()


@pytest.fixture(scope="session")
def live_server() -> Iterator[Callable[[FastAPI], str]]:
    """Serve an app over real HTTP on a free loopback port (uvicorn in a thread); returns its base URL."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: FastAPI) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.time() + 10
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(5)
