"""The read side of one knowledge-base generation: chunks, documents, the dense (Chroma) and keyword (BM25) indexes."""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from assistant.analysis import identifiers
from assistant.attendees import learn_attendees
from assistant.glossary import defined_terms, headed_entry, learn_acronyms, learn_initialisms, learn_phrase_initialisms
from assistant.kb_store import ManifestEntry
from assistant.text import STOPWORDS, name_terms, stem, terms, words
from assistant.vectorstore import collection_name, units_collection_name
from ingestion.models import DocumentInfo

_ROW_KEYS = re.compile(r"(?:^|; )[^:;]{1,40}: ")


@dataclass(frozen=True)
class IndexedChunk:
    id: str
    source: str
    text: str
    context: str
    section: str
    page: int | None
    row_id: str
    kind: str
    order: int

    @property
    def search_text(self) -> str:
        return f"{self.context}\n{self.text}"

    @classmethod
    def from_record(cls, cid: str, text: str, meta: dict[str, Any]) -> IndexedChunk:
        """A chunk as the vector store holds it (its text and metadata)."""
        return cls(id=cid, source=str(meta["source"]), text=text, context=str(meta["context"]),
                   section=str(meta.get("section", "")), page=_int(meta.get("page")),
                   row_id=str(meta.get("row_id", "")), kind=str(meta.get("kind", "")), order=int(meta.get("order", 0)))


@dataclass(frozen=True)
class Hit:
    chunk: IndexedChunk
    dense: float  # cosine similarity, 0..1
    keyword: float  # BM25 score, unnormalised
    fused: float


READ_PAGE = 5000
TRANSPOSED_MIN = 6
SHORTENED_MIN = 6  # a cut-short word this long ("enviro") may stand for the one term it begins...
SHORTENED_CHOICES = 3  # ... among at most this many
RARE_SHORTENING_IDF = 5.0  # a shortening in this few passages (one or two in a few hundred) may still be spelt out


def row_key(row_id: str) -> str:
    """A table row's identifier as questions' identifiers are written: "Tier 4", "SYV-16" and "D1/26" as TIER4,
    SYV16, D126."""
    return re.sub(r"[\s/-]", "", row_id).upper()


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")


