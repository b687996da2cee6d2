"""Block Kit rendering: answers, citations, abstentions, reload summaries and document lists (Slack's view).

Everything Slack shows is built here, from the core's result objects, so listeners stay a few lines each. Limits
that matter: a section's text is at most 3,000 characters and a message at most 50 blocks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.library import document_id
from assistant.models import Answer, Citation, DocumentPointer

Block = dict[str, Any]

SECTION_MAX = 3000
MAX_BLOCKS = 50
FEEDBACK_BLOCK_ID = "answer_feedback"
FEEDBACK_UP = "feedback_helpful"
FEEDBACK_DOWN = "feedback_not_helpful"

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.MULTILINE)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_BOLD_MARK = "\x00"

_STATUS_ICON = {"added": ":heavy_plus_sign:", "changed": ":arrows_counterclockwise:", "removed": ":wastebasket:",
                "skipped": ":warning:", "quarantined": ":lock:", "unchanged": ":white_check_mark:"}


def escape(text: str) -> str:
    """Slack's three control characters; everything else is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Markdown (as found in documents) to Slack mrkdwn: bold, italics, links, headings, bullets, strike."""
    text = escape(text)
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1).replace('|', '/')}>", text)
    text = _HEADING.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(1) or m.group(2)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(lambda m: f"_{m.group(1)}_", text)
    text = _STRIKE.sub(lambda m: f"~{m.group(1)}~", text)
    return text.replace(_BOLD_MARK, "*")


def source_url(base_url: str, source: str, page: int | None = None) -> str:
    """The web page's link to a document's original file ('' when no public base URL is configured)."""
    if not base_url:
        return ""
    url = f"{base_url.rstrip('/')}/api/documents/{document_id(source)}/source"
    return f"{url}#page={page}" if page else url


def _link(label: str, url: str) -> str:
    label = escape(label).replace("|", "/")
    return f"<{url}|{label}>" if url else f"*{label}*"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _chunks(text: str, size: int = SECTION_MAX) -> list[str]:
    """Split long text at line or word breaks so each piece fits one section."""
    pieces: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        if cut <= 0:
            cut = text.rfind(" ", 0, size)
        if cut <= 0:
            cut = size
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def _line_sections(lines: Iterable[str], max_blocks: int) -> list[Block]:
    """Lines packed into as few sections as fit; the last says how many lines did not fit."""
    blocks: list[Block] = []
    current: list[str] = []
    lines = list(lines)
    for i, line in enumerate(lines):
        if current and len("\n".join([*current, line])) > SECTION_MAX - 100:
            blocks.append(_section("\n".join(current)))
            current = []
            if len(blocks) == max_blocks - 1:
                current = [f"…and {len(lines) - i} more."]
                break
        current.append(line)
    if current:
        blocks.append(_section("\n".join(current)))
    return blocks


def citation_line(n: int, c: Citation, base_url: str = "") -> str:
    """'[1] <link|Title> · page 7 · section 5.5.1' (the title links to the source when a base URL is set)."""
    parts = [_link(c.title or c.source, source_url(base_url, c.source, c.page))]
    if c.page:
        parts.append(f"page {c.page}")
    if c.section:
        parts.append(f"section {escape(c.section)}")
    if c.row_id:
        parts.append(f"row {escape(c.row_id)}")
    if c.status == "superseded":
        parts.append("_superseded_")
    if not base_url and c.title:
        parts.append(f"`{escape(c.source)}`")
    return f"*[{n}]* " + " · ".join(parts)


def related_line(pointers: Sequence[DocumentPointer], base_url: str) -> str:
    return "Where to look: " + " · ".join(
        _link(p.title or p.source, source_url(base_url, p.source)) + (f" ({escape(p.section)})" if p.section else "")
        for p in pointers)


def feedback_block(answer_id: str) -> Block:
    return {"type": "actions", "block_id": FEEDBACK_BLOCK_ID, "elements": [
        {"type": "button", "action_id": FEEDBACK_UP, "value": answer_id,
         "text": {"type": "plain_text", "text": "👍 Helpful", "emoji": True}},
        {"type": "button", "action_id": FEEDBACK_DOWN, "value": answer_id,
         "text": {"type": "plain_text", "text": "👎 Not helpful", "emoji": True}},
    ]}


