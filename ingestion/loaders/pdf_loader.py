"""PDF: page by page with pypdf's layout mode, keeping page numbers, numbered paragraphs and table rows."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from assistant.errors import FileRejected
from ingestion.loaders.common import NUMBERED_PARA, row_id
from ingestion.loaders.fixed_width import FIXED_RULE, column_starts, fixed_rows
from ingestion.loaders.structure import CAPTION, Outline
from ingestion.models import LoadedDocument

log = logging.getLogger(__name__)

_SEG = re.compile(r"\S(?:.*?\S)?(?=\s{3,}|\s*$)")
_HEADING1 = re.compile(r"^(\d{1,2})\.\s+([A-Z][^\n]{0,90})$")
_HEADING2 = re.compile(r"^(\d{1,2}\.\d{1,2})\s+([A-Z][^\n]{0,80})$")
_APPENDIX = re.compile(r"^(Appendix|Annex|Part|Schedule)\s+[A-Z0-9]+\b.{0,80}$")
# "Clause 9 – Data breaches", "Article 4: Sharing": a numbered division with its title after a dash or colon.
# ("Section 3. Headline targets", "Objective 2 – Protecting people at risk", "Priority 1: Violence", minutes'
# "Agenda item 5 – Safer Streets underspend: taxi marshal pilot", "Standard 3. From police to the return conversation")
_DIVISION = re.compile(r"^(?:Clause|Article|Rule|Chapter|Section|Objective|Priority|Theme|Outcome|Standard|Stage|"
                       r"Principle|(?:Agenda )?[Ii]tem)"
                       r"\s+\d{1,2}[A-Za-z]?"
                       r"\s*[–—:.-]\s*[A-Z][^.;,]{0,80}$")
_SECTION_MARK = re.compile(r"^§\s*\d{1,2}[A-Za-z]?\s+[A-Z][^.;]{0,80}$")  # "§ 6  Money"
_BULLET = re.compile(r"^\s*(?:[•▪◦‣∙·-]|\(?[a-z]\)|\d+\))\s+")
_CLAUSE = re.compile(r"§?\d{1,2}(?:\.\d{1,2})+")
FULL_ROW = 0.6  # share of a table's columns a line must fill to start a row of its own
_PAGE_NO = re.compile(r"\bPage \d+ of \d+\b|^\s*-?\s*\d+\s*-?\s*$", re.IGNORECASE)


def _segments(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _SEG.finditer(line)]


def _boilerplate(pages: list[list[str]]) -> set[str]:
    """Lines that repeat on most pages (running headers and footers)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        filled = [line for line in lines if line.strip()]
        counts.update({_norm(line) for line in filled[:3] + filled[-3:]})
    return {k for k, n in counts.items() if n >= max(2, len(pages) // 2)}


def _norm(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip()))


def _margin(lines: list[str]) -> int:
    return min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)


def _opens_row(cell: str) -> bool:
    """A row identifier: "B4", "SYV-16", "§3.2", "3.1"."""
    return bool(row_id(cell.lstrip("§#")) or _CLAUSE.fullmatch(cell))


def _rows(lines: list[str]) -> list[list[str]]:
    """Turn a table's layout lines into rows of cells by column position.

    Rows are separated by blank lines when the layout has them; otherwise a line starting at the left
    margin starts a new row and indented lines continue the row above.
    """
    while lines and not lines[-1].strip():
        lines.pop()
    content = [x for x in lines if x.strip()]
    if not content:
        return []
    margin = _margin(content)
    blank_separated = any(not x.strip() for x in lines[lines.index(content[0]):])
    cols = [s for s, _ in _segments(content[0])]
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if not line.strip():
            if current:
                groups.append(current)
            current = []
            continue
        indent = len(line) - len(line.lstrip())
        # Where blank lines separate rows, two short rows can still sit on adjacent lines: a line at the margin
        # that opens with a row identifier ("B4", "§3.2") and fills most columns starts a row (a wrapped cell's
        # second line does not open with an identifier).
        segs = _segments(line)
        full = bool(segs) and _opens_row(segs[0][1]) and len(segs) >= max(2, FULL_ROW * len(cols))
        if current and indent <= margin + 1 and (not blank_separated or full):
            groups.append(current)
            current = []
        current.append(line)
    if current:
        groups.append(current)
    rows = []
    for group in groups:
        cells = [""] * len(cols)
        for line in group:
            for start, seg in _segments(line):
                idx = max((i for i, c in enumerate(cols) if c <= start + 2), default=0)
                cells[idx] = f"{cells[idx]} {seg}".strip()
        rows.append(cells)
    return rows


