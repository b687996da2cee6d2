"""Fixed-width tables, as typed in plain text or laid out by a PDF: a header line over a rule of dash runs, one
run per column ("Record type   Keep for" over "-----------  --------"), then one line or more per row."""

from __future__ import annotations

import re

FIXED_RULE = re.compile(r"^\s*-{3,}(?: +-{3,})+\s*$")
_CELL = re.compile(r"\S+(?: \S+)*")  # text between runs of two or more spaces
# A cell line that cannot end its cell: "Domestic abuse (Harbour Route," / "WCCSP Board Chair, via the".
_RUNS_ON = re.compile(r"(?:[,(&/–-]|\b(?:and|or|of|the|a|an|to|for|in|on|at|by|with|via|including|from))$", re.I)


SHORT_WRAP_WORDS = 3


def column_starts(rule: str) -> list[int]:
    return [m.start() for m in re.finditer(r"-{3,}", rule)]


def _continues(previous: list[str], row: list[str], indented: bool) -> bool:
    """Whether a line wraps the cells of the row above rather than starting a row: it is indented past the first
    column, its first column is empty, starts in lower case or with a bracketed aside ("(VAMP, AEX1)"), or a cell
    above stops mid-phrase."""
    first = row[0]
    if indented or not first or first[:1].islower() or (first.startswith("(") and len(first.split()[0]) > 4):
        return True
    if not any(row[1:]) and len(first.split()) <= SHORT_WRAP_WORDS:
        return True  # "Marlshire Fire and Rescue" / "Service": a word or two alone in the first column
    return any(cell and (_RUNS_ON.search(cell) or cell.count("(") > cell.count(")")) for cell in previous)


def fixed_rows(lines: list[str]) -> list[list[str]]:
    """The records of a fixed-width table (header, rule, rows), header first. Each cell goes to the column its text
    starts under; a line that wraps the row above joins it, cell by cell."""
    starts = column_starts(lines[1])

    def cells(line: str) -> list[str]:
        out = [""] * len(starts)
        for m in _CELL.finditer(line):
            k = max((j for j, at in enumerate(starts) if at <= m.start() + 1), default=0)
            out[k] = f"{out[k]} {m.group(0)}".strip()
        return out

    records = [cells(lines[0])]
    previous: list[str] = []
    for line in lines[2:]:
        if not line.strip():
            continue
        row = cells(line)
        indented = len(line) - len(line.lstrip()) > starts[0]
        if len(records) > 1 and _continues(previous, row, indented):
            records[-1] = [f"{a} {b}".strip() for a, b in zip(records[-1], row, strict=True)]
        else:
            records.append(row)
        previous = row
    return records
