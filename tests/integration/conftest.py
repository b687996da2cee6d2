"""Integration fixtures: the app of a test that asks for ``fake_assistant`` here runs on both topologies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.service import Assistant
from assistant.settings import Settings


@pytest.fixture
def fake_assistant(tmp_path: Path, settings_for: Callable[..., Settings]) -> Iterator[Assistant]:
    assistant = Assistant(settings_for(tmp_path / "data", embedder="fake"))
    yield assistant
    assistant.engine.dispose()
