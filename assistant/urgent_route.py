"""A stuck case that cannot wait ("7pm on a fri, 15yo at risk tonight"): the protocol's own emergency advice first.

Escalation protocols say what to do when waiting would leave someone at risk (call 999, the out-of-hours duty
team, an urgent route straight to a senior level). The router's ladder is the wrong first answer then, so the
protocol's own urgent passage leads, cited, and the ladder follows for the morning.
"""

from __future__ import annotations

import re

from assistant.evidence import units_of
from assistant.index import IndexedChunk, LoadedKB
from assistant.models import Answer, Citation

# The question says the case cannot wait: now, tonight, out of hours, at the weekend, in danger.
URGENT_QUESTION = re.compile(
    r"\b(?:tonight|right now|out of hours|ooh|this evening|overnight|(?:at|over) the weekend|immediate(?:ly)?|"
    r"emergency|urgent(?:ly)?|in danger|at (?:real |serious )?risk (?:now|today|tonight)|can'?t wait|this weekend|"
    r"(?:quick|fast)(?:er|est)? (?:route|track|way)|"
    r"\d{1,2}(?::\d\d)? ?pm|(?:on a|it'?s) (?:fri|sat|sun)\w*)\b", re.I)
# What an urgent passage says; a passage needs two of these to be the protocol's emergency advice.
_SIGNALS = (
    re.compile(r"\b999\b"),
    re.compile(r"\burgent\b", re.I),
    re.compile(r"\bemergenc\w*", re.I),
    re.compile(r"\bimmediate(?:ly)? (?:risk|danger)|\bat (?:immediate )?risk of serious harm\b|\bimmediate danger\b",
               re.I),
    re.compile(r"\bout[- ]of[- ]hours\b|\bduty (?:team|inspector|officer|manager|director)\b", re.I),
    re.compile(r"\bsame[- ]day\b|\bact first\b|\bstraight to\b", re.I),
)
MIN_SIGNALS = 2
# A section of its own for cases that cannot wait: "3. Urgent route", "Fast Track", "Red Route", or a paragraph
# labelled so ("Rule 7. Red Flag route. Where …").
_URGENT_SECTION = re.compile(r"\burgent\b|\bemergenc\w*|\bfast[- ]?track\b|\bred (?:flag )?route\b", re.I)
# A paragraph that opens by naming the route ("4.1 Use the Red Flag route when …"; not "emergency action").
_ROUTE_NAME = re.compile(r"\b(?:urgent|emergency|fast[- ]?track|red(?: flag)?)\s+(?:route|track|procedure|process)\b|"
                         r"\bfast[- ]?track\b", re.I)
LABEL_CHARS = 40
WHOLE_PARAGRAPH = 600
WHOLE_SECTION = 900  # an urgent-route section: who to call in hours and out of hours, both


def urgent_passage(kb: LoadedKB, source: str) -> tuple[str, Citation] | None:
    """The protocol's sentence with the most emergency signals (at least two), with its citation; one in a section
    of its own for urgent cases ("3. Urgent route", "Clause 4 – Red Route") comes first, read from its start."""
    best: tuple[tuple[int, int], str, int] | None = None  # (own section, signals), sentence, chunk; first of equals
    labelled: str | None = None  # a paragraph labelled as the urgent route ("Rule 7. Red Flag route. Where …")
    for idx in kb.by_source.get(source, []):
        own = _own_section(kb.chunks[idx])
        lines = {line.strip(): bool(_URGENT_SECTION.search(line.strip()[:LABEL_CHARS]))
                 for line in kb.chunks[idx].text.split("\n")}
        # "4.1 Use the Red Flag route when …" over its in-hours and out-of-hours lines: the paragraph is the route
        opens = bool(_ROUTE_NAME.search(next(iter(lines), "")[:LABEL_CHARS]))
        for unit in units_of(kb.chunks[idx], max_chars=400):
            line = next((t for t in lines if unit.text in t), "")
            n = sum(1 for s in _SIGNALS if s.search(unit.text))
            # (a section or paragraph that is the route outranks a line that merely opens with "emergency")
            mine = 2 if own or opens else int(lines.get(line, False))
            if n >= MIN_SIGNALS and (best is None or (mine, n) > best[0]):
                route = kb.chunks[idx].text if opens else line if lines.get(line) else None
                best, labelled = ((mine, n), unit.text, idx), (None if own else route)
    if best is None:
        return None
    chunk, doc = kb.chunks[best[2]], kb.documents[source]
    # The whole paragraph when it is short, else the sentence and those after it that fit: the urgent route's
    # next lines are often its numbers (in hours, out of hours). A section of its own is read from its start.
    own = best[0][0] == 2
    if labelled is not None:
        text = labelled if len(labelled) <= WHOLE_SECTION else _from(chunk, best[1])
    elif own:
        chunk, text = _section_from_start(kb, source, chunk)
    elif chunk.kind != "table_row" and len(chunk.text) <= WHOLE_PARAGRAPH:
        text = chunk.text
    else:
        text = _from(chunk, best[1])
    return text, Citation(source=source, page=chunk.page, section=chunk.section, snippet=text, score=1.0,
                             title=doc.title, row_id=chunk.row_id, document_type=doc.doc_type,
                             document_date=doc.date, version=doc.version, status=doc.status)