class LoadedKB:
    """Everything a question needs from one generation, loaded once and shared by all requests."""

    def __init__(self, generation_id: int, chroma: Any, manifest: list[ManifestEntry]) -> None:
        self.generation_id = generation_id
        self.collection = chroma.get_collection(collection_name(generation_id))
        self.documents: dict[str, DocumentInfo] = {m.source: m.info() for m in manifest if m.status != "quarantined"}
        self.manifest = manifest
        chunks = []
        vectors: dict[str, np.ndarray] = {}
        for cid, text, meta, vec in _read_all(self.collection):
            if meta["source"] not in self.documents:
                continue
            vectors[cid] = np.asarray(vec, dtype=np.float32)
            chunks.append(IndexedChunk.from_record(cid, text, meta))
        chunks.sort(key=lambda c: (c.source, c.order))
        self.chunks = chunks
        self.by_id = {c.id: i for i, c in enumerate(chunks)}
        self.by_source: dict[str, list[int]] = {}
        # Identifiers (SYV-16, RR03) by chunk, found once here rather than by scanning every chunk per question.
        self.row_ids: dict[str, list[int]] = {}
        self.lead_ids: dict[str, list[int]] = {}
        # Indexes an answering step builds on first use and keeps for this generation (decision references).
        self.derived: dict[str, Any] = {}
        for i, c in enumerate(chunks):
            self.by_source.setdefault(c.source, []).append(i)
            if c.row_id:
                self.row_ids.setdefault(row_key(c.row_id), []).append(i)
            for ident in set(identifiers(c.text[:40])):
                self.lead_ids.setdefault(ident, []).append(i)
        # Chunk vectors in memory: a chunk that is a single answer unit needs no second embedding at question time.
        self.vectors = np.stack([vectors[c.id] for c in chunks]) if chunks else np.zeros((0, 1), dtype=np.float32)
        self.sentence_vectors = _read_sentences(chroma, generation_id)
        self.chunk_terms = [terms(c.search_text) for c in chunks]
        df: Counter[str] = Counter()
        # How many of each document's chunks hold a term: a name most of them repeat is what the document is about.
        self.document_df: dict[str, Counter[str]] = {}
        for c, ts in zip(chunks, self.chunk_terms, strict=True):
            df.update(set(ts))
            self.document_df.setdefault(c.source, Counter()).update(set(ts))
        n = max(len(chunks), 1)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.vocab = sorted(self.idf)  # sorted: a typo equally close to two terms is repaired the same way every run
        self._repaired: dict[str, str] = {}
        # Words as written: a typo is closer to the word it misspells ("waitng", "waiting") than to its stem ("wait").
        self.written = sorted({w for c in chunks for w in words(c.text) if len(w) >= 5 and w not in STOPWORDS})
        # Words written in lower case somewhere: a capitalised word never written so is a name ("Hallam").
        self.lower_words = frozenset(w for c in chunks for w in _LOWER_WORD.findall(c.text))
        self._attendees: dict[str, dict[str, str]] = {}
        entries = [headed_entry(c.kind, c.section, c.text) for c in chunks]  # "### HSC" over its meaning
        self.acronyms = learn_acronyms((c.kind, e) for c, e in zip(chunks, entries, strict=True))
        # Where each known acronym is defined (a glossary line or row): "what does X stand for" reads it there.
        self.defined_in: dict[str, list[int]] = {}
        for i, (c, e) in enumerate(zip(chunks, entries, strict=True)):
            for term in defined_terms(c.kind, e) & self.acronyms.keys():
                self.defined_in.setdefault(term, []).append(i)
        self.initialisms = learn_initialisms(c.text for c in chunks)
        # A table's column names ("current period") repeat on every row: only its values are phrases people use.
        self.phrase_initialisms, self.phrase_candidates = learn_phrase_initialisms(
            (_ROW_KEYS.sub("; ", c.text) if c.kind == "table_row" else c.text for c in chunks), STOPWORDS)
        self.bm25 = bm25s.BM25()
        if chunks:
            self.bm25.index(self.chunk_terms, show_progress=False)

    def attendees_of(self, source: str) -> dict[str, str]:
        """Who the initials in a meeting record are, from its own attendance list (read once per document)."""
        if source not in self._attendees:
            self._attendees[source] = learn_attendees(
                ((self.chunks[i].kind, self.chunks[i].text) for i in self.by_source.get(source, [])), self.acronyms)
        return self._attendees[source]

    def has_prefix(self, word: str) -> bool:
        """True when a known term starts with ``word`` (a shortening such as 'coord' for 'coordinator')."""
        if len(word) < 4:
            return False
        i = bisect.bisect_left(self.vocab, word)
        return i < len(self.vocab) and self.vocab[i].startswith(word)

    def idf_of(self, term: str) -> float:
        return self.idf.get(term, 0.0)

    def expand(self, question: str, ordinary: Callable[[str], bool] | None = None) -> tuple[str, dict[str, list[str]]]:
        """Add the knowledge base's own expansions of acronyms in the question ('DA' → 'domestic abuse').

        Returns the expanded text (for embedding and keyword search) and, per acronym term, its expansion terms.
        With ``ordinary`` (is this an everyday word?), a shortening no document uses is matched to the initials of
        the documents' names ('csf' → 'Community Safety Fund'); everyday words ('etc', 'has') never are.
        """
        extra: list[str] = []
        alternatives: dict[str, list[str]] = {}
        for word in re.findall(r"\b[A-Za-z]{2,8}(?:s|\d{1,2})?\b", question):
            key = word.lower()
            meaning = self.acronyms.get(key) or (self.acronyms.get(key[:-1]) if key.endswith("s") else None)
            # Written in capitals ("DA forum") it is an acronym even when it is also a word.
            # (A shortening the documents write once or twice, "the MoJ grant", is still theirs to spell out.)
            if (not meaning and ordinary is not None and key not in STOPWORDS
                    and (key not in self.idf or self.idf[key] >= RARE_SHORTENING_IDF)
                    and ((3 <= len(key) <= 5 and not ordinary(key)) or (len(key) <= 5 and word.isupper()))):
                # A shortening made up in chat ('csf'): the documents' name, else a phrase they repeat ('nte').
                meaning = (self.initialisms.get(key) or self.phrase_initialisms.get(key)
                           or self._phrase_in_context(key, question))
            if not meaning and word.isupper() and len(key) >= 3:
                meaning = self._tail_of(key)  # "the ISA", which the documents use but spell out only as "WCISA"
            paired = len(key) == 2 and key in self.initialisms and ordinary is not None and not ordinary(key)
            if not meaning and paired and key not in STOPWORDS:
                meaning = self.initialisms[key]  # "yf referrals": the one name the documents use with those initials
            if meaning and (word.isupper() or key not in self.idf or len(key) >= 3 or paired):
                extra.append(meaning)
                if not key[-1].isdigit():  # a passage naming the tasking group does not hold the form "PTG1"
                    alternatives[stem(key)] = name_terms(meaning)
                    if key.endswith("s"):  # ("KCPOs" is read as the term "kcpo" too)
                        alternatives.setdefault(stem(key[:-1]), alternatives[stem(key)])
        return (question + (" (" + "; ".join(extra) + ")" if extra else "")), alternatives

    def _tail_of(self, key: str) -> str | None:
        """'the ISA' for the documents' 'WCISA' (Wendle Coast Information Sharing Agreement): the end of a longer
        acronym whose last words have these initials, when only one does."""
        found = set()
        for acronym, meaning in self.acronyms.items():
            tail = meaning.split()[-len(key):]
            if (len(acronym) > len(key) and acronym.endswith(key) and len(tail) == len(key)
                    and "".join(w[0] for w in tail).lower() == key):
                found.add(" ".join(tail))
        return found.pop() if len(found) == 1 else None

    def _phrase_in_context(self, key: str, question: str) -> str | None:
        """Of the phrases sharing a shortening's initials, the one written beside the question's other words ('iom
        cohort in EET': 'employment, education or training' is in the IOM cohort's row); none if that is unclear."""
        others = {t for t in terms(question) if t != stem(key) and t in self.idf}
        best: list[tuple[int, str]] = []
        for phrase in self.phrase_candidates.get(key, []):
            shared = max((len(others & set(self.chunk_terms[i])) for i, c in enumerate(self.chunks)
                          if phrase in c.text.lower().replace(",", "")), default=0)
            best.append((shared, phrase))
        best.sort(reverse=True)
        if best and best[0][0] >= 1 and (len(best) == 1 or best[0][0] > best[1][0]):
            return best[0][1]
        return None

    def repair(self, qterms: list[str]) -> list[str]:
        """Map terms unknown to the knowledge base to the closest known term (Slack typos: 'saftey', 'marac's')."""
        out = []
        for t in qterms:
            if t in self.idf or len(t) < 5 or t.isdigit():
                out.append(t)
                continue
            if t not in self._repaired:  # the same chat words come back in question after question
                # A word cut short ("enviro") is the term it begins rather than the one it most resembles.
                shortened = self._lengthened(t)
                match = (shortened, 100.0) if shortened else process.extractOne(t, self.vocab, scorer=fuzz.ratio,
                                                                                 score_cutoff=84)
                written = None if match else process.extractOne(t, self.written, scorer=fuzz.ratio, score_cutoff=84)
                if not match and not written and len(t) >= TRANSPOSED_MIN:
                    # Two letters swapped in a longer word ("reveiw"): one edit apart when a swap is one edit.
                    written = process.extractOne(t, self.written, scorer=OSA.normalized_similarity,
                                                 score_cutoff=1.0 - 1.0 / len(t) - 1e-9)
                    written = written if written and sorted(written[0]) == sorted(t) else None
                self._repaired[t] = match[0] if match else stem(written[0]) if written else t
            out.append(self._repaired[t])
        return out

    def _lengthened(self, t: str) -> str | None:
        """The term a chat shortening cuts short ('enviro' crime → 'environment'): of the few known terms it begins,
        the most used."""
        if len(t) < SHORTENED_MIN:
            return None
        i = bisect.bisect_left(self.vocab, t)
        found = list(itertools.takewhile(lambda v: v.startswith(t), self.vocab[i:i + SHORTENED_CHOICES + 1]))
        return min(found, key=self.idf_of) if 0 < len(found) <= SHORTENED_CHOICES else None

    def keyword_search(self, qterms: list[str], k: int) -> list[tuple[int, float]]:
        known = [t for t in qterms if t in self.idf]
        if not known or not self.chunks:
            return []
        docs, scores = self.bm25.retrieve([known], k=min(k, len(self.chunks)), show_progress=False)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def dense_search(self, qvec: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not self.chunks:
            return []
        res = self.collection.query(query_embeddings=[qvec.tolist()], n_results=min(k, len(self.chunks)),
                                    include=["distances"])
        out = []
        for cid, dist in zip(res["ids"][0], res["distances"][0], strict=True):
            if cid in self.by_id:
                out.append((self.by_id[cid], 1.0 - float(dist)))
        return out


def _read_all(collection: Any) -> Iterator[tuple[str, str, dict[str, Any], Any]]:
    """Every record of the collection, a page at a time: one read of a large knowledge base (tens of thousands of
    chunks) exceeds what embedded Chroma's SQLite accepts in a single query."""
    offset = 0
    while True:
        got = collection.get(include=["documents", "metadatas", "embeddings"], limit=READ_PAGE, offset=offset)
        ids = got["ids"]
        yield from zip(ids, got["documents"], got["metadatas"], got["embeddings"], strict=True)
        if len(ids) < READ_PAGE:
            return
        offset += READ_PAGE


def _read_sentences(chroma: Any, generation_id: int) -> dict[str, np.ndarray]:
    """The sentences embedded at ingest, by key. A generation built before they were stored has none: its
    sentences are embedded at question time instead."""
    try:
        collection = chroma.get_collection(units_collection_name(generation_id))
    except Exception:
        return {}
    out: dict[str, np.ndarray] = {}
    offset = 0
    while True:
        got = collection.get(include=["embeddings"], limit=READ_PAGE, offset=offset)
        for key, vec in zip(got["ids"], got["embeddings"], strict=True):
            out[key] = np.asarray(vec, dtype=np.float32)
        if len(got["ids"]) < READ_PAGE:
            return out
        offset += READ_PAGE


def _int(v: object) -> int | None:
    return int(v) if isinstance(v, int | float) else None
