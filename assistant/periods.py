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


def other_period(question: str, unit: Unit) -> bool:
    """The question names a year span and the unit (with its row or passage) names periods, none of them it."""
    asked = year_spans(question)
    if not asked:
        return False
    held = spans_in(unit.text) | spans_in(unit.chunk.text)
    return bool(held) and not held & asked