def _heading(chunk: IndexedChunk) -> str:
    """The heading a chunk sits under: the last of its context's headings, else its section."""
    return chunk.context.rsplit(" > ", 1)[-1] if " > " in chunk.context else chunk.section


def _own_section(chunk: IndexedChunk) -> bool:
    return bool(_URGENT_SECTION.search(chunk.section) or _URGENT_SECTION.search(_heading(chunk)))


def _section_from_start(kb: LoadedKB, source: str, chunk: IndexedChunk) -> tuple[IndexedChunk, str]:
    """The urgent section's first passage and its text read on, across its numbered paragraphs, while it fits."""
    heading = _heading(chunk)
    # (its table rows too: "When: evenings, nights …; Who to phone: Duty Inspector" is the route itself)
    same = sorted((kb.chunks[i] for i in kb.by_source.get(source, []) if _heading(kb.chunks[i]) == heading),
                  key=lambda c: c.order) or [chunk]
    first = same[0]
    if len(first.text) > WHOLE_SECTION:
        return first, _from(first, units_of(first, max_chars=400)[0].text)
    kept = [first.text]
    for c in same[1:]:
        if sum(len(t) + 1 for t in kept) + len(c.text) > WHOLE_SECTION:
            break
        kept.append(c.text)
    return first, "\n".join(kept)


def _from(chunk: IndexedChunk, sentence: str) -> str:
    if chunk.kind == "table_row":
        return sentence
    texts = [u.text for u in units_of(chunk, max_chars=400)]
    kept = [sentence]
    for text in texts[texts.index(sentence) + 1:]:
        if sum(len(t) + 1 for t in kept) + len(text) > WHOLE_PARAGRAPH:
            break
        kept.append(text)
    return " ".join(kept)


def with_urgent_route(kb: LoadedKB, protocol_source: str, question: str, answer: Answer) -> Answer:
    """``answer`` led by the protocol's urgent advice when the question says the case cannot wait."""
    if not URGENT_QUESTION.search(question):
        return answer
    found = urgent_passage(kb, protocol_source)
    if found is None:
        return answer
    text, citation = found
    if answer.abstained:  # nothing else was found: what the protocol says to do now is the answer
        return answer.model_copy(update={"answer": f"{text} [1]", "citations": [citation], "abstained": False,
                                         "related": []})
    if any(c.snippet == text for c in answer.citations):
        return answer
    if answer.citations and all(c.snippet.strip(" .") in text for c in answer.citations):
        return answer.model_copy(update={"answer": f"{text} [1]", "citations": [citation]})  # nothing else to add
    # The router's markers [1], [2] … move up by one: the urgent passage is [1].
    body = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + 1}]", answer.answer)
    return answer.model_copy(update={"answer": f"{text} [1] The usual route: {body}",
                                     "citations": [citation, *answer.citations]})
