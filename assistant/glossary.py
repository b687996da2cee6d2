"""Acronyms learned from the knowledge base itself: glossary tables and 'Full Name (ACRONYM)' in the text.

No synonym list is written by hand; another partnership's glossary gives another map.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_INLINE = re.compile(r"\b((?:[A-Z][\w'’&-]*\s+(?:(?:and|of|for|the|&|on|in|to)\s+)*){1,7}[A-Z][\w'’-]*)"
                     r"\s+\(([A-Z][A-Za-z]{1,7})\)")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z&]{1,7}s?$")
# A form or document code a glossary table explains ("Term: SCE1; Meaning: Stuck Case Escalation Form").
_FORM = re.compile(r"^[A-Z][A-Za-z&]{1,7}\d{1,2}$")
# The first column of a glossary table.
GLOSSARY_KEY = re.compile(r"(?:term|acronym|abbreviation|short ?form|initials)s?", re.I)
# A glossary written as lines: "SSDG (local) – Safer Streets Delivery Group.", "IOM: Integrated Offender Management" or
# "EDS ........ Emergency Duty Service".
_LINE = re.compile(r"^([A-Z][A-Za-z&]{1,7}s?)\b(?:\s*\([^)]{1,20}\))?\s*(?:[–—:]|-\s|\.{3,})\s*(.+)$")


def learn_acronyms(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """rows: (kind, text) of every chunk. Returns {'dardr': 'Domestic Abuse Related Death Review', …}."""
    found: dict[str, str] = {}
    for kind, text in rows:
        if kind == "table_row":
            pairs = [p.partition(": ")[2] or p for p in text.split("; ")]
            key = text.partition(": ")[0]
            named = _ACRONYM.match(pairs[0]) or (GLOSSARY_KEY.fullmatch(key) and _FORM.match(pairs[0]))
            if len(pairs) >= 2 and named and sum(ch.isupper() for ch in pairs[0]) >= 2:
                meaning = re.split(r"[.:;(]", pairs[1], maxsplit=1)[0].strip()
                if len(meaning.split()) > 10:  # "Domestic Abuse Related Death Review, the current name for …"
                    meaning = meaning.split(",", 1)[0].strip()
                if 2 <= len(meaning.split()) <= 10 and _initials_fit(pairs[0], meaning):
                    found.setdefault(pairs[0].lower(), meaning)
            continue
        for line in text.split("\n"):
            match = _LINE.match(line.strip())
            if match and sum(ch.isupper() for ch in match.group(1)) >= 2:
                meaning = re.split(r"[.:;(,]|\s[-–—]\s", match.group(2), maxsplit=1)[0].strip()
                if meaning.lower().startswith("the "):
                    meaning = meaning[4:]
                if 2 <= len(meaning.split()) <= 10 and _initials_fit(match.group(1), meaning):
                    found.setdefault(match.group(1).lower(), meaning)
        for full, short in _INLINE.findall(text):
            initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’-]*", full) if w[0].isupper())
            if short.upper().rstrip("S").startswith(initials[: max(2, len(short) - 2)][:2]):
                found.setdefault(short.lower(), full.strip())
    return found


def defined_terms(kind: str, text: str) -> set[str]:
    """The acronyms a chunk defines: a glossary row's first cell, or a glossary line's term."""
    if kind == "table_row":
        first = text.split("; ", 1)[0]
        first = first.partition(": ")[2] or first
        return {first.lower()} if _ACRONYM.match(first) else set()
    return {m.group(1).lower() for line in text.split("\n") if (m := _LINE.match(line.strip()))
            and sum(ch.isupper() for ch in m.group(1)) >= 2}


def headed_entry(kind: str, section: str, text: str) -> str:
    """A glossary written as one heading per term ("### HSC" over "Home Safety Conference (local). …"): the entry
    as a glossary line ("HSC – Home Safety Conference (local). …") when the text opens with the words the heading's
    letters stand for; any other passage as it is."""
    section = section.strip()
    if kind == "table_row" or not _ACRONYM.match(section) or text.lstrip().startswith(section):
        return text
    letters = section.rstrip("s").lower() if section[-1] == "s" and section[:-1].isupper() else section.lower()
    small = {"and", "of", "for", "the", "to", "in", "on", "&"}
    opening = [p for w in re.findall(r"[A-Za-z][\w'’-]*", text.split("\n", 1)[0])[:2 * len(letters) + 2]
               if w.lower() not in small for p in w.split("-") if p]
    return f"{section} – {text}" if "".join(w[0].lower() for w in opening[:len(letters)]) == letters else text


def _initials_fit(acronym: str, meaning: str) -> bool:
    """'DA' fits 'Domestic abuse'; 'LN' does not fit 'Head of Neighbourhood Enforcement' (a person's initials)."""
    small = {"and", "of", "for", "the", "to", "in", "on"}
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", meaning) if w.lower() not in small]
    return bool(words) and words[0][0].lower() == acronym[0].lower()


def defines_term(text: str, acronyms: dict[str, str]) -> bool:
    """A glossary line ("SSDG (local) – Safer Streets Delivery Group.") explaining a term the knowledge base knows."""
    match = _LINE.match(text.strip())
    return match is not None and match.group(1).lower() in acronyms


# "Term – what it means" or "Term (local) – …": the shape of a glossary written as lines.
_ENTRY = re.compile(r"^[A-Z0-9][^–—:.]{0,60}?(?:\s\([^)]{1,20}\))?\s*[–—]\s+\S")


def is_glossary_list(text: str) -> bool:
    """A passage that is a run of glossary entries: each line explains a term, none answers a question."""
    lines = [line for line in text.split("\n") if line.strip()]
    entries = sum(1 for line in lines if _ENTRY.match(line.strip()) or _acronym_line(line))
    return len(lines) >= 3 and entries >= 0.6 * len(lines)


def _acronym_line(line: str) -> bool:
    match = _LINE.match(line.strip())
    return match is not None and sum(ch.isupper() for ch in match.group(1)) >= 2


_TITLE_PHRASE = re.compile(r"\b[A-Z][a-z][\w'’-]*"
                           r"(?:[ \t]+(?:(?:of|and|for|the|&|on|in|to)[ \t]+)*[A-Z][a-z][\w'’-]*){1,5}")
_SMALL = frozenset({"of", "and", "for", "the", "&", "on", "in", "to"})


def learn_initialisms(texts: Iterable[str]) -> dict[str, str]:
    """Initials of the names the documents use ('csf' → 'Community Safety Fund'), for shortenings staff invent in
    chat that no glossary defines. Only an unambiguous name is kept: one clearly more used than any other."""
    counts: dict[str, dict[str, int]] = {}
    for text in texts:
        for phrase in _TITLE_PHRASE.findall(text):
            tokens = phrase.split()
            sig = [i for i, w in enumerate(tokens) if w.lower() not in _SMALL]
            # Every run of two to five name words: "DA forum" is the "Domestic Abuse Forum" inside a longer name.
            for a in range(len(sig)):
                for b in range(a + 1, min(a + 5, len(sig))):
                    name = " ".join(tokens[sig[a]:sig[b] + 1])
                    # Initials are written without the small words ("csf") or with them ("MoJ").
                    for key in {"".join(tokens[i][0].lower() for i in sig[a:b + 1]),
                                "".join(w[0].lower() for w in tokens[sig[a]:sig[b] + 1])}:
                        names = counts.setdefault(key, {})
                        names[name] = names.get(name, 0) + 1
    out: dict[str, str] = {}
    for key, names in counts.items():
        ranked = sorted(names.items(), key=lambda kv: -kv[1])
        # (a name written once counts when no other name shares its three or more initials: "ICO" is the
        # "Information Commissioner's Office" the agreement mentions once)
        if (ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1])) or (
                len(ranked) == 1 and len(key) >= 3):
            out[key] = ranked[0][0]
    return out


