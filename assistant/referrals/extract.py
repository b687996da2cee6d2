"""Build a referral pathway from its own document: headings, labelled paragraphs, tables and wording.

Each heading is mapped to the pathway fields (assistant.referrals.fields) by meaning — the embedding model compares
it with each field's plain-words phrases — and by keyword cues learned from those phrases (a word that belongs to one
field's phrases only, such as "threshold" or "consent", counts most). Blocks then take the fields of the heading they
sit under; a paragraph that carries its own label ("Consent. Ask the adult…") is placed by that label. Contact
details come from the how-to-refer wording through regular expressions. Nothing is keyed to a file name or to one
partnership's headings, and a field the document does not state is returned as not stated, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.embedding import Embedder
from assistant.models import Citation
from assistant.referrals.contacts import emails, forms, hours, phones
from assistant.referrals.fields import DETAIL_LABELS, FIELD_KEYS, FIELDS, LABELS, OTHER, FieldSpec
from assistant.referrals.models import Cited, Pathway, ReferralField
from assistant.text import STOPWORDS, terms, words
from ingestion.models import Block, DocumentInfo

# "7.", "7.1", "Part D –", "Section 4:", "Clause 6.", "(a)": numbering in front of a heading or paragraph.
_NUMBERING = re.compile(r"^\s*(?:(?:part|section|clause|appendix|step|stage)\s+[a-z0-9]{1,3}\b|\d{1,2}(?:\.\d{1,2})*"
                        r"(?=[\s.:)–—-])|\(?[a-z]\))\s*[.:)–—-]?\s*", re.IGNORECASE)
# The act of referring has many names in pathways; headings and labels are read with one of them.
_ACT_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), r) for p, r in (
    (r"\b(?:can|may|could|will)\s+be\s+referred\b|\bbeing\s+referred\b", "qualifies"),  # the person referred
    (r"\braise\s+(?:a|an|the|your)\s+(?:[a-z-]+\s+)?concerns?\b", "refer"),
    (r"\b(a|an|the|your|my|this|each)\s+(?:report|application|concern|notification)\b", r"\1 referral"),
    (r"\b(?:report|apply|notify)\b", "refer"),
    (r"\b(?:reporting|applying|notifying)\b", "referring"),
    (r"\b(?:reports|applications?|concerns?|notifications?)\b", "referral"),
))
_ACT_TERMS = frozenset(("refer", "referral", "referrals", "referring", "pathway", "pathways", "qualifies"))
_SPLIT_PARTS = re.compile(r"\s*(?::|,|;|&|\band\b|\s[–—-]\s)\s*", re.IGNORECASE)
_LABEL = re.compile(r"^(?P<label>[^:.;!?]{2,60}?)\s*(?P<sep>[:.])\s+(?P<rest>\S.*)$", re.DOTALL)
_TIME_LIMIT = re.compile(r"\bwithin\s+(?:\d+|one|two|three|four|five|ten)\s+(?:working\s+|calendar\s+)?"
                         r"(?:days?|hours?|weeks?)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'“])")
_EMERGENCY = re.compile(r"\b999\b")
_SELF_REFERRAL = re.compile(r"\bself[- ]?refer|\brefer (?:themselves|yourself)\b", re.IGNORECASE)
# Wording that says who refers: "X can refer", "referrals are accepted from X", "anyone … can use this pathway".
_WHO_REFERS = re.compile(r"\b(?:can|may)\s+(?:also\s+)?(?:refer|apply|report|raise|use\s+(?:this|the)\s+pathway)\b|"
                         r"\breferrals?\s+(?:are|is|can\s+be)\s+(?:accepted|taken|welcomed?|made)\s+(?:from|by)\b|"
                         r"\bself[- ]?refer", re.IGNORECASE)
# Trailing title parts that only say "this is a pathway" ("– referral pathway", ": making a referral").
_GENERIC_TITLE = frozenset(("referral", "referrals", "pathway", "pathways", "making", "raising", "reporting", "route",
                            "routes", "process", "guide", "page", "practitioners", "professionals", "staff", "for",
                            "a", "an", "the", "and", "how", "to", "refer", "make"))

MIN_SCORE = 0.45  # a section maps to its best field at or above this (heading plus its content)
MIN_MARGIN = 0.04  # ... and only when that field is clearly ahead of the next
STRONG_SCORE = 0.6  # a sub-heading, a part of a heading or a paragraph label needs this to stand on its own
CONTENT_WEIGHT = 0.5  # how much a section's wording counts beside its heading
LABEL_MARGIN = 0.3  # a label moves a paragraph out of its section's field only when clearly about another field
# Sections where pathways without a heading per field put several fields together ("Making a referral: … Clause 6.
# Consent. …"); only there can a paragraph's own label or wording place it in another field.
BROAD_FIELDS = frozenset(("for_whom", "how_to_refer", "other"))
LONG_HEADING_WORDS = 9  # a longer "sub-heading" is a paragraph the loader took for a heading: it inherits
CUE_WEIGHT = 0.25
SHORT_BLOCK_CHARS = 200  # a short paragraph holding the 999 advice is shown whole
SECTION_CHARS = 700  # how much of a section's wording is read to judge what it is about
WORDING_SCORE = 0.5  # a passage placed by its own wording, for a field no heading names ...
WORDING_MARGIN = 0.05  # ... reads as that field clearly more than as any other


@dataclass(frozen=True)
class _Heading:
    fields: tuple[str, ...]  # () when unmapped; ("other",) for a section that belongs to no field


class FieldMatcher:
    """Scores short texts (headings, labels) against the field phrases: meaning plus keyword cues."""

    def __init__(self, embedder: Embedder, specs: Sequence[FieldSpec] = (*FIELDS, OTHER)) -> None:
        self.embedder = embedder
        self.specs = list(specs)
        texts: list[str] = []
        owner: list[int] = []
        for i, spec in enumerate(self.specs):
            for text in (spec.description, *spec.phrases):
                texts.append(text)
                owner.append(i)
        self._vectors = embedder.embed(texts)
        self._owner = np.asarray(owner)
        # Keyword cues: each phrase word, weighted by how few fields share it.
        field_terms = [set(terms(spec.description)) for spec in self.specs]
        share: dict[str, int] = {}
        for ts in field_terms:
            for t in ts:
                share[t] = share.get(t, 0) + 1
        self._cues = [{t: 1.0 / share[t] for t in ts} for ts in field_terms]

    def keys(self) -> list[str]:
        return [s.key for s in self.specs]

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), len(specs)) scores: best phrase similarity plus keyword cues."""
        if not texts:
            return np.zeros((0, len(self.specs)), dtype=np.float32)
        sims = self.embedder.embed(list(texts)) @ self._vectors.T
        out = np.full((len(texts), len(self.specs)), -1.0, dtype=np.float32)
        for i in range(len(self.specs)):
            out[:, i] = sims[:, self._owner == i].max(axis=1)
        for row, text in enumerate(texts):
            ts = set(terms(text))
            if not ts:
                continue
            for i, cues in enumerate(self._cues):
                hit = sum(w for t, w in cues.items() if t in ts)
                out[row, i] += CUE_WEIGHT * min(1.0, hit / max(1.0, len(ts) ** 0.5))
        return out

    def canonical(self, text: str, title: str = "") -> str:
        """Heading text as scored: numbering off, the referral act named one way, the pathway's own topic words
        (those of its title that say nothing about a field) left out."""
        text = _strip_numbering(text)
        for pattern, repl in _ACT_WORDS:
            text = pattern.sub(repl, text)
        topic = {w for w in words(title) if w not in _ACT_TERMS and w not in STOPWORDS}
        kept = re.sub(r"[\w'’-]+", lambda m: "" if m.group(0).lower() in topic else m.group(0), text)
        kept = re.sub(r"\s+", " ", kept).strip(" :,–—-()")
        return kept if words(kept) else text

    def act(self, text: str) -> str:
        """Wording with the referral act named one way (for scoring a passage)."""
        for pattern, repl in _ACT_WORDS:
            text = pattern.sub(repl, text)
        return text

    def parts(self, canonical: str) -> list[str]:
        ps = [p for p in _SPLIT_PARTS.split(canonical) if terms(p)]
        return ps if len(ps) > 1 else []


