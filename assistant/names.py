"""Whether the evidence names what the question names.

A specific name the question turns on (an uncommon word, rare in the knowledge base) that none of the best evidence
mentions means the evidence is about something else: 'the phone number for Hollinsford MASH' must not be answered
with Eastbrook's MASH.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from assistant.analysis import Analysis, situation_terms
from assistant.answer_text import Scored
from assistant.focus import CUE_TERMS, gives_asked_figure
from assistant.index import LoadedKB
from assistant.text import STOPWORDS, holds_name, names_together, stem
from assistant.weighting import KEY_IDF, is_definition, topic_unknown

NAME_POOL = 2  # the best units whose passages must name it
_EITHER = re.compile(r"\b([a-z]{3,})\s*/\s*([a-z]{3,})\b", re.I)


def names_missing(kb: LoadedKB, analysis: Analysis, scored: Sequence[Scored], parts: Sequence[Scored],
                  alts: dict[str, list[str]], rare: set[str], weights: Mapping[str, float],
                  ordinary: Callable[[str], bool]) -> bool:
    # A glossary entry that names the thing only says what it is: it is not evidence about it (unless that is
    # what is asked). For a two-part question, the evidence each part chose is in the pool too.
    # A glossary line giving the figure asked for ("47 of the 61 parishes have a PCR") is evidence, though.
    pool = [kb.chunk_terms[kb.by_id[s.unit.chunk.id]]
            for s in [*[s for s in scored if "definition" in analysis.answer_types
                        or not is_definition(kb, s.unit.chunk)
                        or gives_asked_figure(analysis, s.unit.text)][:NAME_POOL], *parts]]
    # The evidence's own document naming an acronym counts ("the MRF" is the form of the pathway whose row
    # answers); a place the document mentions elsewhere is no evidence about that place.
    documents: list[Mapping[str, int]] = [kb.document_df.get(s.unit.chunk.source, {})
                                          for s in [*scored[:NAME_POOL], *parts]]
    # "anonymised / aggregated data": either word written as an alternative names the thing.
    either = {stem(a): stem(b) for a, b in _EITHER.findall(analysis.text)}
    either |= {b: a for a, b in either.items()}
    # A name in the question itself, or written as a name, must be found; the scene's other details need not.
    # Words that ask for a kind of answer ("quorate") are not names either.
    for asked in rare - (situation_terms(analysis.text) - set(analysis.entities)) - CUE_TERMS:
        t = kb.repair([asked])[0]  # a typo ("waitng") is the word it misspells, weighed as that word
        if t != asked and ordinary(t):
            continue  # "actualy": an everyday word misspelt names nothing
        key = weights.get(asked, 0.0) >= KEY_IDF and (t == asked or kb.idf_of(t) >= KEY_IDF)
        if (key and not any(holds_name(t, seq, alts) for seq in pool)
                and not (t in kb.acronyms and any(d.get(t, 0) for d in documents))
                and not (t in either and any(either[t] in seq for seq in pool))):
            return True
    return topic_unknown(kb, analysis.text, ordinary)


def names_all(kb: LoadedKB, rare: set[str], weights: Mapping[str, float], s: Scored,
              alts: dict[str, list[str]]) -> bool:
    """The unit's passage names every specific thing the question turns on (an acronym by its full name)."""
    seq = kb.chunk_terms[kb.by_id[s.unit.chunk.id]]
    return all(holds_name(t, seq, alts) for t in rare if weights.get(t, 0.0) >= KEY_IDF)


# "who chairs the tarrant rural crime partnership": a body the question names by its distinctive words.
_BODY = re.compile(r"\bthe\s+((?:[\w&'-]+\s+){1,4}?)(?:partnership|board|panel|group|forum|committee|network|clinic|"
                   r"conference)\b", re.I)
_GENERIC_BODY = frozenset(("main", "local", "partnership", "exec", "executive", "strategic", "operational", "new",
                           "old", "current", "joint", "multi-agency", "our", "their", "that", "this"))
BODY_WORDS = 2  # the words just before "partnership" / "board" that say which one


def names_body(kb: LoadedKB, question: str, relation: str, s: Scored, alts: dict[str, list[str]]) -> bool:
    """For "who chairs the X board", the unit's passage names X (its last words before "board", together): the
    chair of another group is no answer. True when no relation is asked or no such body is named."""
    m = _BODY.search(question) if relation else None
    if m is None:
        return True
    named = [stem(w) for w in m.group(1).lower().split() if w not in STOPWORDS and w not in _GENERIC_BODY]
    named = [t for t in named if kb.idf_of(t) > 0 or t in alts][-BODY_WORDS:]
    seq = kb.chunk_terms[kb.by_id[s.unit.chunk.id]]
    return not named or (all(holds_name(t, seq, alts) for t in named)
                         and (len(named) == 1 or any(t in alts for t in named) or names_together(seq, named)))
