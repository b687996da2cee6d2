"""Evidence units (sentences, list items, table rows) and the checks that tell an answer from a near miss."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from assistant.index import IndexedChunk
from assistant.months import MONTH_WORD
from assistant.text import NUMBER_WORDS, SENTENCE_BREAK, terms
from ingestion.screening import strip_instructions

PHONE = re.compile(r"\b0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\b999\b|\b111\b|\b101\b")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
NUMBER = re.compile(r"£?\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b", re.I)
DATE = re.compile(r"\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|"
                  r"December)\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|"
                  r"December)\s+20\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b20\d\d\b", re.I)
# A day, not only a month or a term: "14 September", "Sept 14th", "14/09/2026" (not "each September", "summer 2026").
DAY_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_WORD}\b|"
                      rf"\b{MONTH_WORD}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
                      r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b20\d\d-\d\d-\d\d\b", re.I)
TIMESCALE = re.compile(r"\b(?:within|\d+\s+(?:working\s+)?(?:days?|hours?|weeks?|months?)|same day|next working day|"
                       r"weekly|fortnightly|monthly|quarterly|annually|every)\b", re.I)
# How often something happens: "weekly", "every Thursday", "six times a year", "on the second Tuesday of each month".
FREQUENCY = re.compile(r"\b(?:daily|weekly|fortnightly|monthly|bi-?monthly|quarterly|annually|yearly|"
                       r"every\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?|quarters?|monday|tuesday|wednesday|thursday|"
                       r"friday|\d+\s+\w+)|(?:once|twice|\w+\s+times)\s+(?:a|per|each)\s+(?:day|week|month|year|quarter)|"
                       r"(?:each|per)\s+(?:week|month|quarter|year)|"
                       r"(?:first|second|third|fourth|last)\s+(?:monday|tuesday|wednesday|thursday|friday)s?|"
                       r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|december)"
                       r",\s*){2,}(?:and\s+)?(?:january|february|march|april|may|june|july|august|september|october|"
                       r"november|december))\b", re.I)
# The day something happens on: "every Thursday", "the 3rd of each month", "the first working day" (one
# meeting's date, "28 February", is not its usual day).
WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b\d{1,2}(?:st|nd|rd|th)\b|"
                     r"\b(?:first|second|third|fourth|last|final)\s+(?:working\s+)?(?:day|week)\b", re.I)
# "How often does the board meet": a frequency said of its meetings, not of something else ("used every day").
# "Why were they against it" is answered by what was said for or against it, and why.
REASON = re.compile(r"\b(?:because|due to|owing to|as a result|reasons?|said that|felt|concerns?|so that|in order to|"
                    r"explained|would (?:make|push|damage|mean|cause|lead|put|leave))\b", re.I)
FUNDED = re.compile(r"\b(?:funded|funding|funds?|grant|allocation|paid (?:for )?(?:by|from|out of)|budget|"
                    r"commissioned (?:by|from))\b", re.I)
# "What's the quorum" is answered by a line that sets one ("quorate when five members…", "Quorum: 4"), not by a
# pointer to where quorum is set out.
_HOW_MANY = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|half|a third|two.thirds)"
QUORUM = re.compile(rf"\bquor(?:um|ate|acy)\b[^.;]{{0,60}}\b{_HOW_MANY}\b|"
                    rf"\b{_HOW_MANY}\b[^.;]{{0,60}}\bquor(?:um|ate)\b", re.I)
# ("an average of 31 cases per fortnightly meeting" is a statistic about meetings, not how often they are held)
MEETING_FREQUENCY = re.compile(r"(?is)^(?=.*\b(?:meet|frequency\b))(?=.*(?<!per )(?:" + FREQUENCY.pattern + "))")
# A count: a number that is not a percentage, an amount of money, a year, a date, a time or part of an id.
COUNT = re.compile(r"(?<![\w£$.,/:-])(?!(?:19|20)\d\d\b)\d{1,3}(?:,\d{3})*(?:\.\d+)?"
                   r"(?!(?:\s*(?:and|or|to|-|–)\s*\d+)?\s+(?:working\s+)?(?:days?|hours?|weeks?|months?|years?|minutes?)\b)"
                   r"(?![\w%.,/:-]|\s*(?:%|per ?cent|am|pm|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\b)|"
                   r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
                   r"forty|fifty|hundred)\b(?!\s+(?:working\s+)?(?:days?|hours?|weeks?|months?|years?|minutes?)\b)",
                   re.I)
CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:am|pm)\b|\bnoon\b|\bmidday\b|\bmidnight\b", re.I)
# An organisation named, not described: "Northgate Academy", "Provider: Change Grow Live", "run by Turning Point"
# (not "the remaining academy" or "a new provider").
NAMED_ORG = re.compile(r"\b[A-Z][\w'&-]+(?:\s+[A-Z][\w'&-]+)*\s+(?:Academy|School|College|Charity|Trust|Hospital)\b|"
                       r"(?i:\b(?:provider|contractor|supplier|school|academy|charity|organi[sz]ation)s?\s*"
                       r"(?::|is|was|will be|[-–])\s*)[A-Z][\w'&-]+|"
                       r"(?i:\b(?:run|provided|delivered|commissioned) (?:by|from)\s+)[A-Z][\w'&-]+")
# Where a meeting is held: a building or room, or online, said of the meeting.
VENUE = re.compile(r"(?is)^(?=.*\b(?:meets?|meetings?|held|venue|takes? place)\b)"
                   r"(?=.*\b(?:room|building|hall|cent(?:re|er)|house|offices?|library|station|venue|chambers|"
                   r"online|(?:microsoft )?teams|zoom|virtual(?:ly)?|in person|hybrid)\b)")
# (a table row may give the unit in a cell or column name of its own: "Unit: %; … Value: 71,4", "Latest (%): 64")
PERCENT = re.compile(r"\d\s?%|\d\s?per ?cent\b|:\s*%\s*(?:;|$)|\(%\)", re.I)
MONEY = re.compile(r"£\s?\d|\b\d[\d,.]*\s?(?:pounds|k|m|million)\b", re.I)
# A form named in the evidence: "form" itself or a form code such as ASC1, PTG1, MARF.
FORM = re.compile(r"\bforms?\b|\b[A-Z]{2,5}\d{1,2}\b")
ROLE = re.compile(r"\b(?:Head|Manager|Chair|Lead|Officer|Director|Coordinator|Co-ordinator|Board|Team|Panel|Service|"
                  r"Worker|Commander|Superintendent|MASH|Hub|Unit)\b")
STATUS = re.compile(r"\b(?:complete[d]?|green|amber|red|blue|on track|delayed|open|closed|overdue|done|"
                    r"in progress|not started)\b", re.I)

OWNERSHIP = re.compile(r"\b(?:owns?|owner|responsib\w*|until|from the point|remains?|keeps?|takes? over|"
                       r"lead(?:s)? (?:on|the)|allocated)\b", re.I)
# "Who can use this pathway": an age, a group the service is for or not for.
ELIGIBLE = re.compile(r"\b(?:aged? (?:\d+|under|over|between|from)|\d+ (?:and|or) (?:over|above|under|older)|"
                      r"(?:over|under) (?:the age of )?\d+|\d+ ?(?:to|-|–) ?\d+ years|years? old|eligib\w*|"
                      r"who can (?:use|be referred|refer)|(?:is|are) not for|only for|does not cover|"
                      r"cannot be referred|excluded)\b", re.I)
CONSENT = re.compile(r"\b(?:consent|agree\w*|without (?:their|the person's)|declin\w*|refus\w*)\b", re.I)

# "Reports to: ASB Board", "Governance: Violence & Exploitation Board", "overseen by", "a sub-group of".
GOVERNANCE = re.compile(r"\breport(?:s|ing)?\s+(?:in)?to\b|\bgovern(?:ance|ed\s+by)\b|\boverseen\s+by\b|"
                        r"\baccountable\s+to\b|\bsub-?group\s+of\b|"
                        r"\b(?:own(?:ing|er)|lead(?:ing)?)\s+(?:board|group|body|committee|forum)\b", re.I)

# A retention rule: "Keep for: 6 years", "retained for", "destroyed after".
# ("Safe Home Panel records: 6 years after the case is closed": a retention table's line needs no verb)
# A retention rule says how long: "kept for 6 years", "destroyed 3 months after closure", "until the case closes"
# (a sentence that only mentions "the retention rules" is not one).
RETAINED = re.compile(r"(?is)^(?=.*\b(?:retain\w*|retention|kept|keep for|destroy\w*|delet\w*|dispos\w*|"
                      r"\d+ (?:years?|months?|weeks?|days?) (?:after|from) (?:the )?(?:case|closure|last|end|date|"
                      r"closing|referral|contact|discussion)\w*)\b)"
                      r"(?=.*(?:\b(?:\d+|one|two|three|four|five|six|seven|ten|twelve)\s+(?:years?|months?|weeks?|days?)\b|"
                      r"\buntil\b|\bimmediately\b|\bend of\b|\bpermanent\w*|\bindefinite\w*))")

# A target stated with its figure: "Target for 2028/29: 50 or fewer", "a year-one milestone of 66%".
TARGET = re.compile(r"\b(?:target|goal|ambition|aim|milestone|trajectory)\w*\b[^.;]{0,60}?\d", re.I)

# A score that marks a level: "a DASH score of 14 or more", "22+ on the matrix", "scores above 10".
CUTOFF = re.compile(r"(?<![\w/.£])\d{1,3}(?:\.\d+)?\s*(?:\+|or (?:more|above|over|higher|less|below|fewer)|points?\b|"
                    r"out of\b|/\s*\d{1,3}(?![\d/]))|"
                    r"\b(?:scor\w*|threshold|cut[- ]?off|above|over|below|under|at least)\b[^.;]{0,30}?"
                    r"(?<![\w/.£])\d{1,3}\b(?![/:.]\d)", re.I)
TYPE_PATTERNS: dict[str, re.Pattern[str]] = {
    "target": TARGET, "retention": RETAINED, "quorum": QUORUM, "reason": REASON, "funding_source": FUNDED,
    "ownership": OWNERSHIP, "consent": CONSENT, "eligibility": ELIGIBLE,
    "phone": PHONE, "email": EMAIL, "form": FORM, "number": NUMBER, "count": COUNT, "money": MONEY, "date": DATE,
    "day_date": DAY_DATE,
    "percent": PERCENT, "clock": CLOCK, "timescale": TIMESCALE, "frequency": FREQUENCY,
    "meeting_frequency": MEETING_FREQUENCY, "weekday": WEEKDAY, "cutoff": CUTOFF, "venue": VENUE,
    "organisation": NAMED_ORG,
    "role": ROLE,
    "status": STATUS, "governance": GOVERNANCE,
}


@dataclass(frozen=True)
class Unit:
    chunk: IndexedChunk
    text: str
    terms: frozenset[str]


def units_of(chunk: IndexedChunk, max_chars: int = 320) -> list[Unit]:
    """Split a chunk into answerable units: its lines, and long lines into sentences."""
    out: list[Unit] = []
    for line in chunk.text.split("\n"):
        line = line.strip()
        if not line:
            continue
        pieces = [line] if len(line) <= max_chars or chunk.kind == "table_row" else SENTENCE_BREAK.split(line)
        for piece in pieces:
            piece = piece.strip()
            if len(piece) >= 3:
                out.append(Unit(chunk, piece, frozenset(terms(piece))))
    return out


def readable_units(chunk: IndexedChunk) -> Iterator[tuple[Unit, str]]:
    """The chunk's units as answers read them: instructions stripped, a table or figure title left out (a table
    row is never one). One rule for the rerank at question time and for the sentences embedded at ingest."""
    for unit in units_of(chunk):
        text = strip_instructions(unit.text)
        if text and (chunk.kind == "table_row" or not is_caption(text)):
            yield unit, text


_CAPTION = re.compile(r"^(?:Table|Figure|Chart|Annex|Appendix)\s+[\dA-Z]+[.:]?\s", re.I)


def is_caption(text: str) -> bool:
    """A table or figure title names what follows; it never answers a question itself."""
    return len(text) <= 160 and bool(_CAPTION.match(text))


# Numbers that label rather than count: a clause number leading the text ("7.3 Once the panel…"), a level, stage,
# schedule or table number, and the digits of phone numbers, e-mail addresses, dates and times.
_LABEL = re.compile(r"^\s*(?:\d+(?:\.\d+)+\.?|\d+[.)]|\(\d+\))\s|\b(?:level|tier|stage|schedule|section|"
                    r"para(?:graph)?|table|part|priority|step|item|clause|appendix|annex|version|v|phase|year|q|quarter|ward|page|room|floor|"
                    r"aim|objective|outcome|theme|band|grade|rung|box|gate|standard|article|rule|reg|min(?:ute)?)"
                    r"\s*:?\s*\d+(?:\.\d+)*[a-z]?\b|" + PHONE.pattern + "|" + EMAIL.pattern + "|" + DATE.pattern
                    + r"|\b\d{1,2}[:.]\d{2}\b", re.I)
_COUNTING = ("count", "number", "money")


@lru_cache(maxsize=8192)  # the same unit texts are tested again for each part of a question and each stage
def type_match(answer_types: tuple[str, ...], text: str, given: tuple[str, ...] = ()) -> float:
    """1.0 when the text holds the kind of answer asked for (a phone number for 'what number do I call'). A figure
    the question ``given`` states itself is not one asked for."""
    wanted = [t for t in answer_types if t in TYPE_PATTERNS]
    if not wanted:
        return 0.5
    counting = any(t in _COUNTING for t in wanted)
    unlabelled = _LABEL.sub(" ", text) if counting else text
    if given and counting:
        unlabelled = re.sub(r"(?<![\d.,£])(?:" + "|".join(map(re.escape, given)) + r")(?![\d.,%])", " ", unlabelled)
    return 1.0 if any(TYPE_PATTERNS[t].search(unlabelled if t in _COUNTING else text) for t in wanted) else 0.0


def compact_row(text: str, qterms: set[str], limit: int = 240) -> str:
    """Shorten a 'header: value; …' table row for an answer: keep the row's name columns, the short values
    (figures, dates, RAG) and any column the question mentions; drop long commentary the question didn't ask for."""
    if len(text) <= limit:
        return text
    pairs = text.split("; ")
    kept = []
    for i, pair in enumerate(pairs):
        _, _, value = pair.partition(": ")
        asked = bool(qterms & set(terms(pair)))
        value = value or pair
        figure = any(ch.isdigit() for ch in value) and len(value) <= 40
        if i < 3 or figure or (len(value) <= 12 and " " not in value) or asked:
            kept.append(pair)
    out = "; ".join(kept)
    return out if len(out) < len(text) else text


