"""Plain text: paragraphs split on blank lines, with the headings a typist marks without markup (underlined with
=== or ---, ALL CAPITALS, "§4", "Article 2") and tables drawn with +---+ rules and | bars; pathological long lines
are cut later by the chunker."""

from __future__ import annotations

import re

from ingestion.loaders.common import HEADING_NUMBER, clean, heading_like
from ingestion.loaders.fixed_width import FIXED_RULE, fixed_rows
from ingestion.loaders.structure import Outline
from ingestion.models import LoadedDocument

_UNDERLINE = re.compile(r"^\s*([=~^*-])\1{2,}\s*$")
# A line that starts a new item rather than continuing the one above: "(a)", "(ii)", "b)", "-", "•", "3.", "4.2.1".
_ITEM = re.compile(r"^\s*(?:\((?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)|[a-z]\)|[-*•–]\s|\d{1,2}(?:\.\d{1,2})*\.?\s)")
_COLUMNS = re.compile(r"\S(?: {2,}|\t)\S")  # fixed-width columns: never joined
_GRID_RULE = re.compile(r"^\s*\+[-=:+]{3,}\+\s*$")
_GRID_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _grid_end(lines: list[str], i: int) -> int:
    """Where a table drawn with +---+ rules and | bars that starts at line i ends (i when none starts there)."""
    j = i
    while j < len(lines) and (_GRID_RULE.match(lines[j]) or _GRID_ROW.match(lines[j])):
        j += 1
    rows = sum(1 for line in lines[i:j] if _GRID_ROW.match(line))
    return j if rows >= 2 and any(_GRID_RULE.match(line) for line in lines[i:j]) else i


def _grid_rows(lines: list[str]) -> list[list[str]]:
    """The records of a drawn table, header first. Lines between two rules whose first cell is empty continue
    the record above (a cell wrapped inside its column); otherwise each | line is a record of its own."""
    records: list[list[str]] = []
    joinable = False  # whether the next line may continue the last record (no rule in between)
    for line in lines:
        if _GRID_RULE.match(line):
            joinable = False
            continue
        cells = [c.strip() for c in line.strip()[1:-1].split("|")]
        if joinable and records and not cells[0] and len(cells) == len(records[-1]):
            records[-1] = [f"{a} {b}".strip() for a, b in zip(records[-1], cells, strict=True)]
        else:
            records.append(cells)
        joinable = True
    return records


def _fixed_end(lines: list[str], i: int) -> int:
    """Where a fixed-width table whose header is line i ends (i when none starts there)."""
    if not (lines[i].strip() and i + 2 < len(lines) and FIXED_RULE.match(lines[i + 1]) and lines[i + 2].strip()):
        return i
    j = i + 2
    while j < len(lines) and lines[j].strip() and not _UNDERLINE.match(lines[j]):
        j += 1
    return j


def _wrap_width(lines: list[str]) -> int:
    """The width the typist wrapped at: most lines of a wrapped paragraph come close to it (a drawn table may be
    wider)."""
    lengths = sorted(len(line.rstrip()) for line in lines
                     if line.strip() and not _GRID_RULE.match(line) and not _GRID_ROW.match(line))
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def _columns(line: str) -> bool:
    return bool(_COLUMNS.search(_ITEM.sub("", line.strip(), count=1).strip()))


def _unwrap(lines: list[str], width: int) -> str:
    """Join the lines a typist wrapped at a fixed width, so a clause reads as one line (evidence is read by line);
    list items, short lines and fixed-width column rows stay on their own lines."""
    out: list[str] = []
    last = ""  # the last physical line, whose length says whether it was wrapped
    for line in lines:
        words = line.split()
        # Wrapped: the next line's first word would not have fitted, and the line does not end a sentence.
        wrapped = (width >= 40 and bool(words) and len(last.rstrip()) + 1 + len(words[0]) > width
                   and not (last.rstrip()[-1:] in ".:;!?" and words[0][:1].isupper()))
        # A line broken early mid-sentence: the last one stops on a word, this one goes on in lower case.
        wrapped = wrapped or (width >= 40 and bool(words) and words[0][:1].islower() and last.rstrip()[-1:].isalpha())
        if out and wrapped and not _ITEM.match(line) and not _columns(line) and not _columns(last):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
        last = line
    return "\n".join(out)


def _numbered_title(line: str, following: str) -> bool:
    """'1. What this route covers' on a line of its own: a heading, though not in capitals."""
    text = line.strip()
    return (not following.strip() and bool(HEADING_NUMBER.match(text)) and len(text) <= 80
            and text[-1] not in ".,;:" and not _columns(text))


def load(text: str, source: str) -> LoadedDocument:
    outline = Outline()
    lines = text.splitlines()
    width = _wrap_width(lines)
    para: list[str] = []
    leading: list[str] = []  # headings before any body text: the document's title lines
    body_seen = False

    def flush() -> None:
        nonlocal body_seen
        if para:
            outline.add_text(_unwrap(para, width))
            body_seen = True
            para.clear()

    def heading(level: int, line: str) -> None:
        flush()
        outline.add_heading(level, line)
        if not body_seen:
            leading.append(clean(line))

    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and not _UNDERLINE.match(line) and _UNDERLINE.match(following) and len(line.strip()) <= 120:
            heading(1 if following.strip()[0] == "=" else 2, line)
            i += 2
            continue
        end, fixed = _grid_end(lines, i), _fixed_end(lines, i)
        if end > i or fixed > i:
            flush()
            outline.add_table(_grid_rows(lines[i:end]) if end > i else fixed_rows(lines[i:fixed]))
            body_seen = True
            i = max(end, fixed)
            continue
        if not line.strip() or _UNDERLINE.match(line):
            flush()
        elif not para and (heading_like(line) or _numbered_title(line, following)):
            # A numbered heading ("2. PERFORMANCE") sits under the document's title lines.
            heading(2 if body_seen or re.match(r"^\s*(?:\d|§)", line) else 1, line)
        else:
            para.append(line)
        i += 1
    flush()
    if leading:
        title = " – ".join(leading)
    else:
        # Title lines typed as one short paragraph above the body ("Partnership name / Document name").
        first = outline.blocks[0].text.split("\n") if outline.blocks else [source]
        short = len(first) <= 3 and all(len(line) <= 120 for line in first)
        title = " – ".join(first) if short else source.rsplit("/", 1)[-1]
    return LoadedDocument(source=source, fmt="text", title=title[:200], blocks=outline.blocks)
