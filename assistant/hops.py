"""Two-part questions: what the second part refers back to ("the panel", "their number", "how much of it").

The second part of "who chairs the Channel Panel and what's their phone number" cannot be searched on its own
words: "their" is the chair found by the first part. Carrying the whole first part and its evidence into the search
drags it back to the first document, so only what the reference points at is carried: the noun phrase of the first
part that a definite reference repeats ("the panel" → "channel panel"), the first part's names for a pronoun, and the
names the first part's answer gave (a role, a place) when the second part asks about them.
"""

from __future__ import annotations

import re

from assistant.text import STOPWORDS

_PRONOUN = re.compile(r"\b(?:it|its|it's|their|they|them|theirs|that|this|those|these|he|she|his|her|there)\b", re.I)
_DEFINITE = re.compile(r"\b(?:the|that|this|its|their)\s+([a-z][\w-]*)", re.I)
_WORD = re.compile(r"[A-Za-z][\w'&/-]*|\d[\w/.,-]*")
# A name in running text or a table cell: capitalised words, allowing 'of', 'and', '&' inside ("Head of Community
# Safety", "Westmoor Adult Care Connect", "Eastbrook Town Centre").
_NAME = re.compile(r"\b[A-Z][\w'-]+(?:\s+(?:of|and|&|for|the)?\s*[A-Z][\w'-]+)+")
_QUESTION_WORDS = frozenset(["what", "whats", "which", "who", "whos", "where", "when", "how", "why", "is", "are",
                             "does", "do", "did", "can", "could", "should", "would", "will"])
_ASKS_WHO = re.compile(r"\b(?:who|whom|whos|who's|which|where)\b", re.I)
# "which board is it governed by" asks for a body as surely as "which board owns it".
# ("what was the grant worth": "was" is no noun asked for)
_ASKS_WHICH = re.compile(r"\b(?:which|what)\s+(?:(board|group|panel|team|service|body|committee|forum|agency|unit|hub)|"
                         r"(?!(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|s)\b)"
                         r"([a-z]+)\b(?!\s+(?:is|are|was|do|does|did)\b))", re.I)
_PERSON = re.compile(r"\b(?:their|they|them|he|she|his|her|theirs)\b", re.I)
# "… where did they get sent, and who chairs that": the second part asks about what the first part's answer named.
_OF_FOUND = re.compile(r"\bwho(?:'s|s| is)?\s+(?:\w+\s+)?[a-z]+s\s+(?:that|it|this|them)\b", re.I)
MAX_NAMES = 2
TOPIC_WORDS = 4  # a lead this short is the chat's subject ("ISTV - …"); a longer one tells what happened
_TOPIC = re.compile(r"^(.{3,80}?)\s[-–—:]\s")  # "focused deterrence pilot - which sna rec was it"


def _content(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in STOPWORDS and w.lower() not in _QUESTION_WORDS]


def _asked_noun(which: re.Match[str]) -> str:
    return (which.group(1) or which.group(2)).lower()


def carried_context(previous_part: str, previous_answer: str, part: str) -> str:
    """Words to add to ``part``'s search so it finds what it refers back to; empty when it stands on its own."""
    carried: list[str] = []
    prev_words = _WORD.findall(previous_part)
    lowered = [w.lower() for w in prev_words]
    which = _ASKS_WHICH.search(previous_part)
    for noun in _DEFINITE.findall(part):
        noun_l = noun.lower()
        # "… and who chairs the group in charge of it" after a row saying "owner group: EVDG": that group.
        cell = re.search(rf"(?:^|;\s*)[^:;]*\b{re.escape(noun_l)}\b[^:;]*:\s*([^;]+)", previous_answer, re.I)
        # ("which group owns it and who chairs that group": the row's owner group cell answered the first part.)
        asked_here = which is not None and _asked_noun(which) == noun_l
        if cell and (noun_l not in previous_part.lower() or asked_here):
            return cell.group(1).strip()  # the row names it: nothing else of the first part is needed
        if noun_l in STOPWORDS or noun_l not in lowered or noun_l in part.lower().split()[:1]:
            continue
        at = lowered.index(noun_l)
        # The modifiers in front of the noun in the first part name which one ("channel panel", "knife crime target").
        phrase = [w for w in prev_words[max(0, at - 2):at] if w.lower() not in STOPWORDS
                  and w.lower() not in _QUESTION_WORDS]
        carried.extend([*phrase, noun])
    # "what's the number" is a contact's; "the number we were meant to train" is a figure.
    if _PRONOUN.search(part) or re.search(r"\bthe (?:number|phone|e-?mail|address|contact)\b"
                                          r"(?!\s+(?:of|we|they|you|that|which|who)\b)", part, re.I):
        names = [n for n in _NAME.findall(previous_answer) if n.lower() not in previous_part.lower()]
        # "who chairs the panel and what's THEIR number" and "which board owns it and who chairs IT" point at what
        # the first part found; "who holds the case and which schedule covers IT" points at its subject.
        # ("who owns THEM and how long do we keep THEM": the same pronoun twice is the same subject, not the owner.)
        again = {w.lower() for w in _PRONOUN.findall(part)} & {w.lower() for w in _PRONOUN.findall(previous_part)}
        found = bool(names) and not again and (
            ((_PERSON.search(part) or _OF_FOUND.search(part)) and _ASKS_WHO.search(previous_part)) or which is not None)
        if found:
            # "which board … and who chairs that board": the names the answer gave that are boards come first.
            asked = [n for n in names if which is not None and _asked_noun(which) in n.lower()]
            carried.extend(dict.fromkeys((asked or names)[:MAX_NAMES]))
            if which is not None:
                carried.append(_asked_noun(which))
        else:
            # "ISTV - what was the deadline … and when did it get signed": "it" is the subject the chat leads with.
            lead = _TOPIC.match(previous_part)
            subject = lead.group(1) if lead and len(lead.group(1).split()) <= TOPIC_WORDS else previous_part
            carried.extend(w for w in _content(subject) if w.lower() not in part.lower())
    if not carried:
        # No reference back, but the two parts share a subject ("adult safeguarding concern - when does the hub own
        # it and when does an enquiry officer take over"): the subject the chat leads with, or else the first part's
        # words, keep the search on it (not what the first part asked about: "which sna rec was it").
        topic = _TOPIC.match(previous_part)
        carried.extend(w for w in _content(topic.group(1) if topic else previous_part) if w.lower() not in part.lower())
    return " ".join(dict.fromkeys(carried))


LEAD_CHARS = 80
_OPENING = re.compile(r"^\s*(?:\(?[\dA-Za-z]{1,3}(?:\.\d{1,2})*[.)]\s+)?(?:the\s+)?", re.I)
_CLAUSE_END = re.compile(r"[.;,]\s|\s(?:is|are|was|were|has|have)\s", re.I)


def leads_with(name: str, text: str) -> bool:
    """The line is about ``name``: its opening clause names it ("EVDG: … Chair: …", "Group: Reducing Reoffending
    Board; Chair: …"), not a later one ("The Safe Home Panel is a sub-group of the EVDG. It is chaired by …")."""
    head = _CLAUSE_END.split(_OPENING.sub("", text, count=1)[:LEAD_CHARS], maxsplit=1)[0].lower()
    words = [w.lower() for w in _content(name)]
    return bool(words) and all(w in head for w in words)

