"""The two topologies the integration suite runs on: the embedded defaults and the scale-out servers.

*embedded*: Chroma on disk and SQLite, both in the app's data folder. *servers*: a `chroma run` server and a
PostgreSQL server on loopback, started (or reached) once per test session by bench/servers.py. On the servers each
data folder stands for one partnership with a PostgreSQL database and a Chroma database of its own, so tests stay as
isolated as they are on the embedded defaults, and two apps built on one folder share them as they share the files.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import Settings
from bench.servers import ChromaServer, PostgresServer

TOPOLOGIES = ("embedded", "servers")
SettingsFor = Callable[..., Settings]  # the ``settings_for`` fixture: make_settings on the test's topology


@dataclass
class Topology:
    name: str
    chroma: ChromaServer | None = None
    postgres: PostgresServer | None = None
    _partnerships: dict[Path, dict[str, object]] = field(default_factory=dict)

    @property
    def servers(self) -> bool:
        return self.chroma is not None and self.postgres is not None

    def overrides(self, data_dir: Path) -> dict[str, object]:
        """The settings that put an app whose data folder is ``data_dir`` on this topology."""
        if self.chroma is None or self.postgres is None:
            return {"database_url": "", "chroma_host": ""}
        key = Path(data_dir).resolve()
        if key not in self._partnerships:
            self._partnerships[key] = {
                "database_url": self.postgres.create_database("pa_it"), "chroma_host": self.chroma.host,
                "chroma_port": self.chroma.port, "chroma_database": f"it_{uuid.uuid4().hex[:12]}"}
        return dict(self._partnerships[key])

    def env(self, data_dir: Path) -> dict[str, str]:
        """The same, as the environment of an app process (``partnership`` or a test driver)."""
        values = {"data_dir": data_dir, **self.overrides(data_dir)}
        return {f"PARTNERSHIP_{k.upper()}": str(v) for k, v in values.items()}

    def forget(self, data_dir: Path) -> None:
        """Drop the PostgreSQL database of ``data_dir`` (its Chroma database goes with the session's server)."""
        made = self._partnerships.pop(Path(data_dir).resolve(), None)
        if made is not None and self.postgres is not None:
            self.postgres.drop_database(str(made["database_url"]))

    def close(self) -> None:
        for data_dir in list(self._partnerships):
            self.forget(data_dir)


def make_settings(data_dir: Path, topology: Topology | None = None, **overrides: object) -> Settings:
    """Settings for a test app in ``data_dir``: the embedded defaults, or ``topology``'s servers."""
    placed = (topology or Topology("embedded")).overrides(data_dir)
    return Settings(data_dir=data_dir, **{**placed, **overrides})  # type: ignore[arg-type]
