"""Shared fixtures. Unit tests use the fake embedder; integration tests share one real ingest of the corpus."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from assistant.embedding import Embedder, build_embedder
from assistant.logging_setup import offline_environment
from assistant.service import Assistant
from assistant.settings import Settings

offline_environment()

REPO = Path(__file__).resolve().parent.parent
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


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, database_url="", chroma_host="", **overrides)  # type: ignore[arg-type]


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
def real_assistant(tmp_path_factory: pytest.TempPathFactory, corpus: Path, real_embedder: Embedder) -> Assistant:
    """One real ingest of the corpus (real model, real Chroma on disk, SQLite), shared by integration tests."""
    assistant = Assistant(make_settings(tmp_path_factory.mktemp("kb") / "data"), embedder=real_embedder)
    assistant.ingest(corpus)
    return assistant


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
