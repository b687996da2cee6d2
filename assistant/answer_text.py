"""The answer's text: chosen evidence units as a short cited answer, or a plain refusal with pointers."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from assistant.analysis import Analysis
from assistant.attendees import explain_initials, meeting_label
from assistant.evidence import Unit, units_of
from assistant.index import LoadedKB
from assistant.models import Answer, Citation, DocumentPointer
from assistant.priors import MEETING_TYPE
from assistant.prompts import Prompts
from ingestion.screening import strip_instructions

_LEADER = re.compile(r"\s*\.{4,}\s*")
LIST_ITEMS = 3  # lines that follow a chosen lead-in line ending in a colon
ASKS_PLACE = re.compile(r"\b(?:which|what)\s+(?:para(?:graph)?|section|clause|article|part)\b", re.I)
# "what band is that", "which tier": the answer is the heading of the passage (when the heading says that word).
ASKS_HEADING = re.compile(r"\b(?:which|what)\s+(band|tier|level|stage|step|category|priority|theme|schedule|annex|"
                          r"appendix|strand|grade)\b", re.I)


@dataclass(frozen=True)
class Scored:
    unit: Unit
    score: float
    coverage: float
    chunk_score: float
    similarity: float = 0.0  # cosine of the unit (with its context) to the question, when measured


def with_items(chosen: list[Scored], max_chars: int) -> list[Scored]:
    """A chosen line that ends in a colon ("… consent, except where:") says nothing without the lines that
    follow it in its passage: they come with it, and the weakest other units make room."""
    out = list(chosen)
    for c in chosen:
        if not c.unit.text.rstrip().endswith(":"):
            continue
        units = units_of(c.unit.chunk)
        at = next((i for i, u in enumerate(units) if u.text == c.unit.text), None)
        if at is None:
            continue
        items = [Scored(u, c.score, c.coverage, c.chunk_score) for u in units[at + 1:at + 1 + LIST_ITEMS]
                 if u.text not in (x.unit.text for x in out)]
        spot = out.index(c) + 1
        out[spot:spot] = items
        protected = {id(x) for x in (out[0], c, *items)}
        while (sum(len(x.unit.text) for x in out) > max_chars
               and any(id(x) not in protected for x in out)):
            out.remove(next(x for x in reversed(out) if id(x) not in protected))
    return out


def with_gaps(chosen: list[Scored], max_chars: int) -> list[Scored]:
    """Two sentences of one passage with a single sentence between them read as that passage cut: the sentence
    between comes too when it fits ("… is closed. The Board preferred hospital-based youth work. The Panel will …")."""
    out = list(chosen)
    i = 0
    while i + 1 < len(out):
        a, b = out[i], out[i + 1]
        if a.unit.chunk.id == b.unit.chunk.id:
            units = units_of(a.unit.chunk)
            texts = [u.text for u in units]
            at, to = (texts.index(x.unit.text) if x.unit.text in texts else -9 for x in (a, b))
            between = units[at + 1] if to - at == 2 and at >= 0 else None
            if between is not None and between.text not in (x.unit.text for x in out) and (
                    sum(len(x.unit.text) for x in out) + len(between.text) <= max_chars):
                out.insert(i + 1, Scored(between, b.score, b.coverage, b.chunk_score))
        i += 1
    return out


def compose(kb: LoadedKB, analysis: Analysis, chosen: list[Scored], max_chars: int) -> Answer:
    """The chosen units as a short answer, each run of units from one passage followed by its citation marker."""
    citations: list[Citation] = []
    parts: list[tuple[str, int]] = []
    asks_place = bool(ASKS_PLACE.search(analysis.text))
    heading_word = (m.group(1).lower() if (m := ASKS_HEADING.search(analysis.text)) else "")
    explained: set[str] = set()
    labelled: set[str] = set()
    for s in chosen:
        chunk = s.unit.chunk
        doc = kb.documents[chunk.source]
        key = (chunk.source, chunk.page, chunk.section)
        n = next((i for i, c in enumerate(citations, 1) if (c.source, c.page, c.section) == key), 0)
        if not n:
            citations.append(Citation(source=chunk.source, page=chunk.page, section=chunk.section,
                                      snippet=s.unit.text, score=round(min(1.0, s.score), 3), title=doc.title,
                                      row_id=chunk.row_id, document_type=doc.doc_type, document_date=doc.date,
                                      version=doc.version, status=doc.status))
            n = len(citations)
        text = s.unit.text
        if s is chosen[0] and chunk.kind == "table_row" and len(chunk.text) <= max_chars:
            text = strip_instructions(chunk.text)
        if chunk.row_id and not text.startswith(chunk.row_id):
            text = f"{chunk.row_id}: {text}"
        elif chunk.section and chunk.section not in text and (
                asks_place or (heading_word and re.search(rf"\b{heading_word}\b", chunk.section, re.I))):
            text = f"({chunk.section}) {text}"  # "which para covers …": the answer is the paragraph's number
        text = _LEADER.sub(" – ", text)  # "SWEP ........ Seasonal …": a glossary's dot leaders read as a dash
        if doc.status == "superseded":
            text = f"(from the superseded {doc.title}) {text}"
        if doc.doc_type == MEETING_TYPE:
            # Which meeting said it, and who its initials are: "SB asked …" at a meeting the reader never saw.
            text = explain_initials(text, kb.attendees_of(chunk.source), explained)
            if chunk.source not in labelled:
                labelled.add(chunk.source)
                text = f"({meeting_label(doc.title, doc.date)}) {text}"
        parts.append((text, n))
    # One marker per run of units from the same passage ("… except where: there is a risk …; … [1]").
    runs = [f"{t} [{n}]" if i + 1 == len(parts) or parts[i + 1][1] != n else t for i, (t, n) in enumerate(parts)]
    return Answer(answer=" ".join(runs), abstained=False, citations=citations, answer_id=uuid.uuid4().hex,
                  question_type=",".join(analysis.answer_types))


def abstention(kb: LoadedKB, analysis: Analysis, fused: dict[int, float], prompts: Prompts) -> Answer:
    """The plain "not in the documents" answer, with the three nearest documents as pointers."""
    related: list[DocumentPointer] = []
    for idx, _ in sorted(fused.items(), key=lambda kv: -kv[1]):
        chunk = kb.chunks[idx]
        if any(r.source == chunk.source for r in related):
            continue
        related.append(DocumentPointer(source=chunk.source, title=kb.documents[chunk.source].title,
                                       section=chunk.section))
        if len(related) == 3:
            break
    text = prompts.get("abstain")
    if related:
        text += " " + prompts.get("abstain_pointers") + " " + "; ".join(
            f"{r.title}" + (f" ({r.section})" if r.section else "") for r in related)
    return Answer(answer=text, abstained=True, citations=[], related=related, answer_id=uuid.uuid4().hex,
                  question_type=",".join(analysis.answer_types))
