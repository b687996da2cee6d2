"""Small text helpers shared by the loaders: numbered-paragraph detection and row identifiers."""

from __future__ import annotations

import re

# "3.2.1 text", "6.1\ttext": a numbered paragraph. Two levels at least, so "2026 budget" is not one.
# Also clause styles other partnerships use: "7.b", "7-b", "3.iv", "2.1.a", "E3(a)", "A.3".
NUMBERED_PARA = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,3}(?:\.[a-z])?|\d{1,2}\.(?:i{2,3}|iv|vi{0,3}|ix)|"
                           r"\d{1,2}[.-][a-z]|"
                           r"[A-Z]\d{1,2}(?:\.\d{1,2})*\([a-z]\)|[A-Z]\.\d{1,2}(?:\.\d{1,2})*)\.?(?:\s+|$)")
# "5. Funding", "Appendix B: ...", "Part A", "Section 4": a heading number.
HEADING_NUMBER = re.compile(r"^\s*(\d{1,2})\.\s+\S")
# identifiers in a table's first column: SYV-16, RR02, T4, EXB-D7/26, R10
ROW_ID = re.compile(r"^[A-Z][A-Za-z]{0,5}[-\s]?[A-Z]?\d{1,3}(?:/\d{2})?[a-z]?$")
WS = re.compile(r"[ \t\u00a0]+")


def clean(text: str) -> str:
    return WS.sub(" ", text.replace("\u200b", "")).strip()


def numbered_section(text: str) -> str:
    m = NUMBERED_PARA.match(text)
    return m.group(1) if m else ""


def row_id(first_cell: str) -> str:
    cell = first_cell.strip()
    return cell if ROW_ID.match(cell) else ""


def row_text(header: tuple[str, ...], cells: tuple[str, ...]) -> str:
    """A table row rendered with its header names, so the row never loses its meaning."""
    parts = []
    for i, cell in enumerate(cells):
        if not cell:
            continue
        name = header[i] if i < len(header) and header[i] else ""
        parts.append(f"{name}: {cell}" if name else cell)
    return "; ".join(parts)


# A heading written in plain text: "§4 HOW TO REFER", "Article 2 – Legal basis", "PART B", "2. PERFORMANCE".
NAMED_HEADING = re.compile(r"^(?:§\s*\d+|(?:Article|Part|Section|Schedule|Appendix|Annex|Chapter)\s+[A-Z0-9]{1,3}\b)",
                            re.IGNORECASE)


def heading_like(line: str) -> bool:
    """A short line that reads as a heading in a document without markup: ALL CAPITALS, or opened by a named
    division (Article, Part, §). Sentences (ending in a full stop) and list items are not headings."""
    text = line.strip()
    letters = [c for c in text if c.isalpha()]
    if not 3 <= len(text) <= 100 or len(letters) < 4 or text[-1] in ".,;" or text.startswith(("(", "-", "*", "•")):
        return False
    if NAMED_HEADING.match(text):
        return len(text) <= 80
    return sum(c.isupper() for c in letters) >= 0.85 * len(letters)
