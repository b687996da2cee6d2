"""Logging is configured once, by the entry point."""

from __future__ import annotations

import logging
import os

_configured = False


def configure(level: str) -> None:
    """Log to stderr at ``level``. A later call changes the level (the CLI starts quiet, and `serve` then asks for
    the settings' level); logging that someone else set up (a test runner, a host application) is left alone."""
    global _configured
    root = logging.getLogger()
    if _configured:
        root.setLevel(level.upper())
        return
    if root.handlers:
        return
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _configured = True
    for noisy in ("httpx", "chromadb", "sentence_transformers", "urllib3", "transformers", "bm25s", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def offline_environment() -> None:
    """Hub look-ups fail at once instead of retrying; Chroma telemetry off. Called by entry points only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
