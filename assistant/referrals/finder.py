"""Find the referral pathways that fit a situation told in plain words.

Lay words meet the partnership's terms through the knowledge base itself: its acronyms (LoadedKB.expand), its
glossary (a situation that reads like a glossary definition brings in that term: "taken over her flat to sell
drugs" → "cuckooing") and each pathway's own criteria and signs, compared by the embedding model. A situation is
also split into its parts ("lots of cash", "new trainers", "missing school"), so a pathway that explains more of
them ranks higher. Immediate danger is flagged first, in the words of the pathways' own 999 advice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.embedding import Embedder
from assistant.index import LoadedKB
from assistant.referrals.danger import DangerCheck
from assistant.referrals.directory import ReferralDirectory, Unit
from assistant.referrals.models import Cited, Match, Pathway, ReferralResult
from assistant.text import terms

_CLAUSES = re.compile(r"\s*(?:[,;:.!?]+|\band\b|\bbut\b|\bplus\b|\balso\b|\bthen\b)\s*", re.IGNORECASE)

# How a pathway's score is made (each part 0..1): best single passage, how many parts of the situation it explains,
# its name, and shared rare words (idf-weighted, after acronym and glossary expansion).
W_BEST, W_COVER, W_NAME, W_WORDS = 0.3, 0.3, 0.25, 0.15
GLOSSARY_MIN = 0.38  # a glossary meaning this close to the situation names the partnership's term for it ...
GLOSSARY_USED_SLACK = 0.1  # ... or a little less close, when the criteria explaining the best match use the term
RARE_IDF = 2.0  # words rarer than this in the knowledge base count as shared words ...
KEYWORD_FULL = 0.4  # ... fully when the passage holding them is this close to the situation
WORD_STEM = 6  # letters two word stems must share to count as one word
WHY_WORD_BONUS = 0.15  # a criteria passage sharing a rare word with the situation ranks higher as why
WHY_MIN = 0.3  # a criteria passage this close to the situation (or a part of it) is shown as why
KEEP_RATIO = 0.75  # pathways scoring at least this share of the best one are offered too
MAX_STEPS = 8


@dataclass(frozen=True)
class _Query:
    text: str  # the situation with the knowledge base's acronyms spelled out
    clauses: list[str]
    vectors: np.ndarray  # row 0: the whole situation; then one row per clause


class Finder:
    def __init__(self, embedder: Embedder, danger: DangerCheck | None = None) -> None:
        self.embedder = embedder
        self.danger = danger

    def find(self, directory: ReferralDirectory, kb: LoadedKB, situation: str, limit: int = 3) -> ReferralResult:
        if not directory.pathways:
            return ReferralResult(generation=directory.generation_id)
        query = self._query(directory, kb, situation)
        scored = sorted(((self._score(directory, kb, query, n), n) for n in range(len(directory.pathways))),
                        reverse=True)
        best = scored[0][0]
        matches = [self._match(directory, kb, query, n, score) for score, n in scored[:limit]
                   if score >= best * KEEP_RATIO]
        sources = [m.source for m in matches]
        emergency = self._emergency(directory, query, sources)
        return ReferralResult(pathways=matches, emergency=emergency.text if emergency else "",
                              emergency_citation=emergency.citation if emergency else None,
                              terms=self._terms(directory, query, matches), generation=directory.generation_id)

    # -- the situation ----------------------------------------------------------------------------------------------
    def _query(self, directory: ReferralDirectory, kb: LoadedKB, situation: str) -> _Query:
        expanded, _ = kb.expand(situation)
        clauses = [c for c in _CLAUSES.split(situation) if len(terms(c)) >= 1]
        if len(clauses) < 2:
            clauses = []
        return _Query(text=expanded, clauses=clauses, vectors=self.embedder.embed([expanded, *clauses]))

    # -- scoring ----------------------------------------------------------------------------------------------------
    def _sims(self, directory: ReferralDirectory, query: _Query, n: int) -> tuple[list[Unit], np.ndarray]:
        """Pathway n's passages and their weighted similarity to the whole situation (column 0) and its parts."""
        idx = [i for i, u in enumerate(directory.units) if u.pathway == n]
        units = [directory.units[i] for i in idx]
        if not idx:
            return units, np.zeros((0, len(query.vectors)))
        weights = np.asarray([u.weight for u in units])[:, None]
        return units, (directory.unit_vectors[idx] @ query.vectors.T) * weights

    def _score(self, directory: ReferralDirectory, kb: LoadedKB, query: _Query, n: int) -> float:
        units, sims = self._sims(directory, query, n)
        if not units:
            return 0.0
        best = float(sims[:, 0].max())
        cover = float(sims[:, 1:].max(axis=0).mean()) if query.clauses else best
        name = float((directory.name_vectors[n] @ query.vectors[0]).max())
        words = self._shared_words(kb, query, units, sims)
        return W_BEST * best + W_COVER * cover + W_NAME * name + W_WORDS * words

    def _shared_words(self, kb: LoadedKB, query: _Query, units: list[Unit], sims: np.ndarray) -> float:
        """The situation's rarer words (idf-weighted) found in the pathway's matching wording, each counted as much
        as the passage holding it is close in meaning (a shared "car" in an unrelated sign counts for little)."""
        asked = self._rare_words(kb, query)
        if not asked:
            return 0.0
        closeness = sims.max(axis=1) if len(units) else np.zeros(0)
        found: dict[str, float] = {}
        for u, c in zip(units, closeness, strict=True):
            for t in _shared(asked, u.cited.text):
                found[t] = max(found.get(t, 0.0), float(c))
        rarest = max(kb.idf.values(), default=1.0)  # a word the knowledge base never uses is as rare as any

        def weight(t: str) -> float:
            return kb.idf_of(t) or rarest

        total = sum(weight(t) for t in asked)
        return sum(weight(t) * min(1.0, max(0.0, c) / KEYWORD_FULL) for t, c in found.items()) / total

    @staticmethod
    def _rare_words(kb: LoadedKB, query: _Query) -> set[str]:
        return {t for t in terms(query.text) if kb.idf_of(t) >= RARE_IDF or (len(t) >= WORD_STEM and not kb.idf_of(t))}

    # -- the answer -------------------------------------------------------------------------------------------------
    def _match(self, directory: ReferralDirectory, kb: LoadedKB, query: _Query, n: int, score: float) -> Match:
        p = directory.pathways[n]
        units, sims = self._sims(directory, query, n)
        rare = self._rare_words(kb, query)
        # Why: the pathway's own criteria (glossary entries that helped the match are named in ``terms``).
        relevance = np.asarray([-1.0 if u.term else
                                float(sims[i].max()) + (WHY_WORD_BONUS if _shared(rare, u.cited.text) else 0.0)
                                for i, u in enumerate(units)])
        order = [int(j) for j in np.argsort(-relevance)[:3]]
        # The closest criteria always explain the match; the next ones only when they are close too.
        why = [Cited(text=units[i].cited.text, citation=units[i].cited.citation.model_copy(
                   update={"score": round(min(1.0, float(relevance[i])), 3)}))
               for k, i in enumerate(order) if relevance[i] >= WHY_MIN or (k == 0 and relevance[i] > 0)]
        return Match(name=p.name, source=p.source, title=p.title, status=p.status, version=p.version, date=p.date,
                     score=round(score, 3), why=why, fields=p.fields, steps=steps(p))

    def _terms(self, directory: ReferralDirectory, query: _Query, matches: Sequence[Match]) -> list[str]:
        """The partnership's terms for the situation: glossary terms of the offered pathways whose meaning is close
        to it, or that the criteria explaining a match use ("… taken over by drug dealers (cuckooing)")."""
        sources = {m.source for m in matches}
        why = " ".join(w.text for w in matches[0].why) if matches else ""
        out: list[str] = []
        for i, u in enumerate(directory.units):
            if not u.term or u.term in out or directory.pathways[u.pathway].source not in sources:
                continue
            close = float((directory.unit_vectors[i] @ query.vectors.T).max())
            used = re.search(rf"(?<!\w){re.escape(u.term)}(?!\w)", why, re.IGNORECASE)
            if close >= GLOSSARY_MIN or (used and close >= GLOSSARY_MIN - GLOSSARY_USED_SLACK):
                out.append(u.term)
        return out

    def _emergency(self, directory: ReferralDirectory, query: _Query, sources: Sequence[str]) -> Cited | None:
        """The best-matching pathway's own 999 advice, when the situation reads as immediate danger: like one of the
        reviewed danger signs, or like the pathways' own immediate-danger wording."""
        advice = [p.emergency for p in directory.pathways if p.emergency is not None]
        if not advice:
            return None
        whole = query.vectors[:1]
        close = (self.embedder.embed([a.text for a in advice]) @ whole.T)[:, 0]
        danger = self.danger is not None and self.danger.reads_as_danger(whole)
        if not danger and float(close.max()) < ADVICE_MIN:
            return None
        own = next((p.emergency for s in sources[:1] for p in directory.pathways
                    if p.source == s and p.emergency is not None), None)
        return own or advice[int(np.argmax(close))]


ADVICE_MIN = 0.5  # a situation this close to a pathway's own immediate-danger sentence is treated as one


def _shared(asked: set[str], text: str) -> set[str]:
    """The asked words a passage uses, a word counting as used when the stems agree on their first letters too
    ("strangled" meets "strangulation")."""
    have = set(terms(text))
    out = asked & have
    for t in asked - out:
        if len(t) >= WORD_STEM and any(len(h) >= WORD_STEM and h[:WORD_STEM] == t[:WORD_STEM] for h in have):
            out.add(t)
    return out


def steps(p: Pathway) -> list[Cited]:
    """What to do, in the pathway's own order: its how-to-refer passages."""
    return list(p.evidence.get("how_to_refer", []))[:MAX_STEPS]
