"""The referral directory of one knowledge-base generation, rebuilt whenever the generation changes.

Each current referral-pathway document is read again from the ingested folder (its headings, tables and page numbers
are richer than the chunks), provided the file still has the bytes the generation was built from; otherwise the
pathway is rebuilt from the generation's own chunks, so the directory never disagrees with the answers. Superseded
versions are left out, and when two current documents are versions of one pathway only the newest is kept.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.embedding import Embedder
from assistant.errors import FileRejected
from assistant.field_sentences import sentences_of
from assistant.index import IndexedChunk, LoadedKB
from assistant.models import Citation
from assistant.referrals.extract import FieldMatcher, extract
from assistant.referrals.models import Cited, Pathway
from ingestion.discover import sha256_bytes
from ingestion.loaders import load_bytes
from ingestion.metadata import series_key
from ingestion.models import Block, BlockKind, DocumentInfo

log = logging.getLogger(__name__)

PATHWAY_TYPE = "referral pathway"
# Fields whose wording says what a pathway is for: what a situation is matched against, and how much each counts.
MATCH_FIELDS = ("criteria", "for_whom", "who_can_refer")
UNIT_WEIGHTS = {"criteria": 1.0, "for_whom": 1.0, "who_can_refer": 0.9, "glossary": 0.9}
LONG_SENTENCE_WORDS = 25
LIST_LEAD_WORDS = 8
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'“])")
_GLOSSARY_LINE = re.compile(r"^\s*([^–—:;]{2,60}?)\s+[–—]\s+(\S.{8,})$")
_GLOSSARY_ROW = re.compile(r"^[^:;]{1,30}: ([^;]+?); [^:;]{1,30}: ((?:(?!; [^:;]{1,30}: ).)+)$")
_MIN_GLOSSARY_ENTRIES = 10  # a document with this many term–meaning entries ...
GLOSSARY_SHARE = 0.6  # ... making up most of its lines is read as a glossary


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    meaning: str
    cited: Cited


@dataclass(frozen=True)
class Unit:
    """A passage a situation is matched against, for one pathway."""

    pathway: int
    cited: Cited
    weight: float
    term: str = ""  # the glossary term, for a glossary entry


@dataclass
class ReferralDirectory:
    """Pathways of one generation, with the passages a situation is matched against and their vectors."""

    generation_id: int
    pathways: list[Pathway]
    units: list[Unit] = field(default_factory=list)
    unit_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    name_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    glossary: list[GlossaryEntry] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)  # source → why it is not in the directory

    def by_source(self, source: str) -> Pathway | None:
        return next((p for p in self.pathways if p.source == source), None)


class DirectoryCache:
    """One directory per generation id; a reload (a new generation) builds a new one on first use. Pathways whose
    file and metadata did not change are reused, and vectors are remembered by text, so a rebuild after a reload
    that did not touch the pathways is quick."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = _MemoEmbedder(embedder)
        self._matcher: FieldMatcher | None = None
        self._directory: ReferralDirectory | None = None
        self._extracted: dict[tuple[str, ...], Pathway] = {}
        self._lock = threading.Lock()

    def get(self, kb: LoadedKB, root: Path | None) -> ReferralDirectory:
        current = self._directory
        if current is not None and current.generation_id == kb.generation_id:
            return current
        with self._lock:
            if self._directory is None or self._directory.generation_id != kb.generation_id:
                if self._matcher is None:
                    self._matcher = FieldMatcher(self.embedder)
                self._directory = build_directory(kb, root, self._matcher, self.embedder, self._extracted)
                # A question asking for a field reads its sentences with vectors: they are embedded here, with the
                # directory (at start-up and after a reload), so no question waits for them.
                self.embedder.embed(list(dict.fromkeys(
                    s.text for p in self._directory.pathways for key, passages in p.evidence.items()
                    for s in sentences_of(passages, key))))
            return self._directory