def answer_blocks(answer: Answer, *, base_url: str = "", reminder: str = "", feedback: bool = True) -> list[Block]:
    """The answer, then numbered citations; an abstention stays short and says where to look instead."""
    blocks: list[Block] = []
    if reminder:
        blocks.append(_context(f":lock: {escape(reminder)}"))
    blocks.extend(_section(piece) for piece in _chunks(to_mrkdwn(answer.answer))[:MAX_BLOCKS - 8])
    if answer.citations:
        blocks.append(_context("\n".join(citation_line(i, c, base_url)
                                         for i, c in enumerate(answer.citations, 1))[:SECTION_MAX]))
    elif answer.abstained and answer.related and base_url:
        blocks.append(_context(related_line(answer.related, base_url)[:SECTION_MAX]))
    for warning in answer.warnings[:3]:
        blocks.append(_context(f":warning: {escape(warning)}"))
    if feedback and answer.answer_id:
        blocks.append(feedback_block(answer.answer_id))
    return blocks


def fallback_text(text: str, limit: int = 300) -> str:
    """Plain text for notifications and clients without blocks."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def after_feedback(blocks: Sequence[Block], helpful: bool) -> list[Block]:
    """The answer's blocks with the buttons replaced by a thank-you line, so nobody votes twice."""
    kept = [b for b in blocks if b.get("block_id") != FEEDBACK_BLOCK_ID]
    mark = "👍 helpful" if helpful else "👎 not helpful"
    return [*kept, _context(f"Thanks for the feedback ({mark}).")]


def message_blocks(text: str) -> list[Block]:
    return [_section(piece) for piece in _chunks(escape(text))][:MAX_BLOCKS]


def mrkdwn_blocks(text: str) -> list[Block]:
    """Blocks for text that is already mrkdwn (our own help and messages)."""
    return [_section(piece) for piece in _chunks(text)][:MAX_BLOCKS]


def summary_blocks(summary: dict[str, Any]) -> list[Block]:
    """A reload summary file by file: what was added, changed, removed, skipped or quarantined, and why."""
    counts = {k: n for k, n in summary["counts"].items() if n}
    if summary.get("reloaded", True):
        head = (f"*Knowledge base updated* (generation {summary['generation']}, {summary['chunks']} chunks, "
                f"{summary['embedded_chunks']} newly embedded, {summary['seconds']} s)\n")
    else:
        head = "*Nothing was added*: the knowledge base is as it was.\n"
    head += ", ".join(f"{n} {k}" for k, n in counts.items()) or "no files"
    lines = []
    for f in summary["files"]:
        if f["status"] == "unchanged" and not f["warnings"]:
            continue
        line = f"{_STATUS_ICON.get(f['status'], '•')} *{f['status']}* `{escape(f['source'])}`"
        if f["chunks"] and f["status"] in ("added", "changed"):
            line += f" ({f['chunks']} chunks)"
        detail = f["reason"] or "; ".join(f["warnings"])
        if detail:
            line += f": {escape(detail)}"
        lines.append(line)
    if counts.get("unchanged"):
        lines.append(f"{_STATUS_ICON['unchanged']} {counts['unchanged']} files unchanged")
    return [_section(head), *_line_sections(lines, MAX_BLOCKS - 1)]


def documents_blocks(rows: Sequence[Any]) -> list[Block]:
    """The documents in the knowledge base, one line each (rows are the core's DocumentRow)."""
    if not rows:
        return [_section("The knowledge base is empty.")]
    lines = []
    for r in rows:
        facts = [x for x in (r.doc_type, r.date, f"v{r.version}" if r.version else "", r.status,
                             f"{r.chunks} chunks") if x]
        line = f"• *{escape(r.title or r.source)}* `{escape(r.source)}` · " + " · ".join(escape(x) for x in facts)
        if r.reason:
            line += f": {escape(r.reason)}"
        lines.append(line)
    return [_section(f"*{len(rows)} documents in the knowledge base*"), *_line_sections(lines, MAX_BLOCKS - 1)]


def route_blocks(route: dict[str, Any], base_url: str = "", reminder: str = "",
                 raise_value: str | None = None) -> list[Block]:
    """An escalation route (the escalation core's ``RouteDecision.to_dict()``): next level, owner, channel."""
    blocks: list[Block] = [_context(f":lock: {escape(reminder)}")] if reminder else []
    text = (f"*{escape(str(route.get('topic') or 'Topic not recognised'))}*: next is "
            f"*Level {route.get('level')}* ({escape(str(route.get('level_name', '')))}), "
            f"owned by {escape(str(route.get('owner', '')))}")
    if route.get("contact"):
        text += f" ({escape(str(route['contact']))})"
    if route.get("channel"):
        text += f". Post the reference (never case details) in {escape(str(route['channel']))}"
    blocks.append(_section(text + "."))
    if route.get("reasons"):
        blocks.append(_context("\n".join(f"• {escape(str(r))}" for r in route["reasons"])[:SECTION_MAX]))
    citations = [Citation(**c) for c in route.get("citations", [])]
    if citations:
        blocks.append(_context("\n".join(citation_line(i, c, base_url) for i, c in enumerate(citations, 1))))
    if raise_value is not None and route.get("topic_id") and not route.get("outside_protocol"):
        blocks.append({"type": "actions", "block_id": RAISE_BLOCK_ID, "elements": [
            {"type": "button", "action_id": RAISE_ACTION, "value": raise_value[:RAISE_VALUE_MAX], "style": "primary",
             "text": {"type": "plain_text", "text": "Raise this escalation"}}]})
        blocks.append(_context("Raising it gives it a reference and posts the reference, topic and level (never "
                               "case details) in the channel; the owner is told, and it moves up a level by itself "
                               "if nobody acknowledges it in time."))
    return blocks


