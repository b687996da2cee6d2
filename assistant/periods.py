"""Whether a figure is for the period asked: "the grant for 26/27" is not answered by the 2025-26 amount.

A question that names a year span ("26/27", "2026-27") asks for that period. A figure whose passage names only
other periods ("2025-26: £1,036,000", "2022-23: 5; 2024-25: 4") is about another year, and the honest answer is
that the documents do not give it, with the nearest documents as pointers.
"""

from __future__ import annotations

import re

from assistant.analysis import year_spans
from assistant.evidence import Unit

# "Apr 2025-Mar 2026", "April 2025 to March 2026": a financial year written with months.
_MONTH_RANGE = re.compile(r"\b[A-Za-z]{3,9}\.?\s+20(\d\d)\s*(?:[-–]|to)\s*[A-Za-z]{3,9}\.?\s+20(\d\d)\b")


def spans_in(text: str) -> set[tuple[str, str]]:
    return year_spans(text) | {(a, b) for a, b in _MONTH_RANGE.findall(text) if int(a) < int(b) <= int(a) + 1}


# "Q3 2026/27", "q3": a quarter of a year.
_QUARTER = re.compile(r"\bq([1-4])\b", re.I)


def other_period(question: str, unit: Unit) -> bool:
    """The question names a year span (or a quarter) and the unit (with its row or passage) names periods, none
    of them the one asked."""
    asked = year_spans(question)
    quarters = set(_QUARTER.findall(question))
    held_quarters = set(_QUARTER.findall(unit.text)) | set(_QUARTER.findall(unit.chunk.text))
    if quarters and held_quarters and not quarters & held_quarters:
        return True  # "the Q3 figure" is not the Q2 row
    if not asked:
        return False
    held = spans_in(unit.text) | spans_in(unit.chunk.text)
    if not held & asked:
        return bool(held)
    # "£438,600 for 2026-27 ... allocations for 2027-28 will be confirmed": the asked year is named, with no figure
    figured = _figured_spans(unit.text) | _figured_spans(unit.chunk.text)
    return bool(figured) and not figured & asked


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_YEARISH = re.compile(r"\b(?:20)?\d\d\s*(?:[-–/]|to)\s*(?:20)?\d\d\b|\b(?:19|20)\d\d\b")


def _figured_spans(text: str) -> set[tuple[str, str]]:
    """The year spans named in a sentence that gives a figure besides the years themselves."""
    out: set[tuple[str, str]] = set()
    for sentence in _SENTENCE.split(text):
        spans = spans_in(sentence)
        if spans and re.search(r"\d", _YEARISH.sub("", sentence)):
            out |= spans
    return out


# "Q2 2026/27", "Q1 2026": the reporting period of a scorecard row, as (year the period starts in, quarter).
_ROW_QUARTER = re.compile(r"\bQ([1-4])\s+(?:20)?(\d\d)(?:\s*[/-]\s*(?:20)?\d\d)?\b", re.I)


def row_period(text: str) -> tuple[int, int] | None:
    match = _ROW_QUARTER.search(text)
    return (int(match.group(2)), int(match.group(1))) if match else None


def asks_quarter(question: str) -> bool:
    return bool(_QUARTER.search(question))
