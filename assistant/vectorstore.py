"""Chroma client factory: embedded on disk by default, a `chroma run` server when a host is configured."""

from __future__ import annotations

from typing import Any

from assistant.settings import Settings


def build_chroma_client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def collection_name(generation_id: int) -> str:
    return f"kb_gen_{generation_id:06d}"
