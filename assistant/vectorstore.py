"""Chroma client factory: embedded on disk by default, a `chroma run` server when a host is configured."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.settings import Settings


def build_chroma_client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        _ensure_server_database(settings, chroma_settings)
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl,
                                   settings=chroma_settings, tenant=settings.chroma_tenant,
                                   database=settings.chroma_database)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _ensure_server_database(settings: Settings, chroma_settings: Any) -> None:
    """Create the configured tenant and database on the server when they are missing (the defaults always exist).

    Several partnerships can share one Chroma server, each in a database of its own: collection names
    (``kb_gen_000001``...) and the reload's clean-up of unowned collections are per database, so they never meet.
    """
    if settings.chroma_tenant == "default_tenant" and settings.chroma_database == "default_database":
        return
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    admin = chromadb.AdminClient(ChromaSettings(
        **{**chroma_settings.model_dump(), "chroma_api_impl": "chromadb.api.fastapi.FastAPI",
           "chroma_server_host": settings.chroma_host, "chroma_server_http_port": settings.chroma_port,
           "chroma_server_ssl_enabled": settings.chroma_ssl}))
    tenant, database = settings.chroma_tenant, settings.chroma_database
    # Another app process may create them at the same moment: a failed create is fine if the get then works.
    _get_or_create(lambda: admin.get_tenant(tenant), lambda: admin.create_tenant(tenant))
    _get_or_create(lambda: admin.get_database(database, tenant=tenant),
                   lambda: admin.create_database(database, tenant=tenant))


def _get_or_create(get: Callable[[], object], create: Callable[[], object]) -> None:
    try:
        get()
        return
    except Exception:
        pass
    try:
        create()
    except Exception:
        get()  # raises the real problem when it still does not exist


COLLECTION_PREFIX = "kb_gen_"


UNITS_SUFFIX = "_units"


def collection_name(generation_id: int) -> str:
    return f"{COLLECTION_PREFIX}{generation_id:06d}"


def units_collection_name(generation_id: int) -> str:
    """The generation's sentence vectors for the answer rerank, beside its chunk collection."""
    return f"{collection_name(generation_id)}{UNITS_SUFFIX}"


def collection_names(generation_id: int) -> tuple[str, str]:
    return collection_name(generation_id), units_collection_name(generation_id)


def generation_of(name: str) -> int | None:
    """The generation one of our collections belongs to (its chunks or its sentences); None for anything else."""
    if not name.startswith(COLLECTION_PREFIX):
        return None
    suffix = name.removeprefix(COLLECTION_PREFIX).removesuffix(UNITS_SUFFIX)
    return int(suffix) if suffix.isdigit() else None
