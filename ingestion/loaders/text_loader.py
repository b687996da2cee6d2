"""Plain text: paragraphs split on blank lines; pathological long lines are cut later by the chunker."""

from __future__ import annotations

import re

from ingestion.loaders.structure import Outline
from ingestion.models import LoadedDocument

_PARA = re.compile(r"\n\s*\n")


def load(text: str, source: str) -> LoadedDocument:
    outline = Outline()
    for para in _PARA.split(text):
        outline.add_text(para)
    first = outline.blocks[0].text if outline.blocks else source
    title = first if len(first) <= 120 else source.rsplit("/", 1)[-1]
    return LoadedDocument(source=source, fmt="text", title=title, blocks=outline.blocks)
