"""Decide a file's real type from its bytes, not only its extension, and decode text safely."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import charset_normalizer
import filetype

from assistant.errors import FileRejected

TEXT_EXTENSIONS = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".csv": "csv",
                   ".html": "html", ".htm": "html"}


@dataclass(frozen=True)
class Sniffed:
    fmt: str  # pdf, docx, html, markdown, csv, text
    text: str = ""  # decoded text for text formats
    warnings: tuple[str, ...] = ()


def sniff(raw: bytes, suffix: str) -> Sniffed:
    """Return the format to load ``raw`` with, or raise FileRejected with a reason staff can act on."""
    suffix = suffix.lower()
    if not raw:
        raise FileRejected("file is empty (0 bytes)")
    if raw.startswith(b"%PDF"):
        return Sniffed("pdf")
    if raw.startswith(b"PK"):
        if _is_docx(raw):
            return Sniffed("docx")
        raise FileRejected("unsupported file type (a ZIP archive that is not a Word .docx document)")
    kind = filetype.guess(raw)
    if kind is not None and not kind.mime.startswith("text/"):
        named = f" named {suffix}" if suffix else ""
        raise FileRejected(f"unsupported file type ({kind.extension.upper()} {_kind_word(kind.mime)}{named})")
    if suffix == ".pdf":
        raise FileRejected("corrupt PDF: the file does not start with a PDF header")
    if suffix == ".docx":
        raise FileRejected("corrupt Word document: the file is not a valid .docx archive")
    text, warnings = decode_text(raw)
    if not text.strip():
        raise FileRejected("file has no text (only white space)")
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")) or (suffix in (".html", ".htm")):
        return Sniffed("html", text, warnings)
    fmt = TEXT_EXTENSIONS.get(suffix)
    if fmt is None:
        raise FileRejected(f"unsupported file type ('{suffix or 'no extension'}'); supported: PDF, DOCX, HTML, "
                           "Markdown, CSV and plain text")
    return Sniffed(fmt, text, warnings)


def decode_text(raw: bytes) -> tuple[str, tuple[str, ...]]:
    """UTF-8 first; then a detected encoding; else UTF-8 with replacement characters and a warning."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(raw).best()
    if best is not None and best.encoding not in ("utf_8", "utf-8"):
        try:
            return raw.decode(best.encoding), (f"text was not UTF-8; decoded as {best.encoding}",)
        except (UnicodeDecodeError, LookupError):
            pass
    text = raw.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    return text.replace("\ufffd", "?").replace("\x00", ""), (
        f"mixed or invalid text encoding: {bad} unreadable character(s) replaced; check the file's wording",)


def _is_docx(raw: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def _kind_word(mime: str) -> str:
    return "image" if mime.startswith("image/") else "file"
