"""One tokenizer for keyword search, typo repair and evidence checks, so they agree on what a term is."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from assistant.months import MONTH_NAMES

# Where one sentence ends and the next begins (a capital, bracket or quote follows the stop).
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'“])")
_CONTRACTION = re.compile(r"'(?:re|ve|ll|d|m)\b")
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,6})s\b")
_TOKEN = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*|£[0-9][0-9,.]*")
_stemmer = snowballstemmer.stemmer("english")

# Function words only: content words, however common, are left to IDF.
STOPWORDS = frozenset(
    """
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves im ive id dont doesnt isnt whats whos
wheres hows thats theres u ur pls please thanks thx hi hello hey many much often long
hasnt havent hadnt wasnt werent arent wont cant couldnt shouldnt wouldnt didnt aint
something anything everything nothing someone anyone everyone somebody anybody another else also really tbh btw
us yet hes shes theyre youre theyve weve youve lets
""".split()  # noqa: SIM905 - a word list reads better as text
)


# Word families the stemmer keeps apart although they mean the same thing ("to be quorate": "Quorum: five").
# ("what did the board decide": "Decision EXB-D3/26"; "can i get permission": "permitted")
_FAMILIES = {"quorat": "quorum", "inquor": "quorum", "decis": "decid", "permiss": "permit",
             "admiss": "admit", "submiss": "submit", "conclus": "conclud", "inclus": "includ", "exclus": "exclud",
             "extens": "extend", "reref": "rerefer", "rereferr": "rerefer"}


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    if "-" in token.strip("-"):  # "re-referred": the last word's stem, as "re-referral" ("referral", "referred")
        head, _, last = token.rpartition("-")
        return f"{head}-{stem(last)}"
    stemmed = str(_stemmer.stemWord(token))
    return _FAMILIES.get(stemmed, stemmed)


def words(text: str) -> list[str]:
    """Lower-cased tokens; ids like syv-16 are kept whole and also split, so 'SYV16' and 'SYV-16' meet."""
    out: list[str] = []
    text = _ACRONYM_PLURAL.sub(r"\1", text)  # "HMOs", "IDVAs": the acronym itself
    # "hasn't" is one word ("hasnt"), not "hasn" and a stray "t"; "they're", "we've" lose the ending.
    text = _CONTRACTION.sub("", text.lower().replace("’", "'").replace("n't", "nt"))
    for tok in _TOKEN.findall(text.replace("'s ", " ")):
        if "-" in tok or "/" in tok:
            parts = re.split(r"[-/]", tok)
            if all(p in _MONTH_WORDS for p in parts):  # "apr-jun" is a period, two months, not a name
                out.extend(parts)
                continue
            out.extend([tok, "".join(parts)])
            out.extend(p for p in parts if p)
        else:
            out.append(tok)
    return out


# Chat writes months short ("apr 25 to feb 26"); documents write them in full. ("sep" is left alone: it is as often
# an organisation's initials.)
_MONTH_SHORT = {m[:3].lower(): stem(m.lower()) for m in MONTH_NAMES if m[:3] not in ("Mar", "May", "Sep")}
_MONTH_SHORT["sept"] = stem("september")
_MONTH_WORDS = frozenset({m.lower() for m in MONTH_NAMES} | {m[:3].lower() for m in MONTH_NAMES} | {"sept"})


# Documents write small numbers as words ("three or more call-outs"), chat as digits ("3 times"). ("one" is left
# alone: it is as often a pronoun, "the old one".)
NUMBER_WORDS = {w: str(i) for i, w in enumerate(["two", "three", "four", "five", "six", "seven", "eight", "nine",
                                                  "ten", "eleven", "twelve"], start=2)}


def terms(text: str) -> list[str]:
    """Stemmed content terms (stopwords removed)."""
    return [_MONTH_SHORT.get(w) or NUMBER_WORDS.get(w) or stem(w) for w in words(text) if w not in STOPWORDS]


def name_terms(name: str) -> list[str]:
    """A name's words, each once: 'Multi-Agency Risk Management' is three words, not the six terms the tokenizer
    makes of it (so a passage that merely says 'multi-agency' does not hold most of the name)."""
    return list(dict.fromkeys(stem(w) for w in _TOKEN.findall(name.lower()) if w not in STOPWORDS))


def names_together(seq: list[str], name: list[str]) -> bool:
    """The name's words appear together in the term sequence (within a few terms of each other), not scattered
    through the passage: 'Multi-Agency Risk Management' is not held by 'multi-agency tasking … risk … manager'."""
    if not name:
        return False
    window = 2 * len(name) + 2  # a hyphenated word is several terms ('multi-agency', 'multiagency', 'multi', …)
    return any(all(n in seq[i:i + window] for n in name) for i, t in enumerate(seq) if t == name[0])


def holds_name(term: str, seq: list[str], alts: dict[str, list[str]]) -> bool:
    """The passage's terms hold the term, or the full name an acronym stands for written together."""
    return term in seq or (term in alts and names_together(seq, alts[term]))