MAX_CANDIDATES = 4  # more phrases than this sharing the initials: the shortening is too ambiguous to guess
_LOWER_RUN = re.compile(r"(?<![\w'’-])[a-z]+(?:-[a-z]+)*(?:,?[ ]+[a-z]+(?:-[a-z]+)*)+")


def learn_phrase_initialisms(texts: Iterable[str], small: frozenset[str]) -> tuple[dict[str, str],
                                                                                 dict[str, list[str]]]:
    """Initials of the everyday phrases the documents repeat ('nte' → 'night-time economy', 'cp' → 'child
    protection'): a fallback for chat shortenings of things the documents never write as a name. A phrase that
    clearly dominates its initials and is used at least twice is kept. For other initials of three or more letters,
    the phrases of three or more words that share them are returned as candidates ('eet' → 'employment, education
    or training' or 'example enforcement target'), for the question's other words to choose between."""
    counts: dict[str, dict[str, int]] = {}
    for text in texts:
        for run in _LOWER_RUN.findall(text.lower()):
            tokens = run.replace(",", "").split()
            for a in range(len(tokens) - 1):
                for b in range(a + 2, min(a + 4, len(tokens)) + 1):
                    window = tokens[a:b]
                    # A small word may sit inside the phrase ("violence with injury": vwi), not at either end.
                    if window[0] in small or window[-1] in small or (len(window) == 2 and window[1] in small):
                        continue
                    phrase = " ".join(window)
                    inner = [w for w in window if w not in small]
                    # Initials are written with the small words ("vwi") or without them ("eet").
                    for key in {"".join(p[0] for w in window for p in w.split("-")),
                                "".join(p[0] for w in inner for p in w.split("-"))}:
                        if 2 <= len(key) <= 5:
                            names = counts.setdefault(key, {})
                            names[phrase] = names.get(phrase, 0) + 1
    out: dict[str, str] = {}
    candidates: dict[str, list[str]] = {}
    for key, names in counts.items():
        ranked = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))
        if ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            out[key] = ranked[0][0]
        elif len(key) >= 3:
            longer = [name for name, _ in ranked if len(re.split(r"[ -]", name)) >= 3]  # "first-time entrants"
            if 0 < len(longer) <= MAX_CANDIDATES:
                candidates[key] = longer
    return out, candidates