def _is_heading(text: str) -> int:
    if NUMBERED_PARA.match(text) and not _HEADING2.match(text):
        return 0
    if _HEADING1.match(text) and not text.endswith((".", ",", ";")) and len(text.split()) <= 12:
        return 1
    if _HEADING2.match(text) and not text.endswith((".", ",", ";")) and len(text.split()) <= 10:
        return 2
    if (_APPENDIX.match(text) and not text.endswith(".")) or _DIVISION.match(text) or _SECTION_MARK.match(text):
        return 1
    return 0


def _join_wrapped_headings(lines: list[str]) -> list[str]:
    """'7.1 Until the Coordinator acknowledges your referral, your organisation' over 'keeps responsibility …':
    a numbered line that reads like a heading but runs on in lower case is the first line of a paragraph."""
    out: list[str] = []
    for line in lines:
        text = line.strip()
        if (out and text[:1].islower() and _is_heading(out[-1].strip()) and len(_segments(line)) == 1
                and not out[-1].rstrip().endswith(":")):
            out[-1] = f"{out[-1].rstrip()} {text}"
        else:
            out.append(line)
    return out


_ENDS_SENTENCE = re.compile(r"[.!?:;)\]”\"']\s*$")


class _PageParser:
    def __init__(self, outline: Outline) -> None:
        self.outline = outline
        self.para: list[str] = []
        self.para_kind = "paragraph"
        self.table: list[str] | None = None
        self.header: list[str] = []
        self.para_page: int | None = None
        self.pending = False  # a sentence runs on over the page break
        # A table typed in fixed width: its dash rule gives the columns, and it may run on over the page break.
        self.rule: str | None = None
        self.carry: tuple[str, str] | None = None
        self.last_raw = ""

    def flush_para(self) -> None:
        if self.para:
            page, self.outline.page = self.outline.page, self.para_page  # cited where it starts
            self.outline.add_text(" ".join(self.para), self.para_kind)
            self.outline.page = page
        self.para, self.para_kind, self.pending = [], "paragraph", False

    def end_table(self, page_end: bool = False) -> None:
        if self.rule is not None:
            content = [x for x in self.table or [] if x.strip()]
            # only a table cut off by the page's end may run on (on the next page's first line)
            self.carry = (content[0], self.rule) if page_end else None
            self.outline.add_table(fixed_rows([content[0], self.rule, *content[1:]]))
            self.rule = None
            self.table = None
            return
        rows = _rows(self.table or [])
        if rows:
            # A table that runs on from the previous page often has no header row of its own.
            if self.header and len(rows[0]) == len(self.header) and row_id(rows[0][0]):
                rows.insert(0, self.header)
            self.header = rows[0]
            self.outline.add_table(rows)
        self.table = None

    def table_line(self, line: str) -> bool:
        """Collect a line of the current table; False when the table has ended."""
        text = line.strip()
        if not text:
            self.table.append("")  # type: ignore[union-attr]
            return True
        if NUMBERED_PARA.match(text) or _is_heading(text) or CAPTION.match(text):
            return False
        segs = _segments(line)
        has_content = any(x for x in self.table or [])
        if not has_content and len(segs) < 2:
            return False
        if has_content and len(segs) == 1 and len(text) > 70 and segs[0][0] <= _margin(self.table or []) + 1:
            return False  # prose at the margin: the table is over
        if (has_content and len(segs) == 1 and self.table and not self.table[-1].strip()
                and segs[0][0] <= _margin(self.table) + 1 and len(_segments(self._last_row())) >= 2):
            return False  # a single line at the margin after a gap, below rows of several cells: the text after it
        self.table.append(line)  # type: ignore[union-attr]
        return True

    def _last_row(self) -> str:
        return next((x for x in reversed(self.table or []) if x.strip()), "")

    def ruled(self, line: str) -> bool:
        """A dash rule under a header line starts a fixed-width table (the header may have read as a paragraph)."""
        if self.table is not None:
            if self.rule is None and sum(1 for x in self.table if x.strip()) == 1:
                self.rule = line
            elif self.rule is not None and len(self.table) >= 2 and not self.table[-2].strip():
                header = self.table.pop()  # after a gap, a line over a new rule heads the next table
                self.end_table()
                self.table, self.rule = [header], line
            return True  # a rule inside or closing a table is layout, never text
        if self.para and self.para[-1] == self.last_raw.strip() and len(_segments(self.last_raw)) >= 2:
            header = self.last_raw
            self.para.pop()
            self.flush_para()
            self.table, self.rule = [header], line
            return True
        return False

    def runs_on(self, line: str) -> bool:
        """The first line of a page continues the last page's fixed-width table when it sits in its columns."""
        carry, self.carry = self.carry, None
        if carry is None or self.table is not None:
            return False
        starts = column_starts(carry[1])
        segs = _segments(line)
        if len(segs) < 2 or not all(any(abs(at - s) <= 1 for s in starts) for at, _ in segs):
            return False
        self.table, self.rule = [carry[0], line], carry[1]
        return True

    def line(self, line: str) -> None:
        text = line.strip()
        if text and FIXED_RULE.match(line) and self.ruled(line):
            return
        if text and self.carry is not None and self.runs_on(line):
            return
        self.last_raw = line
        if self.pending:
            if not text:
                return  # the blank top of the next page
            if not text[:1].islower():
                self.flush_para()  # a new sentence: the last page's paragraph ended there after all
            self.pending = False
        if self.table is not None:
            if self.table_line(line):
                return
            self.end_table()
        if not text:
            self.flush_para()
            return
        level = _is_heading(text)
        if level:
            self.flush_para()
            self.outline.add_heading(level + 1, text)
            return
        if CAPTION.match(text):
            self.flush_para()
            self.outline.add_text(text)
            self.table = []
            return
        segs = _segments(line)
        if len(segs) >= 3 and not NUMBERED_PARA.match(text) and not _BULLET.match(text):
            self.flush_para()
            self.table = [line]
            return
        number = NUMBERED_PARA.match(text)
        if number and number.end() >= len(text) and self.para and not _ENDS_SENTENCE.search(self.para[-1]):
            self.para.append(text)  # "… reissue the Ladder as version" / "1.1.": the sentence runs on
            return
        if number or _BULLET.match(text):
            self.flush_para()
            self.para_kind = "list_item" if _BULLET.match(text) else "paragraph"
            text = _BULLET.sub("", text, count=1) if self.para_kind == "list_item" else text
        if not self.para:
            self.para_page = self.outline.page
        self.para.append(text)

    def finish_page(self) -> None:
        if self.para and not _ENDS_SENTENCE.search(self.para[-1]):
            self.pending = True  # "… to move the Panel to monthly" / (next page) "sittings is rescinded."
        else:
            self.flush_para()
        self.end_table(page_end=True)


