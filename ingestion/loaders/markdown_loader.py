"""Markdown: the heading hierarchy becomes the section path; tables keep their header on every row."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingestion.loaders.common import NAMED_HEADING, heading_like
from ingestion.loaders.structure import Outline
from ingestion.models import LoadedDocument


def _inline(tok: Token) -> str:
    out: list[str] = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


def load(text: str, source: str) -> LoadedDocument:
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    # A file written as plain text with a .md name marks headings by capitals or "Article 2" alone.
    marked = any(t.type == "heading_open" for t in tokens)
    outline = Outline()
    title = ""
    list_depth = 0
    table: list[list[str]] | None = None
    row: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            content = _inline(tokens[i + 1])
            if not title and tok.tag == "h1":
                title = content
            outline.add_heading(int(tok.tag[1]), content)
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif tok.type == "table_open":
            table = []
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            row.append(_inline(tokens[i + 1]))
        elif tok.type == "tr_close" and table is not None:
            table.append(row)
        elif tok.type == "table_close" and table is not None:
            outline.add_table(table)
            table = None
        elif tok.type == "inline" and table is None:
            first, _, rest = tok.content.partition("\n")
            if not list_depth and heading_like(first) and (not marked or NAMED_HEADING.match(first.strip())):
                depth = outline.headings[-1][0] + 1 if marked and outline.headings else 2 if outline.blocks else 1
                outline.add_heading(min(depth, 6), first)
                if rest.strip():
                    outline.add_text(rest.replace("\n", " "))
            else:
                outline.add_text(_inline(tok), "list_item" if list_depth else "paragraph")
        elif tok.type == "fence" or tok.type == "code_block":
            outline.add_text(tok.content)
        # html_block (comments, raw HTML) is not document text a reader would see; screening reads the raw file.
        i += 1
    if not title:
        lead = outline.blocks[:3]
        title = next((b.text for b in lead if b.kind == "heading"), lead[0].text if lead else source)
    return LoadedDocument(source=source, fmt="markdown", title=title[:200], blocks=outline.blocks)
