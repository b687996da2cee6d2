"""HTML intranet pages: main content only (no navigation, breadcrumbs, scripts, styles, cookie banners, footers)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from assistant.errors import FileRejected
from ingestion.loaders.structure import Outline
from ingestion.models import LoadedDocument

_BOILERPLATE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "template", "iframe", "form", "svg")
_BOILERPLATE_HINT = re.compile(r"cookie|breadcrumb|banner|skip-link|site-nav|menu|consent", re.IGNORECASE)
SUMMARY_LEVEL = 2
_BLOCK_TAGS = {"p", "li", "dt", "dd", "blockquote", "pre", "figcaption", "caption"}
QUESTION_LEVEL = 3
_INLINE_TAGS = {"span", "a", "strong", "em", "b", "i", "abbr", "code", "small", "sup", "sub", "mark", "u", "time",
                "cite", "q", "kbd", "var", "dfn", "label"}
_QUESTION_TERM = re.compile(r"^\s*(?:Q\s?\d+[.:)]?\s+.+|[^.!]{3,160}\?)\s*$", re.DOTALL)


def _is_boilerplate(el: Tag) -> bool:
    if el.attrs is None:
        return False
    classes: list[str] = list(el.get("class") or [])
    attrs = " ".join([*(str(c) for c in classes), str(el.get("id", "")), str(el.get("aria-label", "")),
                      str(el.get("role", ""))])
    return (bool(_BOILERPLATE_HINT.search(attrs)) or el.get("role") in ("navigation", "banner", "contentinfo")
            or (el.name == "aside" and _mostly_links(el)))


LINK_SHARE = 0.5  # a sidebar whose text is mostly links is navigation ("In this section: …"), not content


def _mostly_links(el: Tag) -> bool:
    text = len(el.get_text(" ", strip=True))
    linked = sum(len(a.get_text(" ", strip=True)) for a in el.find_all("a"))
    return text > 0 and linked >= LINK_SHARE * text


def _walk(el: Tag, outline: Outline) -> None:
    line: list[str] = []  # inline pieces side by side ("<span>BCL</span> — <span>Blocked …</span>") are one line

    def flush() -> None:
        text = " ".join(" ".join(line).split())
        if text and el.name not in _BLOCK_TAGS:
            outline.add_text(text)
        line.clear()

    for child in el.children:
        if not isinstance(child, Tag):
            line.append(str(child))
            continue
        name = child.name
        if name in _INLINE_TAGS:
            line.append(child.get_text(" "))
            continue
        flush()
        if re.fullmatch(r"h[1-6]", name):
            outline.add_heading(int(name[1]), child.get_text(" "))
        elif name == "summary":
            # An accordion's <details><summary> is a section heading on pages that use no <h2> for it.
            outline.add_heading(SUMMARY_LEVEL, child.get_text(" "))
        elif name == "table":
            _table(child, outline)
        elif name == "li":
            nested = child.find_all(["ul", "ol"])
            for n in nested:
                n.extract()
            outline.add_text(child.get_text(" "), "list_item")
            for n in nested:
                _walk(n, outline)
        elif name == "dt" and _QUESTION_TERM.match(child.get_text(" ")):
            # A questions-and-answers list ("<dt>Q5. How do I refer?</dt><dd>…"): each question heads its answer.
            outline.add_heading(QUESTION_LEVEL, child.get_text(" "))
        elif name in _BLOCK_TAGS:
            outline.add_text(child.get_text(" "))
        else:
            _walk(child, outline)
    flush()


def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _table(table: Tag, outline: Outline) -> None:
    caption = table.find("caption")
    if caption and caption.find_parent("table") is table:
        outline.add_text(caption.get_text(" "))
    rows = [tr.find_all(["th", "td"], recursive=False) for tr in _own_rows(table)]
    if table.find("table"):
        # A table of tables (a priority per row, its actions in a table inside): each inner table is a table of
        # its own, captioned by the outer row's other cells ("P1 Safe Seasons, Lead group: SSG").
        for cells in rows:
            label = " ".join(" ".join(c.get_text(" ") for c in cells if not c.find("table")).split())
            for inner in (t for c in cells for t in c.find_all("table") if t.find_parent("table") is table):
                outline.caption = label
                _table(inner, outline)
        outline.caption = ""
        return
    texts = [[c.get_text(" ") for c in cells] for cells in rows]
    if texts and all(len(cells) == 2 and cells[0].name == "th" and cells[1].name == "td" for cells in rows):
        texts.insert(0, ["", ""])  # row headers down the side ("Version | 2.1"): no header row across the top
    outline.add_table(texts)


def load(text: str, source: str) -> LoadedDocument:
    soup = BeautifulSoup(text, "lxml")
    meta: dict[str, str] = {}
    for m in soup.find_all("meta"):
        key = str(m.get("name") or m.get("property") or "").lower()
        if key and m.get("content"):
            meta[key] = str(m["content"])
    for tag in soup.find_all(_BOILERPLATE_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if not tag.decomposed and _is_boilerplate(tag):
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.find(role="main") or soup.body or soup
    outline = Outline()
    if isinstance(root, Tag):
        _walk(root, outline)
    if not outline.blocks:
        raise FileRejected("web page has no readable main content")
    top = root.find("h1") if isinstance(root, Tag) else None  # the page's own title, wherever it sits
    first = next((b.text for b in outline.blocks if b.kind == "heading"), "")
    h1 = " ".join(top.get_text(" ").split()) if top else first
    title_tag = soup.find("title")
    title = h1 or (title_tag.get_text(" ").split("|")[0].strip() if title_tag else source)
    return LoadedDocument(source=source, fmt="html", title=title[:200], blocks=outline.blocks, meta=meta)