_DETAILS_LINE = re.compile(r"^(?:Version|Date|Owner|Approved|Effective|Status|Review)\b|^v?\d+(?:\.\d+)+\b", re.I)
_DOC_WORD = re.compile(r"\b(?:pathway|strategy|plan|protocol|minutes|guidance|terms of reference|agreement|policy|"
                       r"procedure|assessment|report|framework)\b", re.I)


def _lead_title(lines: list[str]) -> str:
    """A first page without a short title block: the opening lines before the document's details ("Version 3.1,
    …"), starting from the line that names the kind of document when an organisation's banner comes first, with
    a wrapped line ("… adults at" / "home") joined back."""
    head: list[str] = []
    for line in (x.strip() for x in lines):
        if not line:
            continue
        if _DETAILS_LINE.match(line) or len(head) == 4:
            break
        head.append(re.sub(r"\s{2,}", " ", line))
    start = next((i for i, line in enumerate(head) if _DOC_WORD.search(line)), 0)
    title = head[start] if head else ""
    for line in head[start + 1:]:
        if not line[:1].islower():
            break
        title = f"{title} {line}"
    return title if 10 <= len(title) <= 160 else ""


def load(raw: bytes, source: str) -> LoadedDocument:
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise FileRejected("password-protected PDF: remove the password and upload it again")
        pages = [(p.extract_text(extraction_mode="layout") or "") for p in reader.pages]
    except FileRejected:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise FileRejected("password-protected PDF: remove the password and upload it again") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise FileRejected("corrupt or truncated PDF: it could not be read") from exc
    if not any(p.strip() for p in pages):
        raise FileRejected("no extractable text (a scanned or image-only PDF?); OCR is not available")
    page_lines = [p.splitlines() for p in pages]
    boiler = _boilerplate(page_lines)
    outline = Outline()
    parser = _PageParser(outline)
    for number, lines in enumerate(page_lines, start=1):
        outline.page = number
        kept = [line.rstrip() for line in lines if not (_norm(line) in boiler or _PAGE_NO.search(line.strip() or "x"))]
        while kept and not kept[-1].strip():
            kept.pop()  # (blank lines above the footer do not end a sentence that runs on to the next page)
        for line in _join_wrapped_headings(kept):
            parser.line(line)
        parser.finish_page()
    parser.flush_para()
    title_lines: list[str] = []
    for b in outline.blocks[:3]:
        if b.page == 1 and len(" ".join([*title_lines, b.text])) < 140:
            title_lines.append(b.text)
        else:
            break
    meta_title = (reader.metadata.title if reader.metadata else None) or ""
    title = meta_title.strip() or " ".join(title_lines) or _lead_title(page_lines[0]) or source
    return LoadedDocument(source=source, fmt="pdf", title=title[:200], blocks=outline.blocks,
                          meta={"pages": str(len(pages))})
