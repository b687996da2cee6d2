"""Response times in a protocol's own words: '5 working days', '48 hours', 'two weeks'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TimeUnit = Literal["hours", "days", "working_days", "weeks"]

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
}
_DURATION = re.compile(
    r"\b(?P<n>\d+|" + "|".join(_NUMBER_WORDS) + r")\s*(?:-\s*)?"
    r"(?P<unit>working\s+weeks?|working\s+days?|business\s+days?|calendar\s+days?|days?|hours?|hrs?|weeks?)\b",
    re.IGNORECASE,
)

@dataclass(frozen=True)
class ResponseTime:
    """How long an owner has to acknowledge before the escalation moves up."""

    amount: int
    unit: TimeUnit

    def __str__(self) -> str:
        names = {"hours": "hour", "days": "calendar day", "working_days": "working day", "weeks": "week"}
        name = names[self.unit]
        return f"{self.amount} {name}{'' if self.amount == 1 else 's'}"


def parse_response_time(text: str) -> ResponseTime:
    """Read '5 working days', 'Within 2 working days of escalation', '48 hours', 'two weeks'."""
    m = _DURATION.search(text or "")
    if not m:
        raise ValueError(f"'{text}' is not a response time. Write a number and a unit, such as "
                         "'5 working days', '48 hours' or '2 weeks'.")
    raw = m.group("n").lower()
    amount = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    unit_text = re.sub(r"\s+", " ", m.group("unit").lower())
    if amount <= 0:
        raise ValueError(f"'{text}' must be more than zero.")
    if unit_text.startswith("working week"):
        return ResponseTime(amount * 5, "working_days")  # a working week is five working days, not seven days
    if unit_text.startswith(("working", "business")):
        return ResponseTime(amount, "working_days")
    if unit_text.startswith(("hour", "hr")):
        return ResponseTime(amount, "hours")
    if unit_text.startswith("week"):
        return ResponseTime(amount, "weeks")
    return ResponseTime(amount, "days")
