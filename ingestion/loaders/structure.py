"""A running outline shared by the loaders: heading stack, current section and table captions."""

from __future__ import annotations

import re

from ingestion.loaders.common import HEADING_NUMBER, clean, numbered_section, row_id, row_text
from ingestion.models import Block

CAPTION = re.compile(r"^\s*(Table|Figure)\s+\d+[A-Za-z]?\s*[:.–-]", re.IGNORECASE)


# "3.0", "v2.1", "9 February 2026": a value, not a column name (a year, "2025-26", names a column)
_VALUE = re.compile(r"^(?:v(?:ersion)?\s*\d|\d{1,2}(?:\.\d{1,2})+$|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4})")


def _details_row(header: tuple[str, ...]) -> bool:
    """A two-column details table ("Version | 3.0" over "Date | 9 February 2026") has no header row."""
    return len(header) == 2 and bool(header[0]) and bool(_VALUE.match(header[1]))


class Outline:
    """Collects blocks in reading order and knows which heading / numbered paragraph each sits under."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str]] = []
        self.para = ""  # the numbered paragraph we are in (3.2.1), reset by a new heading
        self.caption = ""
        self.page: int | None = None

    @property
    def heading(self) -> str:
        return self.headings[-1][1] if self.headings else ""

    def section(self) -> str:
        return self.para or self.heading

    def add_heading(self, level: int, text: str) -> None:
        text = clean(text)
        if not text:
            return
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, text))
        self.para = ""
        self.caption = ""
        self.blocks.append(Block(text=text, kind="heading", section=text, heading_path=self._path(), page=self.page))

    def add_text(self, text: str, kind: str = "paragraph") -> None:
        text = clean(text)
        if not text:
            return
        if CAPTION.match(text) and len(text) < 200:
            self.caption = text
        number = numbered_section(text)
        if number:
            self.para = number
        self.blocks.append(Block(text=text, kind=kind, section=self.section(),  # type: ignore[arg-type]
                                 heading_path=self._path(), page=self.page))

    def add_table(self, rows: list[list[str]]) -> None:
        """First row is the header. A two-column table with an empty header is rendered as key: value pairs."""
        if not rows:
            return
        header = tuple(clean(c) for c in rows[0])
        body = [[clean(c) for c in r] for r in rows[1:] if any(c.strip() for c in r)]
        if not any(header) or _details_row(header):
            body, header = ([list(header)] if any(header) else []) + body, ()
        elif not body:
            body, header = [list(header)], ()
        section = self._table_section()
        views = [(header, tuple(cells)) for cells in body]
        if _labelled_columns(header, body):
            # "| | Gate 1 | Gate 2 |" over "Who", "Time allowed" rows: each column is one thing, read down ("Gate 2;
            # Who: Team managers; Time allowed: 3 working days") as well as each row across.
            labels = ("", *(r[0] for r in body))
            views += [(labels, (header[j], *(r[j] if j < len(r) else "" for r in body))) for j in range(1, len(header))]
        for names, tcells in views:
            if not names and len(tcells) == 2:
                text = f"{tcells[0]}: {tcells[1]}" if tcells[0] else tcells[1]
            else:
                text = row_text(names, tcells)
            if not text:
                continue
            self.blocks.append(Block(text=text, kind="table_row", section=section, heading_path=self._path(),
                                     page=self.page, row_id=row_id(tcells[0]) if tcells else "",
                                     header=names, cells=tcells, table=self.caption))

    def _table_section(self) -> str:
        if not self.caption:
            return self.section()
        m = HEADING_NUMBER.match(self.heading)
        return f"{m.group(1)}. {self.caption}" if m else self.caption

    def _path(self) -> tuple[str, ...]:
        return tuple(h for _, h in self.headings)


COLUMN_LABEL_CHARS = 30  # a row label ("Time allowed", "Who") is short
MAX_LABELLED_ROWS = 8


def _labelled_columns(header: tuple[str, ...], body: list[list[str]]) -> bool:
    """A grid that reads down as well as across: its columns are named and its rows are short labels, and either
    its top-left cell is empty or its columns are numbered things of one kind ("| Target | T1 | T2 |") whose cells
    are words, not a grid of figures by quarter."""
    if not (len(header) >= 3 and all(header[1:]) and 2 <= len(body) <= MAX_LABELLED_ROWS
            and all(r and r[0] and len(r[0]) <= COLUMN_LABEL_CHARS for r in body)):
        return False
    if not header[0]:
        return True
    numbered = [_NUMBERED_COLUMN.match(h) for h in header[1:]]
    if not all(numbered) or len({m.group(1).lower() for m in numbered if m}) != 1:
        return False
    values = [c for r in body for c in r[1:] if c]
    return sum(1 for c in values if _WORD.search(c)) >= WORDY_SHARE * len(values)


_NUMBERED_COLUMN = re.compile(r"^([A-Za-z]{1,12}) ?\d{1,2}[a-z]?$")
_WORD = re.compile(r"[A-Za-z]{3,}")
WORDY_SHARE = 0.5
