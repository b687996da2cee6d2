"""Shared fixtures. Unit tests use the fake embedder; integration tests share one real ingest of the corpus."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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
def real_assistant(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Assistant:
    """One real ingest of the corpus (real model, real Chroma on disk, SQLite), shared by integration tests."""
    assistant = Assistant(make_settings(tmp_path_factory.mktemp("kb") / "data"))
    assistant.ingest(corpus)
    return assistant
