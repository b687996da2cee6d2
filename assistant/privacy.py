"""Detect personal and case data (people's identifiers) as opposed to a partnership's ordinary content.

Service phone numbers, shared mailboxes, role titles and officers' initials are ordinary content. What marks a
person is a strong identifier (NHS number with a valid check digit, National Insurance number, date of birth,
personal mobile number, home address with postcode, prison number, police crime reference).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NHS = re.compile(r"\b(\d{3})[ -]?(\d{3})[ -]?(\d{4})\b")
_NI = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b")
_DOB = re.compile(
    r"\b(?:DOB|D\.O\.B\.?|date of birth|born)\b[:\s]*"
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4})",
    re.IGNORECASE,
)
_DATE_CELL = re.compile(r"^\s*(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}|"
                        r"\d{1,2}\s+[A-Z][a-z]+\s+(?:19|20)\d{2})\s*$")
_MOBILE = re.compile(r"\b(?:\+44\s?7|07)\d{3}\s?\d{3}\s?\d{3}\b")
_POSTCODE_ADDRESS = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\s+(?:Road|Street|Close|Avenue|Lane|Parade|Way|Drive|"
    r"Court|Gardens|Place|Crescent|Terrace|Walk|Grove|Hill|Row|Square|House)\b[^\n]{0,60}?\b"
    r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"
)
_PRISON_NO = re.compile(r"\b(?:prison(?:er)? (?:number|no\.?)|NOMIS)[:\s]+[A-Z]\d{4}[A-Z]{2}\b", re.IGNORECASE)
_CRIME_REF = re.compile(r"\b(?:CRIS|CAD|crime ref(?:erence)?)[:\s]+\d{3,7}/\w+", re.IGNORECASE)
_EMAIL_PERSONAL = re.compile(r"\b[a-z]+\.[a-z]+\d{2,4}@[a-z.-]+\b", re.IGNORECASE)


def _nhs_valid(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


@dataclass(frozen=True)
class PersonalDataReport:
    kinds: tuple[str, ...]  # e.g. ("NHS number", "date of birth")
    count: int

    @property
    def found(self) -> bool:
        return bool(self.kinds)

    @property
    def is_case_file(self) -> bool:
        """Enough identifiers to treat the text as case notes about people: quarantine it."""
        strong = {"NHS number", "National Insurance number", "date of birth", "prison number"}
        return bool(strong & set(self.kinds)) or len(self.kinds) >= 2


def scan(text: str) -> PersonalDataReport:
    found: dict[str, int] = {}

    def hit(kind: str, n: int) -> None:
        if n:
            found[kind] = found.get(kind, 0) + n

    hit("NHS number", sum(1 for m in _NHS.finditer(text) if _nhs_valid("".join(m.groups()))))
    hit("National Insurance number", len(_NI.findall(text)))
    hit("date of birth", len(_DOB.findall(text)))
    hit("personal mobile number", len(_MOBILE.findall(text)))
    hit("home address", len(_POSTCODE_ADDRESS.findall(text)))
    hit("prison number", len(_PRISON_NO.findall(text)))
    hit("police reference", len(_CRIME_REF.findall(text)))
    hit("personal email address", len(_EMAIL_PERSONAL.findall(text)))
    return PersonalDataReport(tuple(sorted(found)), sum(found.values()))


def looks_like_date_of_birth_column(header: str, cell: str) -> bool:
    return bool(re.search(r"\b(dob|date of birth|born)\b", header, re.IGNORECASE) and _DATE_CELL.match(cell))


def redact(text: str) -> str:
    """Replace identifiers with placeholders, for logs and short excerpts."""
    for pattern, label in ((_NI, "[NI]"), (_MOBILE, "[phone]"), (_POSTCODE_ADDRESS, "[address]"),
                           (_DOB, "[DOB]"), (_CRIME_REF, "[ref]"), (_EMAIL_PERSONAL, "[email]")):
        text = pattern.sub(label, text)
    return _NHS.sub(lambda m: "[NHS]" if _nhs_valid("".join(m.groups())) else m.group(0), text)
