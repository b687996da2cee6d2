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
    # A spreadsheet export often opens with a title line ("Delivery plan - position at 30 June",,,) above the
    # header: lines filling few of the columns before the first full one are titles, not the header.
    width = max(len(r) for r in rows)
    start = next((i for i, r in enumerate(rows) if sum(1 for c in r if c.strip()) >= max(2, width // 2)), 0)
    titles = [" ".join(c.strip() for c in r if c.strip()) for r in rows[:start]]
    if len(rows) - start < 2:
        raise FileRejected("CSV has a header but no data rows")
    outline = Outline()
    header = [h.strip().replace("_", " ") for h in rows[start]]
    outline.add_table([header, *rows[start + 1:]])
    name = source.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " ").replace("_", " ")
    title = " – ".join(titles)[:200] if titles else name
    return LoadedDocument(source=source, fmt="csv", title=title, blocks=outline.blocks)
