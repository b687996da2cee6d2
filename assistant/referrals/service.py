"""The referral core: the directory of the current generation and the finder, behind one object the doors share."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from assistant.embedding import Embedder
from assistant.errors import BadRequestError
from assistant.index import LoadedKB
from assistant.kb_store import GenerationStore
from assistant.referrals.danger import DangerCheck, DangerSigns
from assistant.referrals.directory import DirectoryCache, ReferralDirectory
from assistant.referrals.finder import Finder
from assistant.referrals.models import ReferralResult

log = logging.getLogger(__name__)

MAX_SITUATION_CHARS = 2000


class ReferralService:
    def __init__(self, embedder: Embedder, store: GenerationStore, rules_dir: Path) -> None:
        self.store = store
        self.cache = DirectoryCache(embedder)
        memo = self.cache.embedder  # remembers vectors of unchanged passages and repeated situations
        self.finder = Finder(memo, DangerCheck(DangerSigns.load(rules_dir / "immediate-danger.yaml"), memo))

    @property
    def embedder(self) -> Embedder:
        """The directory's embedder, which remembers the vectors of pathway passages between questions."""
        return self.cache.embedder

    def directory(self, kb: LoadedKB) -> ReferralDirectory:
        """The directory of ``kb``'s generation (built on first use after each reload)."""
        current = self.store.current()
        root = Path(current.root) if current is not None and current.id == kb.generation_id and current.root else None
        return self.cache.get(kb, root)

    def find(self, kb: LoadedKB, situation: str) -> ReferralResult:
        situation = (situation or "").strip()
        if not situation:
            raise BadRequestError("Please describe the situation.")
        if len(situation) > MAX_SITUATION_CHARS:
            raise BadRequestError(f"Please keep the situation under {MAX_SITUATION_CHARS} characters.")
        started = time.perf_counter()
        result = self.finder.find(self.directory(kb), kb, situation)
        # The situation is never logged: it may hold case details.
        log.info("referral found in %.0f ms (pathways=%d, emergency=%s)", (time.perf_counter() - started) * 1000,
                 len(result.pathways), bool(result.emergency))
        return result
