"""Contact details in a pathway's own wording: form names, e-mail addresses, phone numbers and opening hours."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d£])0\d{2,4}(?:[ \u00a0]?\d{2,4}){1,3}(?!\d)")
_DAY = r"(?:mon(?:day)?s?|tue(?:sday)?s?|wed(?:nesday)?s?|thu(?:rsday)?s?|fri(?:day)?s?|sat(?:urday)?s?|" \
       r"sun(?:day)?s?|weekdays?|daily|every day)"
_TIME_RANGE = r"\d{1,2}[:.]\d{2}\s*(?:–|—|-|to)\s*\d{1,2}[:.]\d{2}"
_HOURS = re.compile(rf"\b{_DAY}\b[^()\n;:]{{0,40}}?{_TIME_RANGE}(?:,?\s*{_DAY}[^()\n;:]{{0,30}}?{_TIME_RANGE})*",
                    re.IGNORECASE)
_FORM = re.compile(r"\b(?:(?:[A-Z][\w'’&-]*\s+){1,8}(?:[a-z]+\s+)?)?[Ff]orm\b(?:\s*\([A-Z][A-Za-z0-9]{1,8}"
                   r"(?:\s+v\d+)?\)|\s+[A-Z]{2,}\d+[A-Za-z]?\b|"
                   # "Form SP/R2", "form SCN/1", "Form FFE-2"
                   r"\s+[A-Z]{1,5}(?:[-/][A-Z]{1,3})?[-/]\d{1,3}[A-Za-z]?(?![\w/])|\s+[A-Z]{1,5}/[A-Z]{1,3}\d{1,3}\b)?")
_GENERIC_FORM = frozenset(("referral", "form", "concern", "application", "report", "reporting", "online", "paper"))
_FORM_LEAD = re.compile(r"^(?:Complete|Send|Use|Fill|Download|Attach|Email|Submit|Print|Then|Also|The|A|An|Our|"
                        r"Your|Both|Each|Any|This|That)\s+", re.IGNORECASE)


def emails(text: str) -> list[str]:
    return list(_EMAIL.findall(text))


# "Complete FSR-2 (Fraud & Scams Referral)": a form named by its code, with what it is in brackets.
_CODED = re.compile(r"\b(?:[Cc]omplete|[Ff]ill in|[Ss]ubmit|[Uu]se|[Ss]end)\s+(?:an?\s+|the\s+)?"
                    r"([A-Z]{1,5}-?\d{1,3}[A-Za-z]?)\s*\((?=[^)]*\b(?:[Rr]eferral|[Ff]orm|[Rr]eport)\b)[^)]*\)")


def forms(text: str) -> list[str]:
    out = [m.group(1) for m in _CODED.finditer(text)]
    for m in _FORM.finditer(text):
        if m.group(0).startswith("form") and text[max(0, m.start() - 7):m.start()].lower() == "in the ":
            continue  # "a reference in the form GW-26-nnnn" is a format, not a form
        name = _FORM_LEAD.sub("", m.group(0).strip())
        name = _FORM_LEAD.sub("", name)
        if re.search(r"\d", name) or any(w.lower() not in _GENERIC_FORM for w in re.findall(r"[A-Za-z]+", name)):
            out.append(name)
    return out


def phones(text: str) -> list[str]:
    return [p for p in _PHONE.findall(text) if 10 <= sum(ch.isdigit() for ch in p) <= 11]


def hours(text: str) -> list[str]:
    return [m.group(0).strip(" ,") for m in _HOURS.finditer(text)]
