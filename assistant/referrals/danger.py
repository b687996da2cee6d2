"""Does a situation read as immediate danger? Signs come from a reviewed rules file; the advice shown comes from
the pathways themselves (their own "call 999" sentences)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from assistant.embedding import Embedder
from assistant.errors import ConfigError

DEFAULT_THRESHOLD = 0.44


@dataclass(frozen=True)
class DangerSigns:
    signs: tuple[str, ...]
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def load(cls, path: Path) -> DangerSigns:
        """The signs in ``path`` (none when the file is missing: then only the pathways' own wording is used)."""
        if not path.exists():
            return cls(())
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            signs = tuple(str(s).strip() for s in data.get("signs") or [] if str(s).strip())
            threshold = float(data.get("threshold", DEFAULT_THRESHOLD))
        except (yaml.YAMLError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigError(f"The immediate-danger signs in {path.name} are invalid: {exc}") from exc
        if not 0 < threshold < 1:
            raise ConfigError(f"The threshold in {path.name} must be between 0 and 1.")
        return cls(signs, threshold)


class DangerCheck:
    """Embeds the signs once; ``reads_as_danger`` compares a situation (and its parts) with them."""

    def __init__(self, signs: DangerSigns, embedder: Embedder) -> None:
        self.signs = signs
        self._vectors = embedder.embed(list(signs.signs)) if signs.signs else None

    def reads_as_danger(self, situation_vectors: np.ndarray) -> bool:
        if self._vectors is None or not len(situation_vectors):
            return False
        return float((situation_vectors @ self._vectors.T).max()) >= self.signs.threshold
