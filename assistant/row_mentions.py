"""What a document later says about a table row, found by the row's identifier ("A1 was met (147 victims)")."""

from __future__ import annotations

import re

from assistant.evidence import DECIDED, Unit, units_of
from assistant.index import LoadedKB, row_key

MENTIONS = 20  # chunks elsewhere that name a row's identifier, looked at for a later update


def row_mention(kb: LoadedKB, weights: dict[str, float], lead: Unit, have: set[str],
                taken: set[str]) -> tuple[Unit, float] | None:
    """A sentence elsewhere in the lead row's document, or in a later document, that names the row by its id and
    adds what the question asks that the answer so far (``have``) lacks: an outcome, a later decision."""
    row_id = lead.chunk.row_id
    if not row_id or lead.chunk.kind != "table_row":
        return None
    mention = re.compile(rf"(?<![\w-]){re.escape(row_id)}(?![\w-])")
    missing = {t: w for t, w in weights.items() if t not in have}
    own = kb.documents[lead.chunk.source]
    named = [i for i, _ in kb.keyword_search([row_key(row_id).lower()], MENTIONS)
             if kb.documents[kb.chunks[i].source].status != "superseded"
             and kb.documents[kb.chunks[i].source].date > own.date]
    later = set(named)
    best: tuple[Unit, float] | None = None
    for idx in [*kb.by_source.get(lead.chunk.source, []), *named]:
        chunk = kb.chunks[idx]
        if chunk.kind == "table_row" or not mention.search(chunk.text):
            continue
        for unit in units_of(chunk):
            gained = sum(w for t, w in missing.items() if t in unit.terms)
            if idx in later and DECIDED.search(unit.text):
                gained += max(weights.values(), default=1.0)  # a later decision on the row is its news
            if mention.search(unit.text) and gained and unit.text not in taken and (best is None or gained > best[1]):
                best = (unit, gained)
    return best
