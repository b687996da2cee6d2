"""Whose phone number or email a question asks for: "the phone number for the Rainbow Hub", "the DPO's email".

A number answers only when the passage that gives it names that subject, in its own words, its section heading or
its document's title: Stand Together's number is not the Rainbow Hub's, and the Adult Safeguarding Hub's mailbox is
not the Emergency Duty Team's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.analysis import analyse
from assistant.models import Answer
from assistant.referrals.contacts import emails, phones
from assistant.text import SENTENCE_BREAK, STOPWORDS, holds_name, name_terms, stem, terms, words

_DETAIL = (r"(?:(?:phone|tel(?:ephone)?|mobile|contact|direct|office)\s+)?(?:numbers?|no\.?|num|line|"
           r"e-?mail(?:\s+address)?|mailbox|contact\s+details)")
_END = r"(?=\s*(?:[?,;.!(]|\s-\s|\s(?:and|if|so|or|rather|because|cos|pls|please|asap|as|on|at|when)\b|$))"
# "number for the Rainbow Hub", "email to refer someone into the MARM", "line for housing repairs"
_AFTER = re.compile(_DETAIL + r"\s+(?:for|of|to (?:reach|contact|ring|call|email|get hold of)|"
                    r"to (?:refer|send)\s+(?:[a-z]+\s+){0,2}?(?:in)?to)\s+(?P<x>[^?,;.!()]+?)" + _END, re.I)
# "Haven Northvale refuge phone no", "the DPO's phone number"
_BEFORE = re.compile(r"(?P<x>(?:[\w&-]+\s+){0,3}[\w&-]+?)(?:'s|s')?\s+(?:phone|tel|telephone|e-?mail|contact)"
                     r"(?:\s+(?:numbers?|no|address|details|line))?\b", re.I)
# "eastbrook mediation service - whats their number?": the subject is named before the dash (not "need to ring
# the hub - whats their number", which names a kind of service, not one)
_THEIR = re.compile(r"(?:^|[.?!]\s+)(?P<x>(?!(?:need|want|trying|have|got)\b)(?:(?!\bto\b)[^?,;.!()])+?)"
                    r"\s+[-–:]\s+(?:what'?s|whats|what is|what are|got|need)?\s*(?:their|its|his|her|the)\s+"
                    r"(?:actual\s+|right\s+|main\s+)?" + _DETAIL,
                    re.I)
_ROLE_END = re.compile(r"\b(?:chair|vice[- ]chair|co-?chair|lead|manager|mgr|coordinator|head|officer|director|"
                       r"worker|person|owner)s?\s*$", re.I)
# Words about the contact itself, or ones any service's contact line may leave out.
_GENERIC = frozenset(stem(w) for w in (
    "number", "phone", "line", "email", "address", "contact", "detail", "direct", "referral", "refer", "service",
    "team", "actual", "main", "right", "correct", "best", "general", "person", "someone", "somebody", "people",
    "them", "local", "new", "urgent", "office", "mailbox", "secure", "whats", "what", "send", "ring", "call",
    # (where the asker saw it: "prevent doc mentions the hotline")
    "doc", "document", "mention", "say", "said", "list", "give"))
MIN_SHARE = 0.5  # the share of the subject's words the passage must hold


def contact_subject(question: str) -> tuple[str, list[str]]:
    """Which detail is asked ("phone" or "email") and the words naming whose, or no words when the question names
    no one."""
    their = _THEIR.search(question)
    if their and _ROLE_END.search(their.group("x")):
        their = None  # "reducing reoffending brd chair - their number": the person the answer finds, not a service
    found = _AFTER.search(question) or their
    phrase, detail = (found.group("x"), found.group(0)) if found else ("", "")
    if not phrase:
        before = _BEFORE.search(question)
        if before:
            detail = before.group(0)[len(before.group("x")):]
            # the words after the last little word ("isp breach - whats the DPO's" → "DPO")
            tail = re.split(r"\s-\s|[?,;:.!]", before.group("x"))[-1].split()
            while any(w.lower() in STOPWORDS for w in tail):
                tail = tail[next(i for i, w in enumerate(tail) if w.lower() in STOPWORDS) + 1:]
            phrase = " ".join(tail)
    kind = "email" if re.search(r"e-?mail|mailbox", detail, re.I) else "phone"
    return kind, [t for t in name_terms(phrase) if t not in _GENERIC and not t.isdigit()]


def names_subject(subject: list[str], text: str, alts: dict[str, list[str]], key: Callable[[str], bool]) -> bool:
    """``text`` (a passage with its headings) names the subject: every key word of it (rare in the knowledge base;
    an acronym, or its full name written together) and at least half of its words."""
    seq = terms(text) + words(text)
    held = [holds_name(t, seq, alts) for t in subject]
    return all(h for t, h in zip(subject, held, strict=True) if key(t)) and sum(held) >= MIN_SHARE * len(subject)


_PASSAGE = re.compile(r"(.+?)\s*\[(\d+)\]", re.S)
# A contact list joined into one line: "… 020 7946 0900 Partnership Inspector, EH BCU: eh-partners@…". A new
# labelled entry ("Name, Org:") starts after a number or an address, so each entry is judged on its own.
_ENTRY = re.compile(r"(?<=[\w)])\s+(?=[A-Z][\w&'’,() -]{2,60}:\s)")
_FINDERS: dict[str, Callable[[str], list[str]]] = {"phone": phones, "email": emails}


def gives_subjects_contact(question: str, answer: Answer, alts: dict[str, list[str]],
                           key: Callable[[str], bool], also: str = "") -> bool:
    """The answer gives the asked subject's own number or email: a sentence holding one names the subject (with the
    sentence before it, its cited section and document title, and ``also``, such as a pathway's name). True when
    the question names no one."""
    if answer.abstained or not {"phone", "email"} & set(analyse(question).answer_types):
        return True
    kind, subject = contact_subject(question)
    if not subject:
        return True
    # An acronym of three or more capitals names one body ("the MARAC coordinator"), however often the
    # documents use it: another coordinator's number is not its.
    acronyms = {stem(w.lower()) for w in re.findall(r"\b[A-Z]{3,}s?\b", question)}

    def named(t: str) -> bool:
        return t in acronyms or key(t)

    for passage in _PASSAGE.finditer(answer.answer):
        n = int(passage.group(2))
        cited = answer.citations[n - 1] if 1 <= n <= len(answer.citations) else None
        sentences = [e for s in SENTENCE_BREAK.split(passage.group(1)) for e in _ENTRY.split(s)]
        for i, sentence in enumerate(sentences):
            if not _FINDERS[kind](sentence):
                continue
            headings = [cited.section, cited.title] if cited else []
            context = " ".join([*sentences[max(0, i - 1):i + 1], also, *headings])
            if names_subject(subject, context, alts, named):
                return True
    return False