def states_relation(relation: str, text: str) -> bool:
    """The text says who holds the role: "Chair: Director of Public Health", "chaired by the Head of …", "Owner
    (role): …", "the lead is …" (not merely the role's name, as in "the Chair welcomed members")."""
    if not relation:
        return False
    stem = "(?:lead|led)" if relation == "lead" else re.escape(relation).replace("\\-", "[- ]?")
    pattern = (rf"\b{stem}\w*(?:\s*\([^)]*\))?\s*:\s*\S|\b{stem}\w*\s+by\b|"
               rf"\b(?:is|remains|becomes|stays|will be|acts as)\s+(?:the\s+)?{stem}\w*\b|"
               rf"\b{stem}\w*\s+is\b|\b{stem}s\s+(?:the|it|this|each)\b")
    return re.search(pattern, text, re.I) is not None


def states_any(relation: str, texts: list[str]) -> bool:
    """No relation is asked ("who chairs …"), or one of the texts says who holds it ("An independent chair has been
    identified" does not)."""
    return not relation or any(states_relation(relation, t) for t in texts)


# A later decision that changes an earlier one: what "is it still happening?" turns on.
CHANGED = re.compile(r"\b(?:rescind\w*|revers\w*|revok\w*|cancel\w*|withdr[ae]w\w*|supersed\w*|replaced|paus\w*|"
                     r"stopp\w*|no longer|on hold|halt\w*|scrapp\w*|dropped|will not (?:go ahead|proceed)|"
                     r"(?:decided|agreed|resolved) not to (?:proceed|go ahead|continue|pursue)|"
                     r"not (?:go ahead|proceed))\b", re.I)

# A meeting's decision: what a later record says about an action or a plan.
# Whether a target was hit: "T1 and T4 were met; T2 was not", "achieved", "missed".
OUTCOME = re.compile(r"\b(?:met|achieved|missed|exceeded|reached|not met|fell short|on track|off track)\b", re.I)
# "did the old plan hit its knife crime target?", "was the FTE target met": the outcome is asked, not the figure.
ASKS_OUTCOME = re.compile(r"\b(?:did|was|were|has|have)\b[^?]{0,80}\b(?:hit|meet|met|achiev\w*|reach\w*|miss\w*|"
                          r"make|made)\b", re.I)
DECIDED = re.compile(r"\b(?:decision|decided|agreed|approved|closed|rejected|deferred|extended)\b|" + CHANGED.pattern,
                     re.I)


_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def states_value(text: str, values: tuple[str, ...]) -> bool:
    """The text gives one of these figures ("120", "3" written as "three", "302000" as "302,000")."""
    found = {f.replace(",", "") for f in _FIGURE.findall(text)}
    found |= {NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS}
    return any(v in found for v in values)
