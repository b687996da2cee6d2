"""Extractive answering without an LLM: retrieve → rerank → select units → compose → check (or abstain)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np

from assistant.analysis import Analysis, analyse, identifiers
from assistant.embedding import Embedder
from assistant.evidence import Unit, compact_row, type_match, units_of
from assistant.index import IndexedChunk, LoadedKB
from assistant.models import Answer, Citation, DocumentPointer
from assistant.prompts import Prompts
from assistant.settings import Settings
from ingestion.screening import strip_instructions

SUPERSEDED_WEIGHT = 0.35  # a superseded document is kept for "what changed" but loses to the current one
CANDIDATES = 10


@dataclass(frozen=True)
class Scored:
    unit: Unit
    score: float
    coverage: float
    chunk_score: float


class Answerer:
    def __init__(self, embedder: Embedder, settings: Settings, prompts: Prompts) -> None:
        self.embedder, self.settings, self.prompts = embedder, settings, prompts

    # -- retrieval ----------------------------------------------------------------------------------------
    def retrieve(self, kb: LoadedKB, analysis: Analysis, qvec: np.ndarray) -> dict[int, float]:
        """Fuse dense and keyword rankings (reciprocal rank fusion), then apply document priors."""
        k, rrf = self.settings.retrieve_k, self.settings.rrf_k
        qterms = kb.repair(list(analysis.terms))
        fused: dict[int, float] = {}
        for ranking in (kb.dense_search(qvec, k), kb.keyword_search(qterms, k)):
            for rank, (idx, _score) in enumerate(ranking):
                fused[idx] = fused.get(idx, 0.0) + 1.0 / (rrf + rank + 1)
        ids = set(analysis.ids)
        if ids:
            for idx, chunk in enumerate(kb.chunks):
                if chunk.row_id and chunk.row_id.replace("-", "").upper() in ids:
                    fused[idx] = fused.get(idx, 0.0) + 2.0 / rrf
                elif any(i in set(identifiers(chunk.text[:40])) for i in ids):
                    fused[idx] = fused.get(idx, 0.0) + 1.0 / rrf
        newest = _newest_by_type(kb)
        for idx in list(fused):
            doc = kb.documents[kb.chunks[idx].source]
            if doc.status == "superseded":
                fused[idx] *= SUPERSEDED_WEIGHT
            elif doc.date and newest.get(doc.doc_type) == doc.date:
                fused[idx] *= 1.08  # the latest minutes or plan of its kind wins a near tie
        return fused

    # -- selection ----------------------------------------------------------------------------------------
    def score_units(self, kb: LoadedKB, analysis: Analysis, fused: dict[int, float]) -> list[Scored]:
        top = sorted(fused.items(), key=lambda kv: -kv[1])[:CANDIDATES]
        if not top:
            return []
        best = top[0][1]
        qterms = set(kb.repair(list(analysis.terms)))
        weights = {t: _weight(kb, t) for t in qterms}
        total = sum(weights.values()) or 1.0
        out: list[Scored] = []
        for idx, fscore in top:
            chunk = kb.chunks[idx]
            context_terms = set(kb.chunk_terms[idx])
            for unit in units_of(chunk):
                text = strip_instructions(unit.text)
                if not text:
                    continue
                if chunk.kind == "table_row":
                    text = compact_row(text, qterms)
                covered = sum(w if t in unit.terms else (0.6 * w if t in context_terms else 0.0)
                              for t, w in weights.items())
                coverage = covered / total
                chunk_norm = fscore / best
                score = 0.45 * chunk_norm + 0.4 * coverage + 0.15 * type_match(analysis.answer_types, text)
                out.append(Scored(Unit(chunk, text, unit.terms), score, coverage, chunk_norm))
        out.sort(key=lambda s: -s.score)
        return out

    def support(self, kb: LoadedKB, analysis: Analysis, chunk: IndexedChunk) -> float:
        """Share of the question's information (IDF-weighted) that the evidence chunk actually holds."""
        qterms = set(kb.repair(list(analysis.terms)))
        if not qterms:
            return 0.0
        have = set(kb.chunk_terms[kb.by_id[chunk.id]])
        weights = {t: _weight(kb, t) for t in qterms}
        return sum(w for t, w in weights.items() if t in have) / (sum(weights.values()) or 1.0)

    # -- the whole answer ---------------------------------------------------------------------------------
    def answer(self, kb: LoadedKB, question: str) -> Answer:
        analysis = analyse(question)
        texts = [question, *analysis.parts] if len(analysis.parts) > 1 else [question]
        vecs = self.embedder.embed(texts)
        fused = self.retrieve(kb, analysis, vecs[0])
        scored = self.score_units(kb, analysis, fused)
        if not scored:
            return self._abstain(kb, analysis, fused)
        chosen: list[Scored] = []
        if len(texts) > 1:
            for part, vec in zip(analysis.parts, vecs[1:], strict=True):
                pa = analyse(part)
                part_scored = self.score_units(kb, pa, self.retrieve(kb, pa, vec))
                if part_scored and all(part_scored[0].unit.text != c.unit.text for c in chosen):
                    chosen.append(part_scored[0])
        else:
            chosen.append(scored[0])
        lead = chosen[0]
        sup = self.support(kb, analysis, lead.unit.chunk) if len(texts) == 1 else min(
            self.support(kb, analyse(p), c.unit.chunk) for p, c in zip(analysis.parts, chosen, strict=False))
        if sup < self.settings.abstain_threshold or (type_match(analysis.answer_types, lead.unit.text) == 0.0 and \
                any(t in ("phone", "email") for t in analysis.answer_types) and sup < 0.8):
            return self._abstain(kb, analysis, fused)
        if len(texts) == 1:
            for s in scored[1:]:
                if len(chosen) >= self.settings.answer_max_units:
                    break
                if s.score < 0.8 * lead.score or s.unit.text in (c.unit.text for c in chosen):
                    continue
                if sum(len(c.unit.text) for c in chosen) + len(s.unit.text) > self.settings.answer_max_chars:
                    continue
                chosen.append(s)
        return self._compose(kb, analysis, chosen, sup)

    def _compose(self, kb: LoadedKB, analysis: Analysis, chosen: list[Scored], support: float) -> Answer:
        citations: list[Citation] = []
        parts: list[str] = []
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
            if chunk.row_id and not text.startswith(chunk.row_id):
                text = f"{chunk.row_id}: {text}"
            if doc.status == "superseded":
                text = f"(from the superseded {doc.title}) {text}"
            parts.append(f"{text} [{n}]")
        return Answer(answer=" ".join(parts), abstained=False, citations=citations, answer_id=uuid.uuid4().hex,
                      question_type=",".join(analysis.answer_types))

    def _abstain(self, kb: LoadedKB, analysis: Analysis, fused: dict[int, float]) -> Answer:
        related: list[DocumentPointer] = []
        for idx, _ in sorted(fused.items(), key=lambda kv: -kv[1]):
            chunk = kb.chunks[idx]
            if any(r.source == chunk.source for r in related):
                continue
            related.append(DocumentPointer(source=chunk.source, title=kb.documents[chunk.source].title,
                                           section=chunk.section))
            if len(related) == 3:
                break
        text = self.prompts.get("abstain")
        if related:
            text += " " + self.prompts.get("abstain_pointers") + " " + "; ".join(
                f"{r.title}" + (f" ({r.section})" if r.section else "") for r in related)
        return Answer(answer=text, abstained=True, citations=[], related=related, answer_id=uuid.uuid4().hex,
                      question_type=",".join(analysis.answer_types))


def _weight(kb: LoadedKB, term: str) -> float:
    """IDF weight; a term the knowledge base has never seen weighs like a typical term, not a rare one."""
    idf = kb.idf_of(term)
    return idf if idf else 2.0


def _newest_by_type(kb: LoadedKB) -> dict[str, str]:
    newest: dict[str, str] = {}
    for doc in kb.documents.values():
        if doc.status == "current" and doc.date and doc.date > newest.get(doc.doc_type, ""):
            newest[doc.doc_type] = doc.date
    return newest
