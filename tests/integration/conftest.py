"""Integration fixtures: the app of a test that asks for ``fake_assistant`` here runs on both topologies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fakes.slack_api import BOT_TOKEN, FakeSlackAPI

from assistant.service import Assistant
from assistant.settings import Settings


@pytest.fixture
def fake_assistant(tmp_path: Path, settings_for: Callable[..., Settings]) -> Iterator[Assistant]:
    assistant = Assistant(settings_for(tmp_path / "data", embedder="fake"))
    yield assistant
    assistant.engine.dispose()


@pytest.fixture(scope="module")
def slack_api() -> Iterator[FakeSlackAPI]:
    """A local fake of Slack's Web API on loopback, one per test module (slack_sdk is pointed at it)."""
    fake = FakeSlackAPI(BOT_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake(slack_api: FakeSlackAPI) -> FakeSlackAPI:
    slack_api.reset()
    return slack_api
