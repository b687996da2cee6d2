"""Whether a fact of the kind asked for is about the thing asked about.

A phone number, a count or "Chair: …" near the right topic is the classic near miss: "the phone number for the
Rainbow Hub" must not be answered with another service's number printed beside it. The words that only say what
kind of answer is wanted ("phone", "how many", "chairs") are set aside; what is left (the focus) must be held by
the unit that carries the fact, or by the passage around it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from wordfreq import zipf_frequency

from assistant.analysis import Analysis, statement_scene
from assistant.counting import counted_subject
from assistant.evidence import Unit, states_relation, type_match
from assistant.glossary import defines_term
from assistant.index import IndexedChunk, LoadedKB
from assistant.text import STOPWORDS, holds_name, stem, terms, words
from assistant.weighting import KEY_IDF, is_definition

# Words that ask for a kind of answer rather than name a subject.
CUE_TERMS = frozenset(terms(
    "phone number numbers call ring telephone tel helpline contact email e-mail address form forms many much total "
    "count often frequently frequency meet meets meeting chair chairs chaired lead leads led head manages manager "
    "cost costs budget funding amount figure when date time long quickly who name named quorum quorate"))
FOCUS_MIN = 0.25  # below this, the fact is about something else (measured on the tuning sets: answers ≥ 0.32)
CONTEXT_SHARE = 0.6  # a focus word in the surrounding passage (its heading, the row's other cells) counts less
DOCUMENT_SUBJECT = 5  # passages of one document naming a thing, for the document to be about it
EVERYDAY_ZIPF = 5.0  # a word this frequent in English ("turn", "keep") names no particular subject
KEY_SHARE = 0.5  # a rare focus word carrying this share of the subject's weight must be held
SCENE_SHARE = 0.5  # a word of the scene weighs this much in the subject: it says what happened, often not the topic


def focus_coverage(kb: LoadedKB, weights: dict[str, float], unit: Unit, alts: dict[str, list[str]],
                   everyday: frozenset[str] | set[str] = frozenset(),
                   scene: frozenset[str] | set[str] = frozenset()) -> float:
    """IDF-weighted share of the question's subject that the unit (or its passage) holds; 1.0 when the question
    names no subject beyond the kind of answer. What happened in the case (the scene) is not its subject."""
    focus = {t: w for t, w in weights.items() if t not in CUE_TERMS}
    focus = {t: w * (SCENE_SHARE if t in scene else 1.0) for t, w in focus.items()}
    total = sum(focus.values())
    if not total:
        return 1.0
    context = kb.chunk_terms[kb.by_id[unit.chunk.id]]
    # What the whole document is about: a name its title holds, or that its passages keep repeating, is the subject
    # of a table row there ("Quorum: …" in the Partnership Tasking Group's process).
    doc = kb.documents.get(unit.chunk.source)
    repeated: Mapping[str, int] = kb.document_df.get(unit.chunk.source, {})
    context = context + (terms(doc.title) if doc is not None else []) + [
        t for t in focus if repeated.get(t, 0) >= DOCUMENT_SUBJECT]
    # An acronym in the passage holds the words of its full name ("SEP Executive Board" holds "partnership").
    context = context + [w for t in set(context) if t in kb.acronyms for w in terms(kb.acronyms[t])]
    own = terms(unit.text)
    held = sum(w * max(float(holds_name(t, own, alts)), CONTEXT_SHARE * holds_name(t, context, alts))
               for t, w in focus.items())
    key, key_weight = max(focus.items(), key=lambda kv: kv[1])
    # (An everyday word, "turn up", is not what a subject turns on, however rare in the documents.)
    if key not in everyday and key_weight >= max(KEY_IDF, KEY_SHARE * total) and not (holds_name(key, own, alts)
                                                               or holds_name(key, context, alts)):
        return 0.0  # the one word the subject turns on ("mediation" service) is nowhere near this fact
    return held / total


# "what did the board decide about the stalking clinic at the march meeting": what was decided on a subject
_DECIDED_ABOUT = re.compile(r"\bwhat (?:did|was|were|has|have|had) [^?]{0,40}?\b(?:decide|decided|decision|agree|"
                            r"agreed|say|said|discuss\w*|resolve\w*|conclude\w*) (?:about|on|re|regarding|over) "
                            r"(?P<x>[^?,.;]+)", re.I)
_DECISION = re.compile(r"\b(?:agreed|agrees|decided|decision|approved|resolved|endorsed|rescinded|deferred|"
                       r"noted|signed off|supported|rejected|declined)\b", re.I)
_WHEN_WHERE = re.compile(r"\s(?:at|in|during|last|this|from|when|for|on|by|back|after|before|since|once|now)\s.*$",
                         re.I)


def decided_subject(question: str) -> list[str]:
    """The words naming what a decision was about ("stalking clinic"), without when or where it was taken."""
    found = _DECIDED_ABOUT.search(question)
    if not found:
        return []
    return [t for t in terms(_WHEN_WHERE.sub("", " " + found.group("x"))) if t not in STOPWORDS]


def off_focus(kb: LoadedKB, weights: dict[str, float], analysis: Analysis, strict: tuple[str, ...],
              units: list[Unit], alts: dict[str, list[str]]) -> bool:
    """Every unit of the answer that holds the fact asked for ("Chair: …", a phone number) is about another
    subject, or no passage of it names what a decision was asked about."""
    decided = decided_subject(analysis.text)
    if decided and not any(sum(holds_name(t, kb.chunk_terms[kb.by_id[u.chunk.id]], alts) for t in decided)
                           >= KEY_SHARE * len(decided) and _DECISION.search(u.chunk.text) for u in units):
        return True  # no passage records a decision on it
    facts = [u for u in units if (strict and type_match(strict, u.text) == 1.0)
             or (analysis.relation and states_relation(analysis.relation, u.text))]
    # Words of everyday English ("turn up"), as against a subject's name ("mediation"), by their frequency.
    everyday = {stem(w) for w in words(analysis.text) if zipf_frequency(w, "en") >= EVERYDAY_ZIPF}
    scene = statement_scene(analysis.text)
    subject = counted_subject(analysis.text) if "count" in strict else ()
    if facts and subject and not any(all(holds_name(t, terms(u.text), alts) for t in subject) for u in facts):
        return True  # "how many escalations were about hate crime": 27 escalations, none said to be about it
    return bool(facts) and max(focus_coverage(kb, weights, u, alts, everyday, scene) for u in facts) < FOCUS_MIN


_FIGURES = ("count", "money", "percent")


def gives_asked_figure(analysis: Analysis, text: str) -> bool:
    """The text gives the kind of figure asked for ("47 of the 61 parishes have a PCR" for "how many parishes")."""
    figures = tuple(t for t in analysis.answer_types if t in _FIGURES)
    return bool(figures) and type_match(figures, text) == 1.0


def explains_only(kb: LoadedKB, analysis: Analysis, chunk: IndexedChunk, text: str) -> bool:
    """A glossary line says what a term means, which rarely answers the question; unless that is what is asked,
    or it gives the figure asked for."""
    return ("definition" not in analysis.answer_types and (is_definition(kb, chunk) or defines_term(text, kb.acronyms))
            and not gives_asked_figure(analysis, text))
