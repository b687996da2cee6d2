"""Reading plain words for the router: topic phrases and their initials, sentences, and named roles.

Kept apart from the routing decisions so each rule of thumb can be read (and tested) on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.text import STOPWORDS, stem, words

# A role counts as named when at least this share of its words is there (see ``role_named``).
ROLE_SHARE = 0.5
# Words that look like initials but are titles or function words.
_NOT_INITIALS = frozenset({"mr", "mrs", "ms", "dr", "st", "re", "ok"}) | STOPWORDS
_QUESTION_START = re.compile(r"^\s*(?:who|whom|whose|who's|whos|which|what|whats|what's|where|how|when|should|can|do|"
                             r"does|is|are)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|nobody|haven'?t|hasn'?t|didn'?t|don'?t|won'?t|yet to)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_CLAUSE = re.compile(r"\s+[-–—]\s+|,\s*")


@dataclass(frozen=True)
class Phrase:
    text: str
    terms: frozenset[str]
    initials: str


def phrases(description: str) -> list[str]:
    """'Schools: exclusions, managed moves' → ['Schools', 'exclusions', 'managed moves'], and bracketed asides."""
    out: list[str] = []
    current: list[str] = []
    pieces: list[str] = []
    depth = 0
    for ch in description:
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and ch in ",;:":
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    for piece in pieces:
        for inner in re.findall(r"\(([^()]*)\)", piece):
            if len(inner.split()) > 1:  # "(adults)" qualifies a phrase; "(community trigger)" names one
                out.extend(p for p in re.split(r"[,;]", inner) if p.strip())
        main = re.sub(r"\([^()]*\)", " ", piece).strip()
        if not main:
            continue
        out.append(main)
        parts = [p for p in re.split(r"\s+(?:and|or|&)\s+", main) if p.strip()]
        if len(parts) > 1:
            out.extend(parts)
    return out


def phrase(text: str) -> Phrase:
    content = [w for w in words(text) if w not in STOPWORDS and not any(ch.isdigit() for ch in w) and "-" not in w]
    initials = "".join(w[0] for w in content) if len(content) >= 2 else ""
    if initials in _NOT_INITIALS:
        initials = ""
    # "fly-tipping" is matched by its parts ("fly tipping" as staff type it), not by the joined forms.
    joined = {stem(w.replace("-", "")) for w in words(text) if "-" in w} | {stem(w) for w in words(text) if "-" in w}
    parts = frozenset(terms(text)) - joined
    return Phrase(text.strip(), parts or frozenset(terms(text)), initials)


def terms(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS]


# "refusing to give us tenancy info", "won't pass on the records": sharing information, however it is said.
_SHARING = re.compile(r"\b(?:giv(?:e|es|ing|en)|gave|pass(?:es|ed|ing)? (?:on|over)|hand(?:s|ed|ing)? over|"
                      r"disclos\w*|releas(?:e|es|ed|ing))\b(?=(?:\s+[\w'-]+){0,3}?\s+(?:info|information|data|"
                      r"records?|details|notes)\b)", re.IGNORECASE)


def query(text: str) -> tuple[list[str], set[str]]:
    """Stemmed content words in order (for phrase proximity) and the raw words (for initials)."""
    raw = [w for w in words(_SHARING.sub("share", text)) if w not in STOPWORDS]
    return [stem(w) for w in raw], set(raw)


def sentences(text: str) -> tuple[list[str], list[str]]:
    """Split into statements and questions; a question names what is asked, a statement what has happened."""
    statements: list[str] = []
    questions: list[str] = []
    for sentence in _SENTENCE_END.split(text or ""):
        if not sentence.strip():
            continue
        if sentence.rstrip().endswith("?") or _QUESTION_START.match(sentence):
            questions.append(sentence)
            continue
        # Chat runs clauses together: "DA case - who's the level 2 contact", "level 2 done, who next".
        for clause in _CLAUSE.split(sentence):
            if clause.strip():
                (questions if _QUESTION_START.match(clause) else statements).append(clause)
    return statements, questions


def role_alternatives(role: str) -> list[str]:
    """'Team manager (or service manager) of each agency involved' → ['Team manager', 'service manager']."""
    alts = [m.group(1) for m in re.finditer(r"\(\s*or\s+([^()]+)\)", role, re.IGNORECASE)]
    main = re.sub(r"\([^()]*\)", " ", role)
    # ("the Chair of the Board, through the Partnership Manager": the route to the owner is not the owner)
    main = re.sub(r",?\s+through\s+[^,]*", " ", main, flags=re.IGNORECASE)
    for part in re.split(r"\s*/\s*|\s+or\s+|,\s*|\s+then\s+|\s+via\s+", main):
        part = re.split(r"\s+(?:for|to|of each|of all|of every|in each)\s+", part, maxsplit=1)[0]
        part = re.sub(r"^(?:via|the)\s+", "", part.strip(), flags=re.IGNORECASE)
        if part.strip():
            alts.append(part.strip())
    return alts


def role_named(role: str, sentence_terms: set[str], strict: bool = False) -> set[str]:
    """The role's words found in a sentence, when they name the role; else an empty set.

    The role's head noun must be there ("manager" in "Team manager", "Head" in "Head of Service") with at least
    half its words (more than half when ``strict``), and for "X of Y" a word of Y too, so "head teacher" or
    "commissioned service" is no Head of Service.
    """
    before, _, after = role.partition(" of ")
    head_terms = terms(before)
    all_terms = set(terms(role))
    if not head_terms or not all_terms:
        return set()
    hit = all_terms & sentence_terms
    share = len(hit) / len(all_terms)
    if head_terms[-1] not in hit or share < ROLE_SHARE or (strict and share <= ROLE_SHARE):
        return set()
    if after and not set(terms(after)) & hit:
        return set()
    return hit


def negated(sentence: str, hit: set[str]) -> bool:
    """True when a negation comes shortly before the role words ("haven't spoken to managers")."""
    lowered = sentence.lower()
    for neg in _NEGATION.finditer(lowered):
        after = lowered[neg.end(): neg.end() + 40]
        if any(stem(w) in hit for w in words(after)):
            return True
    return False


def statements_of(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text or "") if s.strip()]


_LEVEL_WORDS = ("level", "lvl", "lev", "stage", "tier", "step", "rung", "phase", "point")


def level_mention(level_names: Sequence[str], before: str = "", usual: bool = True) -> re.Pattern[str]:
    """How a question names a level: the usual words, or the protocol's own ("EP3", "Escalation point 3"), with
    what must come ``before`` it; group 1 is the level's number."""
    own = {re.sub(r"\s*\d+$", "", name).strip().lower() for name in level_names}
    names = sorted({*(_LEVEL_WORDS if usual else ()), *(w for w in own if w)}, key=len, reverse=True)
    if not names:
        return re.compile(r"(?!x)x")  # nothing names a level
    return re.compile(r"\b" + before + r"(?:" + "|".join(map(re.escape, names)) + r")\s*(\d+)\b", re.IGNORECASE)