class _MemoEmbedder:
    """Remembers vectors by text (bounded), so unchanged passages are not embedded again after a reload."""

    def __init__(self, inner: Embedder, limit: int = 50_000) -> None:
        self.inner, self.limit = inner, limit
        self.dimension = inner.dimension
        self._memo: dict[str, np.ndarray] = {}

    def is_common_word(self, word: str) -> bool:
        return self.inner.is_common_word(word)

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            if len(self._memo) + len(missing) > self.limit:
                self._memo.clear()
            self._memo.update(zip(missing, self.inner.embed(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts]).astype(np.float32)


def build_directory(kb: LoadedKB, root: Path | None, matcher: FieldMatcher, embedder: Embedder,
                    extracted: dict[tuple[str, ...], Pathway] | None = None) -> ReferralDirectory:
    """Extract every current referral pathway of ``kb``; ``root`` is the folder the generation was ingested from.
    ``extracted`` keeps pathways between builds, keyed by file hash and metadata."""
    extracted = {} if extracted is None else extracted
    left_out: dict[str, str] = {}
    found: list[Pathway] = []
    used: set[tuple[str, ...]] = set()
    for entry in kb.manifest:
        info = kb.documents.get(entry.source)
        if info is None or info.doc_type != PATHWAY_TYPE:
            continue
        if info.status != "current":
            left_out[info.source] = f"{info.status}: a newer version is used"
            continue
        key = (entry.sha256, info.source, info.title, info.status, info.version, info.date, info.doc_type)
        used.add(key)
        pathway = extracted.get(key)
        if pathway is None:
            blocks = _blocks_from_file(root, entry.source, entry.sha256) or _blocks_from_chunks(kb, info)
            pathway = extracted[key] = extract(blocks, info, matcher)
        if pathway.stated():
            found.append(pathway)
        else:
            left_out[info.source] = "no pathway fields found"
    for stale in set(extracted) - used:
        del extracted[stale]
    pathways = _newest_versions(found, left_out)
    directory = ReferralDirectory(kb.generation_id, pathways, left_out=left_out)
    _index(directory, kb, embedder)
    log.info("referral directory for generation %s: %d pathways (%d left out)", kb.generation_id, len(pathways),
             len(left_out))
    return directory


def _newest_versions(pathways: list[Pathway], left_out: dict[str, str]) -> list[Pathway]:
    """Two current documents of one pathway (the same name but for years and versions): keep the newest."""
    groups: dict[str, list[Pathway]] = {}
    for p in pathways:
        groups.setdefault(series_key(p.name) or p.source, []).append(p)
    kept = []
    for members in groups.values():
        newest = max(members, key=lambda p: (p.date, _version_key(p.version)))
        kept.append(newest)
        for p in members:
            if p is not newest:
                left_out[p.source] = f"older version of {newest.source}"
    return sorted(kept, key=lambda p: p.name.casefold())


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def _blocks_from_file(root: Path | None, source: str, sha256: str) -> list[Block] | None:
    if root is None:
        return None
    path = root / source
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if sha256_bytes(raw) != sha256:
        log.info("a pathway file changed since the last reload; using the knowledge base's copy")
        return None
    try:
        return load_bytes(raw, source).blocks
    except FileRejected:
        return None
    except Exception:  # a loader bug must not take the directory down; the chunks still hold the pathway
        log.exception("unexpected error re-reading a pathway (source withheld from logs)")
        return None


def _blocks_from_chunks(kb: LoadedKB, info: DocumentInfo) -> list[Block]:
    """The pathway as the generation holds it: each chunk line a block under the headings its context names."""
    blocks: list[Block] = []
    seen: set[tuple[str, ...]] = set()
    for chunk in (c for c in kb.chunks if c.source == info.source):
        path = tuple(p.strip() for p in chunk.context.split(" > ") if p.strip())
        if chunk.section and (not path or path[-1] != chunk.section) and not re.match(r"^\d", chunk.section):
            path = (*path, chunk.section)
        for n in range(1, len(path) + 1):
            if path[:n] not in seen:
                seen.add(path[:n])
                blocks.append(Block(text=path[n - 1], kind="heading", section=path[n - 1], heading_path=path[:n],
                                    page=chunk.page))
        kind: BlockKind = "table_row" if chunk.kind == "table_row" else "paragraph"
        for line in chunk.text.split("\n"):
            if line.strip():
                blocks.append(Block(text=line.strip(), kind=kind, section=chunk.section, heading_path=path,
                                    page=chunk.page, row_id=chunk.row_id))
    return blocks


def _index(directory: ReferralDirectory, kb: LoadedKB, embedder: Embedder) -> None:
    """Embed what situations are matched against: each pathway's criteria, who-it-is-for and who-can-refer wording
    (split into its sentences and list items), the glossary's meaning of the terms the pathway uses, and its name."""
    directory.glossary = glossary_entries(kb)
    for n, p in enumerate(directory.pathways):
        seen: set[str] = set()
        for key in MATCH_FIELDS:
            for cited in p.evidence.get(key, []):
                for piece in pieces(cited.text):
                    if piece.casefold() not in seen:
                        seen.add(piece.casefold())
                        snippet = cited.citation.model_copy(update={"snippet": piece})
                        directory.units.append(Unit(n, Cited(text=piece, citation=snippet), UNIT_WEIGHTS[key]))
        said = " ".join([p.title, *(c.text for k in ("criteria", "for_whom") for c in p.evidence.get(k, []))])
        for entry in directory.glossary:
            if len(entry.term) >= 3 and re.search(rf"(?<!\w){re.escape(entry.term)}(?!\w)", said, re.IGNORECASE):
                directory.units.append(Unit(n, entry.cited, UNIT_WEIGHTS["glossary"], entry.term))
    directory.unit_vectors = embedder.embed([u.cited.text for u in directory.units])
    names = [p.name for p in directory.pathways]
    topics = [re.split(r"\s*(?::|–|—|\s-\s)\s*", n, maxsplit=1)[0] for n in names]  # "Domestic abuse: MARAC…"
    directory.name_vectors = np.stack([embedder.embed(names), embedder.embed(topics)], axis=1)  # (pathways, 2, dim)


def pieces(text: str) -> list[str]:
    """A passage as the pieces a situation can match: its sentences, and the items of a long listing sentence
    ("Common signs include: a; b; c")."""
    out: list[str] = []
    for sentence in _SENTENCE.split(text):
        parts = [sentence]
        if len(sentence.split()) > LONG_SENTENCE_WORDS:
            head, colon, rest = sentence.partition(": ")
            if colon and len(head.split()) <= LIST_LEAD_WORDS:  # "Common signs include: …": the lead says nothing
                sentence = rest
            parts = [p for p in re.split(r"\s*[;:]\s+", sentence) if p]
        out.extend(p.strip() for p in parts if len(p.split()) >= 3)
    return out or [text]


def glossary_entries(kb: LoadedKB) -> list[GlossaryEntry]:
    """Term–meaning entries of the knowledge base's glossaries: two-column tables ("Term: …; Meaning: …") and
    lines like "Cuckooing – when criminals take over…", from documents made mostly of them."""
    by_source: dict[str, list[GlossaryEntry]] = {}
    lines: dict[str, int] = {}
    for chunk in kb.chunks:
        lines[chunk.source] = lines.get(chunk.source, 0) + len(chunk.text.split("\n"))
        for term, meaning in _entries(chunk):
            info = kb.documents.get(chunk.source)
            citation = Citation(source=chunk.source, page=chunk.page, section=chunk.section,
                                snippet=f"{term}: {meaning}", score=1.0, title=info.title if info else "",
                                document_type=info.doc_type if info else "", status=info.status if info else "")
            by_source.setdefault(chunk.source, []).append(
                GlossaryEntry(term, meaning, Cited(text=f"{term}: {meaning}", citation=citation)))
    return [e for source, entries in by_source.items()
            if len(entries) >= _MIN_GLOSSARY_ENTRIES and len(entries) >= GLOSSARY_SHARE * lines[source]
            for e in entries]


def _entries(chunk: IndexedChunk) -> list[tuple[str, str]]:
    out = []
    if chunk.kind == "table_row":
        m = _GLOSSARY_ROW.match(chunk.text)
        if m and 1 <= len(m.group(1).split()) <= 6 and len(m.group(2).split()) >= 3:
            out.append((m.group(1).strip(), m.group(2).strip()))
        return out
    for line in chunk.text.split("\n"):
        m = _GLOSSARY_LINE.match(line)
        if m and len(m.group(1).split()) <= 6:
            out.append((m.group(1).strip(), m.group(2).strip()))
    return out
