"""Text shown to users lives in prompts/ as files, loaded by name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


class Prompts:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @lru_cache(maxsize=64)  # noqa: B019 - one Prompts per process; templates never change while it runs
    def get(self, name: str) -> str:
        return (self.folder / f"{name}.txt").read_text(encoding="utf-8").strip()