_RULED_OUT = re.compile(r"\b(?:not|no|isn'?t|isnt|never)\s+((?:(?:an?|the)\s+)?[\w'-]+(?:\s+[\w'-]+)?)", re.IGNORECASE)


def ruled_out(description: str, matched: Phrase | None) -> bool:
    """The phrase that matched follows a negation closely ("not DA", "not an offender")."""
    if matched is None:
        return False
    for m in _RULED_OUT.finditer(description):
        following = [w for w in words(m.group(1)) if w not in ("a", "an", "the")]
        if (matched.initials and matched.initials in following) or {stem(w) for w in following} & matched.terms:
            return True
    return False


# "police and housing needs can't agree who should do the NRM", "street services and the HA keep batting it back":
# two parties joined by "and", then the dispute. They are who disagrees, not what the case is about.
_PIECES = re.compile(r"[.!?;:]\s+|\s+[-–—]\s+|,\s*|\n+")
_PARTIES = re.compile(r"^\s*(?:(?:but|so|now|and)\s+)?(?P<parties>\S.{0,50}?\s(?:and|&)\s.{1,50}?)\s+"
                      r"(?=(?:can'?t|cannot|won'?t|wont|don'?t|dont|do not|keep|are|each|both|still|disagree|refus)"
                      r".*\b(?:agree|disagree|batting|bouncing|passing|each other|the other|arguing|argue|dispute|"
                      r"refus\w*)\b)", re.IGNORECASE)


def without_disputing_parties(description: str) -> str:
    """The description with the parties a dispute is between left out, so the topic comes from the case."""
    out = description
    for piece in _PIECES.split(description or ""):
        m = _PARTIES.match(piece)
        if m:
            out = out.replace(m.group("parties"), " ", 1)
    return out
