"""Extractive answering without an LLM: retrieve → rerank → select units → compose → check (or abstain)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from assistant.adjacency import pair_share, word_pairs
from assistant.analysis import Analysis, analyse, asks_status, scene_statement_and_ask, year_spans
from assistant.answer_text import Scored, abstention, compose, with_gaps, with_items
from assistant.contact_subject import gives_subjects_contact
from assistant.corroboration import corroborating
from assistant.counting import counted_noun, counts
from assistant.embedding import Embedder
from assistant.evidence import CHANGED, Unit, compact_row, readable_units, states_any, states_value, type_match
from assistant.focus import explains_only, off_focus
from assistant.hops import carried_context, leads_with
from assistant.index import IndexedChunk, LoadedKB, row_key
from assistant.models import Answer
from assistant.months import asked_period, meeting_not_held, period_share
from assistant.names import names_all, names_body, names_missing
from assistant.periods import other_period
from assistant.person_names import asks_person_name, names_a_person
from assistant.priors import KPI_TYPE, MEETING_TYPE, apply_priors
from assistant.prompts import Prompts
from assistant.row_mentions import reversal, row_mention
from assistant.settings import Settings
from assistant.shorthand import Shorthand
from assistant.text import stem, terms, words
from assistant.unit_vectors import UnitVectors
from assistant.weighting import KEY_IDF, diverse, is_definition, present, rare_terms, term_weights, weight

UNIT_RERANK = 16  # units re-scored with the model at sentence level (cost: one small batch per question)
UNIT_DENSE_WEIGHT = 0.35
SIM_FLOOR, SIM_CEIL = 0.25, 0.7
SAME_PASSAGE = 0.12
GLOSSARY_WEIGHT = 0.8
# Kinds of answer whose absence from the evidence means "not answered" ("when" often asks for a condition instead).
STRICT_TYPES = ("phone", "email", "form", "timescale", "frequency", "meeting_frequency", "weekday", "day_date", "count",
                "money", "percent", "clock", "governance", "retention", "quorum", "venue", "organisation", "cutoff")
STRICT_MISS = 0.85
# Kinds of answer worth looking further down the ranking for, though their absence does not mean "not answered".
SOUGHT_TYPES = ("eligibility", "funding_source", "target")
SOUGHT_BONUS = 0.1
PERIOD_BONUS, PAIR_BONUS = 0.15, 0.1  # (pairs: the question's words side by side in the unit, "lead officer")
PER_DOCUMENT = 12
RELATION_BONUS = 0.3
CHANGE_BONUS, CLAIM_WEIGHT = 0.15, 0.85
CANDIDATES = 10
AVOID_WEIGHT = 0.7  # a unit already chosen for an earlier part of the question is held back
ID_SUPPORT = 0.5
NEWER_LEAD = 0.85  # how close a later document's unit must score to replace an older lead on a 'still/yet' question
FALLBACK_LEAD = 0.8  # how close a runner-up must score to lead when the best unit cannot answer
RUNNER_COVERAGE = 0.75  # ... and, from another document, this share of the question the best unit covers
WEAK_LEAD = 0.95  # how close a backed runner-up must score to lead instead of a weakly backed best unit
PART_LEAD = 0.75  # how close a better-backed unit must score to answer a part whose best unit is weakly backed
TYPED_LEAD = 0.9  # how close a part's unit holding the asked kind of fact must score to answer it instead


class Answerer:
    def __init__(self, embedder: Embedder, settings: Settings, prompts: Prompts) -> None:
        self.embedder, self.settings, self.prompts = embedder, settings, prompts
        self.unit_vectors = UnitVectors(embedder)
        self.shorthand = Shorthand.load(settings.rules_dir / "chat-shorthand.yaml")

    # -- retrieval ----------------------------------------------------------------------------------------
    def retrieve(self, kb: LoadedKB, analysis: Analysis, qvec: np.ndarray,
                 expanded: str = "") -> dict[int, float]:
        """Fuse dense and keyword rankings (reciprocal rank fusion), then apply document priors."""
        k, rrf = self.settings.retrieve_k, self.settings.rrf_k
        qterms = kb.repair(terms(expanded) if expanded else list(analysis.terms))
        fused: dict[int, float] = {}
        for ranking in (kb.dense_search(qvec, 2 * k), kb.keyword_search(qterms, 2 * k)):
            for rank, (idx, _score) in enumerate(diverse(kb, ranking, k, PER_DOCUMENT)):
                fused[idx] = fused.get(idx, 0.0) + 1.0 / (rrf + rank + 1)
        ids = set(analysis.ids)
        defining = "definition" in analysis.answer_types
        # The glossary row of a form the question names ("can i send the TRF1 anyway") only says what it is.
        by_row = {idx for i in ids for idx in kb.row_ids.get(i, [])
                  if defining or not is_definition(kb, kb.chunks[idx])}
        for idx in by_row:
            fused[idx] = fused.get(idx, 0.0) + 2.0 / rrf
        for idx in {idx for i in ids for idx in kb.lead_ids.get(i, [])
                    if defining or not is_definition(kb, kb.chunks[idx])} - by_row:
            fused[idx] = fused.get(idx, 0.0) + 1.0 / rrf
        qset = set(qterms)
        for idx in list(fused):
            chunk = kb.chunks[idx]
            if chunk.kind == "table_row":
                name = set(terms("; ".join(chunk.text.split("; ")[:3]).replace(":", " ")))
                named = {t for t in name if kb.idf_of(t) > 1.0}
                if len(named) >= 2 and len(named & qset) >= 0.6 * len(named):
                    fused[idx] += 1.0 / rrf  # the question names this row (its indicator, action or topic)
        if "definition" in analysis.answer_types:
            for idx in {idx for t in analysis.entities for idx in kb.defined_in.get(t, [])}:
                fused[idx] = fused.get(idx, 0.0) + 2.0 / rrf  # the glossary entry for the acronym asked about
        apply_priors(kb, analysis, fused)
        return fused

    # -- selection ----------------------------------------------------------------------------------------
    def score_units(self, kb: LoadedKB, analysis: Analysis, fused: dict[int, float],
                    alts: dict[str, list[str]] | None = None, extra: dict[str, float] | None = None,
                    avoid: set[str] | None = None, qvec: np.ndarray | None = None) -> list[Scored]:
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        top = ranked[:CANDIDATES]
        if not top:
            return []
        strict = tuple(t for t in analysis.answer_types if t in STRICT_TYPES)
        sought = tuple(t for t in analysis.answer_types if t in STRICT_TYPES + SOUGHT_TYPES)
        soft = tuple(t for t in sought if t in SOUGHT_TYPES)
        if sought:
            # A fact of the kind asked for (an amount, a phone number, who a service is for) a little further down.
            top += [kv for kv in ranked[CANDIDATES:]
                    if type_match(sought, kb.chunks[kv[0]].text) == 1.0][:CANDIDATES // 2]
        if analysis.relation:
            # "Chair: Director of Public Health" in a table further down beats minutes that only say "the Chair".
            top += [kv for kv in ranked[CANDIDATES:]
                    if states_any(analysis.relation, [kb.chunks[kv[0]].text])][:CANDIDATES // 2]
        best = top[0][1]
        alts = alts or {}
        period = asked_period(analysis.text)
        weights = term_weights(kb, analysis, self._rare(analysis), self._common(analysis))
        for t, w in (extra or {}).items():
            weights.setdefault(t, w)
        total = sum(weights.values()) or 1.0
        qterms = set(weights)
        asked_pairs = word_pairs(terms(scene_statement_and_ask(analysis.text)[1]), qterms)  # (not the scene's)
        out: list[Scored] = []
        for idx, fscore in top:
            chunk = kb.chunks[idx]
            context_terms = set(kb.chunk_terms[idx])
            for unit, text in readable_units(chunk):
                if chunk.kind == "table_row":
                    text = compact_row(text, qterms)
                covered = sum(w * max(present(t, unit.terms, alts), 0.6 * present(t, context_terms, alts))
                              for t, w in weights.items())
                coverage = covered / total
                chunk_norm = fscore / best
                typed = type_match(analysis.answer_types, text, analysis.given)  # (not a figure the question gives)
                score = 0.45 * chunk_norm + 0.4 * coverage + 0.15 * typed
                score += PERIOD_BONUS * period_share(text, period)  # "cases apr 25 to feb 26": that period's line
                score += PAIR_BONUS * pair_share(asked_pairs, text)
                if soft and type_match(soft, text) == 1.0:
                    score += SOUGHT_BONUS  # "is it adults only": the line saying who the service is for
                if strict and type_match(strict, text, analysis.given) == 0.0:
                    score *= STRICT_MISS  # a phone question is not answered by a sentence without a number
                if analysis.wants_current and "status" in analysis.answer_types and CHANGED.search(text):
                    score += CHANGE_BONUS  # "still happening?": the decision that stopped or reversed it
                if analysis.relation:
                    # "who chairs the board" is answered by "Chair: …", not by minutes where "the Chair" spoke.
                    score = score + RELATION_BONUS if states_any(analysis.relation, [text]) else score * STRICT_MISS
                if analysis.claimed and states_value(text, analysis.claimed):
                    score *= CLAIM_WEIGHT  # "still 120 a yr?": the line giving the asker's figure is likely the old one
                if avoid and chunk.id in avoid:
                    score *= AVOID_WEIGHT
                if explains_only(kb, analysis, chunk, text):
                    score *= GLOSSARY_WEIGHT
                out.append(Scored(Unit(chunk, text, unit.terms), score, coverage, chunk_norm))
        if qvec is not None and out:
            out.sort(key=lambda s: -s.score)
            head = out[:UNIT_RERANK]
            sims = self.unit_vectors(kb, [s.unit for s in head]) @ qvec
            out = [Scored(s.unit, s.score + UNIT_DENSE_WEIGHT * float(sim), s.coverage, s.chunk_score, float(sim))
                   for s, sim in zip(head, sims, strict=True)] + out[UNIT_RERANK:]
        out.sort(key=lambda s: -s.score)
        return out

    @staticmethod
    def _blend(lexical: float, picked: Scored, analysis: Analysis) -> float:
        """Evidence support from words and meaning: paraphrases ('began operating' for 'started running') keep
        their support, while a near-miss on a different subject is still caught by the name and type checks. The
        row of an identifier the question names ("tier 4 is who") is about what was asked, however the case
        around it is described."""
        semantic = min(1.0, max(0.0, (picked.similarity - SIM_FLOOR) / (SIM_CEIL - SIM_FLOOR)))
        own_row = row_key(picked.unit.chunk.row_id) in analysis.ids
        return max(lexical, 0.5 * lexical + 0.5 * semantic, ID_SUPPORT if own_row else 0.0)

    def _common(self, analysis: Analysis) -> set[str]:
        return {stem(w) for w in words(analysis.text) if self.embedder.is_common_word(w)}

    def _rare(self, analysis: Analysis) -> set[str]:
        """Question terms that name something specific, and the names and acronyms it writes."""
        return rare_terms(analysis.text, self.embedder.is_common_word) | set(analysis.entities)

    def _names_missing(self, kb: LoadedKB, analysis: Analysis, scored: list[Scored], alts: dict[str, list[str]],
                       parts: list[Scored]) -> bool:
        rare = self._rare(analysis)
        return names_missing(kb, analysis, scored, parts, alts, rare,
                             term_weights(kb, analysis, rare, self._common(analysis)), self.embedder.is_common_word)

    def support(self, kb: LoadedKB, analysis: Analysis, chunk: IndexedChunk,
                alts: dict[str, list[str]] | None = None, weights: dict[str, float] | None = None) -> float:
        """Share of the question's information (IDF-weighted) that the evidence chunk actually holds."""
        if weights is None:
            weights = term_weights(kb, analysis, self._rare(analysis), self._common(analysis))
        if not weights:
            return 0.0
        have = set(kb.chunk_terms[kb.by_id[chunk.id]])
        alts = alts or {}
        return sum(w * present(t, have, alts) for t, w in weights.items()) / (sum(weights.values()) or 1.0)

    # -- the whole answer ---------------------------------------------------------------------------------
    def answer(self, kb: LoadedKB, question: str) -> Answer:
        question = self.shorthand.expand(question)
        analysis = analyse(question)
        expanded, alts = kb.expand(question, self.embedder.is_common_word)
        multi = len(analysis.parts) > 1
        part_texts = [kb.expand(p, self.embedder.is_common_word)[0] for p in analysis.parts] if multi else []
        vecs = self.embedder.embed([expanded, *part_texts])
        fused = self.retrieve(kb, analysis, vecs[0], expanded)
        scored = self.score_units(kb, analysis, fused, alts, qvec=vecs[0])
        if not scored or meeting_not_held(question, [d.date for d in kb.documents.values()
                                                      if d.doc_type == MEETING_TYPE],
                                          [s.unit.text for s in scored[:UNIT_RERANK]]):
            return self._abstain(kb, analysis, fused)
        chosen: list[Scored] = []
        supports: list[float] = []
        if multi:
            for i, (part, vec) in enumerate(zip(analysis.parts, vecs[1:], strict=True)):
                pa, carried = analyse(part), ""
                if chosen:
                    # The second hop leans on the first ("...and what's their number"): carry what it refers to.
                    carried = carried_context(analysis.parts[i - 1], chosen[-1].unit.text, part)
                    if carried:
                        part_texts[i] = f"{part_texts[i]} ({carried})"
                        vec = self.embedder.embed([part_texts[i]])[0]
                        # What the reference resolves to weighs like the part's own words; the kind of answer
                        # wanted is still the part's.
                        pa = replace(analyse(f"{part} ({carried})"), answer_types=pa.answer_types)
                others = {t: 0.3 * weight(kb, t) for j, p in enumerate(analysis.parts) if j != i for t in terms(p)}
                part_scored = self.score_units(kb, pa, self.retrieve(kb, pa, vec, part_texts[i]), alts, others,
                                               avoid={c.unit.chunk.id for c in chosen}, qvec=vec)
                fresh = [c for c in part_scored if c.unit.text not in (x.unit.text for x in chosen)]
                if part_scored and part_scored[0] not in fresh and part_scored[0].unit.chunk.kind == "table_row":
                    # The unit already chosen answers this part too (one action row gives its owner and its due
                    # date), even held back as a repeat: nothing is added, and it is judged for this part as well.
                    same = part_scored[0]
                    backed = self._blend(self.support(kb, pa, same.unit.chunk, alts), same, pa)
                    if backed >= self.settings.abstain_threshold and (not fresh or same.score >= fresh[0].score):
                        supports.append(backed)
                        continue
                pick = fresh[0] if fresh else None
                typed = tuple(t for t in pa.answer_types if t in STRICT_TYPES)
                if pick is not None and typed and type_match(typed, pick.unit.text) < 1.0:
                    # "how much was the grant": a close second holding an amount answers this part.
                    pick = next((c for c in fresh[:UNIT_RERANK] if type_match(typed, c.unit.text) == 1.0
                                 and c.score >= TYPED_LEAD * pick.score), pick)
                if pick is not None and pa.relation and not states_any(pa.relation, [pick.unit.text]):
                    # "who chairs the clinic and when does it meet": the chair must be stated, not guessed.
                    pick = next((c for c in fresh[:UNIT_RERANK] if states_any(pa.relation, [c.unit.text])
                                 and c.score >= TYPED_LEAD * pick.score), None)
                    if pick is None:
                        return self._abstain(kb, analysis, fused)
                if pick is not None and carried and pa.relation and not leads_with(carried, pick.unit.text):
                    pick = next((c for c in fresh[:UNIT_RERANK] if leads_with(carried, c.unit.text) and c.score
                                 >= PART_LEAD * pick.score and states_any(pa.relation, [c.unit.text])), pick)
                if pick is not None:
                    pick = self._newer(kb, pa, pick, fresh, alts, part=True)
                    # A short part ("who puts in what") is judged with the subject it carries; when its best unit
                    # is weakly backed (often a neighbour of the first part's answer, held back as a repeat), a
                    # close unit that holds the part's words answers it.
                    pick, backed = self._backed(kb, pa, fresh, pick, PART_LEAD, alts, typed)
                    chosen.append(pick)
                    supports.append(backed)
        if not chosen:
            # A close runner-up that holds the question's words leads instead of a weakly backed best unit.
            lead, backed = self._backed(kb, analysis, scored, scored[0], WEAK_LEAD, alts)
            scored = [lead, *(x for x in scored if x is not lead)]
            chosen.append(lead)
            supports.append(backed)
        if min(supports) < self.settings.abstain_threshold or self._names_missing(
                kb, analysis, scored, alts, chosen if multi else []):
            return self._abstain(kb, analysis, fused)
        strict = tuple(t for t in analysis.answer_types if t in STRICT_TYPES)
        weights = term_weights(kb, analysis, self._rare(analysis), self._common(analysis))
        if multi and strict and not any(type_match(strict, c.unit.text) == 1.0 for c in chosen):
            return self._abstain(kb, analysis, fused)  # the evidence lacks the kind of fact asked for
        if not multi:
            # The best unit may hold the right kind of fact about something else, or no such fact, while a close
            # runner-up holds it about the thing asked ("when does the VRU group meet": its own frequency line).
            def runners_up() -> Iterator[Scored]:  # looked at only when the best unit cannot answer
                for s in scored[1:UNIT_RERANK]:
                    top = scored[0]  # (another document's runner-up must be about the question nearly as much)
                    if (s.score >= FALLBACK_LEAD * top.score and (s.coverage >= RUNNER_COVERAGE * top.coverage
                                                                  or s.unit.chunk.source == top.unit.chunk.source)
                            and (not strict or type_match(strict, s.unit.text) == 1.0)
                            and states_any(analysis.relation, [s.unit.text])
                            and names_all(kb, self._rare(analysis), weights, s, alts)
                            and self._blend(self.support(kb, analysis, s.unit.chunk, alts, weights), s, analysis)
                            >= self.settings.abstain_threshold):
                        yield s

            noun = counted_noun(analysis.text, alts) if "count" in strict else ()
            newer = self._newer(kb, analysis, scored[0], scored, alts)
            for lead in itertools.chain([newer] if newer is not scored[0] else [], [scored[0]], runners_up()):
                chosen = self._gather(kb, analysis, lead, scored, weights)
                lead_passage = [c for c in chosen if c.unit.chunk.id == lead.unit.chunk.id
                                and c.coverage >= 0.5 * lead.coverage]
                if ((not strict or any(type_match(strict, c.unit.text) == 1.0 for c in lead_passage))
                        and (not noun or any(counts(c.unit, noun, analysis.text, alts, lambda t: kb.idf_of(t)
                                                   >= KEY_IDF) for c in lead_passage))
                        and states_any(analysis.relation, [c.unit.text for c in chosen])
                        and names_body(kb, analysis.text, analysis.relation, lead, alts)
                        and not off_focus(kb, weights, analysis, strict, [c.unit for c in chosen], alts)):
                    break
            else:
                return self._abstain(kb, analysis, fused)  # no evidence holds the kind of fact asked, on its subject
            if (({"count", "money", "number"} & set(analysis.answer_types) or year_spans(analysis.text))
                    and not analysis.wants_old
                    and other_period(analysis.text, chosen[0].unit)):
                return self._abstain(kb, analysis, fused)  # a figure for another year than the one asked
                # ("the old 2021-24 strategy" names a document, not the figure's year)
        answer = compose(kb, analysis, chosen, self.settings.answer_max_chars)
        answer.citations.extend(corroborating(kb, [c.unit for c in chosen], fused,
                                              lambda chunk: self.support(kb, analysis, chunk, alts, weights)))
        if not gives_subjects_contact(question, answer, alts, lambda t: kb.idf_of(t) >= KEY_IDF) or (
                asks_person_name(question) and not names_a_person(answer.answer, kb.lower_words)):
            return self._abstain(kb, analysis, fused)  # a number, but another service's; a post, but no one's name
        return answer

    def _backed(self, kb: LoadedKB, analysis: Analysis, candidates: list[Scored], pick: Scored, lead: float,
                alts: dict[str, list[str]], typed: tuple[str, ...] = ()) -> tuple[Scored, float]:
        """``pick`` and how well the evidence backs it; if weakly, the first candidate scoring within ``lead`` of
        it (holding the kind of fact asked, if ``typed``) that is backed."""
        backed = self._blend(self.support(kb, analysis, pick.unit.chunk, alts), pick, analysis)
        if backed >= self.settings.abstain_threshold:
            return pick, backed
        for c in candidates[:UNIT_RERANK]:
            if c is pick or (typed and type_match(typed, c.unit.text) < 1.0):
                continue
            if c.score < lead * pick.score:
                break
            b = self._blend(self.support(kb, analysis, c.unit.chunk, alts), c, analysis)
            if b >= self.settings.abstain_threshold:
                return c, b
        return pick, backed

    def _newer(self, kb: LoadedKB, analysis: Analysis, lead: Scored, candidates: list[Scored],
               alts: dict[str, list[str]], part: bool = False) -> Scored:
        """'Has X signed yet?', 'is it still …?', a part asking what holds now: a close runner-up from a later document
        about the same thing is the news (minutes recording a signature beat the action log); a KPI row stays."""
        lead_doc = kb.documents[lead.unit.chunk.source]
        if (not (asks_status(analysis.text) or (part and analysis.wants_current)) or analysis.wants_old
                or not lead_doc.date or lead_doc.doc_type == KPI_TYPE):
            return lead
        strict = tuple(t for t in analysis.answer_types if t in STRICT_TYPES)
        weights = term_weights(kb, analysis, self._rare(analysis), self._common(analysis))
        for s in candidates[:UNIT_RERANK]:
            doc = kb.documents[s.unit.chunk.source]
            if (doc.date > lead_doc.date and doc.status != "superseded" and s.score >= NEWER_LEAD * lead.score
                    and (not strict or type_match(strict, s.unit.text) == 1.0)
                    and names_all(kb, self._rare(analysis), weights, s, alts)):
                return s
        return lead

    def _gather(self, kb: LoadedKB, analysis: Analysis, lead: Scored, scored: list[Scored],
                weights: dict[str, float]) -> list[Scored]:
        """The lead unit and what finishes its answer: the next sentence of its passage, a second source, or what a
        later document says about the lead row."""
        chosen = [lead]
        # Evidence is local: the sentence after the lead in the same passage often finishes the answer.
        ranked = sorted((s for s in scored if s is not lead), key=lambda s: -(
            s.score + (SAME_PASSAGE if s.unit.chunk.id == lead.unit.chunk.id else 0.0)))
        limit = 1 if "definition" in analysis.answer_types else self.settings.answer_max_units
        for s in ranked:
            if len(chosen) >= limit:
                break
            bonus = SAME_PASSAGE if s.unit.chunk.id == lead.unit.chunk.id else 0.0
            if s.score + bonus < 0.8 * lead.score or s.unit.text in (c.unit.text for c in chosen):
                continue
            if sum(len(c.unit.text) for c in chosen) + len(s.unit.text) > self.settings.answer_max_chars:
                continue
            chosen.append(s)
        chosen = with_gaps(with_items(chosen, self.settings.answer_max_chars), self.settings.answer_max_chars)
        mention = row_mention(kb, weights, lead.unit, set().union(*(c.unit.terms for c in chosen)),
                              {c.unit.text for c in chosen}, analysis.text)
        if mention is not None:
            follow = Scored(mention[0], lead.score, mention[1], lead.chunk_score)
            while len(chosen) > 1 and (len(chosen) >= limit or sum(len(c.unit.text) for c in chosen)
                                       + len(follow.unit.text) > self.settings.answer_max_chars):
                chosen.pop()
            chosen.append(follow)
        if asks_status(analysis.text) and not analysis.wants_old:
            # "is it still stopping from april?": a later record changing the decision the lead names is the news
            taken = {c.unit.text for c in chosen}
            changed = next((found for c in chosen if (found := reversal(kb, c.unit, taken))), [])
            extra = sum(len(u.text) for u in changed)
            while changed and len(chosen) > 1 and (sum(len(c.unit.text) for c in chosen) + extra
                                                   > self.settings.answer_max_chars):
                chosen.pop()
            chosen.extend(Scored(u, lead.score, lead.coverage, lead.chunk_score) for u in changed)
        return chosen

    def _abstain(self, kb: LoadedKB, analysis: Analysis, fused: dict[int, float]) -> Answer:
        return abstention(kb, analysis, fused, self.prompts)
