"""The sentences of a referral pathway's field that answer a question: each asked contact detail, a list item with the
line that introduces it, and the owner after an event the question says has happened."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.embedding import Embedder
from assistant.evidence import OWNERSHIP
from assistant.models import Citation
from assistant.referrals.contacts import emails, forms, hours, phones
from assistant.referrals.models import Cited, Pathway
from assistant.text import SENTENCE_BREAK, terms

MAX_ITEMS = 4  # list items shown under a picked lead-in line
DETAIL_BONUS = 0.3  # a sentence holding the asked contact detail ranks above one that only reads alike
WORD_BONUS = 0.2  # ... and one sharing the question's words above one that does not
DETAILS: dict[str, Callable[[str], list[str]]] = {"form": forms, "email": emails, "phone": phones, "hours": hours}
# "… owns it until the Panel accepts the case"; a handoff table's "Hands over when: the plan ends, or he is charged"
UNTIL = re.compile(r"\buntil\b([^,;]+)|\bhands? (?:it )?over when:?([^;]+)", re.I)


@dataclass(frozen=True)
class Sentence:
    text: str
    citation: Citation
    field: str
    lead: int | None  # index of the lead-in line a list item belongs to ("… if either of the following applies:")

def pick(embedder: Embedder, p: Pathway, key: str, qvec: np.ndarray, qterms: set[str],
          wanted: tuple[str, ...], budget: int, limit: int, happened: set[str] | frozenset[str] = frozenset(),
          ) -> list[Sentence]:
    """The field's sentences closest to the question within ``budget`` characters, in the document's order; a
    sentence holding each asked contact detail first, and a list item with the line that introduces it."""
    sentences = sentences_of(p.evidence.get(key, []), key)
    if not sentences:
        return []
    vectors = embedder.embed([s.text for s in sentences])
    holders = {d: [i for i, s in enumerate(sentences) if d in DETAILS and DETAILS[d](s.text)] for d in wanted}
    score = vectors @ qvec
    for i, s in enumerate(sentences):
        shared = qterms & set(terms(s.text))
        score[i] += WORD_BONUS * len(shared) / max(len(qterms), 1)
        if any(i in held for held in holders.values()):
            score[i] += DETAIL_BONUS
    for i, s in enumerate(sentences):
        until = UNTIL.search(s.text)
        owners = [j for j in range(i + 1, len(sentences)) if OWNERSHIP.search(sentences[j].text)]
        # the owner after the event: the one whose line names it ("Stage: charged …"), else the next one
        after = next((j for j in owners if happened & set(terms(sentences[j].text))), owners[0] if owners else None)
        if until and after is not None and happened & set(terms(until.group(1) or until.group(2))):
            # "… owns it until the Panel accepts the case" and the Panel has: the owner after that is asked for,
            # and the earlier owner is past.
            score[after], score[i] = max(score[after], score[i]) + WORD_BONUS, -np.inf
    order = [int(i) for i in np.argsort(-score) if score[i] > -np.inf]
    picked: list[int] = []
    for d in wanted:  # each asked detail shown once
        best = next((i for i in order if i in holders.get(d, [])), None)
        form = next((i for i in picked if i in holders.get("form", [])), None)
        if key == "how_to_refer" and d == "form" and holders[d]:
            best = holders[d][0]  # the referral form is the one the section asks for first (others come after)
        elif key == "how_to_refer" and d == "email" and form is not None:
            # where the form goes: the first address after it ("Complete the MARF … Send both forms to …")
            best = next((i for i in holders[d] if i >= form), best)
        if best is not None and best not in picked:
            picked.append(best)
    for i in order:
        if len(picked) >= limit or (picked and _length(sentences, picked, i) > budget):
            break
        if i not in picked:
            picked.append(i)
    for i in list(picked):
        lead = sentences[i].lead
        if lead is not None and lead not in picked:
            picked.append(lead)
    for i in list(picked):
        items = [j for j, x in enumerate(sentences) if x.lead == i][:MAX_ITEMS]
        alternatives = bool(_ALTERNATIVES.search(sentences[i].text))
        if (sentences[i].text.endswith(":") and items and not set(items) <= set(picked)
                and (alternatives or not set(items) & set(picked))):
            # "… consent, except where:" says nothing without its items, and "if either of the following applies:"
            # needs each of them: they displace the weakest other picks.
            missing = [j for j in items if j not in picked]
            keep = {i, *items, *(j for held in holders.values() for j in held if j in picked)}
            while sum(len(sentences[j].text) for j in (*picked, *missing)) > budget and set(picked) - keep:
                picked.remove(min(set(picked) - keep, key=lambda j: score[j]))
            picked.extend(missing)
    return [sentences[i] for i in sorted(picked)]




# "… if either of the following applies:": a list of alternatives, each of which matters.
_ALTERNATIVES = re.compile(r"\b(?:either|any|one|each) of (?:the following|these)\b|\bone or more of\b", re.I)


def marked(citations: list[Citation], chosen: list[Sentence]) -> str:
    """The sentences with their citation numbers, one marker after each run of sentences from the same section."""
    numbers = [_number(citations, s) for s in chosen]
    return " ".join(s.text + (f" [{n}]" if i + 1 == len(chosen) or numbers[i + 1] != n else "")
                    for i, (s, n) in enumerate(zip(chosen, numbers, strict=True)))


def _length(sentences: list[Sentence], picked: list[int], extra: int) -> int:
    return sum(len(sentences[i].text) for i in (*picked, extra))


def sentences_of(passages: list[Cited], key: str) -> list[Sentence]:
    """Each passage's lines and sentences, each with its citation; a line ending in a colon leads the next lines."""
    out: list[Sentence] = []
    lead: int | None = None
    for cited in passages:
        if lead is not None and out[lead].citation.section != cited.citation.section:
            lead = None  # a lead-in introduces the items of its own section only
        for line in (x.strip() for x in cited.text.split("\n")):
            if not line:
                continue
            if line.endswith(":"):
                lead = len(out)
                out.append(Sentence(line, cited.citation.model_copy(update={"snippet": line}), key, None))
                continue
            for sentence in (s.strip() for s in SENTENCE_BREAK.split(line)):
                if sentence:
                    out.append(Sentence(sentence, cited.citation.model_copy(update={"snippet": sentence}), key, lead))
    return out


def _number(citations: list[Citation], s: Sentence) -> int:
    """The sentence's citation number; sentences of one section share one."""
    c = s.citation
    for n, have in enumerate(citations, 1):
        if (have.source, have.page, have.section) == (c.source, c.page, c.section):
            return n
    citations.append(c)
    return len(citations)
