"""Reading a protocol document's tables from loader Blocks: which table is which, and who a role's contact is.

Tables are recognised by what their columns say (a first column of "Level 1" / "Stage 2" with response times;
"Level N contact" columns; email and phone columns), never by a particular partnership's wording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from assistant.escalations.rules import parse_response_time
from ingestion.models import Block

# A rung of the ladder: "Level 2", "Stage 3", "Step 4", "Escalation point 1", or its initials with the number
# ("EP3", written in capitals); "Gate 2" in a protocol of gates.
# ("Step C": a ladder lettered A, B, C is numbered 1, 2, 3.)
LEVEL_NUM = re.compile(
    r"\b(?:(?i:level|stage|tier|step|rung|phase|gate|(?:escalation )?point)\s*(?:(\d+)|([A-H])\b)|[A-Z]{1,3}(\d))\b")


def level_number(text: str, anywhere: bool = False) -> int | None:
    """The level a cell or header names ("Step 4 owner" → 4), at its start or, with ``anywhere``, inside it."""
    m = LEVEL_NUM.search(text) if anywhere else LEVEL_NUM.match(text.strip())
    if not m:
        return None
    return ord(m.group(2)) - ord("A") + 1 if m.group(2) else int(m.group(1) or m.group(3))
PARENS = re.compile(r"\s*\(([^()]*)\)")
# Matching an owner to the contacts table by spelling: high enough that "NHS FT" meets "NHS Foundation Trust"
# but "Head of Inclusion" does not meet "Head of Community Safety".
_FUZZY_MATCH = 88


@dataclass(frozen=True)
class Table:
    section: str
    header: tuple[str, ...]
    rows: tuple[Block, ...]

    def col(self, *patterns: str) -> int | None:
        for i, name in enumerate(self.header):
            if any(re.search(p, name, re.IGNORECASE) for p in patterns):
                return i
        return None


@dataclass(frozen=True)
class Contact:
    """A row of the protocol's contacts table, with where it was found (for citations)."""

    role: str
    email: str
    phone: str
    section: str = ""
    text: str = ""


def tables(blocks: Sequence[Block]) -> list[Table]:
    """Group consecutive table rows that share a header and a section into tables."""
    found: list[Table] = []
    rows: list[Block] = []
    for block in [*blocks, Block(text="", kind="paragraph")]:
        if block.kind == "table_row" and rows and (block.header, block.section, block.table) == (
                rows[0].header, rows[0].section, rows[0].table):
            rows.append(block)
            continue
        if rows:
            found.append(Table(rows[0].table or rows[0].section, rows[0].header, tuple(rows)))
        rows = [block] if block.kind == "table_row" else []
    return found


def find_levels_table(tables: Sequence[Table]) -> Table | None:
    for table in tables:
        numbered = sum(1 for r in table.rows if r.cells and level_number(r.cells[0]) is not None)
        if numbered >= 2 and time_column(table) is not None:
            return table
    return None


def time_column(table: Table) -> int | None:
    named = table.col(r"time", r"timescale", r"respon", r"deadline")
    if named is not None:
        return named
    width = max(len(r.cells) for r in table.rows)
    for i in range(1, width):
        if sum(1 for r in table.rows if i < len(r.cells) and is_duration(r.cells[i])) >= len(table.rows) / 2:
            return i
    return None


def is_duration(text: str) -> bool:
    try:
        parse_response_time(text)
    except ValueError:
        return False
    return True


def find_topics_table(tables: Sequence[Table], exclude: Table) -> Table | None:
    # A grid of levels read across ("| | Gate 1 | Gate 2 |") names a level in every column but is the levels
    # table again, read the other way: its columns are the levels table's rows.
    rungs = [r.cells[0] for r in exclude.rows if r.cells]
    for table in tables:
        if (table is not exclude and level_columns(table) and table.rows
                and [h for h in table.header if h] != rungs):
            return table
    return None


def level_columns(table: Table) -> dict[int, int]:
    """Column index → level number, for headers such as 'Level 2 contact' or 'Stage 3 owner'."""
    found = {}
    for i, name in enumerate(table.header):
        number = level_number(name, anywhere=True)
        if number is not None:
            found[i] = number
    return found


def contacts(tables: Sequence[Table]) -> list[Contact]:
    out: list[Contact] = []
    for table in tables:
        email, phone = table.col(r"e-?mail"), table.col(r"phone", r"tel")
        if email is None and phone is None:
            continue
        role = table.col(r"role", r"name", r"who", r"contact") or 0
        for row in table.rows:
            cells = row.cells
            out.append(Contact(cell(cells, role), cell(cells, email), cell(cells, phone), table.section,
                                row.text))
    return out


def front_matter(tables: Sequence[Table]) -> dict[str, str]:
    """The key/value table most documents open with (Version, Owner, Effective from...)."""
    for table in tables:
        if not table.header and all(len(r.cells) == 2 for r in table.rows):
            return {r.cells[0].strip().lower(): r.cells[1].strip() for r in table.rows}
    return {}


def cell(cells: Sequence[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def norm(text: str) -> str:
    text = PARENS.sub("", text).lower().replace("&", "and")
    text = re.sub(r"\b(the)\b", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _variants(text: str) -> set[str]:
    """Ways a role is written: without brackets, its first clause, and a '(for the X)' it stands in for."""
    out = {norm(text), norm(text.split(",")[0])}
    for inner in re.findall(r"\(([^()]*)\)", text):
        m = re.match(r"\s*(?:for|on behalf of)\s+(?:the\s+)?(.+)", inner, re.IGNORECASE)
        if m:
            out.add(norm(m.group(1)))
    return {v for v in out if v}


def match_contact(owner: str, contacts: Sequence[Contact]) -> Contact | None:
    mine = _variants(owner)
    for contact in contacts:
        if mine & _variants(contact.role):
            return contact
    best = max(contacts, key=lambda c: fuzz.ratio(norm(owner), norm(c.role)), default=None)
    if best is not None and fuzz.ratio(norm(owner), norm(best.role)) >= _FUZZY_MATCH:
        return best
    return None


