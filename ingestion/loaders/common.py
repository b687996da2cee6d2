"""Small text helpers shared by the loaders: numbered-paragraph detection and row identifiers."""

from __future__ import annotations

import re

# "3.2.1 text", "6.1\ttext": a numbered paragraph. Two levels at least, so "2026 budget" is not one.
NUMBERED_PARA = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,3})\.?(?:\s+|$)")
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
