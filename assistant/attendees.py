"""Who the initials in minutes are: "SB asked that …" means little to a reader who was not at the meeting.

Minutes list their attendees once ("DK – Detective Superintendent, BCU lead (Chair)", or a table of initials and
roles) and then use the initials throughout. The list is read per document, so "SB" is resolved from the same
meeting's attendance, never from another document's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.months import MONTH_NAMES

# "- DK – Detective Superintendent, …", "MB: ASB Manager, …", "TR - Head of the VRU"
_LINE = re.compile(r"^\s*(?:[-*•]\s*)?([A-Z]{2,3})\s*(?:[–—:|]|\s-)\s*([A-Z][^\n]{3,160}?)\s*$")
_CELL_INITIALS = re.compile(r"^[A-Z]{2,3}$")
INITIALS = re.compile(r"\b([A-Z]{2,3})\b")
_NAME_COLUMNS = {"name", "present", "member", "members", "attendee", "attendees", "attending"}
_BRACKETS = re.compile(r"\s*\([^)]*\)")
# The person's first name and surname at the end of the cell, without a title ("Supt", "Dr", "Ch Insp", "Cllr").
_NAME = re.compile(r"[A-Z][a-z'’-]+\s+[A-Z][a-z'’-]+$")
MAX_EXPLAINED = 2  # initials explained per answer: more would bury the answer


def learn_attendees(texts: Iterable[tuple[str, str]], acronyms: dict[str, str]) -> dict[str, str]:
    """{initials: role} from one document's (kind, text) chunks; initials that are also acronyms are left out."""
    out: dict[str, str] = {}
    for kind, text in texts:
        if kind == "table_row":
            keys = [part.partition(": ")[0].strip().lower() for part in text.split("; ")]
            values = [part.partition(": ")[2].strip() for part in text.split("; ")]
            if len(values) >= 2 and _CELL_INITIALS.match(values[0]) and values[1]:
                out.setdefault(values[0], ", ".join(v for v in values[1:] if v))
            elif len(values) >= 2 and keys[0] in _NAME_COLUMNS and values[1]:
                # "Name: Supt Helen Garside (Chair); Role: District Commander; …": minutes say "Helen Garside".
                name = _NAME.search(_BRACKETS.sub("", values[0]))
                held = ", ".join(v for v in values[1:] if v) + "".join(_BRACKETS.findall(values[0]))
                if name:
                    out.setdefault(name.group(0), held)
            continue
        for line in text.split("\n"):
            m = _LINE.match(line)
            if m:
                out.setdefault(m.group(1), m.group(2).rstrip(".;"))
    return {k: v for k, v in out.items() if k.lower() not in acronyms}


def explain_initials(text: str, attendees: dict[str, str], already: set[str]) -> str:
    """``text`` followed by who its initials or named people are ("(SB: Director of Partnerships, East Thames
    ICB)")."""
    named = sorted((text.find(k), k) for k in attendees if not k.isupper() and k in text)
    mentioned = [*INITIALS.findall(text), *(k for _, k in named)]
    # (An attendance line itself already says who its initials are.)
    found = [i for i in dict.fromkeys(mentioned) if i in attendees and i not in already
             and attendees[i] not in text]
    found = found[:max(0, MAX_EXPLAINED - len(already))]
    already.update(found)
    if not found:
        return text
    return f"{text} ({'; '.join(f'{i}: {attendees[i]}' for i in found)})"


def meeting_label(title: str, iso_date: str) -> str:
    """'SEP Executive Board – Minutes', '2026-01-22' → 'SEP Executive Board, 22 January 2026'."""
    name = re.sub(r"\s*[–—:-]\s*minutes\b.*$", "", title, flags=re.I).strip() or title
    if len(iso_date) == 10 and iso_date[:4].isdigit() and iso_date[5:7].isdigit() and iso_date[8:].isdigit():
        date = f"{int(iso_date[8:])} {MONTH_NAMES[int(iso_date[5:7]) - 1]} {iso_date[:4]}"
        return name if date in name else f"{name}, {date}"  # ("SNB minutes 21 January 2026" names its date)
    return name
