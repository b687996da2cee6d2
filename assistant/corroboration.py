"""Other documents that state the same fact as the answer (the same figure, date, phone number or identifier) about
the same thing: cited as well, so a reader sees every place the answer is written down."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.evidence import Unit
from assistant.index import IndexedChunk, LoadedKB
from assistant.models import Citation
from ingestion.screening import strip_instructions

# Facts worth matching across documents: figures with a unit, dates, phone numbers, e-mail addresses, ids.
FACT = re.compile(r"£[\d,.]+(?:\s?(?:million|m|k))?|\b\d[\d,.]*%|\b\d{1,2}\s+(?:January|February|March|April|"
                  r"May|June|July|August|September|October|November|December)\s+20\d\d\b|\b0\d{2,4} ?\d{3,4} ?\d{3,4}\b"
                  r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b[A-Z]{1,5}-\d{1,3}\b")
CORROBORATE_SUPPORT = 0.5  # the other passage must be about the question too, not merely share a figure
MAX_CORROBORATING = 2
CANDIDATES = 10


def corroborating(kb: LoadedKB, chosen: list[Unit], fused: dict[int, float],
                  support: Callable[[IndexedChunk], float]) -> list[Citation]:
    facts = {f for u in chosen for f in FACT.findall(u.text)}
    if not facts:
        return []
    used = {u.chunk.source for u in chosen}
    out: list[Citation] = []
    for idx, score in sorted(fused.items(), key=lambda kv: -kv[1])[:CANDIDATES]:
        chunk = kb.chunks[idx]
        doc = kb.documents[chunk.source]
        if chunk.source in used or doc.status == "superseded":
            continue
        shared = facts & set(FACT.findall(chunk.text))
        if not shared or support(chunk) < CORROBORATE_SUPPORT:
            continue
        used.add(chunk.source)
        out.append(Citation(source=chunk.source, page=chunk.page, section=chunk.section,
                            snippet=strip_instructions(chunk.text)[:300], score=round(min(1.0, score * 30), 3),
                            title=doc.title, row_id=chunk.row_id, document_type=doc.doc_type,
                            document_date=doc.date, version=doc.version, status=doc.status))
        if len(out) == MAX_CORROBORATING:
            break
    return out