def pathway_name(title: str) -> str:
    """The title without a trailing part that only says it is a pathway ("…: referral pathway")."""
    name = title.strip()
    while True:
        m = re.search(r"\s*(?::|–|—|\s-\s)\s*([^:–—]*)$", name)
        if not m or not m.group(1) or m.start() == 0:
            return name
        tail = re.findall(r"[A-Za-z]+", m.group(1))
        if not all(w.lower() in _GENERIC_TITLE for w in tail):
            return name
        name = name[: m.start()].strip()


def extract(blocks: Sequence[Block], info: DocumentInfo, matcher: FieldMatcher) -> Pathway:
    """The pathway stated by one document's blocks (in reading order)."""
    title = info.title
    blocks = [b for b in blocks if b.text.strip()]
    content = [i for i, b in enumerate(blocks) if b.kind != "heading"]
    block_scores = _BlockScores(blocks, matcher)
    mapping = _map_sections(blocks, title, matcher)
    labels = _label_fields(blocks, mapping, block_scores, title, matcher)
    tables = _table_fields(blocks, title, matcher)
    placed: dict[str, list[int]] = {}
    emergency: Cited | None = None
    for i in content:
        block = blocks[i]
        keys = labels.get(i) or _section_fields(block, mapping)
        for key in (*keys, *tables.get(i, ())):
            if key != "other" and i not in placed.setdefault(key, []):
                placed[key].append(i)
        if emergency is None and _EMERGENCY.search(block.text):
            sentence = _strip_numbering(block.text if len(block.text) <= SHORT_BLOCK_CHARS else next(
                (s for s in _SENTENCE.split(block.text) if _EMERGENCY.search(s)), block.text))
            emergency = Cited(text=sentence, citation=_citation(block, info, sentence))
    evidence = {k: [Cited(text=blocks[i].text, citation=_citation(blocks[i], info)) for i in sorted(v)]
                for k, v in placed.items() if v}
    _by_wording(evidence, placed, blocks, block_scores, info, matcher)
    fields = {key: _field(key, evidence.get(key, [])) for key in FIELD_KEYS}
    fields.update(_details(evidence, blocks, info))
    return Pathway(name=pathway_name(title), source=info.source, title=title, status=info.status,
                   version=info.version, date=info.date, emergency=emergency, fields=fields, evidence=evidence)