# -- escalations: raising (modal), notices in channels, acknowledging and resolving ------------------------------
RAISE_BLOCK_ID = "escalation_raise"
RAISE_ACTION = "escalation_open_raise"
RAISE_VALUE_MAX = 1000  # the core's summary limit; Slack allows 2,000 characters in a button value
RAISE_VIEW = "escalation_raise_view"
RESOLVE_VIEW = "escalation_resolve_view"


def _input(block_id: str, label: str, *, initial: str = "", multiline: bool = True, optional: bool = False,
           hint: str = "", max_length: int = 1000) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": "value", "multiline": multiline,
                      "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    block: Block = {"type": "input", "block_id": block_id, "optional": optional, "element": element,
                    "label": {"type": "plain_text", "text": label}}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def raise_modal(summary: str = "") -> Block:
    """The 'Raise an escalation' modal; the core routes what is typed when it is submitted."""
    return {"type": "modal", "callback_id": RAISE_VIEW,
            "title": {"type": "plain_text", "text": "Raise an escalation"},
            "submit": {"type": "plain_text", "text": "Raise"}, "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [
                _context(":lock: No names, dates of birth, NHS or NI numbers, phone numbers or addresses: use "
                         "your agency's case reference."),
                _input("summary", "What is stuck", initial=summary,
                       hint="A short, non-identifying summary, e.g. 'housing association won't agree a management "
                            "transfer for a high-risk DA case'."),
                _input("tried", "What has been tried", optional=True, max_length=4000,
                       hint="e.g. 'the team managers met last week and still disagree'."),
                _input("case_ref", "Your agency's case reference", optional=True, multiline=False, max_length=100),
            ]}


def resolve_modal(reference: str, channel: str = "", ts: str = "") -> Block:
    """The outcome form; the notice's channel and ts ride along so the resolution is said in its thread."""
    metadata = json.dumps({"reference": reference, "channel": channel, "ts": ts})
    return {"type": "modal", "callback_id": RESOLVE_VIEW, "private_metadata": metadata,
            "title": {"type": "plain_text", "text": "Resolve escalation"},
            "submit": {"type": "plain_text", "text": "Resolve"}, "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [_section(f"Resolve *{escape(reference)}*."),
                       _input("outcome", "Outcome", hint="What was decided. No personal details.")]}


def modal_values(view: dict[str, Any]) -> dict[str, str]:
    """{'summary': '...', ...} from a submitted modal's state."""
    values = (view.get("state") or {}).get("values") or {}
    return {block: str((fields.get("value") or {}).get("value") or "") for block, fields in values.items()}


def raised_blocks(view: Any) -> list[Block]:
    """The confirmation the raiser gets (``view`` is the core's EscalationView): reference, owner, channel."""
    text = (f":white_check_mark: Raised *{escape(view.reference)}*: {escape(view.topic)}, {escape(view.level_name)}, "
            f"for {escape(view.owner)}")
    if view.contact.details():
        text += f" ({escape(view.contact.details())})"
    if view.channel:
        text += f". Posted in {escape(view.channel)} (reference, topic and level only)"
    return [_section(text + ".")]


def after_escalation_change(blocks: Sequence[Block], line: str, *, keep_resolve: bool) -> list[Block]:
    """A channel notice after a button: the line added, the buttons that no longer apply taken away."""
    out: list[Block] = []
    for block in blocks:
        if block.get("type") == "actions" and any(str(e.get("action_id", "")).startswith("escalation_")
                                                  for e in block.get("elements", [])):
            kept = [e for e in block["elements"] if keep_resolve and e.get("action_id") == "escalation_resolve"]
            if kept:
                out.append({**block, "elements": kept})
            continue
        out.append(block)
    return [*out, _context(line)]
