"""Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright; no browser is ever downloaded."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from assistant.embedding import Embedder
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
KB_FILES = ("guidance/glossary-of-acronyms.md", "referral-pathways/prevent-channel-referral-pathway.pdf")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make chromium` (apt-get install -y chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run", "--disable-sync"]}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots of each main screen, for people to look at (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@dataclass
class Site:
    url: str
    assistant: Assistant
    root: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, corpus: Path, real_embedder: Embedder,
         live_server: Callable[[FastAPI], str]) -> Site:
    """The real model on a temporary copy of two corpus files, served on loopback (local mode)."""
    base = tmp_path_factory.mktemp("web-page")
    root = base / "knowledge"
    for rel in KB_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / rel, root / rel)
    settings = Settings(data_dir=base / "data", database_url="", chroma_host="")  # type: ignore[call-arg]
    assistant = Assistant(settings, embedder=real_embedder)
    assistant.ingest(root)
    return Site(live_server(create_app(assistant)), assistant, root)
