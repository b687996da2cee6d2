"""CSV: one block per row, each carrying every header name, so an indicator name finds its row."""

from __future__ import annotations

import csv
import io

from assistant.errors import FileRejected
from ingestion.loaders.structure import Outline
from ingestion.models import LoadedDocument


def load(text: str, source: str) -> LoadedDocument:
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise FileRejected(f"CSV could not be parsed: {exc}") from exc
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise FileRejected("CSV has a header but no data rows")
    outline = Outline()
    header = [h.strip().replace("_", " ") for h in rows[0]]
    outline.add_table([header, *rows[1:]])
    name = source.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " ").replace("_", " ")
    return LoadedDocument(source=source, fmt="csv", title=name, blocks=outline.blocks)
