"""Structure-aware chunking: split on sections and numbered paragraphs first, size second.

Small chunks (one numbered paragraph, one table row, one short list) keep extractive answers short and their
citations precise; the title and heading path are added to what is embedded so a small chunk keeps its context.
"""

from __future__ import annotations

import hashlib

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingestion.models import Block, Chunk, DocumentInfo, LoadedDocument

_CONTEXT_CHARS = 160  # how much title/heading context is prepended to the embedded text


def _splitter(max_chars: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(chunk_size=max_chars, chunk_overlap=0,
                                          separators=["\n", ". ", "; ", ", ", " ", ""], keep_separator="end")


def _context(info: DocumentInfo, block: Block) -> str:
    path = " > ".join(h for h in block.heading_path[1:] if h != info.title) if block.heading_path else ""
    ctx = f"{info.title}" + (f" > {path}" if path else "")
    if block.table and block.table not in ctx:
        ctx += f" > {block.table}"
    return ctx[:_CONTEXT_CHARS]


def chunk_document(doc: LoadedDocument, info: DocumentInfo, file_sha: str, max_chars: int,
                   min_chars: int = 1) -> list[Chunk]:
    """Group blocks that share a section and page into chunks of at most ``max_chars`` characters."""
    splitter = _splitter(max_chars)
    groups: list[list[Block]] = []
    for block in doc.blocks:
        if block.kind == "heading":
            continue
        prev = groups[-1] if groups else None
        same_place = (prev is not None and prev[-1].kind != "table_row" and block.kind != "table_row"
                      and prev[-1].section == block.section and prev[-1].page == block.page)
        if prev is not None and same_place and sum(len(b.text) + 1 for b in prev) + len(block.text) <= max_chars:
            prev.append(block)
        else:
            groups.append([block])
    chunks: list[Chunk] = []
    for group in groups:
        first = group[0]
        text = "\n".join(b.text for b in group)
        pieces = [text] if len(text) <= max_chars else [p.strip() for p in splitter.split_text(text)]
        for piece in pieces:
            # A short table row is still a fact ("Review: January 2027"); short loose text is a page number or stray.
            if len(piece.strip()) < min_chars and not (first.kind == "table_row" and ": " in piece):
                continue
            order = len(chunks)
            cid = hashlib.sha1(f"{file_sha}:{order}".encode()).hexdigest()[:20]
            chunks.append(Chunk(id=cid, source=doc.source, text=piece, embed_text=f"{_context(info, first)}\n{piece}",
                                kind=first.kind, section=first.section, page=first.page, row_id=first.row_id,
                                order=order))
    return chunks
