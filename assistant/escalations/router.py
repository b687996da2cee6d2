"""Route a stuck case, described in plain words, to its topic, next level, owner, contact and channel.

Topic: each topic's description is split into its phrases ("Domestic abuse", "MARAC actions", "stalking"). A phrase
applies when the words that carry most of its weight are in the description (IDF across topics, so a word shared by
many topics counts for little), or when the description uses the phrase's initials ("DA"). The injected embedder
ranks topics alongside the keywords and is the fallback when no phrase applies. When several topics apply, the
protocol's rule picks the highest-risk one and copies the others' contacts.

Level: see levels.py (what has been tried, and so which level comes next).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.embedding import Embedder
from assistant.escalations.levels import LevelReader, contact
from assistant.escalations.models import GUESSED, UNTRIED, Contact, LadderStep, RouteDecision
from assistant.escalations.phrases import (
    Phrase,
    phrase,
    phrases,
    query,
    role_alternatives,
    ruled_out,
    sentences,
    statements_of,
    terms,
    without_disputing_parties,
)
from assistant.escalations.rules import EscalationRules, OutsideRule, TopicRule
from assistant.models import Citation

# A phrase applies when the description holds more than this share of its IDF-weighted words: a two-word phrase
# needs both words unless one is much rarer ("hate" names "Hate crime"; "managed" alone does not name "managed moves").
PHRASE_COVERAGE = 0.5
HALF_TOLERANCE = 1e-6  # (a share of exactly one half, summed from logarithms)
# With no phrase applying, a weaker keyword match, or an embedding at least this similar and clearly ahead of the
# runner-up, still names a likely topic (all-MiniLM-L6-v2 scores true topics about 0.35-0.45, others below 0.3).
WEAK_COVERAGE = 0.25
MIN_SIMILARITY = 0.35
SIMILARITY_MARGIN = 0.05
OWNER_SHARE = 0.75  # of a job title's words, for a description to name that owner
# "lvl" and "lev" are how staff type "level" in chat ("whos lvl 3?").
# A job title, not an organisation ("Trading Standards Team Manager", not "WMC Children's Services").
_ROLE_NOUN = re.compile(r"\b(?:manager|head|chair|lead|officer|director|inspector|coordinator|co-ordinator|"
                        r"superintendent|commander|worker|advis[eo]r)\b", re.IGNORECASE)
@dataclass(frozen=True)
class _Candidate:
    """A protocol topic or an outside-the-protocol entry, as the router sees it."""

    rule: TopicRule | OutsideRule
    phrases: tuple[Phrase, ...]
    special: tuple[tuple[str, frozenset[str]], ...]  # (when, its terms)

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(t for p in self.phrases for t in p.terms)

    @property
    def outside(self) -> bool:
        return isinstance(self.rule, OutsideRule)

    @property
    def risk(self) -> int:
        return self.rule.risk_rank if isinstance(self.rule, TopicRule) else 10**6


@dataclass(frozen=True)
class _Scored:
    candidate: _Candidate
    coverage: float
    similarity: float
    phrase: str
    unique: float = 0.0  # IDF of query words that no other topic uses

    @property
    def matched(self) -> Phrase | None:
        return next((p for p in self.candidate.phrases if p.text == self.phrase), None)


class Router:
    """Built from validated rules and an embedder; cheap to call, safe to share between threads."""

    def __init__(self, rules: EscalationRules, embedder: Embedder | None = None) -> None:
        self.rules = rules
        self.embedder = embedder
        rows: list[TopicRule | OutsideRule] = [*rules.topics, *rules.outside_protocol]
        self._candidates = tuple(_candidate(r) for r in rows)
        self._idf = _idf(self._candidates)
        counts: dict[str, int] = {}
        for cand in self._candidates:
            for term in cand.terms:
                counts[term] = counts.get(term, 0) + 1
        self._unique = frozenset(t for t, n in counts.items() if n == 1)
        self._vectors: np.ndarray | None = None
        self._levels = LevelReader(rules)

    # -- public ---------------------------------------------------------------------------------------------
    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(c.rule.id for c in self._candidates)

    def route(self, description: str, tried: str = "", topic_id: str | None = None) -> RouteDecision:
        """Route a description (plain words, no personal data) and what has been tried so far.

        ``topic_id`` names the topic outright (a practitioner or the intake owner chose it); the level and owner
        are still worked out from the description. Raises KeyError for an unknown topic id.
        """
        statements, questions = sentences(description)
        tried_statements = statements_of(tried)
        # The topic is what the case is about, not who disagrees ("police and housing can't agree who does the
        # NRM"), unless only the parties name one ("school and the attendance team both say the other should lead").
        for case in dict.fromkeys((without_disputing_parties(description), description)):
            sequence, query_words = query(f"{case}\n{tried}")
            query_terms = set(sequence)
            scored = self._score(sequence, query_words, f"{case}. {tried}".strip(" ."))
            applicable = self._applicable(scored, description)
            if applicable:
                break
        reasons: list[str] = []
        chosen: _Scored | None
        if topic_id is not None:
            chosen = next((s for s in scored if s.candidate.rule.id == topic_id), None)
            if chosen is None:
                raise KeyError(topic_id)
            reasons.append(f"The topic {chosen.candidate.rule.name} was chosen by the person raising it.")
            applicable = [s for s in applicable if s.candidate is not chosen.candidate]
            others = [s for s in applicable if not s.candidate.outside]
            return self._decide(chosen, others, query_terms, questions, statements + tried_statements, reasons)
        if applicable:
            # Outside-the-protocol entries only win when no protocol topic applies.
            chosen = min(applicable, key=lambda s: (s.candidate.outside, s.candidate.risk, -s.coverage,
                                                    -s.similarity))
            reasons.append(f"'{chosen.phrase}' in the description matches the topic {chosen.candidate.rule.name}.")
        elif (owned := self._named_owner(query_terms)) is not None:
            named = next(s for s in scored if s.candidate.rule is owned[0])
            chosen = _Scored(named.candidate, 1.0, named.similarity, owned[1], named.unique)
            reasons.append(f"'{owned[1]}' in the description is an owner for the topic {owned[0].name}.")
        else:
            best = self._closest(scored)
            if best is not None:
                chosen = best
                reasons.append(f"{GUESSED}; {best.candidate.rule.name} is the closest match, "
                               "so check it.")
            else:
                chosen = None
        if chosen is None:
            return self._intake(named_level=bool(self._levels.mention.search(f"{description} {tried}")))
        others = [s for s in applicable if s.candidate is not chosen.candidate and not s.candidate.outside]
        return self._decide(chosen, others, query_terms, questions, statements + tried_statements, reasons)

    def _applicable(self, scored: list[_Scored], description: str) -> list[_Scored]:
        """Topics whose phrase the description uses, unless it rules them out ("not DA"). Among them, half a phrase
        ("trafficking" of "human trafficking") counts too when the embedding ranks its topic first."""
        ranked = self._closest(scored, by_similarity=True)
        half = ranked if ranked is not None and ranked.coverage >= PHRASE_COVERAGE - HALF_TOLERANCE else None
        named = [s for s in scored if s.coverage > PHRASE_COVERAGE]
        return [s for s in scored if (s in named or (named and s is half)) and not ruled_out(description, s.matched)]

    # -- scoring -----------------------------------------------------------------------------------------------
    def _score(self, sequence: list[str], query_words: set[str], text: str) -> list[_Scored]:
        sims = self._similarities(text)
        positions: dict[str, list[int]] = {}
        for i, term in enumerate(sequence):
            positions.setdefault(term, []).append(i)
        out = []
        for i, cand in enumerate(self._candidates):
            best, best_phrase = 0.0, ""
            for candidate_phrase in cand.phrases:
                cov = self._coverage(candidate_phrase, positions, query_words)
                if cov > best:
                    best, best_phrase = cov, candidate_phrase.text
            unique = sum(self._idf[t] for t in cand.terms & positions.keys() if t in self._unique)
            out.append(_Scored(cand, best, float(sims[i]) if sims is not None else 0.0, best_phrase, unique))
        return out

    def _named_owner(self, query_terms: set[str]) -> tuple[TopicRule, str] | None:
        """With no topic named, a job title only one topic lists as an owner ("the trading standards team manager
        has had it") names that topic."""
        found: dict[str, tuple[TopicRule, str]] = {}
        for rule in self.rules.topics:
            for alt in (a for c in rule.contacts for a in role_alternatives(c.owner)):
                words_of = set(terms(alt))
                if (len(words_of) >= 2 and _ROLE_NOUN.search(alt)
                        and len(words_of & query_terms) >= max(2, OWNER_SHARE * len(words_of))):
                    found.setdefault(rule.id, (rule, alt))
        return next(iter(found.values())) if len(found) == 1 else None

    @staticmethod
    def _closest(scored: Sequence[_Scored], by_similarity: bool = False) -> _Scored | None:
        """The likeliest topic when none is named outright: a word only that topic uses, or a clear embedding."""
        distinctive = [s for s in scored if s.unique and s.coverage >= WEAK_COVERAGE]
        if distinctive and not by_similarity:
            return max(distinctive, key=lambda s: (s.unique, s.similarity))
        ranked = sorted(scored, key=lambda s: s.similarity, reverse=True)
        if not ranked:
            return None
        best = ranked[0]
        runner_up = ranked[1].similarity if len(ranked) > 1 else 0.0
        if best.similarity >= MIN_SIMILARITY and best.similarity - runner_up >= SIMILARITY_MARGIN:
            return best
        return None

    def _coverage(self, target: Phrase, positions: dict[str, list[int]], query_words: set[str]) -> float:
        """IDF-weighted share of the phrase's words found close together in the query (or its initials)."""
        if target.initials and target.initials in query_words:
            return 1.0
        total = sum(self._idf.get(t, 0.0) for t in target.terms)
        present = [t for t in target.terms if t in positions]
        if not total or not present:
            return 0.0
        # Words of one phrase must sit together, one stray word allowed between them: "urgent move. The landlord
        # will not agree a management transfer" is no "managed move".
        window = len(target.terms)
        starts = sorted(p for t in present for p in positions[t])
        best = 0.0
        for start in starts:
            near = {t for t in present if any(start <= p <= start + window for p in positions[t])}
            best = max(best, sum(self._idf.get(t, 0.0) for t in near))
        return best / total

    def _similarities(self, text: str) -> np.ndarray | None:
        if self.embedder is None or not text.strip():
            return None
        if self._vectors is None:
            self._vectors = self.embedder.embed([_topic_text(c) for c in self._candidates])
        query = self.embedder.embed([text])[0]
        sims: np.ndarray = np.clip(self._vectors @ query, 0.0, 1.0)
        return sims

    # -- decisions ---------------------------------------------------------------------------------------------
    def _decide(self, chosen: _Scored, others: Sequence[_Scored], query_terms: set[str], questions: list[str],
                statements: list[str], reasons: list[str]) -> RouteDecision:
        rules = self.rules
        rule = chosen.candidate.rule
        citations = [rules.citation(rule.cite, rule.description)]
        special = next((when for when, terms in chosen.candidate.special
                        if self._term_share(terms, query_terms) > PHRASE_COVERAGE), "")
        if isinstance(rule, OutsideRule):
            return self._outside(rule, chosen, reasons, citations)
        known_reasons = len(reasons)
        level = self._levels.level(rule, special, questions, statements, reasons)
        owner = contact(rules, rule, level.number, special)
        if special:
            reasons.append(f"'{special}' have their own owner at {level.name}: {owner.role}.")
        citations.append(rules.citation(level.cite, f"{level.name}: {level.owner} ({level.response_time})"))
        copy_to: list[Contact] = []
        if others:
            copy_level = rules.multiple_topics.copy_level
            names = ", ".join(o.candidate.rule.name for o in others)
            reasons.append(f"The case also touches {names}; it goes under {rule.name}, as the protocol escalates "
                           "under the highest-risk topic and copies in the others.")
            if rules.multiple_topics.cite.section or rules.multiple_topics.cite.row:  # (drafted rules may lack it)
                citations.append(rules.citation(rules.multiple_topics.cite))
            for other in others:
                if copy_level is not None and isinstance(other.candidate.rule, TopicRule):
                    copy = contact(rules, other.candidate.rule, copy_level, "")
                    if copy.role != owner.role and copy not in copy_to:
                        copy_to.append(copy)
            if copy_to:
                reasons.append("Copy in " + "; ".join(c.role for c in copy_to) + ".")
        ladder = tuple(LadderStep(lv.number, lv.name, contact(rules, rule, lv.number, special), lv.response_time)
                       for lv in rules.levels if lv.number >= level.number)
        before = tuple(LadderStep(lv.number, lv.name, contact(rules, rule, lv.number, special), lv.response_time)
                       for lv in rules.levels if lv.number < level.number
                       and any(r.startswith(UNTRIED) for r in reasons[known_reasons:]))
        return RouteDecision(
            topic_id=rule.id, topic=rule.name, owning_board=rule.owning_board, level=level.number,
            level_name=level.name, owner=owner, channel=rule.channel, special_case=special,
            copy_to=tuple(copy_to), other_topics=tuple(o.candidate.rule.name for o in others),
            reasons=tuple(reasons), citations=tuple(_dedupe(citations)), ladder=ladder,
            confidence=round(max(chosen.coverage, chosen.similarity), 3), before=before)

    def _term_share(self, terms: frozenset[str], query_terms: set[str]) -> float:
        total = sum(self._idf.get(t, 0.0) for t in terms)
        return sum(self._idf.get(t, 0.0) for t in terms & query_terms) / total if total else 0.0

    def _outside(self, rule: OutsideRule, chosen: _Scored, reasons: list[str],
                 citations: list[Citation]) -> RouteDecision:
        first = min(rule.contacts, key=lambda c: c.level, default=None)
        owner = Contact(first.owner, first.email, first.phone, first.contact_role) if first else Contact(
            rule.owning_body)
        reasons.append(f"This goes outside the protocol, to {rule.owning_body}.")
        if rule.procedure:
            reasons.append(f"After {owner.role}: {rule.procedure}.")
        level = self.rules.level(first.level) if first else self.rules.entry_level
        return RouteDecision(
            topic_id=rule.id, topic=rule.name, owning_board=rule.owning_body, level=level.number,
            level_name=level.name, owner=owner, channel=None, outside_protocol=True, reasons=tuple(reasons),
            citations=tuple(citations), confidence=round(max(chosen.coverage, chosen.similarity), 3))

    def _intake(self, named_level: bool = False) -> RouteDecision:
        rules, intake, level = self.rules, self.rules.intake, self.rules.entry_level
        # The levels every topic shares come first whatever the topic, unless the description names a level.
        before = () if named_level else tuple(LadderStep(lv.number, lv.name, Contact(lv.owner), lv.response_time)
                                              for lv in rules.levels if lv.number < level.number and not lv.per_topic)
        reasons = ["The description does not say which topic the case is about."]
        owner, channel = Contact(level.owner), None
        citations: tuple[Citation, ...] = ()
        if intake is not None:
            owner = Contact(intake.owner, intake.email, intake.phone)
            channel = intake.channel
            reasons.append(f"Post the reference in {intake.channel}; {intake.owner} will route it.")
            citations = (rules.citation(intake.cite),)
        return RouteDecision(topic_id=None, topic="Not sure which topic", owning_board="", level=level.number,
                             level_name=level.name, owner=owner, channel=channel, reasons=tuple(reasons),
                             citations=citations, confidence=0.0, before=before)


# -- helpers ---------------------------------------------------------------------------------------------------
def _candidate(rule: TopicRule | OutsideRule) -> _Candidate:
    found = [phrase(p) for p in phrases(rule.description)]
    special = tuple((case.when, frozenset(terms(case.when)))
                    for case in (rule.special_cases if isinstance(rule, TopicRule) else []))
    found.extend(phrase(when) for when, _ in special)
    return _Candidate(rule, tuple(p for p in found if p.terms), special)


def _idf(candidates: Sequence[_Candidate]) -> dict[str, float]:
    df: dict[str, int] = {}
    for cand in candidates:
        for term in cand.terms:
            df[term] = df.get(term, 0) + 1
    n = len(candidates)
    return {t: math.log(1 + n / d) for t, d in df.items()}


def _topic_text(cand: _Candidate) -> str:
    rule = cand.rule
    board = rule.owning_board if isinstance(rule, TopicRule) else rule.owning_body
    return f"{rule.name}. {rule.description}. {board}"


def _dedupe(citations: Sequence[Citation]) -> list[Citation]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for c in citations:
        key = (c.section, c.row_id, c.snippet)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


__all__ = ["Router"]
