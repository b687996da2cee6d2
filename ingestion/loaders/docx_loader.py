"""Word documents: heading styles become sections, tables stay tables (every row keeps its header)."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.errors import FileRejected
from ingestion.loaders.structure import Outline
from ingestion.models import LoadedDocument

_HEADING = re.compile(r"^(?:Heading|Title)\s*(\d*)$", re.IGNORECASE)
BOLD_HEADING_CHARS = 90
BOLD_HEADING_WORDS = 12
# A section's own heading ("Clause 1 – Purpose", "Part A", "2. Scope") is not a document's name.
_SECTION_LABEL = re.compile(r"^\s*(?:\d|[A-Z][.)]?\s|(?:part|section|clause|chapter|article|schedule|annex|appendix|"
                            r"rule|step|stage|item|paragraph)\b)", re.IGNORECASE)


def load(raw: bytes, source: str) -> LoadedDocument:
    try:
        doc = Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FileRejected("corrupt Word document: it could not be opened") from exc
    outline = Outline()
    title = ""
    # With no heading styles at all, a short paragraph set wholly in bold is a heading ("How to refer").
    styled = any(_HEADING.match(p.style.name if p.style is not None else "") and p.text.strip()
                 for p in doc.paragraphs)
    numbered = 0  # headings numbered by Word's list numbering: the number is not in the text
    for item in doc.iter_inner_content():
        if isinstance(item, Table):
            rows = []
            for tr in item.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in tr.cells:  # merged cells repeat; keep each once
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text)
                rows.append(cells)
            outline.add_table(rows)
            continue
        assert isinstance(item, Paragraph)
        text = item.text
        style = item.style.name if item.style is not None else ""
        m = _HEADING.match(style or "")
        if m and text.strip():
            level = 0 if style.lower().startswith("title") else int(m.group(1) or 1)
            if level == 0:
                title = title or text.strip()
                outline.add_heading(1, text)
            else:
                if level == 1 and len(outline.blocks) == 1 and title and not _SECTION_LABEL.match(text):
                    # Title "Brackenmoor & Tilsey Safer Streets Alliance", then "Workstream Delivery Plan 2025/26":
                    # the organisation, then the document's own name.
                    title = f"{title}: {text.strip()}"
                outline.add_heading(level + 1, text)
        elif not styled and _bold_heading(item):
            if not title and not outline.blocks:
                title = text.strip()
                outline.add_heading(1, text)
            else:
                if len(outline.blocks) == 1 and title:  # a subtitle under the title ("SAFE PURSE" / "Financial …")
                    title = f"{title}: {text.strip()}"
                outline.add_heading(2, text)
        elif "list" in (style or "").lower() and _bold_heading(item):
            # "3. How to refer" set as a bold item of a numbered list: a section heading, numbered as Word shows it
            numbered += "number" in style.lower()
            outline.add_heading(2, f"{numbered}. {text.strip()}" if "number" in style.lower() else text)
        elif "list" in (style or "").lower():
            outline.add_text(text, "list_item")
        else:
            outline.add_text(text)
    props = doc.core_properties
    title = title or (props.title or "").strip() or next((b.text for b in outline.blocks), source)
    meta = {"docx_title": props.title or ""}
    if not outline.blocks:
        raise FileRejected("Word document has no text")
    return LoadedDocument(source=source, fmt="docx", title=title[:200], blocks=outline.blocks, meta=meta)


def _bold_heading(p: Paragraph) -> bool:
    """A short line, every run of it bold, not a sentence: a heading typed as bold text."""
    text = p.text.strip()
    runs = [r for r in p.runs if r.text.strip()]
    return (bool(runs) and all(r.bold for r in runs) and len(text) <= BOLD_HEADING_CHARS
            and len(text.split()) <= BOLD_HEADING_WORDS and not text.endswith((".", ";", ",")))