# -- headings, labels and table headers -------------------------------------------------------------------------
def _strip_numbering(text: str) -> str:
    for _ in range(3):  # "Clause 10. (a) …"
        stripped = _NUMBERING.sub("", text, count=1).strip()
        if stripped == text:
            break
        text = stripped
    return text


def _is_title(text: str, title: str) -> bool:
    return text.strip().casefold() == title.strip().casefold()


def _map_sections(blocks: Sequence[Block], title: str, matcher: FieldMatcher) -> dict[tuple[str, ...], _Heading]:
    """Heading path → the fields its section holds, from the heading's words and the section's own wording.
    Sub-headings need a strong match of their own, else they inherit their parent's fields."""
    paths: list[tuple[str, ...]] = []
    for b in blocks:
        if (b.kind == "heading" and b.heading_path and not _is_title(b.heading_path[-1], title)
                and b.heading_path not in paths):
            paths.append(b.heading_path)
    if not paths:
        return {}
    keys = matcher.keys()
    canon = [matcher.canonical(p[-1], title) for p in paths]
    heading = matcher.scores(canon)
    parts = [matcher.parts(c) for c in canon]
    part_scores = matcher.scores([p for ps in parts for p in ps])
    wording = [" ".join(b.text for b in blocks if b.kind != "heading" and b.heading_path == p)[:SECTION_CHARS]
               for p in paths]
    said = matcher.scores([matcher.act(w) if w else "" for w in wording])
    mapping: dict[tuple[str, ...], _Heading] = {}
    k = 0
    for n, path in enumerate(paths):
        combined = heading[n] + (CONTENT_WEIGHT * said[n] if wording[n] else 0.0)
        order = np.argsort(-combined)
        best = keys[order[0]]
        clear = combined[order[0]] - combined[order[1]] >= MIN_MARGIN
        own: list[str] = [best] if clear and combined[order[0]] >= MIN_SCORE else []
        strong = [best] if clear and heading[n][order[0]] >= STRONG_SCORE else []
        if best != "other":
            for j in range(len(parts[n])):
                pbest = keys[int(np.argmax(part_scores[k + j]))]
                if part_scores[k + j].max() >= STRONG_SCORE and pbest != "other" and pbest not in own:
                    own.append(pbest)
                    strong.append(pbest)
        k += len(parts[n])
        parent = next((mapping[path[:m]] for m in range(len(path) - 1, 0, -1) if path[:m] in mapping), None)
        if parent is None or not parent.fields:
            mapping[path] = _Heading(tuple(own))
        elif strong and len(path[-1].split()) < LONG_HEADING_WORDS:
            mapping[path] = _Heading(tuple(strong))
        else:
            mapping[path] = parent
    _introduction(paths, mapping)
    return mapping


