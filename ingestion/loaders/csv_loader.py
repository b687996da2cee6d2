"""CSV: one block per row, each carrying every header name, so an indicator name finds its row."""

from __future__ import annotations

import csv
import io
import itertools
import statistics

from assistant.errors import FileRejected
from ingestion.loaders.structure import Outline
from ingestion.models import LoadedDocument

DELIMITERS = ",;\t|"
GROUP_LABEL_CHARS = 30  # a group label over columns ("TARGET", "Latest position") is short


def _rows(text: str) -> list[list[str]]:
    """Comma first; a European export (';' with decimal commas) or a tab/pipe file when those split it better."""
    try:
        candidates = [csv.Sniffer().sniff(text[:8192], delimiters=DELIMITERS).delimiter]
    except csv.Error:  # the sniffer gives up on quoted cells holding the other delimiters; compare them all
        candidates = list(DELIMITERS)
    parses = {d: list(csv.reader(io.StringIO(text), delimiter=d)) for d in {",", *candidates}}

    def fit(rows: list[list[str]]) -> tuple[int, int]:
        """How many rows have the commonest width, when that width is more than one column."""
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        common = statistics.mode(widths) if widths else 0
        return (widths.count(common) if common > 1 else 0, common)

    best = max(candidates, key=lambda d: fit(parses[d]))
    return parses[best] if fit(parses[best]) > fit(parses[","]) else parses[","]


def _grouped(groups: list[str], header: list[str]) -> list[str] | None:
    """A spreadsheet's merged group row ("BASELINE" over "Value", "Period") names the columns below it."""
    if sum(1 for g in groups if g.strip()) < 2 or any(len(g.strip()) > GROUP_LABEL_CHARS for g in groups):
        return None
    starts = [j for j, g in enumerate(groups) if g.strip()]
    spans = {b - a for a, b in itertools.pairwise(starts)}
    # the last group's extent is unknowable from the file; groups side by side are usually the same width
    last_end = starts[-1] + spans.pop() if len(spans) == 1 else len(header)
    named, current = [], ""
    for j, h in enumerate(header):
        label = groups[j].strip() if j < len(groups) else ""
        current = "" if j >= last_end else label or current
        named.append(f"{current} {h.strip()}" if current and label != h.strip() else h)
    return named


def load(text: str, source: str) -> LoadedDocument:
    try:
        rows = _rows(text)
    except csv.Error as exc:
        raise FileRejected(f"CSV could not be parsed: {exc}") from exc
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise FileRejected("CSV has a header but no data rows")
    # A spreadsheet export often opens with a title line ("Delivery plan - position at 30 June",,,) above the
    # header: lines filling few of the columns before the first full one are titles, not the header.
    width = max(len(r) for r in rows)
    start = next((i for i, r in enumerate(rows) if sum(1 for c in r if c.strip()) >= max(2, width // 2)), 0)
    if len(rows) - start < 2:
        raise FileRejected("CSV has a header but no data rows")
    header = rows[start]
    grouped = _grouped(rows[start - 1], header) if start else None
    if grouped is not None:
        header, start = grouped, start - 1
        rows = rows[:start] + rows[start + 1:]
    titles = [" ".join(c.strip() for c in r if c.strip()) for r in rows[:start]]
    outline = Outline()
    outline.add_table([[h.strip().replace("_", " ") for h in header], *rows[start + 1:]])
    name = source.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " ").replace("_", " ")
    title = " – ".join(titles)[:200] if titles else name
    return LoadedDocument(source=source, fmt="csv", title=title, blocks=outline.blocks)
