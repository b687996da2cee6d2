"""Months a question names ("what did the board agree in nov", "the april exec"): the documents dated in that
month (a meeting's minutes, a monthly report) are the likeliest source."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
_MONTHS = tuple(m[:3].lower() for m in MONTH_NAMES)


def month_name(word: str) -> str:
    """'apr', 'Sept', 'april' → 'April'."""
    return MONTH_NAMES[_MONTHS.index(word[:3].lower())]
# "may" and "march" are ordinary words too: they count as months only beside a date word or a year.
# A month written in full or short ("sept", "Apr"), for other patterns to build on.
MONTH_WORD = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
              r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_MONTH = re.compile(rf"\b({MONTH_WORD})\b(?:\s+'?(?:20)?(\d\d)\b)?", re.I)
_AMBIGUOUS = {"may", "mar", "march"}
_DATE_CONTEXT = re.compile(r"(?:\b(?:in|since|from|by|of|last|this|next|the|until|before|after|early|late|mid)\s+)$",
                           re.I)


def months_asked(question: str) -> set[tuple[int, int | None]]:
    """(month, year or None) for each month the question names."""
    out: set[tuple[int, int | None]] = set()
    for m in _MONTH.finditer(question):
        word, year = m.group(1).lower(), m.group(2)
        if word in _AMBIGUOUS and not year and not _DATE_CONTEXT.search(question[: m.start()]):
            continue
        out.add((_MONTHS.index(word[:3]) + 1, 2000 + int(year) if year else None))
    return out


def dated_in(iso_date: str, asked: set[tuple[int, int | None]]) -> bool:
    """The document's ISO date falls in one of the asked months."""
    if len(iso_date) < 7 or not iso_date[:4].isdigit() or not iso_date[5:7].isdigit():
        return False
    year, month = int(iso_date[:4]), int(iso_date[5:7])
    return any(month == m and (y is None or y == year) for m, y in asked)


RECALL_SPAN = 30  # how close before a month a decision word must be for the text to recall that month's decision
_ASKS_DECISION = re.compile(r"\b(?:decide[ds]?|decision|agree[ds]?|approve[ds]?|resolve[ds]?|sign(?:ed)? off)\b", re.I)


def meeting_not_held(question: str, meeting_dates: list[str], evidence: Sequence[str] = ()) -> bool:
    """'What did the board decide in June 2026?' when no meeting record is dated in June 2026 and no evidence
    recalls a decision of that month ("this changes its own decision of 16 September 2025"): the documents hold no
    such meeting, so any decision found elsewhere would answer a different question."""
    asked = months_asked(question)
    if not asked or not _ASKS_DECISION.search(question) or any(dated_in(d, asked) for d in meeting_dates):
        return False
    return not any(_mentions(text, asked) for text in evidence)


def _named_months(text: str) -> Iterator[tuple[int, int | None, int]]:
    """(month, year stated beside it or None, where it starts) for each month the text names ("16 September 2025",
    "April 2025"); "may" and "march" count only when written with a capital."""
    for m in _MONTH.finditer(text):
        if m.group(1).lower() in _AMBIGUOUS and not m.group(1)[0].isupper():
            continue
        year = re.match(r"\s*(?:\d{1,2}(?:st|nd|rd|th)?\s*)?,?\s*(20\d\d)\b", text[m.end():])
        stated = int(year.group(1)) if year else (2000 + int(m.group(2)) if m.group(2) else None)
        yield _MONTHS.index(m.group(1)[:3].lower()) + 1, stated, m.start()


def _mentions(text: str, asked: set[tuple[int, int | None]]) -> bool:
    for month, stated, start in _named_months(text):
        # ("its own decision of 16 September 2025", not "report back to the June 2026 meeting")
        recalled = _ASKS_DECISION.search(text[max(0, start - RECALL_SPAN):start])
        if recalled and any(month == am and (ay is None or ay == stated) for am, ay in asked):
            return True
    return False


def mentions_month(text: str, asked: set[tuple[int, int | None]]) -> bool:
    """The text names one of the asked months ("between April 2025 and February 2026" for "apr 25 to feb 26")."""
    return any(month == am and (ay is None or stated is None or ay == stated)
               for month, stated, _start in _named_months(text) for am, ay in asked)


def asked_period(question: str) -> set[tuple[int, int | None]]:
    """The months of a period the question names ("apr 25 to feb 26"); one month alone names a meeting instead."""
    asked = months_asked(question)
    return asked if len(asked) > 1 else set()


def period_share(text: str, period: set[tuple[int, int | None]]) -> float:
    """How many of the period's months the text names, as a share."""
    return sum(mentions_month(text, {m}) for m in period) / len(period) if period else 0.0
