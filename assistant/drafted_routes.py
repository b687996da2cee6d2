"""Escalation routing for a knowledge base whose reviewed rules file belongs to another protocol.

The rules file in ``knowledge/rules`` is drafted from one partnership's protocol and reviewed by a policy officer.
A knowledge base loaded from another partnership's documents has its own protocol, and "who's level 3?" must be
answered from that one, not left to passages alone. So, for answering only, its rules are drafted from the
protocol document the knowledge base holds (the same drafter a policy officer runs, reading the level and topic
tables by what their columns say). Nothing is tracked or posted with drafted rules: raising and tracking
escalations still needs the reviewed file. A drafted answer says where it was read from.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.embedding import Embedder
from assistant.errors import ConfigError
from assistant.escalations import EscalationService
from assistant.escalations.draft import rules_from_document
from assistant.kb_store import ManifestEntry
from ingestion.discover import sha256_bytes
from ingestion.loaders import load_file

log = logging.getLogger(__name__)

# Documents worth trying, by what their name or title says they are.
PROTOCOL_TYPE = "protocol"
_PROTOCOL_NAME = re.compile(r"escalat|stuck|professional (?:challenge|disagreement)|resolution|dispute", re.I)


class DraftedRoutes:
    """One drafted escalation service per knowledge-base generation (or none when no protocol can be read)."""

    def __init__(self, root: Callable[[], Path], make_service: Callable[..., EscalationService],
                 embedder: Embedder) -> None:
        self._root, self._make, self._embedder = root, make_service, embedder
        self._cache: dict[int, EscalationService | None] = {}
        self._lock = threading.Lock()

    def for_generation(self, generation_id: int, manifest: Sequence[ManifestEntry]) -> EscalationService | None:
        with self._lock:
            if generation_id not in self._cache:
                self._cache = {generation_id: self._draft(manifest)}  # only the current generation is kept
            return self._cache[generation_id]

    def _draft(self, manifest: Sequence[ManifestEntry]) -> EscalationService | None:
        root = self._root()
        current = [m for m in manifest if m.status == "current"]
        named = [m for m in current if _PROTOCOL_NAME.search(m.source) or _PROTOCOL_NAME.search(m.title or "")]
        # A protocol named in its own words ("The Blocked Case Ladder") is read after those named for escalation.
        candidates = named + [m for m in current if m not in named and m.doc_type == PROTOCOL_TYPE]
        for entry in candidates:
            path = root / entry.source
            try:
                raw = path.read_bytes()
                if sha256_bytes(raw) != entry.sha256:
                    continue  # the file changed since it was loaded: its tables may no longer be these rules
                # (A draft's review notes, such as a missing Slack channel, do not change who owns a level.)
                rules, _ = rules_from_document(load_file(path, root), raw)
            except (OSError, ConfigError, ValueError) as exc:
                # (Document names and their contents stay out of the logs.)
                log.info("a protocol document gave no escalation rules (%s)", type(exc).__name__)
                continue
            return self._make(rules=rules, embedder=self._embedder)
        return None


__all__ = ["DraftedRoutes"]
