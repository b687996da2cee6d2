"""Plain text: paragraphs split on blank lines, with the headings a typist marks without markup (underlined with
=== or ---, ALL CAPITALS, "§4", "Article 2"); pathological long lines are cut later by the chunker."""

from __future__ import annotations

import re

from ingestion.loaders.common import clean, heading_like
from ingestion.loaders.structure import Outline
from ingestion.models import LoadedDocument

_UNDERLINE = re.compile(r"^\s*([=~^*-])\1{2,}\s*$")


def load(text: str, source: str) -> LoadedDocument:
    outline = Outline()
    lines = text.splitlines()
    para: list[str] = []
    leading: list[str] = []  # headings before any body text: the document's title lines
    body_seen = False

    def flush() -> None:
        nonlocal body_seen
        if para:
            outline.add_text("\n".join(para))
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
        if not line.strip() or _UNDERLINE.match(line):
            flush()
        elif not para and heading_like(line):
            # A numbered heading ("2. PERFORMANCE") sits under the document's title lines.
            heading(2 if body_seen or re.match(r"^\s*(?:\d|§)", line) else 1, line)
        else:
            para.append(line)
        i += 1
    flush()
    if leading:
        title = " – ".join(leading)
    else:
        first = outline.blocks[0].text if outline.blocks else source
        title = first if len(first) <= 120 else source.rsplit("/", 1)[-1]
    return LoadedDocument(source=source, fmt="text", title=title[:200], blocks=outline.blocks)