def _introduction(paths: list[tuple[str, ...]], mapping: dict[tuple[str, ...], _Heading]) -> None:
    """Pathways say who and what they are for before they say who refers and how. Top-level sections before the
    first of those that name no field ("In brief", "Is this the right route?") are that introduction: the first is
    read as who it is for (unless a section already says so), the others as the criteria."""
    top = min(len(p) for p in paths)
    sections = [p for p in paths if len(p) == top]
    procedure = next((i for i, p in enumerate(sections)
                      if {"who_can_refer", "how_to_refer"} & set(mapping[p].fields)), None)
    if procedure is None:
        return
    said = {k for p in paths for k in mapping[p].fields}
    for p in sections[:procedure]:
        if not mapping[p].fields:
            key = "for_whom" if "for_whom" not in said else "criteria"
            said.add(key)
            mapping[p] = _Heading((key,))
            for sub in paths:  # its sub-sections that inherited nothing follow it
                if len(sub) > len(p) and sub[: len(p)] == p and not mapping[sub].fields:
                    mapping[sub] = mapping[p]


def _section_fields(block: Block, mapping: dict[tuple[str, ...], _Heading]) -> tuple[str, ...]:
    path = block.heading_path
    for n in range(len(path), 0, -1):
        if path[:n] in mapping:
            return mapping[path[:n]].fields
    return ()


def _label_fields(blocks: Sequence[Block], mapping: dict[tuple[str, ...], _Heading],
                  block_scores: _BlockScores, title: str, matcher: FieldMatcher) -> dict[int, tuple[str, ...]]:
    """Paragraphs that open with their own short label ("Consent. Ask the adult…", "Referral form: …") are placed
    by that label when it names a field strongly and clearly more than it names the section's field."""
    found: list[tuple[int, str]] = []
    for i, b in enumerate(blocks):
        if b.kind not in ("paragraph", "list_item") or any(k not in BROAD_FIELDS for k in _section_fields(b, mapping)):
            continue  # a section about one thing keeps its paragraphs ("No response within 1 day: phone…")
        m = _LABEL.match(_strip_numbering(b.text))
        if not m or not re.search(r"[A-Za-z]", m.group("label")):
            continue
        size = len(m.group("label").split())
        if size <= (8 if m.group("sep") == ":" else 3):
            found.append((i, matcher.canonical(m.group("label"), title)))
    if not found:
        return {}
    keys = matcher.keys()
    scores = matcher.scores([label for _, label in found])
    out: dict[int, tuple[str, ...]] = {}
    for (i, _), row in zip(found, scores, strict=True):
        best = int(np.argmax(row))
        if row[best] < STRONG_SCORE or keys[best] == "other":
            continue
        section = [keys.index(k) for k in _section_fields(blocks[i], mapping)]
        both = row + CONTENT_WEIGHT * block_scores.row(i)  # the label judged with the paragraph's own wording
        if section and both[best] - max(both[s] for s in section) < LABEL_MARGIN:
            continue
        out[i] = (keys[best],)
    return out


def _table_fields(blocks: Sequence[Block], title: str, matcher: FieldMatcher) -> dict[int, tuple[str, ...]]:
    """A table whose column names name a field ("Step | Timescale") adds that field to its rows."""
    headers = sorted({b.header for b in blocks if b.kind == "table_row" and any(b.header)})
    if not headers:
        return {}
    keys = matcher.keys()
    scores = matcher.scores([matcher.canonical(" ".join(h), title) for h in headers])
    named = {h: keys[int(np.argmax(row))] for h, row in zip(headers, scores, strict=True)
             if row.max() >= STRONG_SCORE and keys[int(np.argmax(row))] != "other"}
    return {i: (named[b.header],) for i, b in enumerate(blocks) if b.kind == "table_row" and b.header in named}


