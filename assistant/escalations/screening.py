"""Refuse escalation text that identifies a person, before it is stored or posted.

``assistant.privacy.scan`` finds strong identifiers (NHS and NI numbers, dates of birth, personal mobiles, home
addresses). A stuck-case summary is held to a stricter line than a document: a postcode on its own, any phone
number that is not one of the partnership's published contacts, or a name followed by a date is refused too.
The error names what kind of data was found, never the text itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.errors import PersonalDataError
from assistant.privacy import scan

_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\d/])(?:\+44\s?\(?0?\)?\s?|0)\d(?:[\s-]?\d){8,9}(?![\d/])")
_NAME_WITH_DATE = re.compile(
    r"\b[A-Z][a-z]+(?:[ '-][A-Z][a-z]+)+\s*[,(]?\s*(?:b\.|born|aged)?\s*"
    r"\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}\b")
_TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+")


def personal_data_kinds(text: str, known_numbers: Iterable[str] = ()) -> list[str]:
    """The kinds of personal data in ``text`` (e.g. ['NHS number', 'postcode']), or [] if none."""
    kinds = list(scan(text).kinds)
    if _POSTCODE.search(text) and "home address" not in kinds:
        kinds.append("postcode")
    known = {re.sub(r"\D", "", n) for n in known_numbers}
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if digits.startswith("44"):
            digits = "0" + digits[2:].lstrip("0")
        if digits not in known and "personal mobile number" not in kinds:
            kinds.append("phone number")
            break
    if _NAME_WITH_DATE.search(text) and "date of birth" not in kinds:
        kinds.append("name with a date")
    if _TITLED_NAME.search(text):
        kinds.append("person's name")
    return list(dict.fromkeys(kinds))


def refuse_personal_data(text: str, *, field: str, known_numbers: Iterable[str] = ()) -> None:
    """Raise PersonalDataError (naming the kinds found, not the text) if ``text`` identifies someone."""
    kinds = personal_data_kinds(text, known_numbers)
    if kinds:
        raise PersonalDataError(
            f"The {field} looks like it holds personal data ({', '.join(kinds)}). Describe the case without "
            "names, dates of birth, NHS or National Insurance numbers, phone numbers or addresses: use your "
            "agency's case reference, and keep case details in your agency's secure record.")
