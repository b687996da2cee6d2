"""Whether a count is a count of the thing asked about: "how many dispersal orders" is not answered by a passage
that mentions dispersal orders beside a count of something else ("9,840 ASB calls")."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.evidence import COUNT, Unit
from assistant.text import STOPWORDS, holds_name, stem, words

# "how many <noun phrase> <verb or preposition …>": the last word of the phrase is what is counted.
_STOP = (r"have|has|had|did|do|does|are|is|were|was|will|would|can|could|in|on|at|for|since|this|last|so|per|we|"
         r"they|there|got|been|went|from|by|with|under|over|between|across|a|an|the|each|of|it|i|you|done|completed?|"
         r"sent|received|made|trained|reached|heard|used|run|ran|seen|issued|opened|closed|left|came|referred|"
         r"recorded|reported|taken|given|attended|delivered|so|still|now|altogether|overall|total|currently|atm|"
         r"live|lives|living|lived|work|works|working|worked|actually|really|roughly|approximately|exactly|just|"
         r"even|already|ever")
# Only a short phrase followed by a function word or a stop is read ("how many dispersal orders have …"); without a
# parser, "how many directorates sent theirs back" names no noun safely, and is left alone.
_WORD = r"(?!(?:" + _STOP + r")\b)"
_HOW_MANY = re.compile(r"\bhow many\s+((?:" + _WORD + r"[\w'-]+\s+){0,2}" + _WORD + r"[a-z][\w'-]*)"
                       r"(?:\s*\(([\w' -]{2,20})\))?(?=\s+(?:" + _STOP + r")\b|\s*[?,.;:!(]|\s+[-–]\s|$)", re.I)
_SUBSET = re.compile(r"\bhow many (?:of (?:them|those|these|the \w+) )?(?:were|are|was|have been|had been)\s+"
                     r"(?!(?:there|they|we|you|it|in|on|at|for|by|of|the|a|an|still|now|actually|done|seen|"
                     r"referred|reported|recorded|made|given|issued|heard|received|completed|closed|open)\b)"
                     r"([a-z][\w'-]{3,})\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
# Times, percentages and amounts stay whole so that they are not read as counts.
_TOKEN = re.compile(r"\d{1,2}[:.]\d{2}(?:am|pm)?\b|£?\d+(?:,\d{3})*(?:\.\d+)?%?|[a-z][\w'-]*")
NEAR = 6  # words between the number and the counted noun ("41 local events", "heard 748 cases")
# Words that only say the count is of people, which a passage writes in many ways ("29 completed").
_GENERIC = frozenset({"people", "ppl", "person", "persons", "individuals", "ones", "times", "of"})


def counted_noun(question: str, alts: dict[str, list[str]] | None = None) -> tuple[str, ...]:
    """The stems of the noun a 'how many' question counts, of a short name given with it in brackets ("staff
    (FTE)") and, for an acronym ("CPNs"), of the last word of its full name ("notices", from ``alts``, the
    question's acronyms written out); empty when it names none, or only people."""
    subset = _SUBSET.search(question)
    if subset and subset.group(1).lower() not in STOPWORDS and subset.group(1).lower() not in _GENERIC:
        # "of last yr's hate crimes, how many were disability hate crime": the count is of that kind only.
        return (stem(subset.group(1).lower()),)
    match = _HOW_MANY.search(question)
    if not match:
        return ()
    written = match.group(1).split()[-1]
    word = written.lower()
    if word in _GENERIC or word in STOPWORDS:
        return ()
    if re.fullmatch(r"[A-Z]{2,6}s?", written) and not (alts or {}).get(stem(word)):
        return ()  # an acronym the documents never write out: its count cannot be checked by its words
    alias = match.group(2).split()[-1].lower() if match.group(2) else ""
    out = [stem(w) for w in (word, alias) if w]
    for t in list(out):
        full = (alts or {}).get(t) or (alts or {}).get(t[:-1] if t.endswith("s") else t)
        if full:
            out.append(full[-1])
    return tuple(dict.fromkeys(out))


# "how many kids completed the programme": what the counted things did, which a count of them engaging is not
_DONE = re.compile(r"(?:(?:actually|really|have|has|had|were|was|been|successfully|fully|got)\s+)*"
                   r"(?:completed?|finished|graduated|attended|trained|referred|convicted|charged|housed|"
                   r"rehoused|evicted|excluded|closed|resolved|upheld|prosecuted|sanctioned|arrested)\b", re.I)


_YEARS = re.compile(r"\b(?:19|20)\d\d\s*[-–/]\s*\d{2,4}\b")


def _done_near(text: str, verb: str) -> bool:
    """A sentence (or table cell) gives a count within a few words of what was done ("engaged 131 children … of
    those who completed it" counts no completers; "Complete. 131 children engaged" neither)."""
    for sentence in (s for cell in text.split("; ") for s in _SENTENCE.split(cell)):
        tokens = _TOKEN.findall(_YEARS.sub(" ", sentence.lower()))
        if any(t[0].isdigit() and COUNT.fullmatch(t)  # (digits: "within six months" is no count)
               and any(stem(w) == verb for w in tokens[max(0, i - NEAR):i + NEAR + 1]) for i, t in enumerate(tokens)):
            return True
    return False


def counted_verb(question: str) -> str:
    """The stem of what the counted things did, when the question says so right after naming them."""
    match = _HOW_MANY.search(question)
    done = _DONE.match(question[match.end():].lstrip()) if match else None
    return stem(done.group(0).split()[-1].lower()) if done else ""


# Words of a counted phrase that say nothing about which kind is counted ("how many new referrals").
_VAGUE = frozenset({"new", "total", "more", "other", "different", "separate", "individual", "unique", "extra",
                    "additional", "actual", "overall"})


def counted_kind(question: str) -> tuple[str, ...]:
    """The stems of the words before the counted noun ("disability hate" of "how many disability hate crimes")."""
    match = _HOW_MANY.search(question)
    if not match:
        return ()
    return tuple(stem(w.lower()) for w in match.group(1).split()[:-1]
                 if w.lower() not in STOPWORDS and w.lower() not in _VAGUE and w.lower() not in _GENERIC
                 and not any(ch.isdigit() for ch in w))


def counts(unit: Unit, nouns: tuple[str, ...], question: str = "", alts: dict[str, list[str]] | None = None,
           known: Callable[[str], bool] | None = None) -> bool:
    """The unit gives a number within a few words of the counted noun (a table row that names the noun counts,
    its figure being in another cell), in a sentence naming its kind ("disability hate crimes"), and says what
    they did when the ``question`` asks that ("completed")."""
    if not nouns:
        return True
    held = {stem(t) for t in words(unit.text)}
    verb = counted_verb(question)
    if not set(nouns) & held or (verb and not _done_near(unit.text, verb)):
        return False
    # The kind's words the passage uses must be in the count's own sentence ("612 hate crimes … particularly
    # disabled residents" counts no disability hate crimes); words it never uses may be put another way, unless
    # the documents use them elsewhere ("how many dispersal orders" is not answered by 14 protection orders).
    heading = [stem(t) for t in words(unit.chunk.section or "")]
    passage = [stem(t) for t in words(unit.chunk.text)] + heading
    kind = [t for t in counted_kind(question) if holds_name(t, passage, alts or {}) or (known and known(t))]

    def of_kind(text: str) -> bool:
        seq = [stem(t) for t in words(text)] + heading
        return all(holds_name(t, seq, alts or {}) for t in kind)

    if unit.chunk.kind == "table_row":
        # A row's figure counts the head of its name ("reports through third-party reporting centres" counts
        # reports, not centres).
        return of_kind(unit.text) and any(not _qualifies_other(_TOKEN.findall(cell.lower()), nouns)
                                          for cell in unit.text.split("; ")
                                          if set(nouns) & {stem(t) for t in words(cell)})
    for sentence in _SENTENCE.split(unit.text):
        if not of_kind(sentence):
            continue
        tokens = _TOKEN.findall(sentence.lower())
        # A number followed by another plural noun counts that ("four incidents" is not a number of cameras).
        numbers = [i for i, t in enumerate(tokens) if COUNT.fullmatch(t) and not _counts_other(tokens, i, nouns)]
        if any(_counted(tokens, i, j) for i, t in enumerate(tokens) if stem(t) in nouns for j in numbers):
            return True
    return False


_LINKING = frozenset({"through", "from", "by", "via", "at", "in", "to", "for", "with", "of", "on"})


def _qualifies_other(tokens: list[str], nouns: tuple[str, ...]) -> bool:
    """The counted noun only qualifies another plural noun before it ("reports through … centres")."""
    for i, t in enumerate(tokens):
        if stem(t) in nouns:
            return False
        if (i + 1 < len(tokens) and tokens[i + 1] in _LINKING and len(t) > 3 and t.isalpha() and t.endswith("s")
                and t not in STOPWORDS and not t.endswith("ss")):
            return True
    return False


def _counts_other(tokens: list[str], at: int, nouns: tuple[str, ...]) -> bool:
    after = tokens[at + 1] if at + 1 < len(tokens) else ""
    return len(after) > 3 and after.isalpha() and after.endswith("s") and stem(after) not in nouns


# Between the noun and a number after it: "referrals were 91", "notices … should read 14" (not "cameras generate
# about 40", which counts something else).
_LINKS = frozenset({"were", "was", "is", "are", "totalled", "totaled", "reached", "stood", "read", "numbered", "rose",
                    "fell", "to", "of", "at", "now"})


def _counted(tokens: list[str], noun_at: int, number_at: int) -> bool:
    if number_at < noun_at:
        return noun_at - number_at <= NEAR
    return number_at - noun_at == 1 or (number_at - noun_at <= NEAR
                                         and bool(_LINKS & set(tokens[noun_at + 1:number_at])))


# "how many escalations were about hate crime": the count asked is of those on that subject only.
_ABOUT = re.compile(r"\bhow many\b[^?]{0,60}?\b(?:were|are|was|have been|had been)\s+(?:about|for|on|involving|"
                    r"related to|linked to|to do with)\s+((?:[a-z][\w'-]*)(?:\s+[a-z][\w'-]*){0,2})", re.I)


def counted_subject(question: str) -> tuple[str, ...]:
    """The stems of the subject a 'how many … were about X' question restricts its count to (empty: none)."""
    match = _ABOUT.search(question)
    if not match:
        return ()
    out: list[str] = []
    for w in match.group(1).lower().split():
        if w in STOPWORDS:
            break  # "girls in Q4": the subject ends where the period begins
        out.append(stem(w))
    return tuple(out)
