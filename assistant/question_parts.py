"""A chat question split into the questions it joins ("which schedule covers X, and when does the panel meet?")."""

from __future__ import annotations

import re

QUESTION_WORDS = r"(?:what|whats|what's|when|who|whos|who's|where|which|how|is|are|does|do|did|has|have|can)\b"
# After "and", a verb asks only with its subject ("and is there a form"; "moved in and are selling from it" does not).
_ASKS_NEXT = (r"(?:what|whats|what's|when|who|whos|who's|where|which|how)\b|(?:is|are|does|do|did|has|have|can)\s+"
              r"(?:they|we|i|you|it|there|he|she|this|that|these|those|the|a|an|any|our|their|his|her|my)\b")


# "how many did we consult for the current strategy compared to the old one": one question about two things.
_COMPARED = re.compile(r"^(?P<ask>.*?\b(?:for|in|under|from|of)\s+)(?P<one>.+?)\s+"
                       r"(?:compared (?:to|with)|as against|vs\.?|versus)\s+(?P<other>[^?]+?)\s*\??\s*$", re.I)


# "reducing reoffending brd chair - whats their phone no": who holds the role, then how to reach them.
_ROLE_THEN_CONTACT = re.compile(
    r"^(?P<role>.{3,80}?\b(?:chair|vice[- ]chair|lead|manager|coordinator|co-ordinator|head|owner|officer|director|"
    r"commissioner|spoc))s?\s*[-–—:,]\s*(?P<ask>(?:what'?s|whats|what is|got) (?:their|his|her)\b.*)$", re.I)


def split_parts(question: str) -> list[str]:
    """Split 'which schedule covers X, and when does the panel meet?' into its two questions."""
    role = _ROLE_THEN_CONTACT.match(question.strip())
    if role:
        return [f"who is the {role['role'].strip()}", role["ask"].strip(" ?")]
    compared = _COMPARED.match(question.strip())
    if compared and len(compared["ask"].split()) >= 3:
        ask = compared["ask"]
        return [f"{ask}{compared['one']}", f"{ask}{compared['other']}"]
    # "how much funding + latest contact rate": chat joins two questions with "+" too ("&" is part of names).
    # (", and on the latest dashboard what % …": a short lead-in may come before the second question's word)
    parts = re.split(r"\?\s+(?=\w)|,?\s+and\s+(?=" + _ASKS_NEXT + r")|\s\+\s|"
                     r",\s+and\s+(?=(?:on|in|from|under|for|at)\s+(?:[\w'%-]+\s+){1,4}?"
                     r"(?:what|whats|what's|when|who|whos|who's|where|which|how)\b)", question, flags=re.I)
    # "sexual health clinic + police each think …": a plus inside the scene joins two names, not two questions.
    parts = _rejoin_plus(question, parts)
    # "when does X meet? need to get something on the agenda": a remark after the question is context, not a part.
    parts = [p for i, p in enumerate(parts) if i == 0 or not _after_question(question, p)
             or re.match(r"(?:(?:also|and|plus|btw|then|oh)\s+)*" + QUESTION_WORDS, p.strip(), re.I)
             or p.rstrip().endswith("?")]
    # A short tail ("+ how fast?") belongs to the part before it.
    merged: list[str] = []
    for p in (p.strip(" ?,") for p in parts if p):
        if merged and len(p.split()) < 3 and _after_plus(question, p):
            merged[-1] = f"{merged[-1]}, {p}"
        else:
            merged.append(p)
    parts = [p for p in merged if len(p.split()) >= 3]
    return parts if len(parts) > 1 else [question]


def _rejoin_plus(question: str, parts: list[str]) -> list[str]:
    """Parts split at a '+' where neither side asks anything (no question word) are joined back."""
    out: list[str] = []
    for p in parts:
        if (out and _after_plus(question, p) and not re.search(r"\b" + QUESTION_WORDS + r"|\?", out[-1], re.I)
                and not re.match(QUESTION_WORDS, p.strip(), re.I)):
            out[-1] = f"{out[-1]} + {p}"
        else:
            out.append(p)
    return out


def _after_plus(question: str, part: str) -> bool:
    at = question.find(part)
    return at > 0 and question[:at].rstrip().endswith("+")


def _after_question(question: str, part: str) -> bool:
    """The part follows a question mark (rather than "and" or "+")."""
    at = question.find(part)
    return at > 0 and question[:at].rstrip().endswith("?")
