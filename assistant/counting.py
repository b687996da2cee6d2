"""Whether a count is a count of the thing asked about: "how many dispersal orders" is not answered by a passage
that mentions dispersal orders beside a count of something else ("9,840 ASB calls")."""

from __future__ import annotations

import re

from assistant.evidence import COUNT, Unit
from assistant.text import STOPWORDS, stem, words

# "how many <noun phrase> <verb or preposition …>": the last word of the phrase is what is counted.
_STOP = (r"have|has|had|did|do|does|are|is|were|was|will|would|can|could|in|on|at|for|since|this|last|so|per|we|"
         r"they|there|got|been|went|from|by|with|under|over|between|across|a|an|the|each|of|it|i|you|done|completed?|"
         r"sent|received|made|trained|reached|heard|used|run|ran|seen|issued|opened|closed|left|came|referred|"
         r"recorded|reported|taken|given|attended|delivered|so|still|now|altogether|overall|total|currently|atm")
# Only a short phrase followed by a function word or a stop is read ("how many dispersal orders have …"); without a
# parser, "how many directorates sent theirs back" names no noun safely, and is left alone.
_WORD = r"(?!(?:" + _STOP + r")\b)"
_HOW_MANY = re.compile(r"\bhow many\s+((?:" + _WORD + r"[\w'-]+\s+)?" + _WORD + r"[a-z][\w'-]*)"
                       r"(?:\s*\(([\w' -]{2,20})\))?(?=\s+(?:" + _STOP + r")\b|\s*[?,.;:!(-]|$)", re.I)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[a-z][\w'-]*")
NEAR = 4  # words between the number and the counted noun ("41 local events", "heard 748 cases")
# Words that only say the count is of people, which a passage writes in many ways ("29 completed").
_GENERIC = frozenset({"people", "ppl", "person", "persons", "individuals", "ones", "times", "of"})


def counted_noun(question: str) -> tuple[str, ...]:
    """The stems of the noun a 'how many' question counts, and of a short name given with it in brackets ("staff
    (FTE)"); empty when it names none, or only people."""
    match = _HOW_MANY.search(question)
    if not match:
        return ()
    word = match.group(1).split()[-1].lower()
    if word in _GENERIC or word in STOPWORDS:
        return ()
    alias = match.group(2).split()[-1].lower() if match.group(2) else ""
    return (stem(word), *([stem(alias)] if alias else []))


def counts(unit: Unit, nouns: tuple[str, ...]) -> bool:
    """The unit gives a number within a few words of the counted noun (a table row that names the noun counts,
    its figure being in another cell)."""
    if not nouns:
        return True
    if not set(nouns) & {stem(t) for t in words(unit.text)}:
        return False
    if unit.chunk.kind == "table_row":
        return True
    for sentence in _SENTENCE.split(unit.text):
        tokens = _TOKEN.findall(sentence.lower())
        numbers = [i for i, t in enumerate(tokens) if COUNT.fullmatch(t)]
        if any(abs(i - j) <= NEAR for i, t in enumerate(tokens) if stem(t) in nouns for j in numbers):
            return True
    return False
