"""How much each question term weighs, whether evidence holds it, and the document priors (date, type).

Shared by selection and the abstention checks, so both judge a term the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.analysis import Analysis, identifiers, scene_and_ask
from assistant.glossary import GLOSSARY_KEY, is_glossary_list
from assistant.index import IndexedChunk, LoadedKB
from assistant.text import STOPWORDS, stem, words

UNSEEN_WEIGHT = 1.2
COMMON_WORD_WEIGHT = 0.7
KEY_IDF = 3.5  # a term in at most a few dozen chunks: the question is about that thing
TOPIC_WORDS = 6  # a leading topic ('forced marriage - …') is a few words
SHORT_QUESTION = 12  # words: a longer question without a leading topic mixes scene and ask
TOPIC_WORD_MIN = 6  # shorter unseen words are mostly chat ('kid', 'mum', 'guy')


def weight(kb: LoadedKB, term: str) -> float:
    return kb.idf_of(term)


def term_weights(kb: LoadedKB, analysis: Analysis, rare: set[str] | None = None,
             common: set[str] | None = None) -> dict[str, float]:
    """IDF weight of each (typo-repaired) question term. A term the knowledge base has never seen counts only when
    it was written as a name or acronym (an entity the documents would have to mention); otherwise it is chat
    ('actually', 'atm') that the embedding model handles."""
    out: dict[str, float] = {}
    entities = set(analysis.entities)
    for raw, t in zip(analysis.terms, kb.repair(list(analysis.terms)), strict=True):
        idf = kb.idf_of(t)
        if idf:
            # An everyday word ('sent', 'still') can be rare in a small knowledge base without being what the
            # question is about; names and terms of art keep their full weight.
            out[t] = idf * (COMMON_WORD_WEIGHT if common and t in common and t not in analysis.entities else 1.0)
        elif ((raw in entities or raw in (rare or set())) and raw.isalpha() and not kb.has_prefix(raw)
              and (len(raw) > 2 or raw in kb.acronyms or raw in kb.initialisms)):
            # (Two letters the documents never use or define, "HA", are shorthand for something they spell out.)
            out[t] = KEY_IDF  # a name or acronym the documents never mention (not a shortening: 'coord')
        elif raw.isalpha() and len(raw) > 2:
            out[t] = UNSEEN_WEIGHT  # an ordinary word the documents never use: weak evidence of a different topic
    return out


def rare_terms(text: str, is_common: Callable[[str], bool]) -> set[str]:
    """Question terms that name something specific: a word the model's vocabulary doesn't hold whole
    ("charge/summons" names two things, each judged on its own; "year-end", joined from two everyday words, none)."""
    found = words(text.replace("/", " "))
    joined = {w.replace("-", "") for w in found if "-" in w and all(is_common(p) for p in w.split("-") if p)}
    return {stem(w) for w in found if w not in STOPWORDS and not w.isdigit() and w.replace("-", "") not in joined
            and len(w) >= 3 and not is_common(w)}


def is_definition(kb: LoadedKB, chunk: IndexedChunk) -> bool:
    if chunk.kind != "table_row":
        return is_glossary_list(chunk.text)
    key, _, first = chunk.text.split("; ", 1)[0].partition(": ")
    # A glossary table's row, by its columns ("Term: SCE1; Meaning: …"), or by the acronym it explains.
    return bool(GLOSSARY_KEY.fullmatch(key.strip())) or first.strip().lower() in kb.acronyms


def present(term: str, have: set[str] | frozenset[str], alts: dict[str, list[str]]) -> float:
    if term in have:
        return 1.0
    alt = alts.get(term)
    if alt and sum(1 for a in alt if a in have) >= max(1, int(0.6 * len(alt))):
        return 1.0
    return 0.0


def recency(kb: LoadedKB) -> dict[str, float]:
    """0 for the oldest dated document, 1 for the newest."""
    dated = sorted({d.date for d in kb.documents.values() if d.date})
    if len(dated) < 2:
        return {}
    rank = {date: i / (len(dated) - 1) for i, date in enumerate(dated)}
    return {d.source: rank[d.date] for d in kb.documents.values() if d.date}


def newest_by_type(kb: LoadedKB) -> dict[str, str]:
    newest: dict[str, str] = {}
    for doc in kb.documents.values():
        if doc.status == "current" and doc.date and doc.date > newest.get(doc.doc_type, ""):
            newest[doc.doc_type] = doc.date
    return newest


def diverse(kb: LoadedKB, ranking: list[tuple[int, float]], k: int,
            per_document: int) -> list[tuple[int, float]]:
    """The top ``k`` with at most ``per_document`` chunks from any one document: every chunk of a board's minutes
    carries its name, and without a cap they crowd out the one table row elsewhere that answers."""
    seen: dict[str, int] = {}
    out: list[tuple[int, float]] = []
    for idx, score in ranking:
        source = kb.chunks[idx].source
        if seen.get(source, 0) < per_document:
            seen[source] = seen.get(source, 0) + 1
            out.append((idx, score))
            if len(out) == k:
                break
    return out


# Words that say what is wanted about the topic ("knife crime latest number"), not the topic itself.
_ASKING = frozenset(["latest", "current", "currently", "newest", "recent", "update", "updates", "status", "progress",
                     "figure", "figures", "number", "numbers", "total", "totals", "stats", "statistics", "trend"])
# Words that say when the scene happened ("sent it this morning - who owns it now?"), not what it is about.
_WHEN = frozenset(["morning", "afternoon", "evening", "tonight", "yesterday", "today", "tomorrow", "weekend",
                   "earlier", "lunchtime", "overnight"])


# "a referral pathway for drink spiking", "how many FPNs for littering": the thing a service or measure is for.
_FOR_TOPIC = re.compile(r"\b(?:pathways?|routes?|process|procedures?|polic(?:y|ies)|protocols?|services?|schemes?|"
                        r"guidance|panels?|teams?|forms?|fpns?|fines?|notices?|orders?|funding|budget)\s+for\s+"
                        r"((?:[a-z][\w'-]*\s+){0,2}?[a-z][\w'-]*)(?=\s+(?:in|on|at|by|for|from|with|this|that|last|"
                        r"have|has|had|do|does|did|is|are|was|were|we|they)\b|\s*[?(,.]|$)", re.I)


def topic_unknown(kb: LoadedKB, question: str, ordinary: Callable[[str], bool]) -> bool:
    """'forced marriage - who do we refer to': the topic a chat question leads with holds a word no document
    uses (a full dictionary word, not chat shorthand or a typo), so the documents are not about it."""
    topic = re.split(r"\s[-–—:]\s", question, maxsplit=1)
    named = _FOR_TOPIC.search(question)
    if named and (len(topic) < 2 or len(topic[0].split()) > TOPIC_WORDS):
        topic = [named.group(1)]  # "is there a referral pathway for drink spiking …": what the pathway is for
    elif len(topic) < 2 or len(topic[0].split()) > TOPIC_WORDS:
        # No topic leads: a short question's own words ("timescale for removing offensive graffiti") are its topic.
        if len(topic) >= 2 or len(scene_and_ask(question)[0]) or len(words(question)) > SHORT_QUESTION:
            return False
        topic = [question]
    if any(i in kb.row_ids or i in kb.lead_ids for i in identifiers(topic[0])):
        return False  # it names a form or an action the documents hold
    unknown = known = 0
    for word in words(topic[0]):
        if word in STOPWORDS or word in _ASKING or word in _WHEN or len(word) < 2:
            continue
        if kb.idf_of(kb.repair([stem(word)])[0]) or kb.has_prefix(word):
            known += 1
        elif len(word) >= TOPIC_WORD_MIN and word.isalpha() and ordinary(word):
            unknown += 1
    # "forced marriage": the word that names the topic is one no document uses. "leftover DA champions training
    # places": one unused word beside several the documents use is a detail of a topic they cover.
    return unknown > 0 and unknown >= known
