"""One loader per format, chosen by the sniffed type (a registry, so a new format is one entry)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingestion.loaders import csv_loader, docx_loader, html_loader, markdown_loader, pdf_loader, text_loader
from ingestion.models import LoadedDocument
from ingestion.sniff import sniff

# Bumped whenever a loader, the chunker or the metadata rules read the same bytes differently: a reload after an
# upgrade then parses every file again instead of keeping the old parse of files whose bytes did not change.
PARSER_VERSION = "2026-11-27.11"

BinaryLoader = Callable[[bytes, str], LoadedDocument]
TextLoader = Callable[[str, str], LoadedDocument]

BINARY_LOADERS: dict[str, BinaryLoader] = {"pdf": pdf_loader.load, "docx": docx_loader.load}
TEXT_LOADERS: dict[str, TextLoader] = {
    "html": html_loader.load,
    "markdown": markdown_loader.load,
    "csv": csv_loader.load,
    "text": text_loader.load,
}


def load_bytes(raw: bytes, source: str) -> LoadedDocument:
    """Sniff and load; raises FileRejected with a specific reason when the file cannot be used."""
    sniffed = sniff(raw, Path(source).suffix)
    if sniffed.fmt in BINARY_LOADERS:
        doc = BINARY_LOADERS[sniffed.fmt](raw, source)
    else:
        doc = TEXT_LOADERS[sniffed.fmt](sniffed.text, source)
    doc.warnings[:0] = list(sniffed.warnings)
    return doc


def load_file(path: Path, root: Path) -> LoadedDocument:
    return load_bytes(path.read_bytes(), path.relative_to(root).as_posix())
