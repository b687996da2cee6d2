"""Word order as evidence: a unit holding the question's words side by side ("lead officer", "year end") says
what was asked more surely than one holding the same words scattered (a "Lead:" column and an "officer" elsewhere).
This is the ordered-pair part of a sequential dependence model, over stemmed content terms."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from assistant.text import terms


def word_pairs(seq: Iterable[str], keep: Iterable[str] | None = None) -> frozenset[tuple[str, str]]:
    """Neighbouring content terms, in order; with ``keep``, only pairs whose terms are both in it."""
    kept = set(keep) if keep is not None else None
    items = [t for t in seq if kept is None or t in kept]
    return frozenset((a, b) for a, b in pairwise(items) if a != b)


def pair_share(asked: frozenset[tuple[str, str]], text: str) -> float:
    """Share of the question's neighbouring pairs that the text holds as neighbours, in either order."""
    if not asked:
        return 0.0
    held = set(pairwise(terms(text)))
    return sum(1 for a, b in asked if (a, b) in held or (b, a) in held) / len(asked)