def _by_wording(evidence: dict[str, list[Cited]], placed: dict[str, list[int]], blocks: Sequence[Block],
                block_scores: _BlockScores, info: DocumentInfo, matcher: FieldMatcher) -> None:
    """A field no heading names may still be stated in the wording: for who can refer, a passage that says who
    refers ("referrals are accepted from…"); for timescales, sentences that give a time limit ("within 1 working
    day"); otherwise a passage that reads as that field clearly more than as any other."""
    keys = matcher.keys()
    content = [i for i, b in enumerate(blocks) if b.kind != "heading"]
    for key in FIELD_KEYS:
        if evidence.get(key):
            continue
        taken = {i for k, v in placed.items() if k not in BROAD_FIELDS and k != "criteria" for i in v}
        if key == "who_can_refer":
            found = [Cited(text=blocks[i].text, citation=_citation(blocks[i], info))
                     for i in content if i not in taken and _WHO_REFERS.search(blocks[i].text)]
        elif key == "timescales":  # not the criteria ("within 12 months of…") nor the chasing rules
            skip = {i for k in ("criteria", "not_picked_up") for i in placed.get(k, [])}
            found = [Cited(text=s.strip(), citation=_citation(blocks[i], info, s.strip()))
                     for i in content if i not in skip
                     for s in _SENTENCE.split(blocks[i].text) if _TIME_LIMIT.search(s)]
        else:
            col = keys.index(key)
            free = [i for i in content if i not in taken]
            found = [Cited(text=blocks[i].text, citation=_citation(blocks[i], info))
                     for i, row in zip(free, block_scores.rows(free), strict=True)
                     if int(np.argmax(row)) == col and row[col] >= WORDING_SCORE
                     and row[col] - np.partition(row, -2)[-2] >= WORDING_MARGIN]
        if found:
            evidence[key] = found


class _BlockScores:
    """Field scores of single passages, embedded only when asked for (most passages never are)."""

    def __init__(self, blocks: Sequence[Block], matcher: FieldMatcher) -> None:
        self.blocks, self.matcher = blocks, matcher
        self._rows: dict[int, np.ndarray] = {}

    def rows(self, indices: Sequence[int]) -> list[np.ndarray]:
        missing = [i for i in indices if i not in self._rows]
        if missing:
            scored = self.matcher.scores([self.matcher.act(self.blocks[i].text) for i in missing])
            self._rows.update(zip(missing, scored, strict=True))
        return [self._rows[i] for i in indices]

    def row(self, index: int) -> np.ndarray:
        return self.rows([index])[0]


# -- fields ------------------------------------------------------------------------------------------------------
def _citation(block: Block, info: DocumentInfo, snippet: str | None = None) -> Citation:
    return Citation(source=info.source, page=block.page, section=block.section, snippet=snippet or block.text,
                    score=1.0, title=info.title, row_id=block.row_id, document_type=info.doc_type,
                    document_date=info.date, version=info.version, status=info.status)


def _field(key: str, evidence: list[Cited]) -> ReferralField:
    if not evidence:
        return ReferralField(label=LABELS[key])
    return ReferralField(label=LABELS[key], value="\n".join(c.text for c in evidence), stated=True,
                         citation=evidence[0].citation)


def _details(evidence: dict[str, list[Cited]], blocks: Iterable[Block], info: DocumentInfo) -> dict[str, ReferralField]:
    """Form, email, phone and hours from the how-to-refer wording; self-referral from wherever the document says."""
    how = evidence.get("how_to_refer", [])
    out: dict[str, ReferralField] = {}
    for key, finder in (("form", forms), ("email", emails), ("phone", phones), ("hours", hours)):
        values: list[str] = []
        first: Citation | None = None
        for cited in how:
            for value in finder(cited.text):
                if value not in values:
                    values.append(value)
                    first = first or cited.citation
        out[key] = (ReferralField(label=DETAIL_LABELS[key], value="; ".join(values), stated=True, citation=first)
                    if values else ReferralField(label=DETAIL_LABELS[key]))
    said = next(((b, s) for b in blocks if b.kind != "heading" for s in _SENTENCE.split(b.text)
                 if _SELF_REFERRAL.search(s)), None)
    out["self_referral"] = (ReferralField(label=DETAIL_LABELS["self_referral"], value=said[1].strip(), stated=True,
                                          citation=_citation(said[0], info, said[1].strip()))
                            if said else ReferralField(label=DETAIL_LABELS["self_referral"]))
    return out
